/* test-relay-tls.c: the relay's TLS and sealed datagrams, from outside:
 * handshakes by tools lanconf did not write (gnutls-cli, openssl
 * s_client), plaintext refused with a reason, a changed key refused,
 * connections that never finish a handshake cut off without disturbing
 * others, and forged, replayed and plain datagrams dropped and counted. */
#include "net/client/chan.h"
#include "net/io/dgram_crypt.h"
#include "net/secure/known_relays.h"
#include "net/secure/tls_identity.h"
#include "src/lab/relay_thread.h"
#include "tests/video/video-harness.h"

#include <string.h>
#include <sys/socket.h>

/* A TLS-only relay (the harness serves plaintext too, for raw clients). */
static void tweak_tls_only(LcRelayConfig *config)
{
    config->insecure = FALSE;
}

/* Runs a shell command; its standard output (and error) and exit status. */
static int run_shell(const char *cmd, char **out)
{
    g_autoptr(GError) error = NULL;
    int status = 0;
    const char *argv[] = {"sh", "-c", cmd, NULL};
    g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                 NULL, out, NULL, &status, &error);
    g_assert_no_error(error);
    return status;
}

/* The relay's fingerprint, read on its thread at start. */
static const char *relay_fingerprint(RelayFixture *fx)
{
    return relay_thread_get_fingerprint((LcRelayThread *)fx->relay);
}

/* gnutls-cli completes a handshake on the relay's port, and openssl's
 * s_client sees the certificate whose SHA-256 fingerprint the relay says. */
static void test_foreign_handshake(RelayFixture *fx, gconstpointer tweak)
{
    g_autofree char *gnutls_cli = g_find_program_in_path("gnutls-cli");
    g_autofree char *openssl_bin = g_find_program_in_path("openssl");
    if (gnutls_cli == NULL || openssl_bin == NULL) {
        g_test_skip("gnutls-cli or openssl missing (scripts/install-deps.sh installs both)");
        return;
    }
    g_autofree char *gnutls = NULL;
    g_autofree char *cmd =
        g_strdup_printf("gnutls-cli --insecure --port %u 127.0.0.1 < /dev/null 2>&1", fx->port);
    run_shell(cmd, &gnutls);
    g_test_message("gnutls-cli: %s", gnutls);
    g_assert_nonnull(strstr(gnutls, "Handshake was completed"));
    g_assert_nonnull(strstr(gnutls, "TLS1.3"));

    g_autofree char *openssl = NULL;
    g_autofree char *cmd2 =
        g_strdup_printf("openssl s_client -connect 127.0.0.1:%u < /dev/null 2>/dev/null | "
                        "openssl x509 -noout -fingerprint -sha256",
                        fx->port);
    g_assert_cmpint(run_shell(cmd2, &openssl), ==, 0);
    /* "sha256 Fingerprint=AB:CD:..." (older: "SHA256 Fingerprint="). */
    const char *eq = strchr(openssl, '=');
    g_assert_nonnull(eq);
    g_autofree char *seen = g_strstrip(g_strdup(eq + 1));
    g_assert_cmpstr(seen, ==, relay_fingerprint(fx) + strlen("SHA256:"));
}

/* A plaintext client of a TLS-only relay is told why, in clear. */
static void test_plaintext_refused(RelayFixture *fx, gconstpointer tweak)
{
    LcWireMsg answer;
    GSocket *s = test_raw_hello(fx->port, NULL, "plain", "plain-1", &answer);
    g_assert_cmpuint(answer.type, ==, WIRE_ERROR);
    g_assert_cmpuint(answer.error.code, ==, WIRE_ERR_PROTOCOL);
    g_assert_nonnull(strstr(answer.error.reason, "TLS only"));
    wire_msg_clear(&answer);
    g_assert_true(test_raw_wait_closed(s, 3000, NULL));
    g_object_unref(s);
}

/* A session's state changes, for the tests below. */
typedef struct {
    LcSessionState state;
    GError *error;
    guint joins;
} Watch;

