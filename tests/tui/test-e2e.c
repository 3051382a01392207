/* End-to-end test of the terminal client: lanconf runs inside a detached
 * tmux session against a real lanconf-relay, with real lanconf-cli
 * processes as the other members. The test types with send-keys and reads
 * the screen with capture-pane, polling with a deadline. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define BIN(name)      LANCONF_BIN_DIR "/" name
#define WAIT_MS        10000
#define POLL_MS        50
#define SCREEN_COLS    100
#define SCREEN_ROWS    30
#define PROMPT         "[alice] "
#define PROMPT_SHOWN   "[alice]" /* capture-pane drops trailing spaces */
#define E2E_WATCHDOG_S 120       /* lanconf stops by itself if the test dies */

/* Processes a failed assertion must not leave behind (it aborts before the
 * tear-down): the tmux server, the relay and bob. */
enum { E2E_PID_TMUX, E2E_PID_RELAY, E2E_PID_BOB, E2E_N_PIDS };
static volatile pid_t e2e_pids[E2E_N_PIDS];

typedef struct {
    char *dir;
    char *socket; /* tmux -L name, unique per run */
    GSubprocess *relay;
    guint16 port;
    GSubprocess *bob; /* lanconf-cli with stdin open */
    char *bob_addr;
} E2e;

/* Path of a file in the test's directory. */
static char *e2e_path(E2e *e, const char *name)
{
    return g_build_filename(e->dir, name, NULL);
}

