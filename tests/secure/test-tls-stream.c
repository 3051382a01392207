/* test-tls-stream.c: the framed stream (net/io/chan_stream.c) over TLS:
 * a real TCP connection on 127.0.0.1, GIO's TLS client and server with the
 * relay's self-signed identity pinned by fingerprint, then chat-sized and
 * half-megabyte frames both ways through a receiver that starts reading
 * late (the sender's socket full meanwhile), every frame intact and in
 * order, and a close seen by the peer. */
#include "net/io/chan_stream.h"
#include "net/secure/tls_identity.h"
#include "net/wire/wire.h"

#include <glib/gstdio.h>
#include <string.h>

#define SMALL  3000         /* chat-sized frames */
#define BIG    24           /* media frames */
#define BIG_SZ (512 * 1024) /* bytes each */

typedef struct {
    guint small, big;
    gboolean bad, closed;
    GError *close_error;
} Seen;

/* A received frame: chat text "n<k>" in order, media frames of the pattern. */
static void on_frame(LcChanStream *cs, const LcWireHeader *header, const guint8 *payload,
                     gint64 first_us, gint64 last_us, gpointer data)
{
    Seen *seen = data;
    LcWireMsg msg;
    g_autoptr(GError) error = NULL;
    if (!chan_stream_decode(cs, header, &msg, &error)) {
        seen->bad = TRUE;
        return;
    }
    if (msg.type == WIRE_CHAT) {
        g_autofree char *want = g_strdup_printf("n%u", seen->small);
        seen->bad = seen->bad || g_strcmp0(msg.chat.text, want) != 0;
        seen->small++;
    } else if (msg.type == WIRE_VIDEO_FRAME) {
        gsize size = 0;
        const guint8 *bytes = g_bytes_get_data(msg.video_frame.data, &size);
        gboolean ok = size == BIG_SZ && msg.video_frame.seq == seen->big + 1;
        for (gsize i = 0; ok && i < size; i += 4099)
            ok = bytes[i] == (guint8)(i * 7 + msg.video_frame.seq);
        seen->bad = seen->bad || !ok;
        seen->big++;
    } else {
        seen->bad = TRUE;
    }
    wire_msg_clear(&msg);
}

static void on_closed(LcChanStream *cs, const GError *error, gpointer data)
{
    Seen *seen = data;
    seen->closed = TRUE;
    seen->close_error = error ? g_error_copy(error) : NULL;
}

static const LcChanStreamEvents events = {.frame = on_frame, .closed = on_closed};

/* The client pins the identity's fingerprint. */
static gboolean accept_pinned(GTlsConnection *conn, GTlsCertificate *peer,
                              GTlsCertificateFlags errors, gpointer data)
{
    g_autofree char *fingerprint = tls_identity_fingerprint(peer);
    return g_strcmp0(fingerprint, data) == 0;
}

static void on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = g_tls_connection_handshake_finish(G_TLS_CONNECTION(source), result, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    (*(gint *)data)++;
}

/* Runs the loop until *flag or 20 s. */
static gboolean wait_for(gboolean (*cond)(gpointer), gpointer data)
{
    gint64 end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (!cond(data) && g_get_monotonic_time() < end)
        g_main_context_iteration(NULL, TRUE);
    return cond(data);
}

static gboolean two_done(gpointer data)
{
    return *(gint *)data >= 2;
}

static gboolean all_seen(gpointer data)
{
    Seen *seen = data;
    return seen->bad || (seen->small == SMALL && seen->big == BIG);
}

static gboolean closed_seen(gpointer data)
{
    return ((Seen *)data)->closed;
}

/* Queues the frames: chat first, then media. */
static void send_all(LcChanStream *cs)
{
    for (guint i = 0; i < SMALL; i++) {
        g_autofree char *text = g_strdup_printf("n%u", i);
        LcWireMsg chat = {.type = WIRE_CHAT};
        chat.chat.client_id = i + 1;
        chat.chat.text = text;
        g_autoptr(GBytes) frame = wire_msg_encode(&chat, NULL);
        chan_stream_send(cs, frame);
    }
    for (guint64 seq = 1; seq <= BIG; seq++) {
        guint8 *bytes = g_malloc(BIG_SZ);
        for (gsize i = 0; i < BIG_SZ; i++)
            bytes[i] = (guint8)(i * 7 + seq);
        g_autoptr(GBytes) data = g_bytes_new_take(bytes, BIG_SZ);
        LcWireMsg msg = {.type = WIRE_VIDEO_FRAME};
        msg.video_frame.stream_id = 1;
        msg.video_frame.seq = seq;
        msg.video_frame.data = data;
        g_autoptr(GBytes) tail = NULL;
        g_autoptr(GBytes) head = wire_msg_encode_split(&msg, &tail, NULL);
        chan_stream_send_media(cs, head, tail, seq);
    }
}

