/* test-e2e-media.c: the terminal client end to end (e2e-harness.h) with
 * cameras and sound: /cam and /view, a viewer that follows a restarted
 * camera, cameras drawn in the terminal, and the audio commands. */
#include "e2e-harness.h"

#include <signal.h>
#include <string.h>

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
                          "--view",           "alice",    "--duration", "6",      "--headless",
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

/* Whether the screen shows dave's tiles of both channels (each appears with
 * its channel's first frame). */
static gboolean e2e_has_both_tiles(const char *text, gpointer data)
{
    return strstr(text, " dave · tcp") != NULL && strstr(text, " dave · udp") != NULL;
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
    /* Both channels apart: a tile each, side by side on the top row. */
    e2e_type(e, "/view dave terminal both", TRUE);
    g_autofree char *apart = e2e_wait(e, NULL, e2e_has_both_tiles, NULL, "a tile per channel");
    g_auto(GStrv) apart_rows = e2e_rows(apart);
    g_assert_nonnull(strstr(apart_rows[0], " dave · tcp"));
    g_assert_nonnull(strstr(apart_rows[0], " dave · udp"));
    g_assert_cmpuint(e2e_block_cells(apart_rows, 1, SCREEN_ROWS / 2), >, 50);
    e2e_type(e, "/unview dave", TRUE);
    e2e_expect(e, NULL, "stopped viewing dave");
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
    e2e_type(e, "/who", TRUE);
    e2e_expect(e, NULL, "(sound on, muted here)");
    e2e_expect(e, NULL, "(sound on, muted) (you)");
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
int main(int argc, char **argv)
{
    if (!e2e_init(&argc, &argv))
        return 77;
    g_test_add("/tui/e2e/cam", E2e, NULL, e2e_setup, test_cam, e2e_teardown);
    g_test_add("/tui/e2e/cam-restart", E2e, NULL, e2e_setup, test_cam_restart, e2e_teardown);
    g_test_add("/tui/e2e/tiles", E2e, NULL, e2e_setup, test_tiles, e2e_teardown);
    g_test_add("/tui/e2e/audio", E2e, NULL, e2e_setup, test_audio, e2e_teardown);
    return g_test_run();
}
