/* chan_stream_transport.c: what a framed stream is made over: a socket, a
 * connection, a TLS connection, or the transport of another stream. */
#include "net/io/chan_stream_private.h"

#include "net/wire/addr.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

/* Limits for a stream whose frames are never dropped. */
void chan_stream_limits_init(LcChanStreamLimits *limits)
{
    *limits = (LcChanStreamLimits){
        .queue_frames = 1,
        .queue_bytes = 0,
        .control_max = G_MAXSIZE,
        .max_payload = WIRE_MAX_PAYLOAD,
        .read_budget = CHAN_STREAM_READ_BUDGET,
        .notsent_lowat = 0,
        .stamp_offset = -1,
    };
}

/* Sets the socket options a live connection wants. */
static void chan_stream_setup_socket(GSocket *socket, guint notsent_lowat)
{
    g_socket_set_blocking(socket, FALSE);
    /* A GSocketClient's connect timeout stays on the socket as an I/O timeout;
     * an idle connection must not time out on its own. */
    g_socket_set_timeout(socket, 0);
    g_socket_set_option(socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
#ifdef TCP_NOTSENT_LOWAT
    if (notsent_lowat > 0)
        g_socket_set_option(socket, IPPROTO_TCP, TCP_NOTSENT_LOWAT, (gint)notsent_lowat, NULL);
#endif
}

/* Wraps a connected socket. */
LcChanStream *chan_stream_new(GSocket *socket, const LcChanStreamLimits *limits,
                              const LcChanStreamEvents *events, gpointer user_data)
{
    LcChanStream *stream = g_new0(LcChanStream, 1);
    stream->socket = g_object_ref(socket);
    stream->limits = *limits;
    stream->limits.queue_frames = MAX(stream->limits.queue_frames, 1);
    if (stream->limits.read_budget == 0)
        stream->limits.read_budget = CHAN_STREAM_READ_BUDGET;
    stream->events = *events;
    stream->user_data = user_data;
    stream->stage = g_malloc(CHAN_STREAM_READ_CHUNK);
    stream->last_read = g_get_monotonic_time();
    stream->out = (LcRing)LC_RING_INIT(LcStreamItem);
    chan_stream_setup_socket(socket, limits->notsent_lowat);
    g_autoptr(GSocketAddress) remote = g_socket_get_remote_address(socket, NULL);
    stream->peer = remote ? addr_format(remote) : g_strdup("unknown");
    return stream;
}

/* Wraps the socket of a connection, keeping the connection. */
LcChanStream *chan_stream_new_for_connection(GSocketConnection *connection,
                                             const LcChanStreamLimits *limits,
                                             const LcChanStreamEvents *events, gpointer user_data)
{
    LcChanStream *stream =
        chan_stream_new(g_socket_connection_get_socket(connection), limits, events, user_data);
    stream->connection = G_IO_STREAM(g_object_ref(connection));
    return stream;
}

/* Wraps a TLS connection whose handshake is done, over socket. */
LcChanStream *chan_stream_new_for_tls(GTlsConnection *tls, GSocket *socket,
                                      const LcChanStreamLimits *limits,
                                      const LcChanStreamEvents *events, gpointer user_data)
{
    LcChanStream *stream = chan_stream_new(socket, limits, events, user_data);
    stream->tls = G_IO_STREAM(g_object_ref(tls));
    stream->tls_in = G_POLLABLE_INPUT_STREAM(g_io_stream_get_input_stream(stream->tls));
    stream->tls_out = G_POLLABLE_OUTPUT_STREAM(g_io_stream_get_output_stream(stream->tls));
    return stream;
}

/* Takes over from's transport; from closes without closing it. */
LcChanStream *chan_stream_new_from(LcChanStream *from, const LcChanStreamLimits *limits,
                                   const LcChanStreamEvents *events, gpointer user_data)
{
    LcChanStream *stream = from->tls != NULL
                               ? chan_stream_new_for_tls(G_TLS_CONNECTION(from->tls), from->socket,
                                                         limits, events, user_data)
                               : chan_stream_new(from->socket, limits, events, user_data);
    stream->connection = from->connection ? g_object_ref(from->connection) : NULL;
    from->handed_over = TRUE;
    return stream;
}

/* Wraps a connection, with or without TLS. */
LcChanStream *chan_stream_new_for_io(GIOStream *io, const LcChanStreamLimits *limits,
                                     const LcChanStreamEvents *events, gpointer user_data)
{
    if (!G_IS_TLS_CONNECTION(io))
        return chan_stream_new_for_connection(G_SOCKET_CONNECTION(io), limits, events, user_data);
    g_autoptr(GIOStream) base = NULL;
    g_object_get(io, "base-io-stream", &base, NULL);
    return chan_stream_new_for_tls(G_TLS_CONNECTION(io),
                                   g_socket_connection_get_socket(G_SOCKET_CONNECTION(base)),
                                   limits, events, user_data);
}

/* Whether the stream runs over TLS. */
gboolean chan_stream_is_tls(LcChanStream *stream)
{
    return stream->tls != NULL;
}