static void watch_on_state(LcSession *s, LcSessionState state, const GError *error, gpointer data)
{
    Watch *w = data;
    w->state = state;
    if (state == SESSION_JOINED)
        w->joins++;
    if (error != NULL) {
        g_clear_error(&w->error);
        w->error = g_error_copy(error);
    }
}

static gboolean watch_closed(gpointer data)
{
    return ((Watch *)data)->state == SESSION_CLOSED;
}

static gboolean watch_joined(gpointer data)
{
    return ((Watch *)data)->joins > 0;
}

/* A session on 127.0.0.1:port that reconnects. */
static LcSession *watch_session(guint16 port, const char *nick, Watch *w)
{
    LcSessionConfig config = {.host = "127.0.0.1", .port = port, .nick = nick, .reconnect = TRUE};
    LcSessionEvents events = {.state = watch_on_state};
    LcSession *s = session_new(&config, &events, w);
    session_start(s);
    return s;
}

static guint16 changed_port;

/* A relay on the port of the first, with a key of its own. */
static void tweak_other_key(LcRelayConfig *config)
{
    config->port = changed_port;
    config->insecure = FALSE;
    g_autofree char *dir = g_build_filename(g_get_user_config_dir(), "other-relay", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(LcTlsIdentity) id = tls_identity_load(dir, NULL, NULL, &error);
    g_assert_no_error(error);
    config->tls_cert = g_strdup(id->cert_path);
    config->tls_key = g_strdup(id->key_path);
}

/* A relay met once is pinned; when its key changes, a session that knew it
 * stops trying (no reconnect loop) and a new one is refused at once, both
 * saying what changed and how to accept it. */
static void test_changed_key(void)
{
    TestRelay *relay = test_relay_start(tweak_tls_only);
    changed_port = test_relay_port(relay);
    Watch w = {0};
    LcSession *s = watch_session(changed_port, "pinned", &w);
    g_assert_true(test_wait_until(watch_joined, &w, 5000));
    gboolean first_use = FALSE;
    g_autofree char *fingerprint = g_strdup(session_get_fingerprint(s, &first_use));
    g_assert_true(first_use);
    g_autofree char *path = known_relays_default_path();
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", changed_port);
    g_assert_cmpint(known_relays_check(path, server, fingerprint, NULL, NULL), ==,
                    KNOWN_RELAY_MATCH);

    test_relay_stop(relay);
    relay = test_relay_start(tweak_other_key);
    g_assert_true(test_wait_until(watch_closed, &w, 10000));
    g_assert_true(g_error_matches(w.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE));
    g_test_message("%s", w.error->message);
    g_assert_nonnull(strstr(w.error->message, "REFUSED"));
    g_assert_nonnull(strstr(w.error->message, fingerprint));
    g_assert_nonnull(strstr(w.error->message, path));
    g_assert_cmpuint(w.joins, ==, 1);
    session_free(s);

    Watch fresh = {0};
    LcSession *again = watch_session(changed_port, "again", &fresh);
    g_assert_true(test_wait_until(watch_closed, &fresh, 5000));
    g_assert_true(g_error_matches(fresh.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE));
    g_assert_cmpuint(fresh.joins, ==, 0);
    session_free(again);
    g_clear_error(&w.error);
    g_clear_error(&fresh.error);
    test_relay_stop(relay);
}

/* A TCP connection from local address from_ip. */
static GSocket *connect_from(const char *from_ip, guint16 port)
{
    g_autoptr(GError) error = NULL;
    GSocket *s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) local = g_inet_address_new_from_string(from_ip);
    g_autoptr(GSocketAddress) bind_addr = g_inet_socket_address_new(local, 0);
    g_socket_bind(s, bind_addr, FALSE, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, port);
    g_socket_connect(s, addr, NULL, &error);
    g_assert_no_error(error);
    g_socket_set_timeout(s, 1);
    return s;
}

