/* Tests of lanconf-linkemu: usage, exit statuses, running a command, and SIGTERM clean-up. */
#include "linkemu-test-util.h"
#include "net/linkemu/netns.h"

#include <signal.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

/* Why the root tests cannot run here, or NULL when they can. */
static gchar *cli_skip_reason;

/* What a finished run of the program printed and returned. */
typedef struct {
    gchar *out;
    gchar *err;
    gint exit_status;
} CliResult;

/* Frees what a run left. */
static void cli_result_clear(CliResult *result)
{
    g_free(result->out);
    g_free(result->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CliResult, cli_result_clear)

/* Runs the program with args (NULL-terminated), as nobody when drop_root; waits for it. */
static void cli_run(const char *const *args, gboolean drop_root, CliResult *result)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    g_autoptr(GError) error = NULL;
    gint status = 0;

    g_strv_builder_add(builder, LINKEMU_PROGRAM);
    g_strv_builder_addv(builder, (const char **)args);
    g_auto(GStrv) argv = g_strv_builder_end(builder);
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT,
                               drop_root ? linkemu_test_become_nobody : NULL, NULL, &result->out,
                               &result->err, &status, &error));
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(status));
    result->exit_status = WEXITSTATUS(status);
}

/* Returns the namespace named on the "  X  netns NAME" line of the program's output. */
static gchar *cli_find_netns(const char *out, char side)
{
    g_autofree gchar *marker = g_strdup_printf("  %c  netns ", side);
    const char *at = strstr(out, marker);

    g_assert_nonnull(at);
    at += strlen(marker);
    return g_strndup(at, strcspn(at, " \n"));
}

/* --help explains the options and the spec, and exits 0. */
static void test_cli_help(void)
{
    g_auto(CliResult) result = {0};

    cli_run((const char *const[]){"--help", NULL}, FALSE, &result);
    g_assert_cmpint(result.exit_status, ==, 0);
    g_assert_nonnull(strstr(result.out, "--impair=SPEC"));
    g_assert_nonnull(strstr(result.out, "delay=TIME"));
    g_assert_nonnull(strstr(result.out, "LCEMU_NS_A"));
}

/* A bad spec exits 2 with the parse error; so does a missing --impair. */
static void test_cli_bad_spec(void)
{
    g_auto(CliResult) bad = {0};
    g_auto(CliResult) missing = {0};

    cli_run((const char *const[]){"--impair", "delay=20,loss=1%", NULL}, FALSE, &bad);
    g_assert_cmpint(bad.exit_status, ==, 2);
    g_assert_nonnull(strstr(bad.err, "--impair: delay=20: missing unit (us, ms or s)"));
    cli_run((const char *const[]){"--ns-a", "x", NULL}, FALSE, &missing);
    g_assert_cmpint(missing.exit_status, ==, 2);
    g_assert_nonnull(strstr(missing.err, "--impair SPEC is required"));
}

/* Without root the program says it needs root and exits 1. */
static void test_cli_not_root(void)
{
    g_auto(CliResult) result = {0};

    if (getuid() == 0 && !linkemu_test_nobody_can_run(LINKEMU_PROGRAM)) {
        g_test_skip("the user nobody cannot reach " LINKEMU_PROGRAM
                    " (a checkout under a private directory)");
        return;
    }
    cli_run((const char *const[]){"--impair", "delay=20ms", NULL}, getuid() == 0, &result);
    g_assert_cmpint(result.exit_status, ==, 1);
    g_assert_nonnull(strstr(result.err, "needs root (CAP_SYS_ADMIN"));
}

/* A command sees the link in its environment, its status is the program's, nothing is left. */
static void test_cli_command(void)
{
    g_auto(CliResult) ok = {0};
    g_auto(CliResult) fails = {0};
    const char *script = "ip netns exec \"$LCEMU_NS_A\" ping -c 2 -i 0.2 -W 2 \"$LCEMU_ADDR_B\" "
                         ">/dev/null && echo \"method=$LCEMU_METHOD\"";

    if (cli_skip_reason != NULL) {
        g_test_skip(cli_skip_reason);
        return;
    }
    cli_run((const char *const[]){"--impair", "delay=5ms", "--", "sh", "-c", script, NULL}, FALSE,
            &ok);
    g_assert_cmpint(ok.exit_status, ==, 0);
    g_assert_true(strstr(ok.out, "method=tun-emulator") || strstr(ok.out, "method=netem"));
    g_assert_nonnull(strstr(ok.out, "counters at exit"));
    g_autofree gchar *ns_a = cli_find_netns(ok.out, 'A');
    g_autofree gchar *ns_b = cli_find_netns(ok.out, 'B');
    g_assert_false(netns_exists(ns_a) || netns_exists(ns_b));

    cli_run((const char *const[]){"--impair", "none", "--", "sh", "-c", "exit 3", NULL}, FALSE,
            &fails);
    g_assert_cmpint(fails.exit_status, ==, 3);
}

/* Reads the program's stdout up to a line containing stop (NULL: to the end); returns it. */
static gchar *cli_read_lines(GDataInputStream *lines, const char *stop)
{
    g_autoptr(GString) seen = g_string_new(NULL);
    gchar *line;

    while ((line = g_data_input_stream_read_line(lines, NULL, NULL, NULL)) != NULL) {
        g_string_append_printf(seen, "%s\n", line);
        gboolean done = stop != NULL && strstr(line, stop) != NULL;
        g_free(line);
        if (done)
            break;
    }
    return g_strdup(seen->str);
}

/* SIGTERM ends a run without a command cleanly: exit 0, counters printed, namespaces gone. */
static void test_cli_sigterm(void)
{
    g_autoptr(GError) error = NULL;

    if (cli_skip_reason != NULL) {
        g_test_skip(cli_skip_reason);
        return;
    }
    g_autoptr(GSubprocess) child = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                                    LINKEMU_PROGRAM, "--impair", "delay=1ms", NULL);
    g_assert_no_error(error);
    g_autoptr(GDataInputStream) lines =
        g_data_input_stream_new(g_subprocess_get_stdout_pipe(child));
    g_autofree gchar *head = cli_read_lines(lines, "waiting for SIGINT or SIGTERM");
    g_autofree gchar *ns_a = cli_find_netns(head, 'A');
    g_assert_true(netns_exists(ns_a));
    g_subprocess_send_signal(child, SIGTERM);
    g_autofree gchar *rest = cli_read_lines(lines, NULL);
    g_assert_true(g_subprocess_wait(child, NULL, &error));
    g_assert_true(g_subprocess_get_if_exited(child));
    g_assert_cmpint(g_subprocess_get_exit_status(child), ==, 0);
    g_assert_nonnull(strstr(rest, "counters at exit"));
    g_assert_false(netns_exists(ns_a));
}

/* Registers the tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!linkemu_test_can_run((const char *const[]){"ip", "ping", NULL}, &cli_skip_reason))
        g_test_message("skipping the root tests: %s", cli_skip_reason);
    g_test_add_func("/linkemu/cli/help", test_cli_help);
    g_test_add_func("/linkemu/cli/bad-spec", test_cli_bad_spec);
    g_test_add_func("/linkemu/cli/not-root", test_cli_not_root);
    g_test_add_func("/linkemu/cli/command", test_cli_command);
    g_test_add_func("/linkemu/cli/sigterm", test_cli_sigterm);
    return g_test_run();
}
