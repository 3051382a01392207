/* conn.c: one framed, non-blocking stream connection on the main loop. */
#include "net/io/conn.h"
#include "net/io/source.h"

#include "net/wire/addr.h"
#include "net/io/ring.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#define CONN_READ_CHUNK    65536
#define CONN_READ_BUDGET   (256 * 1024) /* bytes read per wake-up, for fairness */
#define CONN_WRITE_VECTORS 64

struct _LcConn {
    GSocketConnection *connection;
    GSocket *socket;
    LcConnHandlers handlers;
    gpointer user_data;
    char *peer;

    GByteArray *in;    /* bytes received, not yet a whole frame */
    GSource *read_src; /* G_IO_IN watch while reading */
    gint64 last_read;

    LcRing out;       /* GBytes frames to send, oldest first */
    gsize out_offset; /* bytes of the head frame already sent */
    gsize out_bytes;  /* queued bytes not yet sent */
    GSource *write_src;

    GSource *flush_timer;
    GError *close_error; /* reported when a flush-then-close completes */
    gboolean closing;
    gboolean closed;
};

static gboolean conn_on_readable(GSocket *socket, GIOCondition cond, gpointer data);
static gboolean conn_on_writable(GSocket *socket, GIOCondition cond, gpointer data);

/* Wraps a connected socket. */
LcConn *conn_new(GSocketConnection *connection, const LcConnHandlers *handlers, gpointer user_data)
{
    LcConn *conn = g_new0(LcConn, 1);
    conn->connection = g_object_ref(connection);
    conn->socket = g_socket_connection_get_socket(connection);
    conn->handlers = *handlers;
    conn->user_data = user_data;
    conn->in = g_byte_array_sized_new(CONN_READ_CHUNK);
    conn->last_read = g_get_monotonic_time();
    g_socket_set_blocking(conn->socket, FALSE);
    /* A GSocketClient's connect timeout stays on the socket as an I/O timeout;
     * an idle chat connection must not time out on its own. */
    g_socket_set_timeout(conn->socket, 0);
    g_socket_set_option(conn->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

    g_autoptr(GSocketAddress) remote = g_socket_get_remote_address(conn->socket, NULL);
    conn->peer = remote ? addr_format(remote) : g_strdup("unknown");
    return conn;
}

/* Starts reading on the thread-default main context. */
void conn_start(LcConn *conn)
{
    if (conn->read_src != NULL || conn->closing)
        return;
    conn->read_src =
        source_watch_socket(conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, conn_on_readable, conn);
}

/* Closes the socket and reports closed once. */
static void conn_finish(LcConn *conn, const GError *error)
{
    if (conn->closed)
        return;
    conn->closed = TRUE;
    conn->closing = TRUE;
    source_drop(&conn->read_src);
    source_drop(&conn->write_src);
    source_drop(&conn->flush_timer);
    ring_clear(&conn->out, (GDestroyNotify)g_bytes_unref);
    conn->out_bytes = 0;
    g_io_stream_close(G_IO_STREAM(conn->connection), NULL, NULL);
    if (conn->handlers.closed)
        conn->handlers.closed(conn, error, conn->user_data);
}

/* Hands every complete frame in the input buffer to the frame callback. */
static void conn_parse_frames(LcConn *conn)
{
    gsize used = 0;
    while (!conn->closing && conn->in->len - used >= WIRE_HEADER_SIZE) {
        LcWireHeader header;
        g_autoptr(GError) error = NULL;
        if (!wire_header_parse(conn->in->data + used, &header, &error)) {
            source_drop(&conn->read_src);
            if (conn->handlers.bad_frame)
                conn->handlers.bad_frame(conn, error, conn->user_data);
            else
                conn_close(conn, error);
            return;
        }
        if (conn->in->len - used - WIRE_HEADER_SIZE < header.length)
            break;
        const guint8 *payload = conn->in->data + used + WIRE_HEADER_SIZE;
        used += WIRE_HEADER_SIZE + header.length;
        conn->handlers.frame(conn, &header, payload, conn->user_data);
    }
    if (used > 0 && !conn->closed)
        g_byte_array_remove_range(conn->in, 0, (guint)used);
}

/* Reads what the socket has (up to a budget) and parses frames. */
static gboolean conn_on_readable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcConn *conn = data;
    gsize budget = CONN_READ_BUDGET;

    while (budget > 0 && !conn->closing) {
        guint old = conn->in->len;
        g_byte_array_set_size(conn->in, old + CONN_READ_CHUNK);
        g_autoptr(GError) error = NULL;
        gssize n =
            g_socket_receive(socket, (char *)conn->in->data + old, CONN_READ_CHUNK, NULL, &error);
        g_byte_array_set_size(conn->in, n > 0 ? old + (guint)n : old);
        if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
        if (n <= 0) {
            conn_finish(conn, error); /* n == 0: EOF, a clean close */
            return G_SOURCE_REMOVE;
        }
        conn->last_read = g_get_monotonic_time();
        budget -= MIN(budget, (gsize)n);
        conn_parse_frames(conn);
        if (conn->closed)
            return G_SOURCE_REMOVE;
    }
    return conn->read_src != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Ensures a write watch exists while data is queued. */
static void conn_want_write(LcConn *conn)
{
    if (conn->write_src != NULL || conn->closed)
        return;
    conn->write_src =
        source_watch_socket(conn->socket, G_IO_OUT | G_IO_ERR | G_IO_HUP, conn_on_writable, conn);
}

/* Queues a frame for sending; the write happens when the socket is writable. */
void conn_enqueue(LcConn *conn, GBytes *frame)
{
    if (conn->closed)
        return;
    ring_push_tail(&conn->out, g_bytes_ref(frame));
    conn->out_bytes += g_bytes_get_size(frame);
    conn_want_write(conn);
}

/* Drops n sent bytes from the head of the output queue. */
static void conn_consume(LcConn *conn, gsize n)
{
    conn->out_bytes -= n;
    while (n > 0) {
        GBytes *head = ring_peek(&conn->out, 0);
        gsize left = g_bytes_get_size(head) - conn->out_offset;
        if (n < left) {
            conn->out_offset += n;
            return;
        }
        n -= left;
        conn->out_offset = 0;
        g_bytes_unref(ring_pop_head(&conn->out));
    }
}

/* Sends as much of the queue as the socket takes, in one gathered write. */
static gboolean conn_on_writable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcConn *conn = data;
    GOutputVector vec[CONN_WRITE_VECTORS];
    guint n = 0;
    gsize offset = conn->out_offset;

    for (guint i = 0; i < conn->out.length && n < CONN_WRITE_VECTORS; i++) {
        gsize size = 0;
        const guint8 *bytes = g_bytes_get_data(ring_peek(&conn->out, i), &size);
        vec[n].buffer = bytes + offset;
        vec[n].size = size - offset;
        offset = 0;
        n++;
    }
    if (n > 0) {
        g_autoptr(GError) error = NULL;
        gssize sent = g_socket_send_message(socket, NULL, vec, (gint)n, NULL, 0, 0, NULL, &error);
        if (sent < 0 && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
            g_source_unref(conn->write_src);
            conn->write_src = NULL;
            conn_finish(conn, error);
            return G_SOURCE_REMOVE;
        }
        if (sent > 0)
            conn_consume(conn, (gsize)sent);
    }
    if (conn->out.length > 0)
        return G_SOURCE_CONTINUE;
    g_source_unref(conn->write_src);
    conn->write_src = NULL;
    if (conn->closing)
        conn_finish(conn, conn->close_error);
    return G_SOURCE_REMOVE;
}

