/* test-descriptors.c: the relay out of file descriptors. This program lowers
 * its own limit on open files (for good: a process may not raise its hard
 * limit again), so it runs alone, apart from the other relay tests. */
#include "tests/net/harness.h"
#include "net/relay/relay_listen.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#define FD_LIMIT 256

/* A limit that fits the process's descriptors. */
static void tweak_fits(LcRelayConfig *config)
{
    config->max_clients = 100;
}

/* Opens descriptors until none is left; returns them. */
static GArray *fill_descriptors(void)
{
    GArray *fds = g_array_new(FALSE, FALSE, sizeof(int));
    for (;;) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            break;
        g_array_append_val(fds, fd);
    }
    return fds;
}

/* Closes n of them (all when n is G_MAXUINT). */
static void release_descriptors(GArray *fds, guint n)
{
    while (fds->len > 0 && n-- > 0) {
        close(g_array_index(fds, int, fds->len - 1));
        g_array_set_size(fds, fds->len - 1);
    }
}

/* CPU seconds this process has used. */
static double cpu_seconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/*
 * With no descriptor left, a new client is told SERVER_FULL at once (the
 * relay's reserve descriptor), the relay does not spin, and a member already
 * in keeps chatting; once descriptors are free again, new clients join.
 */
static void test_out_of_descriptors(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *a = test_raw_join(fx->port, "alice", 0, 0);
    g_autofree char *a_addr = test_raw_local_addr(a);
    /* The clients' sockets exist before the table fills; connecting them
     * then takes no descriptor on this side, while the relay has none left
     * to accept them with. */
    GSocket *refused[3];
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++)
        refused[i] =
            g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GArray) fds = fill_descriptors();
    g_test_message("%u descriptors filled", fds->len);

    double cpu_before = cpu_seconds();
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) relay_addr = g_inet_socket_address_new(lo, fx->port);
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++)
        g_assert_true(g_socket_connect(refused[i], relay_addr, NULL, NULL));
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
        guint16 code = 0;
        g_assert_true(test_raw_wait_closed(refused[i], 3000, &code));
        g_assert_cmpuint(code, ==, WIRE_ERR_SERVER_FULL);
    }
    g_usleep(500000); /* starved for a while: an accept loop that spins would burn this */
    double cpu = cpu_seconds() - cpu_before;
    g_test_message("CPU while starved: %.2f s", cpu);
    g_assert_cmpfloat(cpu, <, 0.5);
    LcRelayCounters counters;
    test_relay_counters(fx->relay, &counters);
    g_assert_cmpuint(counters.refused_no_fd, >=, G_N_ELEMENTS(refused));
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++)
        g_object_unref(refused[i]);

    release_descriptors(fds, G_MAXUINT);
    GSocket *b = test_raw_try_join(fx->port, "bob", 5000);
    g_assert_nonnull(b);
    test_raw_chat(a, 1, "still here");
    LcWireMsg deliver;
    g_assert_true(test_raw_read_type(b, WIRE_CHAT_DELIVER, &deliver, 5000));
    g_assert_cmpstr(deliver.deliver.text, ==, "still here");
    g_assert_cmpstr(deliver.deliver.addr, ==, a_addr);
    wire_msg_clear(&deliver);
    g_object_unref(b);
    g_object_unref(a);
}

/* The relay fits max_clients into the limit on open files, and says so. */
static void test_fit_descriptors(void)
{
    g_assert_cmpuint(relay_listen_fit_descriptors(100), ==, 100);
    g_test_expect_message(NULL, G_LOG_LEVEL_WARNING, "max_clients lowered from 1024 to *");
    g_assert_cmpuint(relay_listen_fit_descriptors(1024), ==, FD_LIMIT - RELAY_FD_RESERVE);
    g_test_assert_expected_messages();
}

int main(int argc, char **argv)
{
    struct rlimit limit = {FD_LIMIT, FD_LIMIT};
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
        g_error("cannot lower the limit on open files: %s", g_strerror(errno));
    g_test_init(&argc, &argv, NULL);
    /* The relay's one warning per starvation episode is expected here. */
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    g_test_add_func("/descriptors/fit", test_fit_descriptors);
    relay_test_add("/descriptors/starved", tweak_fits, test_out_of_descriptors);
    return g_test_run();
}