/* Reads a file, or "" if it does not exist yet. */
static char *e2e_read(E2e *e, const char *name)
{
    g_autofree char *path = e2e_path(e, name);
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

/* Runs tmux with the test's socket; returns its stdout. */
static char *e2e_tmux(E2e *e, const char *const *args)
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
static char *e2e_screen(E2e *e)
{
    const char *args[] = {"capture-pane", "-p", "-t", "lc", NULL};
    return e2e_tmux(e, args);
}

/* Types text literally, then presses Enter if asked. */
static void e2e_type(E2e *e, const char *text, gboolean enter)
{
    const char *args[] = {"send-keys", "-t", "lc", "-l", text, NULL};
    g_free(e2e_tmux(e, args));
    if (enter) {
        const char *keys[] = {"send-keys", "-t", "lc", "Enter", NULL};
        g_free(e2e_tmux(e, keys));
    }
}

/* Presses a named key ("Left", "PPage"). */
static void e2e_key(E2e *e, const char *key)
{
    const char *args[] = {"send-keys", "-t", "lc", key, NULL};
    g_free(e2e_tmux(e, args));
}

typedef gboolean (*E2eCheck)(const char *text, gpointer data);

/* Whether text contains the string data. */
static gboolean e2e_contains(const char *text, gpointer data)
{
    return strstr(text, data) != NULL;
}

/* Polls until check passes on the screen (file == NULL) or a file; fails
 * the test with what was last seen at the deadline. Returns the text. */
static char *e2e_wait(E2e *e, const char *file, E2eCheck check, gpointer data, const char *what)
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
static char *e2e_wait_for(E2e *e, const char *file, const char *needle)
{
    return e2e_wait(e, file, e2e_contains, (gpointer)needle, needle);
}

/* Waits until the screen (file NULL) or a file contains a string. */
static void e2e_expect(E2e *e, const char *file, const char *needle)
{
    g_free(e2e_wait_for(e, file, needle));
}

/* In the child: die with the test, even if it is killed outright. */
static void e2e_child_setup(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* A subprocess's pid. */
static pid_t e2e_pid_of(GSubprocess *p)
{
    return (pid_t)g_ascii_strtoll(g_subprocess_get_identifier(p), NULL, 10);
}

/* SIGABRT (a failed assertion): stops the test's processes, then aborts. */
static void e2e_on_abort(int sig)
{
    for (int i = 0; i < E2E_N_PIDS; i++)
        if (e2e_pids[i] > 0)
            kill(e2e_pids[i], SIGTERM);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Starts a process with stdout and stderr to files in the test directory. */
static GSubprocess *e2e_spawn(E2e *e, const char *const *argv, const char *name,
                              gboolean with_stdin)
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
static gboolean e2e_has_port(const char *text, gpointer data)
{
    return strchr(text, '\n') != NULL;
}

/* Starts the relay on port fixed (0: a free one). */
static void e2e_start_relay(E2e *e, guint16 fixed)
{
    g_autofree char *port_file = e2e_path(e, "port");
    g_autofree char *data = e2e_path(e, "data");
    g_autofree char *port_text = g_strdup_printf("%u", fixed);
    g_unlink(port_file);
    const char *argv[] = {BIN("lanconf-relay"), "--port", port_text,      "--port-file", port_file,
                          "--data-dir",         data,     "--rate-limit", "0",           NULL};
    e->relay = e2e_spawn(e, argv, "relay", FALSE);
    e2e_pids[E2E_PID_RELAY] = e2e_pid_of(e->relay);
    g_autofree char *port = e2e_wait(e, "port", e2e_has_port, NULL, "the relay's port file");
    e->port = (guint16)g_ascii_strtoull(port, NULL, 10);
    g_assert_cmpuint(e->port, >, 0);
}

/* Whether lanconf-cli said it joined (its address follows " as "). */
static gboolean e2e_has_joined(const char *text, gpointer data)
{
    const char *as = strstr(text, " as ");
    return as != NULL && strchr(as, '\n') != NULL;
}

/* Starts a lanconf-cli member that keeps stdin open; returns its nick@addr. */
static GSubprocess *e2e_start_cli(E2e *e, const char *nick, char **tag)
{
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    const char *argv[] = {BIN("lanconf-cli"), "--server",     server, "--nick", nick,
                          "--verbose",        "--no-history", NULL};
    GSubprocess *p = e2e_spawn(e, argv, nick, TRUE);
    g_autofree char *err_name = g_strdup_printf("%s.err", nick);
    g_autofree char *err = e2e_wait(e, err_name, e2e_has_joined, NULL, "lanconf-cli to join");
    const char *as = strstr(err, " as ") + 4;
    *tag = g_strndup(as, strcspn(as, "\n"));
    return p;
}

/* Starts a lanconf-cli member that sends media (flag and source, such as
 * --camera test) for seconds; its output goes to NICK.out and NICK.err. */
static GSubprocess *e2e_start_media(E2e *e, const char *nick, const char *flag, const char *source,
                                    const char *seconds)
{
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    const char *argv[] = {BIN("lanconf-cli"), "--server", server, "--nick", nick, flag, source,
                          "--duration",       seconds,    NULL};
    return e2e_spawn(e, argv, nick, FALSE);
}

/* Sends one line from a lanconf-cli member. */
static void e2e_cli_say(GSubprocess *p, const char *line)
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
static void e2e_start_tui(E2e *e, gboolean wait_joined)
{
    g_autofree char *exit_file = e2e_path(e, "exit");
    g_autofree char *log_file = e2e_path(e, "chat.log");
    g_autofree char *q_dir = g_shell_quote(e->dir);
    g_autofree char *q_exit = g_shell_quote(exit_file);
    g_autofree char *q_log = g_shell_quote(log_file);
    g_autofree char *cmd = g_strdup_printf(
        "timeout --foreground %d env -u DISPLAY -u WAYLAND_DISPLAY XDG_CONFIG_HOME=%s "
        "LC_ALL=C.UTF-8 LANG=C.UTF-8 "
        "%s --server 127.0.0.1:%u --nick alice --log %s; echo EXIT=$? > %s",
        E2E_WATCHDOG_S, q_dir, BIN("lanconf"), e->port, q_log, q_exit);
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
static void e2e_setup(E2e *e, gconstpointer data)
{
    e->dir = g_dir_make_tmp("lanconf-tui-e2e-XXXXXX", NULL);
    e->socket = g_strdup_printf("lanconf-test-%d-%08x", (int)getpid(), g_random_int());
    e2e_start_relay(e, 0);
    e->bob = e2e_start_cli(e, "bob", &e->bob_addr);
    e2e_pids[E2E_PID_BOB] = e2e_pid_of(e->bob);
    e2e_start_tui(e, TRUE);
}

/* Set-up with no relay running yet: its port is taken from a relay
 * started and stopped, and lanconf starts against it. */
static void e2e_setup_no_relay(E2e *e, gconstpointer data)
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
static void e2e_stop(GSubprocess *p)
{
    if (p == NULL)
        return;
    g_subprocess_send_signal(p, SIGTERM);
    g_subprocess_wait(p, NULL, NULL);
    g_object_unref(p);
}

/* Removes the test directory and what is in it. */
static void e2e_rmdir(const char *dir)
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
static void e2e_teardown(E2e *e, gconstpointer data)
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
}

/* The screen split into rows (capture-pane drops trailing blank rows). */
static GStrv e2e_rows(const char *screen)
{
    return g_strsplit(screen, "\n", -1);
}

/* Index of the first row containing needle, or -1. */
static int e2e_row_of(GStrv rows, const char *needle)
{
    for (int i = 0; rows[i] != NULL; i++)
        if (strstr(rows[i], needle) != NULL)
            return i;
    return -1;
}

/* A message from another member appears with its nick@ip:port tag; a typed
 * line reaches that member. */
static void test_chat(E2e *e, gconstpointer data)
{
    g_assert_true(g_str_has_prefix(e->bob_addr, "bob@127.0.0.1:"));
    e2e_cli_say(e->bob, "hello from bob");
    g_autofree char *line = g_strdup_printf("%s: hello from bob", e->bob_addr);
    e2e_expect(e, NULL, line);

    e2e_type(e, "hi bob, alice here", TRUE);
    g_autofree char *out = e2e_wait_for(e, "bob.out", ": hi bob, alice here\n");
    g_assert_true(g_str_has_prefix(out, "alice@127.0.0.1:"));
    /* Our own line shows with our tag once the relay stored it. */
    g_autofree char *tag = g_strndup(out, strcspn(out, " ")); /* "alice@ip:port:" */
    g_autofree char *own = g_strdup_printf("%s hi bob, alice here", tag);
    e2e_expect(e, NULL, own);

    /* An action reads the same in lanconf-cli as in the TUI. */
    e2e_type(e, "/me waves", TRUE);
    g_autofree char *action = g_strdup_printf("* %.*s waves\n", (int)strlen(tag) - 1, tag);
    e2e_expect(e, "bob.out", action);

    e2e_type(e, "/frobnicate", TRUE);
    e2e_expect(e, NULL, "Unknown command /frobnicate.");
    e2e_type(e, "/who", TRUE);
    e2e_expect(e, NULL, e->bob_addr);
}

/* CJK and emoji render in the log, travel both ways, and the cursor sits
 * right after wide characters. */
static void test_wide(E2e *e, gconstpointer data)
{
    e2e_cli_say(e->bob, "你好世界 \U0001F389 party");
    e2e_expect(e, NULL, "你好世界 \U0001F389 party");

    e2e_type(e, "日本語 テスト \U0001F600", TRUE);
    e2e_expect(e, "bob.out", ": 日本語 テスト \U0001F600\n");

    e2e_type(e, "ab日本cd", FALSE);
    e2e_key(e, "Left");
    e2e_key(e, "Left");
    e2e_expect(e, NULL, PROMPT "ab日本cd");
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
    const char *args[] = {"display-message", "-p", "-t", "lc", "#{cursor_x} #{cursor_y}", NULL};
    g_autofree char *want = g_strdup_printf("%d %d\n", 8 + 6, SCREEN_ROWS - 1);
    for (;;) {
        g_autofree char *cursor = e2e_tmux(e, args);
        if (g_strcmp0(cursor, want) == 0)
            break;
        if (g_get_monotonic_time() > deadline)
            g_error("cursor at %s, expected %s", cursor, want);
        g_usleep(POLL_MS * 1000);
    }
}

/* Whether the screen has rows rows, no wider than cols, with the status
 * line and the input line on the last two. */
static gboolean e2e_screen_sane(const char *screen, gpointer data)
{
    const int *size = data;
    g_auto(GStrv) rows = e2e_rows(screen);
    guint n = g_strv_length(rows);
    if (n > 0 && rows[n - 1][0] == '\0')
        n--; /* the newline after the last row */
    if ((int)n != size[1])
        return FALSE;
    for (guint i = 0; i < n; i++)
        if (g_utf8_strlen(rows[i], -1) > size[0])
            return FALSE;
    return strstr(rows[n - 2], "[joined]") != NULL && g_str_has_prefix(rows[n - 1], PROMPT_SHOWN);
}

/* Resizing keeps the status and input lines at the bottom and rewraps text. */
static void test_resize(E2e *e, gconstpointer data)
{
    GString *words = g_string_new("start");
    for (int i = 1; i <= 60; i++)
        g_string_append_printf(words, " w%02d", i);
    g_string_append(words, " finish");
    e2e_cli_say(e->bob, words->str);
    g_autofree char *wide = e2e_wait_for(e, NULL, "finish");
    int size_wide[2] = {SCREEN_COLS, SCREEN_ROWS};
    g_assert_true(e2e_screen_sane(wide, size_wide));
    g_auto(GStrv) wide_rows = e2e_rows(wide);
    int wide_span = e2e_row_of(wide_rows, "finish") - e2e_row_of(wide_rows, "start");

    const char *args[] = {"resize-window", "-t", "lc", "-x", "60", "-y", "20", NULL};
    g_free(e2e_tmux(e, args));
    int size_narrow[2] = {60, 20};
    g_autofree char *narrow =
        e2e_wait(e, NULL, e2e_screen_sane, size_narrow, "a sane 60x20 screen");
    g_auto(GStrv) rows = e2e_rows(narrow);
    int first = e2e_row_of(rows, "start"), last = e2e_row_of(rows, "finish");
    g_assert_cmpint(first, >=, 0);
    g_assert_cmpint(last - first, >, wide_span);
    /* Every word is there, in order, across the rewrapped rows. */
    int row = first;
    for (int i = 1; i <= 60; i++) {
        g_autofree char *w = g_strdup_printf("w%02d", i);
        int at = e2e_row_of(rows + row, w);
        g_assert_cmpint(at, >=, 0);
        row += at;
    }

    /* And back to a bigger size, with typing in between. */
    e2e_type(e, "still typing", FALSE);
    const char *back[] = {"resize-window", "-t", "lc", "-x", "90", "-y", "25", NULL};
    g_free(e2e_tmux(e, back));
    int size_back[2] = {90, 25};
    g_autofree char *again = e2e_wait(e, NULL, e2e_screen_sane, size_back, "a sane 90x25 screen");
    g_assert_nonnull(strstr(again, PROMPT "still typing"));
    g_string_free(words, TRUE);
}

/* /quit MESSAGE leaves (the others see the message) and exits with 0; the
 * --log file has the conversation. */
static void test_quit(E2e *e, gconstpointer data)
{
    e2e_cli_say(e->bob, "logged line");
    e2e_expect(e, NULL, "logged line");
    e2e_type(e, "/quit bye", TRUE);
    g_autofree char *status = e2e_wait_for(e, "exit", "\n");
    g_assert_cmpstr(status, ==, "EXIT=0\n");
    e2e_expect(e, "bob.err", " left (bye)");
    g_autofree char *log = e2e_read(e, "chat.log");
    g_autofree char *logged = g_strdup_printf("%s: logged line\n", e->bob_addr);
    g_assert_nonnull(strstr(log, logged));
    g_assert_nonnull(strstr(log, "--- log closed"));
}

/* Whether a viewer's JSON summary counts a decoded frame on some channel. */
static gboolean e2e_has_decoded(const char *text, gpointer data)
{
    for (const char *p = strstr(text, "\"frames_decoded\""); p != NULL;
         p = strstr(p + 1, "\"frames_decoded\"")) {
        const char *colon = strchr(p, ':');
        if (colon != NULL && g_ascii_strtoull(colon + 1, NULL, 10) > 0)
            return TRUE;
    }
    return FALSE;
}

/* Whether the screen shows that the camera failed to start or stopped. */
static gboolean e2e_has_camera_error(const char *text, gpointer data)
{
    return strstr(text, "camera not started:") != NULL || strstr(text, "camera stopped:") != NULL;
}

/* /cam on streams alice's test camera: a headless lanconf-cli viewer decodes
 * it, and the stats pane (F2) shows tcp and udp columns for it. */
static void test_cam(E2e *e, gconstpointer data)
{
    /* A bad source is an error line, and the camera can be started afterwards. */
    e2e_type(e, "/cam on /no/such/clip.mp4", TRUE);
    g_free(e2e_wait(e, NULL, e2e_has_camera_error, NULL, "a camera error line"));
    e2e_type(e, "/cam on test", TRUE);
    e2e_expect(e, NULL, "camera on: test 640x480@30");
    e2e_type(e, "/who", TRUE);
    e2e_expect(e, NULL, " (on camera) (you)");
    /* A view of someone not streaming waits, and says so. */
    e2e_type(e, "/view bob", TRUE);
    e2e_expect(e, NULL, "bob is not streaming: the view starts when bob turns a camera on");
    e2e_type(e, "/unview bob", TRUE);
    e2e_type(e, "/view nobody", TRUE);
    e2e_expect(e, NULL, "nobody is not in the room");
    e2e_type(e, "/unview nobody", TRUE);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    /* A member on camera is marked though nobody here views it. */
    g_autoptr(GSubprocess) dave = e2e_start_media(e, "dave", "--camera", "test", "4");
    e2e_expect(e, NULL, "*dave");
    e2e_type(e, "/who", TRUE);
    e2e_expect(e, NULL, "dave@127.0.0.1:");
    g_autofree char *summary = e2e_path(e, "view.json");
    const char *argv[] = {BIN("lanconf-cli"), "--server", server,       "--nick", "carol",
                          "--view",           "alice",    "--duration", "3",      "--headless",
                          "--summary",        summary,    NULL};
    g_autoptr(GSubprocess) carol = e2e_spawn(e, argv, "carol", FALSE);
    e2e_key(e, "F2");
    g_autofree char *pane = e2e_wait_for(e, NULL, "p50/p99ms");
    g_auto(GStrv) rows = e2e_rows(pane);
    int header = e2e_row_of(rows, "p50/p99ms");
    g_assert_nonnull(strstr(rows[header], "tcp"));
    g_assert_nonnull(strstr(rows[header], "udp"));
    g_assert_nonnull(strstr(rows[header], "fps"));
    e2e_expect(e, NULL, "you → relay");
    g_free(e2e_wait(e, "view.json", e2e_has_decoded, NULL, "frames decoded"));
    g_autoptr(GError) error = NULL;
    g_subprocess_wait_check(carol, NULL, &error);
    g_assert_no_error(error);
    g_subprocess_wait(dave, NULL, NULL);
    /* The sender sees who watches. */
    e2e_expect(e, NULL, "carol is watching your camera");
    e2e_expect(e, NULL, "carol stopped watching your camera");
    /* The member list marks alice as streaming while the camera is on. */
    g_assert_nonnull(strstr(pane, "*alice"));
    e2e_key(e, "F2");
    e2e_type(e, "/cam off", TRUE);
    e2e_expect(e, NULL, "camera off");
}

/* Whether an interval line after offset data (into carol.err) says frames
 * were decoded in that second ("... decoded N" with N > 0). */
static gboolean e2e_decoded_since(const char *text, gpointer data)
{
    gsize from = GPOINTER_TO_SIZE(data);
    if (strlen(text) <= from)
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text + from, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *d = strstr(lines[i], " decoded ");
        if (d != NULL && g_ascii_strtoull(d + 9, NULL, 10) > 0 && strchr(lines[i], ':') != NULL)
            return TRUE;
    }
    return FALSE;
}

/* A viewer follows a camera that restarts, every time: after each /cam off
 * and /cam on, frames are decoded again within a few seconds (the new
 * stream numbers its frames from 1 again; they must not be taken for
 * repeats of the last stream's). */
static void test_cam_restart(E2e *e, gconstpointer data)
{
    e2e_type(e, "/cam on test", TRUE);
    e2e_expect(e, NULL, "camera on: test 640x480@30");
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    const char *argv[] = {
        BIN("lanconf-cli"), "--server", server,       "--nick", "carol", "--view", "alice",
        "--duration",       "60",       "--headless", NULL};
    g_autoptr(GSubprocess) carol = e2e_spawn(e, argv, "carol", FALSE);
    e2e_pids[E2E_PID_BOB] =
        e2e_pid_of(carol); /* bob is idle here; carol must not outlive a failure */
    g_free(
        e2e_wait(e, "carol.err", e2e_decoded_since, GSIZE_TO_POINTER(0), "carol's first frames"));
    g_usleep(5 * G_USEC_PER_SEC); /* 150 frames: a restart numbers from 1 again, far below */
    for (int round = 1; round <= 3; round++) {
        e2e_type(e, "/cam off", TRUE);
        g_usleep(1500 * 1000);
        g_autofree char *before = e2e_read(e, "carol.err");
        e2e_type(e, "/cam on test", TRUE);
        /* Within 3 s, not after the last stream's 150 frames (5 s). */
        gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
        gboolean decoded = FALSE;
        while (!decoded && g_get_monotonic_time() < deadline) {
            g_autofree char *now = e2e_read(e, "carol.err");
            decoded = e2e_decoded_since(now, GSIZE_TO_POINTER(strlen(before)));
            g_usleep(100 * 1000);
        }
        if (!decoded) {
            g_autofree char *log = e2e_read(e, "carol.err");
            g_printerr("--- carol.err ---\n%s\n---\n", log);
        }
        g_assert_true(decoded);
    }
    g_subprocess_send_signal(carol, SIGTERM);
    g_subprocess_wait(carol, NULL, NULL);
    e2e_pids[E2E_PID_BOB] = e2e_pid_of(e->bob);
}

/* Whether a camera tile's caption shows a frame rate: " dave · udp · 30 fps". */
static gboolean e2e_has_tile(const char *text, gpointer data)
{
    const char *caption = strstr(text, " dave · ");
    return caption != NULL && strstr(caption, " fps") != NULL &&
           strstr(caption, " fps") < strchr(caption, '\n');
}

/* Picture cells (block characters, U+2580 to U+259F) in rows from..to. */
static guint e2e_block_cells(GStrv rows, int from, int to)
{
    guint n = 0;
    for (int y = from; y <= to && rows[y] != NULL; y++)
        for (const char *p = rows[y]; *p != '\0'; p = g_utf8_next_char(p))
            n += g_utf8_get_char(p) >= 0x2580 && g_utf8_get_char(p) <= 0x259F;
    return n;
}

/* With no display a viewed camera is drawn in the terminal: a tile above the
 * chat, captioned with the nick, the channel and the frame rate, its picture
 * in coloured block characters; /unview gives the rows back to the chat;
 * viewing yourself is refused. */
static void test_tiles(E2e *e, gconstpointer data)
{
    e2e_type(e, "/view alice", TRUE);
    e2e_expect(e, NULL, "alice is you");
    g_autoptr(GSubprocess) dave = e2e_start_media(e, "dave", "--camera", "synthetic", "60");
    e2e_expect(e, NULL, "*dave");
    e2e_type(e, "/view dave", TRUE);
    e2e_expect(e, NULL, "viewing dave's camera: in the terminal, above the chat (no window:");
    g_autofree char *screen = e2e_wait(e, NULL, e2e_has_tile, NULL, "a camera tile");
    g_auto(GStrv) rows = e2e_rows(screen);
    int caption = e2e_row_of(rows, " dave · ");
    g_assert_cmpint(caption, ==, 0); /* the top of the chat area */
    guint blocks = e2e_block_cells(rows, 1, SCREEN_ROWS / 2);
    g_test_message("tile:\n%s\n%u block cells", screen, blocks);
    g_assert_cmpuint(blocks, >, 50);
    /* In colour: the tile's rows carry colour escapes. */
    const char *args[] = {"capture-pane", "-p", "-e", "-t", "lc", "-S", "1", "-E", "4", NULL};
    g_autofree char *coloured = e2e_tmux(e, args);
    g_assert_nonnull(strstr(coloured, "\033["));
    /* The picture moves: the tile is drawn again with new frames. */
    g_usleep(500 * 1000);
    g_autofree char *later = e2e_screen(e);
    g_assert_cmpstr(later, !=, screen);
    e2e_type(e, "/unview dave", TRUE);
    e2e_expect(e, NULL, "stopped viewing dave");
    g_autofree char *after = e2e_screen(e);
    g_assert_null(strstr(after, " dave · "));
    g_subprocess_force_exit(dave);
    g_subprocess_wait(dave, NULL, NULL);
}

/* Whether the screen shows that the audio failed to start. */
static gboolean e2e_has_audio_error(const char *text, gpointer data)
{
    return strstr(text, "audio not started:") != NULL;
}

/* Number of streams the relay has, from lanconf-cli --relay-stats --json. */
static guint e2e_relay_streams(E2e *e)
{
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                         BIN("lanconf-cli"), "--server", server, "--nick", "stats", "--relay-stats",
                         "--json", "--timeout", "5", NULL);
    g_assert_no_error(error);
    g_autofree char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &out, NULL, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    const char *at = strstr(out, "\"streams\"");
    g_assert_nonnull(at);
    guint n = 0;
    for (const char *s = at; (s = strstr(s + 1, "\"stream_id\"")) != NULL;)
        n++;
    return n;
}

/* The audio commands: a bad source is an error line that leaves no stream
 * on the relay; /listen hears carol (a lanconf-cli tone) into a WAV file
 * with no VIEW by nick, the member list marks who talks (<)) ) and who is
 * muted (<x), the stats pane has a talk row and a hear row, F4 mutes the
 * microphone and /mute NICK a member. */
static void test_audio(E2e *e, gconstpointer data)
{
    e2e_type(e, "/audio on /no/such/talk.wav", TRUE);
    g_free(e2e_wait(e, NULL, e2e_has_audio_error, NULL, "an audio error line"));
    g_assert_cmpuint(e2e_relay_streams(e), ==, 0);
    g_autofree char *wav = e2e_path(e, "heard.wav");
    g_autofree char *listen = g_strdup_printf("/listen %s", wav);
    e2e_type(e, listen, TRUE);
    e2e_expect(e, NULL, "listening to everyone who talks, into file");
    g_autoptr(GSubprocess) carol = e2e_start_media(e, "carol", "--audio", "test:660", "8");
    e2e_expect(e, NULL, "carol <))");
    e2e_type(e, "/audio on test:440", TRUE);
    e2e_expect(e, NULL, "audio on: test tone 440 Hz on tcp and udp");
    e2e_expect(e, NULL, "alice <))");
    e2e_key(e, "F2");
    e2e_expect(e, NULL, "talk → relay");
    e2e_expect(e, NULL, "hear carol");
    e2e_key(e, "F2");
    e2e_key(e, "F4");
    e2e_expect(e, NULL, "microphone muted");
    e2e_expect(e, NULL, "alice <x");
    e2e_type(e, "/mute carol", TRUE);
    e2e_expect(e, NULL, "carol muted here");
    e2e_expect(e, NULL, "carol <x");
    e2e_type(e, "/mute two words", TRUE);
    e2e_expect(e, NULL, "usage: /mute [NICK]");
    e2e_type(e, "/listen off", TRUE);
    e2e_expect(e, NULL, "stopped listening (file");
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(wav, &bytes, &len, NULL));
    g_assert_cmpuint(len, >, 44 + 48000); /* half a second of sound, at least */
    g_assert_cmpint(memcmp(bytes, "RIFF", 4), ==, 0);
    e2e_type(e, "/audio off", TRUE);
    e2e_expect(e, NULL, "audio off");
    g_subprocess_force_exit(carol);
}

