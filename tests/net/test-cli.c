/* test-cli.c: lanconf-cli end to end through a lanconf-relay process. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/net/cli-harness.h"

/* Two clients exchange messages, tagged nick@127.0.0.1:PORT; /me is an action. */
static void test_exchange(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autoptr(GSubprocess) bob =
        cli_spawn("--server", server, "--nick", "bob", "--count", "3", "--timeout", "20", NULL);
    g_usleep(300000);
    g_autoptr(GSubprocess) alice =
        cli_spawn("--server", server, "--nick", "alice", "--timeout", "20", NULL);
    g_autofree char *a_out = NULL, *a_err = NULL, *b_out = NULL, *b_err = NULL;
    g_assert_cmpint(cli_finish(alice, "first line\nsecond line\n/me waves\n", &a_out, &a_err), ==,
                    0);
    g_assert_cmpint(cli_finish(bob, "", &b_out, &b_err), ==, 0);
    g_auto(GStrv) lines = g_strsplit(b_out, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 4);
    /* An action, as the TUI shows it. */
    g_autoptr(GRegex) action = g_regex_new("^\\* alice@127\\.0\\.0\\.1:[0-9]+ waves$", 0, 0, NULL);
    g_assert_true(g_regex_match(action, lines[2], 0, NULL));
    g_autoptr(GRegex) re = g_regex_new("^alice@127\\.0\\.0\\.1:[0-9]+: first line$", 0, 0, NULL);
    g_assert_true(g_regex_match(re, lines[0], 0, NULL));
    g_assert_true(g_str_has_suffix(lines[1], ": second line"));
    g_assert_cmpstr(a_out, ==, "");
    relay_stop(&r);
}

/* --json prints one object per line with the documented fields; history is
 * flagged; --no-history leaves the backlog out. */
static void test_json_history(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autoptr(GSubprocess) alice = cli_spawn("--server", server, "--nick", "alice", NULL);
    g_assert_cmpint(cli_finish(alice, "stored ü\n", NULL, NULL), ==, 0);

    g_autoptr(GSubprocess) bob = cli_spawn("--server", server, "--nick", "bob", "--json", "--count",
                                           "1", "--timeout", "10", NULL);
    g_autofree char *out = NULL;
    g_assert_cmpint(cli_finish(bob, "", &out, NULL), ==, 0);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, out, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpint(json_object_get_int_member(o, "id"), ==, 1);
    g_assert_cmpstr(json_object_get_string_member(o, "nick"), ==, "alice");
    g_assert_cmpstr(json_object_get_string_member(o, "text"), ==, "stored ü");
    g_assert_true(json_object_get_boolean_member(o, "history"));
    g_assert_true(g_str_has_prefix(json_object_get_string_member(o, "addr"), "127.0.0.1:"));
    g_autoptr(GRegex) time_re =
        g_regex_new("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$", 0, 0, NULL);
    g_assert_true(g_regex_match(time_re, json_object_get_string_member(o, "time"), 0, NULL));

    g_autoptr(GSubprocess) carol = cli_spawn("--server", server, "--nick", "carol", "--no-history",
                                             "--count", "1", "--timeout", "1", NULL);
    g_autofree char *c_out = NULL, *c_err = NULL;
    g_assert_cmpint(cli_finish(carol, "", &c_out, &c_err), ==, 1);
    g_assert_cmpstr(c_out, ==, "");
    g_assert_nonnull(strstr(c_err, "timed out"));
    relay_stop(&r);
}

/* Exit codes: 2 for bad arguments, 1 for an unreachable relay, a taken nick
 * or a timeout, each with one clear line on stderr. */
static void test_exit_codes(void)
{
    g_autofree char *err = NULL;
    g_autoptr(GSubprocess) bad = cli_spawn("--count", "x", NULL);
    g_assert_cmpint(cli_finish(bad, "", NULL, &err), ==, 2);
    g_assert_nonnull(strstr(err, "lanconf-cli:"));
    g_clear_pointer(&err, g_free);
    g_autoptr(GSubprocess) bad_server = cli_spawn("--server", "host:99999", NULL);
    g_assert_cmpint(cli_finish(bad_server, "", NULL, &err), ==, 2);
    g_assert_nonnull(strstr(err, "port"));
    g_clear_pointer(&err, g_free);

    Relay r = {0};
    relay_start(&r, 0);
    guint16 port = r.port;
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", port);
    g_autoptr(GSubprocess) holder =
        cli_spawn("--server", server, "--nick", "dup", "--count", "1", "--timeout", "10", NULL);
    g_usleep(300000);
    g_autoptr(GSubprocess) taken =
        cli_spawn("--server", server, "--nick", "DUP", "--timeout", "5", NULL);
    g_assert_cmpint(cli_finish(taken, "", NULL, &err), ==, 1);
    g_assert_nonnull(strstr(err, "taken"));
    g_clear_pointer(&err, g_free);
    g_subprocess_force_exit(holder);
    /* A nick the relay would refuse is a usage error, found before connecting. */
    g_autoptr(GSubprocess) badnick = cli_spawn("--server", server, "--nick", "no spaces", NULL);
    g_assert_cmpint(cli_finish(badnick, "", NULL, &err), ==, 2);
    g_assert_nonnull(strstr(err, "--nick: "));
    g_clear_pointer(&err, g_free);
    relay_stop(&r);

    g_autoptr(GSubprocess) gone = cli_spawn("--server", server, "--nick", "x", NULL);
    g_assert_cmpint(cli_finish(gone, "hello\n", NULL, &err), ==, 1);
    g_assert_nonnull(strstr(err, "cannot connect"));
    g_assert_cmpuint(strlen(err) - 1, ==, strcspn(err, "\n")); /* one line */
}