/* Whether the relay has closed s (EOF or reset) within timeout_ms. */
static gboolean closed_within(GSocket *s, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (g_get_monotonic_time() < deadline) {
        guint8 buf[256];
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_receive(s, (char *)buf, sizeof(buf), NULL, &error);
        if (n == 0 || (n < 0 && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)))
            return TRUE;
    }
    return FALSE;
}

/* Short deadlines and a small per-address cap for the abuse test. */
static void tweak_abuse(LcRelayConfig *config)
{
    config->insecure = FALSE;
    config->hello_timeout_s = 1;
    config->max_clients_per_ip = 4;
}

/* From one address: connections that say nothing, and ones that stop in
 * the middle of a ClientHello, up to the cap and past it. Past the cap they
 * are closed at once; the others when the deadline passes; meanwhile a
 * member from another address joins as if nothing happened. */
static void test_handshake_abuse(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *attack[6];
    static const guint8 partial[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}; /* a record begun */
    for (guint i = 0; i < G_N_ELEMENTS(attack); i++) {
        attack[i] = connect_from("127.0.0.2", fx->port);
        if (i % 2 == 1)
            g_assert_cmpint(
                g_socket_send(attack[i], (const char *)partial, sizeof(partial), NULL, NULL), ==,
                sizeof(partial));
    }
    /* Past the cap of 4 handshakes waiting from one address: cut at once. */
    g_assert_true(closed_within(attack[4], 500));
    g_assert_true(closed_within(attack[5], 500));
    Watch w = {0};
    gint64 start = g_get_monotonic_time();
    LcSession *s = watch_session(fx->port, "honest", &w);
    g_assert_true(test_wait_until(watch_joined, &w, 3000));
    g_test_message("an honest member joined in %.0f ms during the abuse",
                   (g_get_monotonic_time() - start) / 1e3);
    /* The deadline (1 s) ends the silent and the stalled ones. */
    for (guint i = 0; i < 4; i++)
        g_assert_true(closed_within(attack[i], 3000));
    LcRelayCounters counters;
    test_relay_counters(fx->relay, &counters);
    g_assert_cmpuint(counters.tls_refused, >=, 6);
    g_assert_cmpuint(counters.timeouts, >=, 4);
    for (guint i = 0; i < G_N_ELEMENTS(attack); i++)
        g_object_unref(attack[i]);
    session_free(s);
    g_clear_error(&w.error);
}

/* Every certificate passes: the test checks nothing of it. */
static gboolean accept_any(GTlsConnection *c, GTlsCertificate *peer, GTlsCertificateFlags errors,
                           gpointer data)
{
    return TRUE;
}

/* A blocking TLS client speaking frames by hand. */
static GIOStream *tls_raw_connect(guint16 port)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, &error);
    g_assert_no_error(error);
    g_socket_set_timeout(g_socket_connection_get_socket(conn), 5);
    GIOStream *tls = g_tls_client_connection_new(G_IO_STREAM(conn), NULL, &error);
    g_assert_no_error(error);
    g_signal_connect(tls, "accept-certificate", G_CALLBACK(accept_any), NULL);
    g_tls_connection_handshake(G_TLS_CONNECTION(tls), NULL, &error);
    g_assert_no_error(error);
    return tls;
}

static void tls_raw_send(GIOStream *tls, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, &error);
    g_assert_no_error(error);
    gsize len = 0;
    const void *data = g_bytes_get_data(frame, &len);
    g_output_stream_write_all(g_io_stream_get_output_stream(tls), data, len, NULL, NULL, &error);
    g_assert_no_error(error);
}

