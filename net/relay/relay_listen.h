/* relay_listen.h: the relay's TCP accept loop, made to hold under load.
 *
 * GLib's GSocketService retries at once when accept() fails, so a process
 * out of file descriptors spins and logs without end while new clients hang
 * unanswered. This loop instead keeps one descriptor in reserve: when
 * accept() fails for want of descriptors it gives the reserve up, accepts
 * the waiting connection, tells it SERVER_FULL and closes it, takes the
 * reserve back, pauses accepting briefly, and logs once per episode. The
 * listen backlog is the system's (SOMAXCONN).
 */
#pragma once

#include <gio/gio.h>

typedef struct _LcRelayListener LcRelayListener;

/* A new connection (the callee takes its own reference if it keeps it). */
typedef void (*LcRelayAcceptFunc)(GSocketConnection *connection, gpointer user_data);

/* Descriptors the relay needs besides one per connection: standard streams,
 * the history files, the UDP socket, the listener and its reserve, GLib's
 * wake-ups and timers. */
#define RELAY_FD_RESERVE 64

/* Raises the process's soft limit on open files to its hard limit and
 * returns how many connections fit in it: max_clients, or fewer (said once
 * on stderr) when the limit is too low for max_clients + RELAY_FD_RESERVE. */
guint relay_listen_fit_descriptors(guint max_clients);

/* Listens on ip:port (port 0: a free port) on the thread-default context. */
LcRelayListener *relay_listener_new(GInetAddress *ip, guint16 port, LcRelayAcceptFunc func,
                                    gpointer user_data, GError **error);
/* The port listened on. */
guint16 relay_listener_get_port(LcRelayListener *listener);
/* Connections refused because the process was out of descriptors. */
guint64 relay_listener_get_refused(LcRelayListener *listener);
/* Stops accepting (the socket stays bound until freed). */
void relay_listener_stop(LcRelayListener *listener);
/* Stops and closes. NULL is ignored. */
void relay_listener_free(LcRelayListener *listener);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcRelayListener, relay_listener_free)