/* Reads the receiver's stdout lines as they come. */
typedef struct {
    GDataInputStream *in;
    GPtrArray *lines;
    gboolean eof;
} Reader;

static void reader_next(Reader *rd);

static void reader_on_line(GObject *src, GAsyncResult *res, gpointer data)
{
    Reader *rd = data;
    char *line = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(src), res, NULL, NULL);
    if (line == NULL) {
        rd->eof = TRUE;
        return;
    }
    g_ptr_array_add(rd->lines, line);
    reader_next(rd);
}

static void reader_next(Reader *rd)
{
    g_data_input_stream_read_line_async(rd->in, G_PRIORITY_DEFAULT, NULL, reader_on_line, rd);
}

/* Runs the loop until the reader has at least n lines (or 30 s pass). */
static void reader_wait(Reader *rd, guint n)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (rd->lines->len < n && !rd->eof && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpuint(rd->lines->len, >=, n);
}

/* The logger recipe: with stdin empty at once, --follow goes on printing
 * the room (as JSON) until SIGTERM, then leaves and exits 0; without it
 * the client leaves at once and says how to stay. */
static void test_follow(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);

    g_autoptr(GSubprocess) once = cli_spawn("--server", server, "--nick", "once", NULL);
    g_autofree char *o_err = NULL;
    g_assert_cmpint(cli_finish(once, "", NULL, &o_err), ==, 0);
    g_assert_nonnull(strstr(o_err, "--follow"));

    /* Until interrupted and until N messages cannot both hold. */
    g_autoptr(GSubprocess) both = cli_spawn("--server", server, "--follow", "--count", "1", NULL);
    g_autofree char *b_err = NULL;
    g_assert_cmpint(cli_finish(both, "", NULL, &b_err), ==, 2);
    g_assert_nonnull(strstr(b_err, "--count"));
    /* A time limit ends a followed run as asked: exit 0. */
    g_autoptr(GSubprocess) timed =
        cli_spawn("--server", server, "--nick", "timed", "--follow", "--timeout", "4", NULL);
    g_autofree char *t_err = NULL;
    int t_status = cli_finish(timed, "", NULL, &t_err);
    if (t_status != 0)
        g_test_message("--follow --timeout 4: %s", t_err);
    g_assert_cmpint(t_status, ==, 0);
    /* Unless it never got in: a logger that logged nothing fails. */
    g_autoptr(GSubprocess) nowhere =
        cli_spawn("--server", "127.0.0.1:1", "--follow", "--timeout", "1", NULL);
    g_autofree char *n_err = NULL;
    g_assert_cmpint(cli_finish(nowhere, "", NULL, &n_err), ==, 1);
    g_assert_nonnull(strstr(n_err, "timed out"));

    g_autoptr(GSubprocess) logger = cli_spawn("--server", server, "--nick", "logger", "--json",
                                              "--no-history", "--follow", "--verbose", NULL);
    g_assert_true(g_output_stream_close(g_subprocess_get_stdin_pipe(logger), NULL, NULL));
    g_autoptr(GDataInputStream) err_in =
        g_data_input_stream_new(g_subprocess_get_stderr_pipe(logger));
    char *line = NULL; /* --verbose: the relay's certificate, then the join */
    while ((line = g_data_input_stream_read_line(err_in, NULL, NULL, NULL)) != NULL &&
           strstr(line, "joined") == NULL)
        g_free(line);
    g_assert_nonnull(line);
    g_free(line);
    /* Stdin ended long before anyone speaks: a client without --follow
     * would be gone, and could not print the lines below. */
    g_usleep(1500 * 1000);

    g_autoptr(GSubprocess) alice = cli_spawn("--server", server, "--nick", "alice", NULL);
    g_assert_cmpint(cli_finish(alice, "one\ntwo\n", NULL, NULL), ==, 0);
    Reader rd = {g_data_input_stream_new(g_subprocess_get_stdout_pipe(logger)),
                 g_ptr_array_new_with_free_func(g_free), FALSE};
    reader_next(&rd);
    reader_wait(&rd, 2);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, rd.lines->pdata[1], -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpstr(json_object_get_string_member(o, "text"), ==, "two");

    g_subprocess_send_signal(logger, SIGTERM);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_subprocess_wait(logger, NULL, &error));
    g_assert_true(g_subprocess_get_if_exited(logger));
    g_assert_cmpint(g_subprocess_get_exit_status(logger), ==, 0);
    g_autofree char *rest = g_data_input_stream_read_upto(err_in, "", 0, NULL, NULL, NULL);
    g_assert_null(strstr(rest ? rest : "", "stdin is empty"));
    g_ptr_array_unref(rd.lines);
    g_object_unref(rd.in);
    relay_stop(&r);
}

