/* watch.h: descriptor watches on the thread-default main context, through
 * one epoll(7) set per context.
 *
 * GLib's own socket sources cost every turn of the loop a little for every
 * source attached, ready or not: its prepare, check and poll(2) walk them
 * all. A relay with 800 sockets, or a bench with 40 clients in one thread,
 * spent more time walking idle sources than moving packets (about 200 µs a
 * turn for 800 sockets, against 8 µs for none). Here each context has one
 * GSource that polls one epoll descriptor, and a turn costs what is ready.
 *
 * A watch is reference counted like a GSource: the caller holds the
 * reference it was given, the context holds another while the watch is
 * active. The callback returns G_SOURCE_CONTINUE to keep watching or
 * G_SOURCE_REMOVE to stop (the context's reference goes);
 * watch_drop() stops it and releases the caller's. Both may happen from
 * inside the callback. Drop a socket's watches before closing it: a
 * descriptor closed while watched leaves epoll's entry to the kernel, which
 * keeps it while a copy of the descriptor (dup, fork) lives. */
#pragma once

#include <gio/gio.h>
#include <glib-unix.h>

typedef struct _LcWatch LcWatch;

/* Calls func(socket, condition, data) while cond (with G_IO_ERR, G_IO_HUP
 * and G_IO_NVAL, as GLib's socket sources do) holds on socket. */
LcWatch *watch_add_socket(GSocket *socket, GIOCondition cond, GSocketSourceFunc func,
                          gpointer data);
/* Calls func(fd, condition, data) while cond holds on fd. */
LcWatch *watch_add_fd(int fd, GIOCondition cond, GUnixFDSourceFunc func, gpointer data);

/* What a one-shot watch calls. */
typedef void (*LcWatchOnceFunc)(gpointer data);
/* Arms a one-shot watch in *slot unless one is armed already: func(data)
 * runs once cond holds on socket. *slot holds the watch until then and is
 * NULL again when func runs, so func may arm it anew; watch_drop(slot)
 * cancels it. */
void watch_once_socket(LcWatch **slot, GSocket *socket, GIOCondition cond, LcWatchOnceFunc func,
                       gpointer data);

/* A call made once, soon: at the end of the current turn's descriptor
 * callbacks, or at the start of the next turn when queued from elsewhere.
 * A stream that queues several frames in one turn writes them in one
 * system call, without asking epoll whether the socket is writable (two
 * more system calls: adding the interest and taking it away). Embedded in
 * its owner, zero-initialised, and cancelled before the owner goes. */
typedef struct {
    LcWatchOnceFunc func;
    gpointer data;
    gpointer hub; /* referenced while queued */
    GList link;
} LcWatchSoon;

/* Queues func(data) unless the call is queued already. */
void watch_soon(LcWatchSoon *soon, LcWatchOnceFunc func, gpointer data);
/* Takes a queued call back; nothing when none is queued. */
void watch_soon_cancel(LcWatchSoon *soon);
/* Whether the call is queued. */
gboolean watch_soon_is_queued(const LcWatchSoon *soon);

/* Stops watching; the caller's reference stays. */
void watch_destroy(LcWatch *watch);
/* Releases a reference. */
void watch_unref(LcWatch *watch);
/* Stops *watch, releases the caller's reference and sets it to NULL; a
 * NULL *watch is ignored. */
void watch_drop(LcWatch **watch);

/* Watches every context has now (a test's view of the bookkeeping). */
guint watch_count_active(void);
