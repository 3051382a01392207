/* Tests of netns and netns_pair: creating, entering, running in and reaping namespaces (root). */
#include "linkemu-test-util.h"
#include "net/linkemu/netns.h"
#include "net/linkemu/netns_pair.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Why the root tests cannot run here, or NULL when they can. */
static gchar *netns_skip_reason;

/* Skips the current test when namespaces cannot be used; returns whether it was skipped. */
static gboolean netns_test_skip(void)
{
    if (netns_skip_reason == NULL)
        return FALSE;
    g_test_skip(netns_skip_reason);
    return TRUE;
}

/* Returns a test namespace name that the stale reaper recognises as this process's. */
static gchar *netns_test_name(const char *tag)
{
    return g_strdup_printf(NETNS_PAIR_PREFIX "%d-t%s-a", (int)getpid(), tag);
}

/* Returns the inode of the calling thread's network namespace. */
static ino_t netns_current_inode(void)
{
    struct stat st;
    g_assert_cmpint(stat("/proc/thread-self/ns/net", &st), ==, 0);
    return st.st_ino;
}

/* A namespace is created once, found, and deleted once. */
static void test_netns_create_delete(void)
{
    g_autoptr(GError) exists = NULL;
    g_autoptr(GError) missing = NULL;
    g_autofree gchar *name = netns_test_name("cd");

    if (netns_test_skip())
        return;
    g_assert_true(netns_create(name, NULL));
    g_assert_true(netns_exists(name));
    g_assert_false(netns_create(name, &exists));
    g_assert_error(exists, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_assert_true(netns_delete(name, NULL));
    g_assert_false(netns_exists(name));
    g_assert_false(netns_delete(name, &missing));
    g_assert_error(missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* Names that could escape the namespace folder are refused. */
static void test_netns_bad_name(void)
{
    static const char *const bad[] = {"", "../etc", "a/b", ".hidden", "-n", "a b"};

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_assert_false(netns_name_is_valid(bad[i]));
        g_assert_false(netns_create(bad[i], &error));
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
    g_assert_true(netns_name_is_valid("lcemu-12-0-a"));
}

/* Opens a TCP listener on loopback and connects to it, in the current namespace. */
static void netns_check_loopback(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_autoptr(GSocket) listener =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_assert_true(g_socket_bind(listener, any, TRUE, &error));
    g_assert_true(g_socket_listen(listener, &error));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(listener, &error);
    g_autoptr(GSocket) client =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_true(g_socket_connect(client, bound, NULL, &error));
    g_assert_no_error(error);
}

/* Entering moves only this thread into the namespace, whose loopback is up; leaving returns. */
static void test_netns_enter(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *name = netns_test_name("en");
    struct stat target;

    if (netns_test_skip())
        return;
    g_assert_true(netns_create(name, &error));
    g_autofree gchar *path = g_build_filename(NETNS_RUN_DIR, name, NULL);
    g_assert_cmpint(stat(path, &target), ==, 0);
    ino_t before = netns_current_inode();
    LcNetnsSaved *saved = netns_enter(name, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(netns_current_inode(), ==, target.st_ino);
    netns_check_loopback();
    netns_leave(saved);
    g_assert_cmpuint(netns_current_inode(), ==, before);
    g_assert_true(netns_delete(name, NULL));
}

/* Entering a namespace that does not exist says which one. */
static void test_netns_enter_missing(void)
{
    g_autoptr(GError) error = NULL;

    if (netns_test_skip())
        return;
    g_assert_null(netns_enter("lcemu-no-such-ns", &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "network namespace lcemu-no-such-ns"));
}

/* Commands run inside the namespace; a failing one quotes the command and its namespace. */
static void test_netns_run(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *name = netns_test_name("run");
    g_autofree gchar *out = NULL;
    const char *const show[] = {"ip", "-o", "link", "show", NULL};
    const char *const fail[] = {"sh", "-c", "echo oops >&2; exit 3", NULL};

    if (netns_test_skip())
        return;
    g_assert_true(netns_create(name, NULL));
    g_assert_true(netns_run(name, show, &out, &error));
    g_assert_nonnull(strstr(out, "LOOPBACK,UP"));
    /* A new namespace has nothing but its loopback device. */
    g_assert_null(strstr(out, "2:"));
    g_assert_false(netns_run(name, fail, NULL, &error));
    g_assert_nonnull(strstr(error->message, name));
    g_assert_nonnull(strstr(error->message, "oops"));
    g_assert_true(netns_delete(name, NULL));
}

/* A pair gets two unique generated names and deletes them at free; named ones that existed stay. */
static void test_netns_pair(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *a = NULL;
    g_autofree gchar *b = NULL;
    g_autofree gchar *kept = netns_test_name("kept");

    if (netns_test_skip())
        return;
    LcNetnsPair *pair = netns_pair_new(NULL, NULL, &error);
    g_assert_no_error(error);
    a = g_strdup(netns_pair_get_a(pair));
    b = g_strdup(netns_pair_get_b(pair));
    g_assert_cmpstr(a, !=, b);
    g_assert_true(g_str_has_prefix(a, NETNS_PAIR_PREFIX));
    g_assert_true(netns_exists(a) && netns_exists(b));
    netns_pair_free(pair);
    g_assert_false(netns_exists(a) || netns_exists(b));

    g_assert_true(netns_create(kept, NULL));
    pair = netns_pair_new(kept, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(netns_pair_get_a(pair), ==, kept);
    netns_pair_free(pair);
    g_assert_true(netns_exists(kept));
    g_assert_true(netns_delete(kept, NULL));
}

/* The reaper deletes generated namespaces of dead processes and leaves live ones alone. */
static void test_netns_reap_stale(void)
{
    g_autofree gchar *stale =
        g_strdup_printf(NETNS_PAIR_PREFIX "%d-0-a", (int)linkemu_test_dead_pid());
    g_autofree gchar *mine = netns_test_name("live");

    if (netns_test_skip())
        return;
    g_assert_true(netns_create(stale, NULL));
    g_assert_true(netns_create(mine, NULL));
    g_assert_cmpuint(netns_pair_reap_stale(), >=, 1);
    g_assert_false(netns_exists(stale));
    g_assert_true(netns_exists(mine));
    g_assert_true(netns_delete(mine, NULL));
}

/* Without root the privilege check says so clearly. */
static void test_netns_privileges(void)
{
    if (getuid() != 0) {
        g_autoptr(GError) error = NULL;
        g_assert_false(netns_check_privileges(&error));
        g_assert_nonnull(strstr(error->message, "needs root"));
        return;
    }
    if (g_test_subprocess()) {
        g_autoptr(GError) error = NULL;
        linkemu_test_become_nobody(NULL);
        g_assert_false(netns_check_privileges(&error));
        g_printerr("%s\n", error->message);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("creating network namespaces needs root (CAP_SYS_ADMIN and "
                              "CAP_NET_ADMIN): Operation not permitted*");
}

/* Registers the tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!linkemu_test_can_run((const char *const[]){"ip", NULL}, &netns_skip_reason))
        g_test_message("skipping: %s", netns_skip_reason);
    else
        netns_pair_reap_stale();
    g_test_add_func("/linkemu/netns/create-delete", test_netns_create_delete);
    g_test_add_func("/linkemu/netns/bad-name", test_netns_bad_name);
    g_test_add_func("/linkemu/netns/enter", test_netns_enter);
    g_test_add_func("/linkemu/netns/enter-missing", test_netns_enter_missing);
    g_test_add_func("/linkemu/netns/run", test_netns_run);
    g_test_add_func("/linkemu/netns/pair", test_netns_pair);
    g_test_add_func("/linkemu/netns/reap-stale", test_netns_reap_stale);
    g_test_add_func("/linkemu/netns/privileges", test_netns_privileges);
    return g_test_run();
}