/* Counts the lines of text that contain needle. */
static guint count_lines_with(const char *text, const char *needle)
{
    guint n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Reads what the pipe has within ms milliseconds (it stays open). */
static char *read_for(GInputStream *in, guint ms)
{
    GString *text = g_string_new(NULL);
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    GPollableInputStream *p = G_POLLABLE_INPUT_STREAM(in);
    while (g_get_monotonic_time() < end) {
        char buf[4096];
        gssize n = g_pollable_input_stream_read_nonblocking(p, buf, sizeof(buf), NULL, NULL);
        if (n > 0)
            g_string_append_len(text, buf, n);
        else if (n == 0)
            break;
        else
            g_usleep(20000);
    }
    return g_string_free(text, FALSE);
}

/* A logger started before the relay waits for it, saying so once; when
 * the relay goes away it says so once (not once a retry) and rejoins. */
static void test_outage_lines(void)
{
    Relay r = {0};
    relay_start(&r, 0); /* for a free port, then down */
    guint16 port = r.port;
    relay_kill(&r, SIGTERM);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", port);
    g_autoptr(GSubprocess) logger =
        cli_spawn("--server", server, "--nick", "logger", "--follow", "--verbose", NULL);
    GInputStream *err = g_subprocess_get_stderr_pipe(logger);
    g_autofree char *waiting = read_for(err, 3000); /* several attempts */
    g_assert_cmpuint(count_lines_with(waiting, "trying again until the relay answers"), ==, 1);

    relay_start(&r, port);
    g_autofree char *joined = read_for(err, 5000); /* a retry, then TLS: slow in a sanitizer */
    g_test_message("%s", joined);
    g_assert_nonnull(strstr(joined, "joined 127.0.0.1:"));

    relay_kill(&r, SIGKILL);
    g_autofree char *lost = read_for(err, 4000);
    g_assert_cmpuint(count_lines_with(lost, "reconnecting"), ==, 1);
    relay_start(&r, port);
    g_autofree char *back = read_for(err, 4000);
    g_assert_nonnull(strstr(back, "rejoined"));

    g_subprocess_send_signal(logger, SIGTERM);
    g_assert_true(g_subprocess_wait(logger, NULL, NULL));
    g_assert_cmpint(g_subprocess_get_exit_status(logger), ==, 0);
    relay_stop(&r);
}

/* A camera run with --duration ends on time, summary written, even when
 * the relay went away during it: nothing of ours waits to be delivered. */
static void test_duration_after_outage(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autofree char *summary = g_build_filename(r.dir, "send.json", NULL);
    g_autoptr(GSubprocess) cam =
        cli_spawn("--server", server, "--nick", "cam", "--camera", "test", "--codec", "h264",
                  "--duration", "6", "--summary", summary, NULL);
    /* Frames acknowledged (a progress line with frames): the run is under
     * way; then the relay dies under it. */
    g_autoptr(GDataInputStream) progress =
        g_data_input_stream_new(g_subprocess_get_stderr_pipe(cam));
    char *line = NULL;
    while ((line = g_data_input_stream_read_line(progress, NULL, NULL, NULL)) != NULL &&
           (strstr(line, "send tcp:") == NULL || strstr(line, " 0 fps") != NULL))
        g_free(line);
    g_assert_nonnull(line);
    g_free(line);
    relay_kill(&r, SIGKILL);
    gint64 killed = g_get_monotonic_time();
    g_autofree char *out = NULL, *err = NULL;
    int status = cli_finish(cam, NULL, &out, &err);
    double after_s = (double)(g_get_monotonic_time() - killed) / G_USEC_PER_SEC;
    g_test_message("ended %.1f s after the relay died, status %d%s%s", after_s, status,
                   status ? "; stderr:\n" : "", status ? err : "");
    g_assert_cmpfloat(after_s, <, 8.0); /* the run had under 6 s left; nowhere near forever */
    g_assert_cmpint(status, ==, 0);
    g_assert_nonnull(strstr(err, "connection lost"));
    g_assert_true(g_file_test(summary, G_FILE_TEST_EXISTS));
    relay_stop(&r);
}

/* The relay is killed with SIGKILL and restarted several times while a
 * sender streams numbered messages: the receiver ends with every message
 * exactly once, in order, and the sender exits 0 once all are acknowledged. */
static void test_relay_sigkill(void)
{
    const guint n = 3000;
    Relay r = {0};
    relay_start(&r, 0);
    guint16 port = r.port;
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", port);
    g_autofree char *count = g_strdup_printf("%u", n);
    g_autoptr(GSubprocess) recv =
        cli_spawn("--server", server, "--nick", "recv", "--count", count, "--timeout", "90", NULL);
    g_output_stream_close(g_subprocess_get_stdin_pipe(recv), NULL, NULL);
    Reader rd = {g_data_input_stream_new(g_subprocess_get_stdout_pipe(recv)),
                 g_ptr_array_new_with_free_func(g_free), FALSE};
    reader_next(&rd);
    g_usleep(300000);
    g_autoptr(GSubprocess) send =
        cli_spawn("--server", server, "--nick", "send", "--timeout", "90", NULL);
    GOutputStream *in = g_subprocess_get_stdin_pipe(send);
    for (guint i = 1; i <= n; i++) {
        g_autofree char *line = g_strdup_printf("msg %u\n", i);
        g_autoptr(GError) werr = NULL;
        g_output_stream_write_all(in, line, strlen(line), NULL, NULL, &werr);
        g_assert_no_error(werr);
        /* Wait for the first message to arrive (the sender has joined), and
         * kill the relay only when part of the stream is still in flight. */
        if (i == 1 || (i % 750 == 0 && i < n))
            reader_wait(&rd, i == 1 ? 1 : i - 400);
        if (i % 750 == 0 && i < n) {
            relay_kill(&r, SIGKILL);
            g_usleep(200000);
            relay_start(&r, port);
        }
    }
    g_output_stream_close(in, NULL, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_subprocess_wait(send, NULL, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(send), ==, 0);
    while (!rd.eof)
        g_main_context_iteration(NULL, TRUE);
    g_assert_true(g_subprocess_wait(recv, NULL, &error));
    if (g_subprocess_get_exit_status(recv) != 0) {
        g_autofree char *err = g_malloc0(65536);
        g_input_stream_read_all(g_subprocess_get_stderr_pipe(recv), err, 65535, NULL, NULL, NULL);
        g_test_message("receiver printed %u lines, last '%s'; stderr:\n%s", rd.lines->len,
                       rd.lines->len ? (char *)rd.lines->pdata[rd.lines->len - 1] : "", err);
    }
    g_assert_cmpint(g_subprocess_get_exit_status(recv), ==, 0);
    g_assert_cmpuint(rd.lines->len, ==, n);
    for (guint i = 0; i < n; i++) {
        g_autofree char *want = g_strdup_printf(": msg %u", i + 1);
        g_assert_true(g_str_has_suffix(rd.lines->pdata[i], want));
    }
    g_ptr_array_unref(rd.lines);
    g_object_unref(rd.in);
    relay_stop(&r);
}

/* Loads a summary JSON file. */
static JsonObject *load_summary(JsonParser *parser, const char *path)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_file(parser, path, &error));
    return json_node_get_object(json_parser_get_root(parser));
}