/* Reads frames until one of type comes (asserted). */
static void tls_raw_read_type(GIOStream *tls, guint8 type, LcWireMsg *msg)
{
    GInputStream *in = g_io_stream_get_input_stream(tls);
    for (;;) {
        g_autoptr(GError) error = NULL;
        guint8 head[WIRE_HEADER_SIZE];
        LcWireHeader header;
        g_input_stream_read_all(in, head, sizeof(head), NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_true(wire_header_parse(head, &header, &error));
        g_autofree guint8 *payload = g_malloc(header.length + 1);
        g_input_stream_read_all(in, payload, header.length, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_true(wire_msg_decode(&header, payload, msg, &error));
        if (msg->type == type)
            return;
        wire_msg_clear(msg);
    }
}

/* Sends bytes to the relay's UDP port. */
static void udp_send(GSocket *udp, guint16 port, const guint8 *buf, gsize len)
{
    video_udp_send_raw(udp, port, buf, len);
}

/* Receives one datagram's bytes within timeout_ms; 0 on timeout. */
static gsize udp_recv(GSocket *udp, guint8 *buf, gsize size, guint timeout_ms)
{
    g_socket_set_timeout(udp, 0);
    if (!g_socket_condition_timed_wait(udp, G_IO_IN, (gint64)timeout_ms * 1000, NULL, NULL))
        return 0;
    gssize n = g_socket_receive(udp, (char *)buf, size, NULL, NULL);
    return n > 0 ? (gsize)n : 0;
}

/* The relay's count of datagrams dropped for their seal. */
static guint64 relay_bad_seal(RelayFixture *fx)
{
    LcRelayVideoStats stats;
    test_relay_video_stats(fx->relay, &stats);
    guint64 n = stats.bad_seal;
    relay_video_stats_clear(&stats);
    return n;
}

/* Waits until the relay has counted want bad seals (datagrams take a turn). */
static void wait_bad_seal(RelayFixture *fx, guint64 want)
{
    for (int i = 0; i < 200 && relay_bad_seal(fx) < want; i++)
        g_usleep(10000);
    g_assert_cmpuint(relay_bad_seal(fx), ==, want);
}

/* A sealed HELLO of the stream, as the sender's channel sends it. */
static gsize sealed_hello(LcDgramKey *key, const LcWireMsg *ready, guint8 *out)
{
    LcDgram d = {.type = DGRAM_HELLO,
                 .stream_id = ready->stream_ready.stream_id,
                 .token = ready->stream_ready.token};
    d.hello.role = WIRE_VIDEO_ROLE_SENDER;
    d.hello.t1 = 1;
    guint8 plain[DGRAM_FRAG_HEADER_SIZE];
    GOutputVector vec = {plain, chan_dgram_write(&d, plain)};
    return dgram_crypt_seal(key, &vec, 1, out);
}

/* Over TLS a stream gets a UDP key: datagrams sealed with it pass and are
 * answered sealed; a replayed one, a forged one (the token right, the tag
 * wrong), one sealed with another key and a plain one (a downgrade) are
 * each dropped and counted, and the stream goes on. */
static void test_sealed_datagrams(RelayFixture *fx, gconstpointer tweak)
{
    g_autoptr(GIOStream) tls = tls_raw_connect(fx->port);
    LcWireMsg hello = {.type = WIRE_HELLO};
    hello.hello.nick = "cam";
    hello.hello.instance = "sealed-cam";
    tls_raw_send(tls, &hello);
    LcWireMsg msg;
    tls_raw_read_type(tls, WIRE_WELCOME, &msg);
    wire_msg_clear(&msg);
    LcWireMsg open = {.type = WIRE_STREAM_OPEN};
    open.stream_open.channels = WIRE_CHANNEL_UDP;
    tls_raw_send(tls, &open);
    LcWireMsg ready;
    tls_raw_read_type(tls, WIRE_STREAM_READY, &ready);
    g_assert_nonnull(ready.stream_ready.key);
    g_assert_cmpuint(g_bytes_get_size(ready.stream_ready.key), ==, WIRE_UDP_KEY_SIZE);
    LcDgramKey key = {0}, other = {0};
    g_autoptr(GError) error = NULL;
    g_assert_true(dgram_crypt_key_init(&key, g_bytes_get_data(ready.stream_ready.key, NULL), FALSE,
                                       ready.stream_ready.token, &error));
    g_autoptr(GBytes) wrong = dgram_crypt_new_key();
    g_assert_true(dgram_crypt_key_init(&other, g_bytes_get_data(wrong, NULL), FALSE,
                                       ready.stream_ready.token, &error));

    g_autoptr(GSocket) udp = video_udp_socket();
    guint8 sealed[DGRAM_CRYPT_MAX_SIZE], reply[DGRAM_CRYPT_MAX_SIZE], plain[DGRAM_CRYPT_MAX_SIZE];
    gsize len = sealed_hello(&key, &ready, sealed);
    /* The token opens the stream's TCP channel: it travels over TLS only;
     * a sealed datagram carries the key's id in its place. */
    guint64 token_be = GUINT64_TO_BE(ready.stream_ready.token);
    g_assert_null(memmem(sealed, len, &token_be, sizeof(token_be)));
    udp_send(udp, fx->port, sealed, len);
    gsize got = udp_recv(udp, reply, sizeof(reply), 3000);
    g_assert_cmpuint(got, ==, DGRAM_HELLO_ACK_SIZE + DGRAM_SEAL_OVERHEAD);
    g_assert_cmpuint(reply[2], ==, DGRAM_VERSION_SEALED);
    gsize plain_len = 0;
    g_assert_cmpint(dgram_crypt_open(&key, reply, got, plain, sizeof(plain), &plain_len), ==,
                    DGRAM_SEAL_OK);
    LcDgram answer;
    g_assert_true(chan_dgram_parse(plain, plain_len, 0, &answer, NULL));
    g_assert_cmpuint(answer.type, ==, DGRAM_HELLO_ACK);
    g_assert_cmpuint(relay_bad_seal(fx), ==, 0);

    udp_send(udp, fx->port, sealed, len); /* replayed */
    wait_bad_seal(fx, 1);
    len = sealed_hello(&key, &ready, sealed);
    sealed[len - 1] ^= 0x01; /* the tag forged */
    udp_send(udp, fx->port, sealed, len);
    wait_bad_seal(fx, 2);
    /* Longer than any datagram, with a genuine header: refused before a
     * byte of it is decrypted. */
    guint8 big[4000];
    memset(big, 0xA5, sizeof(big));
    memcpy(big, sealed, DGRAM_HEADER_SIZE);
    udp_send(udp, fx->port, big, sizeof(big));
    wait_bad_seal(fx, 3);
    /* Another key has another id: it names no stream. */
    LcRelayVideoStats before;
    test_relay_video_stats(fx->relay, &before);
    len = sealed_hello(&other, &ready, sealed);
    udp_send(udp, fx->port, sealed, len);
    LcRelayVideoStats after = {0};
    for (int i = 0; i < 200 && after.unknown_token <= before.unknown_token; i++) {
        relay_video_stats_clear(&after);
        g_usleep(10000);
        test_relay_video_stats(fx->relay, &after);
    }
    g_assert_cmpuint(after.unknown_token, ==, before.unknown_token + 1);
    relay_video_stats_clear(&before);
    relay_video_stats_clear(&after);
    LcDgram d = {.type = DGRAM_HELLO,
                 .stream_id = ready.stream_ready.stream_id,
                 .token = ready.stream_ready.token};
    d.hello.role = WIRE_VIDEO_ROLE_SENDER;
    guint8 clear[DGRAM_FRAG_HEADER_SIZE];
    udp_send(udp, fx->port, clear, chan_dgram_write(&d, clear)); /* plain: a downgrade */
    wait_bad_seal(fx, 4);

    /* A whole frame sealed: taken in, acknowledged sealed. */
    g_autoptr(GBytes) frame = g_bytes_new_static("a sealed frame", 14);
    LcDgram f = {.type = DGRAM_FRAG,
                 .stream_id = ready.stream_ready.stream_id,
                 .token = ready.stream_ready.token};
    f.frag.meta.seq = 1;
    guint8 head[DGRAM_FRAG_HEADER_SIZE];
    GOutputVector vec[2];
    guint nv = chan_dgram_fragment(&f, frame, 0, head, vec);
    len = dgram_crypt_seal(&key, vec, nv, sealed);
    udp_send(udp, fx->port, sealed, len);
    got = udp_recv(udp, reply, sizeof(reply), 3000);
    g_assert_cmpint(dgram_crypt_open(&key, reply, got, plain, sizeof(plain), &plain_len), ==,
                    DGRAM_SEAL_OK);
    g_assert_true(chan_dgram_parse(plain, plain_len, 0, &answer, NULL));
    g_assert_cmpuint(answer.type, ==, DGRAM_ACK);
    g_assert_cmpuint(answer.ack.seq, ==, 1);
    g_assert_cmpuint(relay_bad_seal(fx), ==, 4);
    dgram_crypt_key_clear(&key);
    dgram_crypt_key_clear(&other);
    wire_msg_clear(&ready);
}

/* A viewer's UDP channel with a key, before a stand-in relay (a socket
 * the test holds): what it sends is sealed, it takes what is sealed with
 * its key, and counts and drops a replay, a forged tag and a plain
 * datagram, its frames going on. */
typedef struct {
    gboolean ready;
    guint frames;
} ViewerSeen;

static void viewer_on_ready(LcChan *chan, gpointer data)
{
    ((ViewerSeen *)data)->ready = TRUE;
}

static void viewer_on_frame(LcChan *chan, LcFrame *frame, gint64 first_us, gint64 last_us,
                            gpointer data)
{
    ((ViewerSeen *)data)->frames++;
}

static gboolean viewer_has_frames(gpointer data)
{
    return ((ViewerSeen *)data)->frames > 0;
}

static guint64 viewer_bad_seal(LcChan *chan)
{
    LcChanStats stats;
    chan_get_stats(chan, &stats);
    return stats.bad_seal;
}

static gboolean viewer_counted(gpointer data)
{
    gpointer *args = data;
    return viewer_bad_seal(args[0]) >= GPOINTER_TO_UINT(args[1]);
}

/* Sends a datagram from the stand-in relay to the viewer, sealed or not. */
static void relay_send(GSocket *relay, GSocketAddress *to, LcDgramKey *key, LcDgram *d,
                       GBytes *frame, guint8 *sealed, gsize *len)
{
    guint8 head[DGRAM_FRAG_HEADER_SIZE];
    GOutputVector vec[2];
    guint nv = 1;
    if (d->type == DGRAM_FRAG) {
        nv = chan_dgram_fragment(d, frame, 0, head, vec);
    } else {
        vec[0] = (GOutputVector){head, chan_dgram_write(d, head)};
    }
    if (key != NULL) {
        *len = dgram_crypt_seal(key, vec, nv, sealed);
    } else {
        *len = 0;
        for (guint i = 0; i < nv; i++) {
            memcpy(sealed + *len, vec[i].buffer, vec[i].size);
            *len += vec[i].size;
        }
    }
    g_socket_send_to(relay, to, (const char *)sealed, *len, NULL, NULL);
}

static void test_viewer_seal(void)
{
    g_autoptr(GSocket) relay = video_udp_socket();
    g_autoptr(GSocketAddress) local = g_socket_get_local_address(relay, NULL);
    g_autoptr(GBytes) key_bytes = dgram_crypt_new_key();
    LcDgramKey key = {0};
    g_assert_true(dgram_crypt_key_init(&key, g_bytes_get_data(key_bytes, NULL), TRUE, 1234, NULL));
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    LcChanConfig cfg = {.role = LC_CHAN_ROLE_VIEWER,
                        .relay_ip = lo,
                        .udp_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local)),
                        .stream_id = 7,
                        .viewer_id = 9,
                        .token = 1234,
                        .udp_key = key_bytes,
                        .frame_max = 65536,
                        .queue_frames = 1};
    ViewerSeen seen = {0};
    LcChanEvents events = {.ready = viewer_on_ready, .frame = viewer_on_frame};
    LcChan *chan = chan_new(LC_CHAN_UDP, &cfg, &events, &seen);
    chan_open(chan);

    /* Its HELLO comes sealed; the answer goes back sealed. */
    guint8 buf[DGRAM_CRYPT_MAX_SIZE], plain[DGRAM_CRYPT_MAX_SIZE];
    g_autoptr(GSocketAddress) viewer = NULL;
    g_socket_set_timeout(relay, 0);
    gsize plain_len = 0;
    for (int i = 0; i < 300 && viewer == NULL; i++) {
        g_main_context_iteration(NULL, FALSE);
        GSocketAddress *from = NULL;
        gssize n = g_socket_receive_from(relay, &from, (char *)buf, sizeof(buf), NULL, NULL);
        if (n <= 0) {
            g_usleep(10000);
            continue;
        }
        g_assert_cmpuint(buf[2], ==, DGRAM_VERSION_SEALED);
        g_assert_cmpint(dgram_crypt_open(&key, buf, (gsize)n, plain, sizeof(plain), &plain_len), ==,
                        DGRAM_SEAL_OK);
        viewer = from;
    }
    g_assert_nonnull(viewer);
    LcDgram d = {.type = DGRAM_HELLO_ACK, .stream_id = 7, .token = 1234, .viewer_id = 9};
    d.hello.role = WIRE_VIDEO_ROLE_VIEWER;
    gsize len = 0;
    relay_send(relay, viewer, &key, &d, NULL, buf, &len);
    g_assert_true(test_wait_flag(&seen.ready, 3000));

    g_autoptr(GBytes) frame = g_bytes_new_static("a frame for the viewer", 22);
    LcDgram f = {.type = DGRAM_FRAG, .stream_id = 7, .token = 1234, .viewer_id = 9};
    f.frag.meta.seq = 1;
    guint8 first[DGRAM_CRYPT_MAX_SIZE];
    gsize first_len = 0;
    relay_send(relay, viewer, &key, &f, frame, first, &first_len);
    g_assert_true(test_wait_until(viewer_has_frames, &seen, 3000));
    g_assert_cmpuint(viewer_bad_seal(chan), ==, 0);

    g_socket_send_to(relay, viewer, (const char *)first, first_len, NULL, NULL); /* replayed */
    gpointer one[] = {chan, GUINT_TO_POINTER(1)};
    g_assert_true(test_wait_until(viewer_counted, one, 3000));
    f.frag.meta.seq = 2;
    relay_send(relay, viewer, NULL, &f, frame, buf, &len); /* plain: a downgrade */
    gpointer two[] = {chan, GUINT_TO_POINTER(2)};
    g_assert_true(test_wait_until(viewer_counted, two, 3000));
    f.frag.meta.seq = 3;
    LcDgramKey other = {0};
    g_autoptr(GBytes) wrong = dgram_crypt_new_key();
    g_assert_true(dgram_crypt_key_init(&other, g_bytes_get_data(wrong, NULL), TRUE, 1234, NULL));
    relay_send(relay, viewer, &other, &f, frame, buf, &len); /* forged */
    gpointer three[] = {chan, GUINT_TO_POINTER(3)};
    g_assert_true(test_wait_until(viewer_counted, three, 3000));
    g_assert_cmpuint(seen.frames, ==, 1);

    f.frag.meta.seq = 4; /* and a good one still passes */
    relay_send(relay, viewer, &key, &f, frame, buf, &len);
    seen.frames = 0;
    g_assert_true(test_wait_until(viewer_has_frames, &seen, 3000));
    g_assert_cmpuint(viewer_bad_seal(chan), ==, 3);
    chan_free(chan);
    dgram_crypt_key_clear(&key);
    dgram_crypt_key_clear(&other);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/secure/relay/foreign-handshake", tweak_tls_only, test_foreign_handshake);
    relay_test_add("/secure/relay/plaintext-refused", tweak_tls_only, test_plaintext_refused);
    g_test_add_func("/secure/relay/changed-key", test_changed_key);
    relay_test_add("/secure/relay/handshake-abuse", tweak_abuse, test_handshake_abuse);
    relay_test_add("/secure/relay/sealed-datagrams", tweak_tls_only, test_sealed_datagrams);
    g_test_add_func("/secure/viewer/sealed-datagrams", test_viewer_seal);
    return g_test_run();
}
