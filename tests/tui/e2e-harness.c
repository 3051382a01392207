/* e2e-harness.c: the relay, the members and lanconf in tmux for the
 * end-to-end tests, and reading what they show. */
#include "e2e-harness.h"
#include "tests/test-relay-identity.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

volatile pid_t e2e_pids[E2E_N_PIDS];

/* Path of a file in the test's directory. */
char *e2e_path(E2e *e, const char *name)
{
    return g_build_filename(e->dir, name, NULL);
}

/* Reads a file, or "" if it does not exist yet. */
char *e2e_read(E2e *e, const char *name)
{
    g_autofree char *path = e2e_path(e, name);
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

/* Runs tmux with the test's socket; returns its stdout. */
char *e2e_tmux(E2e *e, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "tmux");
    g_ptr_array_add(argv, "-L");
    g_ptr_array_add(argv, e->socket);
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    char *out = NULL;
    g_autoptr(GError) error = NULL;
    gint status = 0;
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                      &status, &error))
        g_error("tmux: %s", error->message);
    return out;
}

/* The screen as text, one line per row. */
char *e2e_screen(E2e *e)
{
    const char *args[] = {"capture-pane", "-p", "-t", "lc", NULL};
    return e2e_tmux(e, args);
}

/* Types text literally, then presses Enter if asked. */
void e2e_type(E2e *e, const char *text, gboolean enter)
{
    const char *args[] = {"send-keys", "-t", "lc", "-l", text, NULL};
    g_free(e2e_tmux(e, args));
    if (enter) {
        const char *keys[] = {"send-keys", "-t", "lc", "Enter", NULL};
        g_free(e2e_tmux(e, keys));
    }
}

/* Presses a named key ("Left", "PPage"). */
void e2e_key(E2e *e, const char *key)
{
    const char *args[] = {"send-keys", "-t", "lc", key, NULL};
    g_free(e2e_tmux(e, args));
}

/* Whether text contains the string data. */
gboolean e2e_contains(const char *text, gpointer data)
{
    return strstr(text, data) != NULL;
}

/* Polls until check passes on the screen (file == NULL) or a file; fails
 * the test with what was last seen at the deadline. Returns the text. */
char *e2e_wait(E2e *e, const char *file, E2eCheck check, gpointer data, const char *what)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
    for (;;) {
        char *text = file ? e2e_read(e, file) : e2e_screen(e);
        if (check(text, data))
            return text;
        if (g_get_monotonic_time() > deadline) {
            g_printerr("--- %s ---\n%s\n---\n", file ? file : "screen", text);
            g_error("timed out waiting for %s", what);
        }
        g_free(text);
        g_usleep(POLL_MS * 1000);
    }
}

/* Polls until the screen or a file contains a string. */
char *e2e_wait_for(E2e *e, const char *file, const char *needle)
{
    return e2e_wait(e, file, e2e_contains, (gpointer)needle, needle);
}

/* Waits until the screen (file NULL) or a file contains a string. */
void e2e_expect(E2e *e, const char *file, const char *needle)
{
    g_free(e2e_wait_for(e, file, needle));
}