/* Bytes queued and not yet written. */
gsize conn_get_queued_bytes(LcConn *conn)
{
    return conn->out_bytes;
}

/* The peer's address, "ip:port". */
const char *conn_get_peer(LcConn *conn)
{
    return conn->peer;
}

/* Monotonic time of the last byte received. */
gint64 conn_get_last_read(LcConn *conn)
{
    return conn->last_read;
}

/* The underlying socket. */
GSocket *conn_get_socket(LcConn *conn)
{
    return conn->socket;
}

/* Gives up on flushing and closes. */
static gboolean conn_on_flush_timeout(gpointer data)
{
    LcConn *conn = data;
    g_source_unref(conn->flush_timer);
    conn->flush_timer = NULL;
    conn_finish(conn, conn->close_error);
    return G_SOURCE_REMOVE;
}

/* Stops reading, sends what is queued (bounded in time), then closes. */
void conn_close_after_flush(LcConn *conn, const GError *error, guint timeout_ms)
{
    if (conn->closing)
        return;
    conn->closing = TRUE;
    conn->close_error = error ? g_error_copy(error) : NULL;
    source_drop(&conn->read_src);
    if (conn->out.length == 0) {
        conn_finish(conn, conn->close_error);
        return;
    }
    conn->flush_timer = source_add_timeout(timeout_ms, conn_on_flush_timeout, conn);
}

/* Closes at once. */
void conn_close(LcConn *conn, const GError *error)
{
    conn_finish(conn, error);
}

/* Frees a connection. */
void conn_free(LcConn *conn)
{
    if (conn == NULL)
        return;
    conn->handlers.closed = NULL;
    conn_finish(conn, NULL);
    g_clear_error(&conn->close_error);
    g_byte_array_unref(conn->in);
    g_object_unref(conn->connection);
    g_free(conn->peer);
    g_free(conn);
}
