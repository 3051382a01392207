/* Tests of the TCP_INFO reader (net/stats/stats_tcpinfo.c) on real loopback connections. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <netinet/tcp.h>

#include "net/stats/stats_tcpinfo.h"

#define PAYLOAD_BYTES 16384

/* A connected loopback pair: client connected to server, listener kept for its lifetime. */
typedef struct {
    GSocket *listener;
    GSocket *client;
    GSocket *server;
} LoopbackPair;

/* Sets up a listener on 127.0.0.1 port 0, connects a client and accepts it (blocking sockets). */
static void loopback_pair_setup(LoopbackPair *pair, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new(loopback, 0);

    pair->listener =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_assert_true(g_socket_bind(pair->listener, any_port, TRUE, &error));
    g_assert_true(g_socket_listen(pair->listener, &error));
    g_assert_no_error(error);

    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(pair->listener, &error);
    g_assert_no_error(error);
    pair->client =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_assert_true(g_socket_connect(pair->client, bound, NULL, &error));
    g_assert_no_error(error);
    pair->server = g_socket_accept(pair->listener, NULL, &error);
    g_assert_no_error(error);
}

/* Closes the three sockets. */
static void loopback_pair_teardown(LoopbackPair *pair, gconstpointer data)
{
    g_clear_object(&pair->server);
    g_clear_object(&pair->client);
    g_clear_object(&pair->listener);
}

/* Receives exactly len bytes from socket. */
static void socket_receive_all(GSocket *socket, char *buf, gsize len)
{
    gsize got = 0;

    while (got < len) {
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_receive(socket, buf + got, len - got, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpint(n, >, 0);
        got += (gsize)n;
    }
}

/*
 * The client sends 16 KiB, the server reads it all and answers one byte.
 * Once the client has that byte, its stack has processed the ACK for every
 * byte it sent, so nothing is in flight. On loopback nothing is lost.
 */
static void test_tcpinfo_loopback(LoopbackPair *pair, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *payload = g_malloc0(PAYLOAD_BYTES);
    char reply = 'k';
    LcStatsTcpInfo info;

    g_assert_cmpint(g_socket_send(pair->client, payload, PAYLOAD_BYTES, NULL, &error), ==,
                    PAYLOAD_BYTES);
    g_assert_no_error(error);
    socket_receive_all(pair->server, payload, PAYLOAD_BYTES);
    g_assert_cmpint(g_socket_send(pair->server, &reply, 1, NULL, &error), ==, 1);
    socket_receive_all(pair->client, &reply, 1);

    g_assert_true(stats_tcpinfo_read(g_socket_get_fd(pair->client), &info, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(info.state, ==, TCP_ESTABLISHED);
    g_assert_cmpuint(info.rtt_us, >, 0);
    g_assert_cmpuint(info.rtt_us, <, 1000000);
    g_assert_cmpuint(info.snd_cwnd, >=, 1);
    g_assert_cmpuint(info.snd_mss, >, 0);
    g_assert_cmpuint(info.unacked, ==, 0);
    g_assert_cmpuint(info.lost, ==, 0);
    g_assert_cmpuint(info.retransmits_total, ==, 0);
    /* tcpi_bytes_retrans exists since Linux 4.19; Debian 12 ships 6.1. */
    g_assert_true(info.has_bytes_retrans);
    g_assert_cmpuint(info.bytes_retrans, ==, 0);

    g_assert_true(stats_tcpinfo_read(g_socket_get_fd(pair->server), &info, &error));
    g_assert_cmpuint(info.state, ==, TCP_ESTABLISHED);
    g_assert_cmpuint(info.unacked, ==, 0);
}

/* Reads that must fail: a closed descriptor, a pipe and a UDP socket; out stays untouched. */
static void test_tcpinfo_errors(void)
{
    g_autoptr(GError) error = NULL;
    LcStatsTcpInfo info = {.rtt_us = 4242};
    int fds[2];

    g_assert_false(stats_tcpinfo_read(-1, &info, &error));
    g_assert_error(error, G_IO_ERROR, (gint)g_io_error_from_errno(EBADF));
    g_assert_nonnull(strstr(error->message, "TCP_INFO"));
    g_assert_nonnull(strstr(error->message, g_strerror(EBADF)));
    g_clear_error(&error);

    g_assert_cmpint(pipe(fds), ==, 0);
    g_assert_false(stats_tcpinfo_read(fds[0], &info, &error));
    g_assert_error(error, G_IO_ERROR, (gint)g_io_error_from_errno(ENOTSOCK));
    g_assert_nonnull(strstr(error->message, g_strerror(ENOTSOCK)));
    g_clear_error(&error);
    close(fds[0]);
    close(fds[1]);

    g_autoptr(GSocket) udp =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
    g_assert_no_error(error);
    g_assert_false(stats_tcpinfo_read(g_socket_get_fd(udp), &info, &error));
    g_assert_true(error != NULL && error->domain == G_IO_ERROR);
    g_assert_nonnull(strstr(error->message, "TCP_INFO"));

    g_assert_cmpuint(info.rtt_us, ==, 4242);
}

/* Registers the /stats/tcpinfo/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add("/stats/tcpinfo/loopback", LoopbackPair, NULL, loopback_pair_setup,
               test_tcpinfo_loopback, loopback_pair_teardown);
    g_test_add_func("/stats/tcpinfo/errors", test_tcpinfo_errors);
    return g_test_run();
}