/* In the child: die with the test, even if it is killed outright. */
void e2e_child_setup(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* A subprocess's pid. */
pid_t e2e_pid_of(GSubprocess *p)
{
    return (pid_t)g_ascii_strtoll(g_subprocess_get_identifier(p), NULL, 10);
}

/* SIGABRT (a failed assertion): stops the test's processes, then aborts. */
void e2e_on_abort(int sig)
{
    for (int i = 0; i < E2E_N_PIDS; i++)
        if (e2e_pids[i] > 0)
            kill(e2e_pids[i], SIGTERM);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Starts a process with stdout and stderr to files in the test directory. */
GSubprocess *e2e_spawn(E2e *e, const char *const *argv, const char *name, gboolean with_stdin)
{
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(
        with_stdin ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE);
    g_autofree char *out = g_strdup_printf("%s/%s.out", e->dir, name);
    g_autofree char *err = g_strdup_printf("%s/%s.err", e->dir, name);
    g_subprocess_launcher_set_stdout_file_path(l, out);
    g_subprocess_launcher_set_stderr_file_path(l, err);
    g_subprocess_launcher_setenv(l, "XDG_CONFIG_HOME", e->dir, TRUE);
    g_subprocess_launcher_set_child_setup(l, e2e_child_setup, NULL, NULL);
    g_autoptr(GError) error = NULL;
    GSubprocess *p = g_subprocess_launcher_spawnv(l, argv, &error);
    g_assert_no_error(error);
    return p;
}

/* Whether the relay has written its port file. */
gboolean e2e_has_port(const char *text, gpointer data)
{
    return strchr(text, '\n') != NULL;
}

/* Starts the relay on port fixed (0: a free one). */
void e2e_start_relay(E2e *e, guint16 fixed)
{
    g_autofree char *port_file = e2e_path(e, "port");
    g_autofree char *data = e2e_path(e, "data");
    g_autofree char *port_text = g_strdup_printf("%u", fixed);
    g_unlink(port_file);
    g_autofree char *cert = NULL, *key = NULL;
    test_relay_identity(&cert, &key);
    const char *argv[] = {BIN("lanconf-relay"),
                          "--port",
                          port_text,
                          "--port-file",
                          port_file,
                          "--data-dir",
                          data,
                          "--rate-limit",
                          "0",
                          "--tls-cert",
                          cert,
                          "--tls-key",
                          key,
                          e->password_file ? "--password-file" : NULL,
                          e->password_file,
                          NULL};
    e->relay = e2e_spawn(e, argv, "relay", FALSE);
    e2e_pids[E2E_PID_RELAY] = e2e_pid_of(e->relay);
    g_autofree char *port = e2e_wait(e, "port", e2e_has_port, NULL, "the relay's port file");
    e->port = (guint16)g_ascii_strtoull(port, NULL, 10);
    g_assert_cmpuint(e->port, >, 0);
}

/* Whether lanconf-cli said it joined (its address follows " as "). */
gboolean e2e_has_joined(const char *text, gpointer data)
{
    const char *as = strstr(text, " as ");
    return as != NULL && strchr(as, '\n') != NULL;
}

/* Starts a lanconf-cli member that keeps stdin open; returns its nick@addr. */
GSubprocess *e2e_start_cli(E2e *e, const char *nick, char **tag)
{
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    const char *argv[] = {BIN("lanconf-cli"),
                          "--server",
                          server,
                          "--nick",
                          nick,
                          "--verbose",
                          "--no-history",
                          e->password_file ? "--password-file" : NULL,
                          e->password_file,
                          NULL};
    GSubprocess *p = e2e_spawn(e, argv, nick, TRUE);
    g_autofree char *err_name = g_strdup_printf("%s.err", nick);
    g_autofree char *err = e2e_wait(e, err_name, e2e_has_joined, NULL, "lanconf-cli to join");
    const char *as = strstr(err, " as ") + 4;
    *tag = g_strndup(as, strcspn(as, "\n"));
    return p;
}

/* Starts a lanconf-cli member that sends media (flag and source, such as
 * --camera test) for seconds; its output goes to NICK.out and NICK.err. */
GSubprocess *e2e_start_media(E2e *e, const char *nick, const char *flag, const char *source,
                             const char *seconds)
{
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    const char *argv[] = {BIN("lanconf-cli"), "--server", server, "--nick", nick, flag, source,
                          "--duration",       seconds,    NULL};
    return e2e_spawn(e, argv, nick, FALSE);
}

/* Sends one line from a lanconf-cli member. */
void e2e_cli_say(GSubprocess *p, const char *line)
{
    GOutputStream *in = g_subprocess_get_stdin_pipe(p);
    g_autofree char *text = g_strconcat(line, "\n", NULL);
    g_autoptr(GError) error = NULL;
    g_output_stream_write_all(in, text, strlen(text), NULL, NULL, &error);
    g_assert_no_error(error);
    g_output_stream_flush(in, NULL, &error);
    g_assert_no_error(error);
}

/* Starts lanconf as alice in a detached tmux session of a fixed size, and
 * waits until it joined if asked. The shell around it writes lanconf's
 * exit status to a file. */
void e2e_start_tui(E2e *e, gboolean wait_joined)
{
    g_autofree char *exit_file = e2e_path(e, "exit");
    g_autofree char *log_file = e2e_path(e, "chat.log");
    g_autofree char *q_dir = g_shell_quote(e->dir);
    g_autofree char *q_exit = g_shell_quote(exit_file);
    g_autofree char *q_log = g_shell_quote(log_file);
    /* Files taken with /accept go to a folder of the test's own. */
    g_autofree char *files_dir = e2e_path(e, "files");
    g_mkdir_with_parents(files_dir, 0700);
    g_autofree char *q_files = g_shell_quote(files_dir);
    g_autofree char *cmd = g_strdup_printf(
        "timeout --foreground %d env -u DISPLAY -u WAYLAND_DISPLAY XDG_CONFIG_HOME=%s "
        "LC_ALL=C.UTF-8 LANG=C.UTF-8 "
        "%s --server 127.0.0.1:%u --nick alice --log %s --files-dir %s; echo EXIT=$? > %s",
        E2E_WATCHDOG_S, q_dir, BIN("lanconf"), e->port, q_log, q_files, q_exit);
    g_autofree char *cols = g_strdup_printf("%d", SCREEN_COLS);
    g_autofree char *rows = g_strdup_printf("%d", SCREEN_ROWS);
    const char *args[] = {"-f", "/dev/null", "new-session", "-d", "-s", "lc",
                          "-x", cols,        "-y",          rows, cmd,  NULL};
    g_free(e2e_tmux(e, args));
    const char *pid_args[] = {"display-message", "-p", "-t", "lc", "#{pid}", NULL};
    g_autofree char *pid = e2e_tmux(e, pid_args);
    e2e_pids[E2E_PID_TMUX] = (pid_t)g_ascii_strtoll(pid, NULL, 10);
    if (wait_joined)
        e2e_expect(e, NULL, "[joined]");
}

/* Set-up: relay, bob (a lanconf-cli member), then lanconf in tmux. */
void e2e_setup(E2e *e, gconstpointer data)
{
    e->dir = g_dir_make_tmp("lanconf-tui-e2e-XXXXXX", NULL);
    e->socket = g_strdup_printf("lanconf-test-%d-%08x", (int)getpid(), g_random_int());
    e2e_start_relay(e, 0);
    e->bob = e2e_start_cli(e, "bob", &e->bob_addr);
    e2e_pids[E2E_PID_BOB] = e2e_pid_of(e->bob);
    e2e_start_tui(e, TRUE);
}

/* Set-up with a room password. */
void e2e_setup_password(E2e *e, gconstpointer data)
{
    e->dir = g_dir_make_tmp("lanconf-tui-e2e-XXXXXX", NULL);
    e->socket = g_strdup_printf("lanconf-test-%d-%08x", (int)getpid(), g_random_int());
    e->password_file = e2e_path(e, "room-password");
    g_assert_true(g_file_set_contents(e->password_file, (const char *)data, -1, NULL));
    e2e_start_relay(e, 0);
    e->bob = e2e_start_cli(e, "bob", &e->bob_addr);
    e2e_pids[E2E_PID_BOB] = e2e_pid_of(e->bob);
    e2e_start_tui(e, FALSE);
}

/* Set-up with no relay running yet: its port is taken from a relay
 * started and stopped, and lanconf starts against it. */
void e2e_setup_no_relay(E2e *e, gconstpointer data)
{
    e->dir = g_dir_make_tmp("lanconf-tui-e2e-XXXXXX", NULL);
    e->socket = g_strdup_printf("lanconf-test-%d-%08x", (int)getpid(), g_random_int());
    e2e_start_relay(e, 0);
    g_subprocess_send_signal(e->relay, SIGTERM);
    g_assert_true(g_subprocess_wait(e->relay, NULL, NULL));
    g_clear_object(&e->relay);
    e2e_pids[E2E_PID_RELAY] = 0;
    e2e_start_tui(e, FALSE);
}

/* Stops a process and waits for it. */
void e2e_stop(GSubprocess *p)
{
    if (p == NULL)
        return;
    g_subprocess_send_signal(p, SIGTERM);
    g_subprocess_wait(p, NULL, NULL);
    g_object_unref(p);
}

/* Removes the test directory and what is in it. */
void e2e_rmdir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            e2e_rmdir(path);
        else
            g_unlink(path);
    }
    g_rmdir(dir);
}

