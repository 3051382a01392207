/* test-udp-offload.c: batches of fragment datagrams over real loopback
 * sockets, with UDP GSO where the kernel has it, received plain and with UDP
 * GRO: every datagram arrives whole, in order, at its own address. */
#include "net/io/dgram_batch.h"
#include "net/io/udp_offload.h"

#include <string.h>
#include <sys/socket.h>

#define RECV_SLOT UDP_OFFLOAD_GRO_SLOT

/* A bound, non-blocking UDP socket on 127.0.0.1. */
static GSocket *open_socket(void)
{
    g_autoptr(GError) error = NULL;
    GSocket *s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(s, any, FALSE, &error));
    g_socket_set_option(s, SOL_SOCKET, SO_RCVBUF, 4 * 1024 * 1024, NULL);
    g_socket_set_blocking(s, FALSE);
    return s;
}

/* What one receiver should get: frame number, fragment index, bytes. */
typedef struct {
    guint64 seq;
    guint index;
    gsize size;
} Expect;

/* Frame seq of `size` bytes (byte i is (seq + i) mod 251) into the batch,
 * every fragment, to `to`; appends what `to` should receive to `expect`. */
static void add_frame(LcDgramBatch *b, LcTokenBucket *pace, guint64 seq, gsize size,
                      GSocketAddress *to, GArray *expect, GBytes **keep)
{
    guint8 *bytes = g_malloc(size);
    for (gsize i = 0; i < size; i++)
        bytes[i] = (guint8)((seq + i) % 251);
    *keep = g_bytes_new_take(bytes, size);
    guint count = (guint)((size + FRAG_PAYLOAD_MAX - 1) / FRAG_PAYLOAD_MAX);
    for (guint i = 0; i < count; i++) {
        LcDgram d = {.type = DGRAM_FRAG, .stream_id = 5, .token = 77, .viewer_id = 1};
        d.frag.meta.seq = seq;
        g_assert_cmpint(dgram_batch_add(b, pace, 0, &d, *keep, i, to, NULL), ==, 0);
        Expect e = {seq, i, chan_dgram_fragment_size(size, i)};
        g_array_append_val(expect, e);
    }
}

/* Reads everything `s` has (waiting up to 2 s for `want` datagrams),
 * splitting GRO runs; checks each against `expect` in order. Returns the
 * largest buffer read, to tell whether GRO put datagrams together. */