/* Runs the tests. */
/* Started before the relay, lanconf says why it cannot join and keeps
 * trying, once (no line per attempt), then joins when the relay comes up. */
static void test_relay_later(E2e *e, gconstpointer data)
{
    e2e_expect(e, NULL, "/quit leaves");
    g_usleep(2500 * 1000); /* several attempts */
    g_autofree char *screen = e2e_screen(e);
    g_assert_nonnull(strstr(screen, "is lanconf-relay running at 127.0.0.1:"));
    g_assert_nonnull(strstr(screen, "[waiting for the relay, "));
    const char *first = strstr(screen, "/quit leaves");
    g_assert_null(strstr(first + 1, "/quit leaves")); /* said once, not once an attempt */
    e2e_start_relay(e, e->port);
    e2e_expect(e, NULL, "[joined]");
    e2e_expect(e, NULL, "joined relay 127.0.0.1:");
}

int main(int argc, char **argv)
{
    /* tmux and lanconf run in a UTF-8 locale on an xterm, whatever the
     * environment of the test runner; TMUX is cleared so that a test started
     * from inside tmux still gets its own server. */
    g_setenv("TERM", "xterm-256color", TRUE);
    g_setenv("LANG", "C.UTF-8", TRUE);
    g_unsetenv("TMUX");
    setlocale(LC_ALL, "C.UTF-8");
    signal(SIGABRT, e2e_on_abort);
    g_test_init(&argc, &argv, NULL);
    g_autofree char *tmux = g_find_program_in_path("tmux");
    if (tmux == NULL) {
        g_test_message("tmux is not installed");
        return 77;
    }
    g_test_add("/tui/e2e/chat", E2e, NULL, e2e_setup, test_chat, e2e_teardown);
    g_test_add("/tui/e2e/wide", E2e, NULL, e2e_setup, test_wide, e2e_teardown);
    g_test_add("/tui/e2e/resize", E2e, NULL, e2e_setup, test_resize, e2e_teardown);
    g_test_add("/tui/e2e/cam", E2e, NULL, e2e_setup, test_cam, e2e_teardown);
    g_test_add("/tui/e2e/cam-restart", E2e, NULL, e2e_setup, test_cam_restart, e2e_teardown);
    g_test_add("/tui/e2e/audio", E2e, NULL, e2e_setup, test_audio, e2e_teardown);
    g_test_add("/tui/e2e/tiles", E2e, NULL, e2e_setup, test_tiles, e2e_teardown);
    g_test_add("/tui/e2e/quit", E2e, NULL, e2e_setup, test_quit, e2e_teardown);
    g_test_add("/tui/e2e/relay-later", E2e, NULL, e2e_setup_no_relay, test_relay_later,
               e2e_teardown);
    return g_test_run();
}