/* Frames both ways through TLS, the reader late; then a close. */
static void test_tls_stream(void)
{
    g_autoptr(GTlsBackend) backend = g_object_ref(g_tls_backend_get_default());
    if (!g_tls_backend_supports_tls(backend)) {
        g_test_skip("no TLS backend (glib-networking) installed");
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("lanconf-tls-XXXXXX", &error);
    g_assert_no_error(error);
    g_autoptr(LcTlsIdentity) id = tls_identity_load(dir, NULL, NULL, &error);
    g_assert_no_error(error);

    /* A TCP connection on loopback. */
    g_autoptr(GSocketListener) listener = g_socket_listener_new();
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_assert_true(g_socket_listener_add_address(listener, any, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketConnection) c_conn =
        g_socket_client_connect(client, G_SOCKET_CONNECTABLE(bound), NULL, &error);
    g_assert_no_error(error);
    g_autoptr(GSocketConnection) s_conn = g_socket_listener_accept(listener, NULL, NULL, &error);
    g_assert_no_error(error);

    /* TLS on both ends, the client pinning the relay's fingerprint. */
    g_autoptr(GIOStream) s_tls =
        g_tls_server_connection_new(G_IO_STREAM(s_conn), id->certificate, &error);
    g_assert_no_error(error);
    g_autoptr(GIOStream) c_tls = g_tls_client_connection_new(G_IO_STREAM(c_conn), NULL, &error);
    g_assert_no_error(error);
    g_signal_connect(c_tls, "accept-certificate", G_CALLBACK(accept_pinned), id->fingerprint);
    g_tls_connection_set_require_close_notify(G_TLS_CONNECTION(s_tls), FALSE);
    g_tls_connection_set_require_close_notify(G_TLS_CONNECTION(c_tls), FALSE);
    gint done = 0;
    g_tls_connection_handshake_async(G_TLS_CONNECTION(s_tls), G_PRIORITY_DEFAULT, NULL,
                                     on_handshake, &done);
    g_tls_connection_handshake_async(G_TLS_CONNECTION(c_tls), G_PRIORITY_DEFAULT, NULL,
                                     on_handshake, &done);
    g_assert_true(wait_for(two_done, &done));

    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    limits.max_payload = WIRE_VIDEO_FRAME_HEAD + BIG_SZ;
    limits.queue_frames = BIG + 1;
    limits.queue_bytes = G_MAXSIZE;
    Seen at_s = {0}, at_c = {0};
    LcChanStream *s = chan_stream_new_for_tls(
        G_TLS_CONNECTION(s_tls), g_socket_connection_get_socket(s_conn), &limits, &events, &at_s);
    LcChanStream *c = chan_stream_new_for_tls(
        G_TLS_CONNECTION(c_tls), g_socket_connection_get_socket(c_conn), &limits, &events, &at_c);
    /* The client writes 12 MiB before the server reads a byte: the
     * client's socket fills and its writes wait. */
    chan_stream_start(c);
    send_all(c);
    for (guint i = 0; i < 50; i++)
        g_main_context_iteration(NULL, FALSE);
    g_assert_cmpuint(chan_stream_get_queued_bytes(c), >, 0);
    chan_stream_start(s);
    send_all(s);
    g_assert_true(wait_for(all_seen, &at_s));
    g_assert_true(wait_for(all_seen, &at_c));
    g_assert_false(at_s.bad);
    g_assert_false(at_c.bad);
    g_assert_cmpuint(at_s.small, ==, SMALL);
    g_assert_cmpuint(at_s.big, ==, BIG);
    g_assert_cmpuint(at_c.big, ==, BIG);

    /* The client goes: the server sees the connection end. */
    chan_stream_free(c);
    g_assert_true(wait_for(closed_seen, &at_s));
    g_clear_error(&at_s.close_error);
    chan_stream_free(s);
    g_autofree char *cert = g_strdup(id->cert_path), *key = g_strdup(id->key_path);
    g_remove(cert);
    g_remove(key);
    g_rmdir(dir);
}

/* Registers the test. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/secure/tls-stream", test_tls_stream);
    return g_test_run();
}
