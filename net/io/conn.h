/* conn.h: one framed, non-blocking stream connection on the main loop.
 *
 * Reads frames (header + payload) and hands each to a callback; writes a queue
 * of shared, refcounted frames (GBytes) with scatter/gather sends whenever the
 * socket is writable. Enqueueing never writes, so a sender fanning one frame
 * out to many connections never blocks on any of them.
 */
#pragma once

#include <gio/gio.h>

#include "net/wire/wire.h"

typedef struct _LcConn LcConn;

typedef struct {
    /* A complete frame arrived. payload holds header->length bytes and is only
     * valid during the call. The callback may close the connection. */
    void (*frame)(LcConn *conn, const LcWireHeader *header, const guint8 *payload,
                  gpointer user_data);
    /* The peer broke the framing (bad header). Reading has stopped; the owner
     * usually enqueues an ERROR and calls conn_close_after_flush(). */
    void (*bad_frame)(LcConn *conn, const GError *error, gpointer user_data);
    /* The connection is closed: error is NULL for a clean close or EOF. Called
     * once. The owner frees the connection later (from an idle callback), never
     * inside a callback of its own. */
    void (*closed)(LcConn *conn, const GError *error, gpointer user_data);
} LcConnHandlers;

/* Wraps a connected socket (takes a reference to connection). Nothing happens
 * until conn_start(). */
LcConn *conn_new(GSocketConnection *connection, const LcConnHandlers *handlers, gpointer user_data);

/* Starts reading on the thread-default main context. */
void conn_start(LcConn *conn);

/* Queues a frame for sending (takes a new reference); never writes now. */
void conn_enqueue(LcConn *conn, GBytes *frame);

/* Bytes queued and not yet written. */
gsize conn_get_queued_bytes(LcConn *conn);

/* The peer's address, "ip:port". */
const char *conn_get_peer(LcConn *conn);

/* Monotonic time (us) of the last byte received. */
gint64 conn_get_last_read(LcConn *conn);

/* The underlying socket (for options such as TCP_INFO). */
GSocket *conn_get_socket(LcConn *conn);

/* Stops reading, sends what is queued (for at most timeout_ms), then closes
 * and reports closed with the given error (may be NULL). */
void conn_close_after_flush(LcConn *conn, const GError *error, guint timeout_ms);

/* Closes at once, dropping anything queued, and reports closed. */
void conn_close(LcConn *conn, const GError *error);

/* Frees a connection (closing it silently if still open). */
void conn_free(LcConn *conn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcConn, conn_free)