/* A test-pattern camera and a --view viewer through a relay process: both
 * write their summaries; every TCP frame and nearly every UDP frame is
 * acknowledged and the viewer decodes frames on both channels. The viewer
 * waits for the stream and stays after it (joining through TLS takes a
 * second or two in a sanitizer build under load): its summary
 * gives the stream's parameters (not its own defaults) and its rates over
 * the time the stream flowed. */
static void test_camera_view(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autofree char *send_json = g_build_filename(r.dir, "send.json", NULL);
    g_autofree char *view_json = g_build_filename(r.dir, "view.json", NULL);
    g_autoptr(GSubprocess) viewer =
        cli_spawn("--server", server, "--nick", "watcher", "--view", "cam", "--headless",
                  "--duration", "10", "--summary", view_json, "--timeout", "30", NULL);
    g_usleep(1000000);
    g_autoptr(GSubprocess) camera = cli_spawn(
        "--server", server, "--nick", "cam", "--camera", "test", "--size", "320x240", "--quality",
        "50", "--duration", "5", "--summary", send_json, "--timeout", "30", NULL);
    g_autofree char *c_err = NULL, *v_err = NULL;
    g_assert_cmpint(cli_finish(camera, NULL, NULL, &c_err), ==, 0);
    g_assert_cmpint(cli_finish(viewer, NULL, NULL, &v_err), ==, 0);
    g_assert_nonnull(strstr(c_err, "send tcp:")); /* the per-second report */
    g_assert_nonnull(strstr(v_err, "view udp:"));
    g_assert_nonnull(strstr(c_err, "rtt p50/p99 ")); /* figures say what they are */
    g_assert_nonnull(strstr(c_err, " MB/s"));
    g_assert_nonnull(strstr(v_err, "e2e p50/p99 "));

    g_autoptr(JsonParser) sp = json_parser_new();
    g_autoptr(JsonParser) vp = json_parser_new();
    JsonObject *sent = json_object_get_object_member(load_summary(sp, send_json), "channels");
    JsonObject *view_root = load_summary(vp, view_json);
    JsonObject *seen = json_object_get_object_member(view_root, "channels");
    JsonObject *view_run = json_object_get_object_member(view_root, "run");
    g_assert_cmpstr(json_object_get_string_member(view_run, "size"), ==, "320x240");
    g_assert_cmpstr(json_object_get_string_member(view_run, "codec"), ==, "jpeg");
    g_assert_true(json_object_get_null_member(view_run, "encoder") && /* a viewer knows none */
                  json_object_get_null_member(view_run, "quality") &&
                  json_object_get_null_member(view_run, "source"));
    const char *names[] = {"tcp", "udp"};
    for (guint i = 0; i < 2; i++) {
        JsonObject *s = json_object_get_object_member(sent, names[i]);
        JsonObject *v = json_object_get_object_member(seen, names[i]);
        gint64 n = json_object_get_int_member(s, "frames_sent");
        gint64 acked = json_object_get_int_member(s, "frames_acked");
        /* 5 s of camera. A sanitizer build under load may send only a
         * handful: there the flow and the figures' form are checked, and
         * the plain build checks the rate. */
        g_assert_cmpint(n, >=, CLI_SANITIZED ? 1 : 45);
        g_assert_cmpint(acked, >=, i == 0 ? n : n * 9 / 10);
        JsonObject *rtt = json_object_get_object_member(s, "rtt_ms");
        g_assert_cmpfloat(json_object_get_double_member(rtt, "p50"), >, 0);
        g_assert_true(json_object_has_member(s, "jitter_ms"));
        g_assert_true(json_object_has_member(s, "one_way_ms"));
        /* Most of the stream arrives (the viewer's channels open after
         * the camera's: TLS handshakes, slow in a sanitizer build), and
         * most of what arrives decodes. */
        gint64 received = json_object_get_int_member(v, "frames_received");
        g_assert_cmpint(received, >=, acked / 2);
        g_assert_cmpint(json_object_get_int_member(v, "frames_decoded"), >=, received * 8 / 10);
        g_assert_true(json_object_has_member(v, "end_to_end_ms"));
        /* 30 fps while it flowed (at most the camera's 5 s of the
         * viewer's 10), and a transfer rate per frame. */
        double stream_s = json_object_get_double_member(v, "stream_s");
        g_assert_cmpfloat(stream_s, >, CLI_SANITIZED ? 0.1 : 2.0);
        g_assert_cmpfloat(stream_s, <, 6.0);
        g_assert_cmpfloat(json_object_get_double_member(v, "fps_decoded"), >,
                          CLI_SANITIZED ? 1.0 : 24.0);
        JsonObject *xfer = json_object_get_object_member(s, "transfer_mb_s");
        g_assert_cmpfloat(json_object_get_double_member(xfer, "p50"), >, 0);
    }
    relay_stop(&r);
}