/* Tear-down: the tmux server, the members, the relay, the files. */
void e2e_teardown(E2e *e, gconstpointer data)
{
    const char *args[] = {"kill-server", NULL};
    g_free(e2e_tmux(e, args));
    for (int i = 0; i < E2E_N_PIDS; i++)
        e2e_pids[i] = 0;
    e2e_stop(e->bob);
    e2e_stop(e->relay);
    e2e_rmdir(e->dir);
    g_free(e->dir);
    g_free(e->socket);
    g_free(e->bob_addr);
    g_free(e->password_file);
}

/* The screen split into rows (capture-pane drops trailing blank rows). */
GStrv e2e_rows(const char *screen)
{
    return g_strsplit(screen, "\n", -1);
}

/* Index of the first row containing needle, or -1. */
int e2e_row_of(GStrv rows, const char *needle)
{
    for (int i = 0; rows[i] != NULL; i++)
        if (strstr(rows[i], needle) != NULL)
            return i;
    return -1;
}

/* Sets the environment every end-to-end test runs in and starts GTest;
 * FALSE (the test program then exits 77, skipped) without tmux. */
gboolean e2e_init(int *argc, char ***argv)
{
    /* tmux and lanconf run in a UTF-8 locale on an xterm, whatever the
     * environment of the test runner; TMUX is cleared so that a test started
     * from inside tmux still gets its own server. */
    g_setenv("TERM", "xterm-256color", TRUE);
    g_setenv("LANG", "C.UTF-8", TRUE);
    g_unsetenv("TMUX");
    setlocale(LC_ALL, "C.UTF-8");
    signal(SIGABRT, e2e_on_abort);
    g_test_init(argc, argv, NULL);
    g_autofree char *tmux = g_find_program_in_path("tmux");
    if (tmux == NULL) {
        g_test_message("tmux is not installed");
        return FALSE;
    }
    return TRUE;
}
