/* fuzz-peer.c: a checked client of the relay for the fuzz harnesses. */
#include "fuzz-peer.h"

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_PEER_READ_CHUNK 16384

/* Reports a broken expectation and aborts. */
void fuzz_peer_fail(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    abort();
}

/* Detaches and drops a source pointer if set. */
static void fuzz_peer_drop_source(GSource **src)
{
    if (*src != NULL) {
        g_source_destroy(*src);
        g_source_unref(*src);
        *src = NULL;
    }
}

/* Closes the socket here and stops watching it. */
static void fuzz_peer_close(FuzzPeer *peer)
{
    fuzz_peer_drop_source(&peer->read_src);
    fuzz_peer_drop_source(&peer->write_src);
    if (!g_socket_is_closed(peer->socket))
        g_socket_close(peer->socket, NULL);
    peer->closed = TRUE;
}

/* Checks one frame from the relay and notes what the harness waits for. */
static void fuzz_peer_handle(FuzzPeer *peer, const LcWireMsg *msg)
{
    if (peer->fatal)
        fuzz_peer_fail("%s: the relay sent %s after a fatal ERROR", peer->name,
                       wire_type_name(msg->type));
    peer->frames++;
    switch (msg->type) {
    case WIRE_WELCOME:
        peer->welcomed = TRUE;
        break;
    case WIRE_CHAT_ACK:
        peer->last_ack = msg->chat_ack.client_id;
        break;
    case WIRE_ERROR:
        if (msg->flags & WIRE_FLAG_FATAL)
            peer->fatal = TRUE;
        else if (msg->error.code == WIRE_ERR_RATE_LIMITED)
            peer->last_refused = msg->error.ref;
        break;
    case WIRE_HELLO:
    case WIRE_CHAT:
    case WIRE_NICK:
    case WIRE_QUIT:
        fuzz_peer_fail("%s: the relay sent %s, a client's frame", peer->name,
                       wire_type_name(msg->type));
    default:
        break;
    }
}

/* Decodes and checks every whole frame received so far. */
static void fuzz_peer_parse(FuzzPeer *peer)
{
    gsize used = 0;
    while (peer->in->len - used >= WIRE_HEADER_SIZE) {
        g_autoptr(GError) error = NULL;
        LcWireHeader header;
        LcWireMsg msg;
        if (!wire_header_parse(peer->in->data + used, &header, &error))
            fuzz_peer_fail("%s: the relay sent a bad header: %s", peer->name, error->message);
        if (peer->in->len - used - WIRE_HEADER_SIZE < header.length)
            break;
        if (!wire_msg_decode(&header, peer->in->data + used + WIRE_HEADER_SIZE, &msg, &error))
            fuzz_peer_fail("%s: the relay sent a bad %s: %s", peer->name,
                           wire_type_name(header.type), error->message);
        fuzz_peer_handle(peer, &msg);
        wire_msg_clear(&msg);
        used += WIRE_HEADER_SIZE + header.length;
    }
    g_byte_array_remove_range(peer->in, 0, (guint)used);
}

/* Reads what the socket has; EOF or a reset means the relay closed. */
static gboolean fuzz_peer_on_readable(GSocket *socket, GIOCondition cond, gpointer data)
{
    FuzzPeer *peer = data;
    guint8 buf[FUZZ_PEER_READ_CHUNK];

    for (;;) {
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_receive(socket, (gchar *)buf, sizeof(buf), NULL, &error);
        if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
        if (n <= 0) {
            /* A frame cut off by the close is not checked: the relay drops a
             * queue at once when it disconnects a client that is not reading. */
            g_source_unref(peer->read_src);
            peer->read_src = NULL;
            peer->closed = TRUE;
            return G_SOURCE_REMOVE;
        }
        g_byte_array_append(peer->in, buf, (guint)n);
        fuzz_peer_parse(peer);
    }
}

/* Sends what is queued; once all is sent, ends as asked. */
static gboolean fuzz_peer_on_writable(GSocket *socket, GIOCondition cond, gpointer data)
{
    FuzzPeer *peer = data;

    while (peer->out_sent < peer->out->len) {
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_send(socket, (const gchar *)peer->out->data + peer->out_sent,
                                 peer->out->len - peer->out_sent, NULL, &error);
        if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
        if (n < 0)
            break; /* the relay closed first: the rest cannot be sent */
        peer->out_sent += (gsize)n;
    }
    g_byte_array_set_size(peer->out, 0);
    peer->out_sent = 0;
    g_source_unref(peer->write_src);
    peer->write_src = NULL;
    if (peer->end == FUZZ_PEER_CLOSE)
        fuzz_peer_close(peer);
    else if (peer->end == FUZZ_PEER_HALF_CLOSE)
        g_socket_shutdown(socket, FALSE, TRUE, NULL);
    return G_SOURCE_REMOVE;
}

/* Connects to the relay on 127.0.0.1:port and starts reading. */
FuzzPeer *fuzz_peer_connect(const char *name, guint16 port)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, port);
    FuzzPeer *peer = g_new0(FuzzPeer, 1);

    peer->name = g_strdup(name);
    peer->socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    /* A blocking connect is fine on loopback: the kernel completes it from the
     * listen backlog before the relay's loop accepts it. */
    if (peer->socket == NULL || !g_socket_connect(peer->socket, address, NULL, &error))
        fuzz_peer_fail("%s: cannot connect to the relay: %s", name, error->message);
    g_socket_set_blocking(peer->socket, FALSE);
    peer->in = g_byte_array_new();
    peer->out = g_byte_array_new();
    peer->read_src = g_socket_create_source(peer->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback(peer->read_src, G_SOURCE_FUNC(fuzz_peer_on_readable), peer, NULL);
    g_source_attach(peer->read_src, g_main_context_get_thread_default());
    return peer;
}

/* Queues bytes to send and says what to do once they are all sent. */
void fuzz_peer_send(FuzzPeer *peer, const guint8 *bytes, gsize size, FuzzPeerEnd end)
{
    if (peer->closed)
        return;
    g_byte_array_append(peer->out, bytes, (guint)size);
    fuzz_peer_end(peer, end);
}

/* Ends the connection as asked once everything queued is sent. */
void fuzz_peer_end(FuzzPeer *peer, FuzzPeerEnd end)
{
    peer->end = end;
    if (peer->closed || peer->write_src != NULL)
        return;
    peer->write_src = g_socket_create_source(peer->socket, G_IO_OUT | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback(peer->write_src, G_SOURCE_FUNC(fuzz_peer_on_writable), peer, NULL);
    g_source_attach(peer->write_src, g_main_context_get_thread_default());
}

/* Encodes a message and queues it, keeping the connection open. */
void fuzz_peer_send_msg(FuzzPeer *peer, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, &error);
    if (frame == NULL)
        fuzz_peer_fail("%s: cannot encode %s: %s", peer->name, wire_type_name(msg->type),
                       error->message);
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    fuzz_peer_send(peer, bytes, size, FUZZ_PEER_KEEP_OPEN);
}

/* Closes the socket (if still open) and frees the peer. */
void fuzz_peer_free(FuzzPeer *peer)
{
    if (peer == NULL)
        return;
    fuzz_peer_close(peer);
    g_object_unref(peer->socket);
    g_byte_array_unref(peer->in);
    g_byte_array_unref(peer->out);
    g_free(peer->name);
    g_free(peer);
}