/* --view NICK --tty draws the camera in the terminal (here a pipe: 80 x 24):
 * each drawing goes home, has a caption with the nick and the channel, then
 * rows of coloured block characters that fit 22 rows; the drawings come at
 * most 15 a second; the cursor comes back at the end. A second viewer's
 * terminal takes nothing while the camera runs (its stdout is not read): it
 * leaves frames undrawn but decodes them all the same, and draws again
 * once its terminal takes more. */
static void test_camera_tty(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autofree char *stalled_json = g_build_filename(r.dir, "stalled.json", NULL);
    g_autoptr(GSubprocess) viewer =
        cli_spawn("--server", server, "--nick", "watcher", "--view", "cam", "--tty", "--duration",
                  CLI_SANITIZED ? "10" : "5", "--timeout", "30", NULL);
    g_autoptr(GSubprocess) stalled =
        cli_spawn("--server", server, "--nick", "stalled", "--view", "cam", "--tty", "--tty-mode",
                  "sixels", "--duration", CLI_SANITIZED ? "10" : "5", "--summary", stalled_json,
                  "--timeout", "30", NULL);
    g_usleep(500000);
    g_autoptr(GSubprocess) camera =
        cli_spawn("--server", server, "--nick", "cam", "--camera", "synthetic", "--size", "320x240",
                  "--duration", CLI_SANITIZED ? "6" : "3", "--timeout", "30", NULL);
    g_autofree char *out = NULL, *v_err = NULL, *s_out = NULL;
    g_assert_cmpint(cli_finish(viewer, NULL, &out, &v_err), ==, 0);
    g_assert_cmpint(cli_finish(camera, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(cli_finish(stalled, NULL, &s_out, NULL), ==, 0);
    g_assert_nonnull(strstr(v_err, "viewing cam's camera in this terminal"));
    g_auto(GStrv) drawings = g_strsplit(out, "\033[H", -1);
    guint n = g_strv_length(drawings) - 1;
    g_test_message("%u drawings", n);
    /* 3 s of camera at 15 drawings a second. A sanitizer build under load
     * may draw only one or a few over its longer run: there the drawing's
     * form is what is checked, and the plain build checks the rate. The
     * last whole drawing is the one before the last (which the end may
     * cut), unless there is only one. */
    g_assert_cmpuint(n, >=, CLI_SANITIZED ? 1 : 20);
    g_assert_cmpuint(n, <=, 10 * 15 + 2);
    const char *last = drawings[n >= 2 ? n - 1 : n];
    g_assert_nonnull(strstr(last, " cam · "));
    g_assert_nonnull(strstr(last, "\033[38;5;"));
    g_auto(GStrv) rows = g_strsplit(last, "\n", -1);
    g_assert_cmpuint(g_strv_length(rows), >=, 10);
    g_assert_cmpuint(g_strv_length(rows), <=, 24); /* caption, 22 rows, the rest */
    guint blocks = 0;
    for (const char *p = last; *p != '\0'; p = g_utf8_next_char(p))
        blocks += g_utf8_get_char(p) >= 0x2580 && g_utf8_get_char(p) <= 0x259F;
    g_assert_cmpuint(blocks, >, 100);
    g_assert_true(g_str_has_suffix(out, "\033[?25h"));

    /* The stalled terminal (sixel pictures): every frame decoded, fewer drawn, ends clean. */
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *udp = json_object_get_object_member(
        json_object_get_object_member(load_summary(parser, stalled_json), "channels"), "udp");
    double fps = json_object_get_double_member(udp, "fps_decoded");
    g_auto(GStrv) stalled_drawings = g_strsplit(s_out, "\033[H", -1);
    g_test_message("stalled terminal: %u drawings, %.1f fps decoded",
                   g_strv_length(stalled_drawings) - 1, fps);
    g_assert_cmpfloat(fps, >, CLI_SANITIZED ? 0.0 : 24.0);
    g_assert_cmpuint(g_strv_length(stalled_drawings) - 1, <, n);
    g_assert_nonnull(strstr(s_out, "\033P")); /* a sixel picture */
    g_assert_true(g_str_has_suffix(s_out, "\033[?25h"));
    relay_stop(&r);
}

/* A view of a nick with no camera says why it waits, once. */
static void test_view_waits(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autoptr(GSubprocess) viewer =
        cli_spawn("--server", server, "--nick", "watcher", "--view", "nobody", "--headless",
                  "--duration", "3", "--timeout", "20", NULL);
    g_autofree char *err = NULL;
    g_assert_cmpint(cli_finish(viewer, NULL, NULL, &err), ==, 0);
    g_assert_nonnull(strstr(err, "no camera from nobody yet: not in the room; waiting"));
    g_assert_null(strstr(strstr(err, "no camera from") + 1, "no camera from")); /* once */
    relay_stop(&r);
}

/* Camera options are checked before anything starts. */
static void test_camera_bad_options(void)
{
    const char *bad[][2] = {
        {"--size", "640"}, {"--fps", "0"}, {"--channels", "sctp"}, {"--ack-mode", "sometimes"}};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *err = NULL;
        g_autoptr(GSubprocess) p = cli_spawn("--camera", "test", bad[i][0], bad[i][1], NULL);
        g_assert_cmpint(cli_finish(p, "", NULL, &err), ==, 2);
        g_assert_nonnull(strstr(err, "lanconf-cli:"));
    }
}

/* A member's summary of what it heard from nick: its speaker object. */
static JsonObject *heard_speaker(JsonObject *root, const char *nick)
{
    JsonObject *audio = json_object_get_object_member(root, "audio");
    JsonObject *listen = json_object_get_object_member(audio, "listen");
    JsonArray *speakers = json_object_get_array_member(listen, "speakers");
    for (guint i = 0; i < json_array_get_length(speakers); i++) {
        JsonObject *s = json_array_get_object_element(speakers, i);
        if (g_strcmp0(json_object_get_string_member(s, "nick"), nick) == 0)
            return s;
    }
    return NULL;
}

/* A conference of three lanconf-cli processes: alice talks, bob talks and
 * listens into a WAV file, carol only listens (to the default output: none
 * here, said plainly, exit 1) and then into a file. Nobody views anyone by
 * nick; the summaries hold talk and listen figures per channel. */
static void test_audio_conference(void)
{
    if (CLI_SANITIZED) {
        /* Its listeners join, open their channels through TLS and fill
         * their jitter buffers within a second or two: more than a
         * sanitizer build takes (the other tests run its code there). */
        g_test_skip("a conference in seconds: too slow in a sanitizer build");
        return;
    }
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autofree char *bob_wav = g_build_filename(r.dir, "bob.wav", NULL);
    g_autofree char *bob_json = g_build_filename(r.dir, "bob.json", NULL);
    g_autofree char *alice_json = g_build_filename(r.dir, "alice.json", NULL);
    g_autofree char *carol_json = g_build_filename(r.dir, "carol.json", NULL);
    g_autoptr(GSubprocess) alice =
        cli_spawn("--server", server, "--nick", "alice", "--audio", "test:440", "--duration", "3",
                  "--summary", alice_json, "--timeout", "20", NULL);
    g_autoptr(GSubprocess) bob =
        cli_spawn("--server", server, "--nick", "bob", "--audio", "test:660", "--audio-out",
                  bob_wav, "--duration", "3", "--summary", bob_json, "--timeout", "20", NULL);
    g_autofree char *err = NULL;
    g_autoptr(GSubprocess) deaf = cli_spawn("--server", server, "--nick", "carol", "--listen",
                                            "--duration", "1", "--timeout", "20", NULL);
    g_assert_cmpint(cli_finish(deaf, "", NULL, &err), ==, 1);
    g_assert_nonnull(strstr(err, "no audio output device"));
    g_autoptr(GSubprocess) carol = cli_spawn(
        "--server", server, "--nick", "carol", "--audio-out", "/dev/null/carol.wav", "--summary",
        carol_json, "--duration", "2", "--timeout", "20", "--channels", "udp", NULL);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(cli_finish(carol, "", NULL, &err), ==, 1);
    g_clear_pointer(&err, g_free);
    g_autofree char *carol_wav = g_build_filename(r.dir, "carol.wav", NULL);
    g_autoptr(GSubprocess) carol2 =
        cli_spawn("--server", server, "--nick", "carol", "--audio-out", carol_wav, "--summary",
                  carol_json, "--duration", "1.5", "--timeout", "20", "--channels", "udp", NULL);
    g_assert_cmpint(cli_finish(carol2, "", NULL, &err), ==, 0);
    g_assert_nonnull(strstr(err, "hear alice udp*: "));
    g_assert_nonnull(strstr(err, "mouth-to-ear "));
    g_assert_null(strstr(err, "hear alice tcp"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(cli_finish(alice, NULL, NULL, &err), ==, 0);
    g_assert_nonnull(strstr(err, "talk udp: "));
    g_assert_nonnull(strstr(err, " pkt/s "));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(cli_finish(bob, NULL, NULL, &err), ==, 0);
    g_assert_true(g_file_test(bob_wav, G_FILE_TEST_IS_REGULAR));

    g_autoptr(JsonParser) bp = json_parser_new();
    JsonObject *b = load_summary(bp, bob_json);
    g_assert_null(heard_speaker(b, "bob")); /* not one's own voice */
    JsonObject *alice_heard = heard_speaker(b, "alice");
    g_assert_nonnull(alice_heard);
    g_assert_cmpstr(json_object_get_string_member(alice_heard, "heard_channel"), ==, "udp");
    JsonObject *summary = json_object_get_object_member(alice_heard, "summary");
    JsonObject *channels = json_object_get_object_member(summary, "channels");
    for (guint i = 0; i < 2; i++) {
        JsonObject *ch = json_object_get_object_member(channels, i == 0 ? "tcp" : "udp");
        g_assert_cmpint(json_object_get_int_member(ch, "frames_decoded"), >=, 150);
        JsonObject *m2e = json_object_get_object_member(ch, "end_to_end_ms");
        g_assert_cmpfloat(json_object_get_double_member(m2e, "p50"), >, 10.0);
    }
    JsonObject *jitter =
        json_object_get_object_member(json_object_get_object_member(alice_heard, "jitter"), "udp");
    g_assert_cmpint(json_object_get_int_member(jitter, "played"), >=, 150);
    g_assert_true(json_object_has_member(jitter, "depth_ms"));
    g_autoptr(JsonParser) ap = json_parser_new();
    JsonObject *a = load_summary(ap, alice_json);
    JsonObject *talk =
        json_object_get_object_member(json_object_get_object_member(a, "audio"), "talk");
    JsonObject *run = json_object_get_object_member(talk, "run");
    g_assert_cmpstr(json_object_get_string_member(run, "media"), ==, "audio");
    g_assert_cmpint(json_object_get_int_member(run, "bitrate"), ==, 32000);
    JsonObject *udp =
        json_object_get_object_member(json_object_get_object_member(talk, "channels"), "udp");
    g_assert_cmpint(json_object_get_int_member(udp, "frames_viewer_acked"), >=, 150);
    g_autoptr(JsonParser) cp = json_parser_new();
    JsonObject *c = load_summary(cp, carol_json);
    g_assert_nonnull(heard_speaker(c, "alice"));
    g_assert_nonnull(heard_speaker(c, "bob"));
    relay_stop(&r);
}

/* Audio options are checked before anything starts, with a pointer to
 * their help. */
static void test_audio_bad_options(void)
{
    const char *bad[][2] = {{"--audio-frame-ms", "15"}, {"--audio-bitrate", "100"},
                            {"--audio-mode", "loud"},   {"--jitter", "soon"},
                            {"--jitter", "0"},          {"--jitter-max", "1"}};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *err = NULL;
        g_autoptr(GSubprocess) p =
            cli_spawn("--audio", "test", "--listen", bad[i][0], bad[i][1], NULL);
        g_assert_cmpint(cli_finish(p, "", NULL, &err), ==, 2);
        g_assert_nonnull(strstr(err, bad[i][0]));
        g_assert_nonnull(strstr(err, "--help-audio"));
    }
    /* Listening options without listening. */
    g_autofree char *err = NULL;
    g_autoptr(GSubprocess) p = cli_spawn("--audio", "test", "--jitter", "40", NULL);
    g_assert_cmpint(cli_finish(p, "", NULL, &err), ==, 2);
    g_assert_nonnull(strstr(err, "need --listen"));
    /* A file that is not there fails at start, saying which. */
    g_clear_pointer(&err, g_free);
    g_autoptr(GSubprocess) missing =
        cli_spawn("--server", "127.0.0.1:1", "--audio", "/nonexistent/talk.wav", NULL);
    g_assert_cmpint(cli_finish(missing, "", NULL, &err), ==, 2);
    g_assert_nonnull(strstr(err, "/nonexistent/talk.wav"));
}

/* Whether --relay-stats' streams name one stream that has had frames. */
static gboolean stats_has_frames(JsonArray *streams)
{
    if (streams == NULL || json_array_get_length(streams) != 1)
        return FALSE;
    JsonObject *s = json_array_get_object_element(streams, 0);
    return json_object_get_int_member(s, "frames_in_tcp") +
               json_object_get_int_member(s, "frames_in_udp") >
           0;
}

/* --relay-stats while a camera streams to a viewer: the JSON document names
 * the stream with frames received, and the text table has its headings. */
static void test_relay_stats(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    /* The camera and the view run until their stdin ends (at the end of
     * the test), so that both questions find them, however long each takes. */
    g_autoptr(GSubprocess) viewer = cli_spawn("--server", server, "--nick", "watcher", "--view",
                                              "cam", "--headless", "--timeout", "60", NULL);
    g_usleep(200000);
    g_autoptr(GSubprocess) camera = cli_spawn("--server", server, "--nick", "cam", "--camera",
                                              "test", "--size", "320x240", "--timeout", "60", NULL);
    g_usleep(1000000);

    /* Asked again until the stream is there with frames (it takes the
     * camera its joins, TLS and all: seconds in a sanitizer build). */
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = NULL;
    JsonArray *streams = NULL;
    for (int tries = 0; tries < 20 && !stats_has_frames(streams); tries++) {
        if (tries > 0)
            g_usleep(500000);
        g_autoptr(GSubprocess) stats = cli_spawn("--server", server, "--nick", "stats",
                                                 "--relay-stats", "--json", "--timeout", "5", NULL);
        g_autofree char *out = NULL, *err = NULL;
        g_assert_cmpint(cli_finish(stats, NULL, &out, &err), ==, 0);
        g_assert_true(json_parser_load_from_data(parser, out, -1, NULL));
        o = json_node_get_object(json_parser_get_root(parser));
        streams = json_object_get_array_member(o, "streams");
    }
    g_assert_cmpuint(json_array_get_length(streams), ==, 1);
    JsonObject *s = json_array_get_object_element(streams, 0);
    g_assert_cmpstr(json_object_get_string_member(s, "nick"), ==, "cam");
    g_assert_cmpint(json_object_get_int_member(s, "frames_in_tcp") +
                        json_object_get_int_member(s, "frames_in_udp"),
                    >, 0);
    JsonArray *viewers = json_object_get_array_member(o, "viewers");
    g_assert_cmpuint(json_array_get_length(viewers), ==, 1);
    g_assert_cmpstr(
        json_object_get_string_member(json_array_get_object_element(viewers, 0), "nick"), ==,
        "watcher");

    g_autoptr(GSubprocess) text =
        cli_spawn("--server", server, "--nick", "stats2", "--relay-stats", "--timeout", "5", NULL);
    g_autofree char *t_out = NULL;
    g_assert_cmpint(cli_finish(text, NULL, &t_out, NULL), ==, 0);
    g_assert_nonnull(strstr(t_out, "STREAM"));
    g_assert_nonnull(strstr(t_out, "IN_TCP"));
    g_assert_nonnull(strstr(t_out, "watcher"));

    g_assert_cmpint(cli_finish(camera, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(cli_finish(viewer, NULL, NULL, NULL), ==, 0);
    relay_stop(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that exits early must fail the test, not kill it */
    g_test_add_func("/cli/exchange", test_exchange);
    g_test_add_func("/cli/json-history", test_json_history);
    g_test_add_func("/cli/exit-codes", test_exit_codes);
    g_test_add_func("/cli/relay-sigkill", test_relay_sigkill);
    g_test_add_func("/cli/duration-after-outage", test_duration_after_outage);
    g_test_add_func("/cli/follow", test_follow);
    g_test_add_func("/cli/outage-lines", test_outage_lines);
    g_test_add_func("/cli/camera-view", test_camera_view);
    g_test_add_func("/cli/camera-bad-options", test_camera_bad_options);
    g_test_add_func("/cli/camera-tty", test_camera_tty);
    g_test_add_func("/cli/view-waits", test_view_waits);
    g_test_add_func("/cli/relay-stats", test_relay_stats);
    g_test_add_func("/cli/audio-conference", test_audio_conference);
    g_test_add_func("/cli/audio-bad-options", test_audio_bad_options);
    return g_test_run();
}