static gsize receive_all(GSocket *s, gboolean gro, GArray *expect)
{
    g_autofree guint8 *buf = g_malloc(RECV_SLOT);
    guint got = 0;
    gsize largest = 0;
    gint64 deadline = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    while (got < expect->len && g_get_monotonic_time() < deadline) {
        GInputVector vec = {buf, RECV_SLOT};
        GSocketControlMessage **cmsgs = NULL;
        guint n_cmsgs = 0;
        GInputMessage msg = {.vectors = &vec,
                             .num_vectors = 1,
                             .control_messages = gro ? &cmsgs : NULL,
                             .num_control_messages = gro ? &n_cmsgs : NULL};
        g_autoptr(GError) error = NULL;
        if (g_socket_receive_messages(s, &msg, 1, 0, NULL, &error) != 1) {
            g_assert_error(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
            g_usleep(1000);
            continue;
        }
        guint segment = 0;
        for (guint i = 0; i < n_cmsgs; i++) {
            segment = MAX(segment, udp_offload_gro_size(cmsgs[i]));
            g_object_unref(cmsgs[i]);
        }
        g_free(cmsgs);
        gsize len = msg.bytes_received;
        largest = MAX(largest, len);
        if (segment == 0)
            segment = (guint)len;
        for (gsize off = 0; off < len; off += segment) {
            gsize size = MIN((gsize)segment, len - off);
            g_assert_cmpuint(got, <, expect->len);
            const Expect *e = &g_array_index(expect, Expect, got);
            LcDgram d;
            g_assert_true(chan_dgram_parse(buf + off, size, 1 << 20, &d, NULL));
            g_assert_cmpuint(d.frag.meta.seq, ==, e->seq);
            g_assert_cmpuint(d.frag.index, ==, e->index);
            g_assert_cmpuint(size, ==, e->size);
            for (gsize i = 0; i < d.frag.payload_len; i++)
                g_assert_cmpuint(d.frag.payload[i], ==,
                                 (guint8)((e->seq + e->index * FRAG_PAYLOAD_MAX + i) % 251));
            got++;
        }
    }
    g_assert_cmpuint(got, ==, expect->len);
    return largest;
}

/* One batch to two receivers: frames whose fragments fill runs, end short,
 * fit one datagram, and interleave addresses. */
static void send_mixed(GSocket *tx, GSocket *rx[2], gboolean gro[2], gsize largest[2])
{
    LcTokenBucket pace;
    token_bucket_init(&pace, 0, 0, 0);
    g_autoptr(GSocketAddress) to0 = g_socket_get_local_address(rx[0], NULL);
    g_autoptr(GSocketAddress) to1 = g_socket_get_local_address(rx[1], NULL);
    g_autoptr(GArray) want0 = g_array_new(FALSE, FALSE, sizeof(Expect));
    g_autoptr(GArray) want1 = g_array_new(FALSE, FALSE, sizeof(Expect));
    GBytes *keep[5];
    LcDgramBatch b = {0};
    add_frame(&b, &pace, 1, 12 * FRAG_PAYLOAD_MAX + 100, to0, want0, &keep[0]); /* 13 */
    add_frame(&b, &pace, 2, 3 * FRAG_PAYLOAD_MAX, to1, want1, &keep[1]);        /* 3 full */
    add_frame(&b, &pace, 3, 700, to0, want0, &keep[2]);                         /* 1 */
    add_frame(&b, &pace, 4, 8 * FRAG_PAYLOAD_MAX + 1, to0, want0, &keep[3]);    /* 9 */
    add_frame(&b, &pace, 5, 5 * FRAG_PAYLOAD_MAX + 9, to1, want1, &keep[4]);    /* 6 */
    g_assert_cmpuint(b.n, ==, 32);
    gboolean blocked = TRUE;
    guint64 errors = 0;
    g_assert_cmpuint(dgram_batch_send(&b, tx, &blocked, &errors), ==, 32);
    g_assert_false(blocked);
    g_assert_cmpuint(errors, ==, 0);
    largest[0] = receive_all(rx[0], gro[0], want0);
    largest[1] = receive_all(rx[1], gro[1], want1);
    for (guint i = 0; i < G_N_ELEMENTS(keep); i++)
        g_bytes_unref(keep[i]);
}

/* Plain receivers get every datagram on its own, whether the batch went
 * with GSO or, after GSO is turned off for the socket, without. */
static void test_plain_receivers(void)
{
    g_autoptr(GSocket) tx = open_socket();
    GSocket *rx[2] = {open_socket(), open_socket()};
    gboolean gro[2] = {FALSE, FALSE};
    gsize largest[2];
    gboolean gso = udp_offload_gso_usable(tx);
    g_test_message("UDP GSO %s", gso ? "available" : "not available on this kernel");
    send_mixed(tx, rx, gro, largest);
    g_assert_cmpuint(largest[0], <=, DGRAM_MAX_SIZE);
    g_assert_cmpint(udp_offload_gso_usable(tx), ==, gso); /* no failure turned it off */
    udp_offload_gso_failed(tx);
    g_assert_false(udp_offload_gso_usable(tx));
    send_mixed(tx, rx, gro, largest);
    g_object_unref(rx[0]);
    g_object_unref(rx[1]);
}

/* A receiver with GRO gets runs of a frame's datagrams in one buffer (where
 * the kernel has GSO and GRO) and splits them back exactly; the other
 * receiver, without GRO, gets them one by one. */
static void test_gro_receiver(void)
{
    g_autoptr(GSocket) tx = open_socket();
    GSocket *rx[2] = {open_socket(), open_socket()};
    gboolean gro[2] = {udp_offload_enable_gro(rx[0]), FALSE};
    gsize largest[2];
    send_mixed(tx, rx, gro, largest);
    if (gro[0] && udp_offload_gso_usable(tx))
        g_assert_cmpuint(largest[0], >, DGRAM_MAX_SIZE);
    else
        g_test_message("UDP GSO or GRO not available on this kernel: plain datagrams checked");
    g_assert_cmpuint(largest[1], <=, DGRAM_MAX_SIZE);
    g_object_unref(rx[0]);
    g_object_unref(rx[1]);
}

/* A socket whose datagrams carry no UDP checksum (SO_NO_CHECK): the kernel
 * refuses GSO on it (EINVAL). The batch still arrives whole, sent plain,
 * and the socket sends plain from then on. */
static void test_refused_falls_back(void)
{
    g_autoptr(GSocket) tx = open_socket();
    if (!udp_offload_gso_usable(tx)) {
        g_test_skip("no UDP GSO in this kernel");
        return;
    }
#ifdef SO_NO_CHECK
    g_assert_true(g_socket_set_option(tx, SOL_SOCKET, SO_NO_CHECK, 1, NULL));
#else
    g_test_skip("no SO_NO_CHECK here");
    return;
#endif
    GSocket *rx[2] = {open_socket(), open_socket()};
    gboolean gro[2] = {FALSE, FALSE};
    gsize largest[2];
    send_mixed(tx, rx, gro, largest);
    g_assert_false(udp_offload_gso_usable(tx));
    send_mixed(tx, rx, gro, largest);
    g_object_unref(rx[0]);
    g_object_unref(rx[1]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/udp-offload/plain-receivers", test_plain_receivers);
    g_test_add_func("/udp-offload/gro-receiver", test_gro_receiver);
    g_test_add_func("/udp-offload/refused-falls-back", test_refused_falls_back);
    return g_test_run();
}
