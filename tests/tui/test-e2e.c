/* test-e2e.c: the terminal client end to end (e2e-harness.h): chat, wide
 * characters, resizing, quitting, and a relay that comes up late. */
#include "e2e-harness.h"

#include <string.h>
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

    /* A message that names alice is highlighted (reverse video) and rings
     * the bell; one that does not, neither. */
    const char *bell[] = {"display-message", "-p", "-t", "lc", "#{window_bell_flag}", NULL};
    g_autofree char *before = e2e_tmux(e, bell);
    g_assert_cmpstr(before, ==, "0\n");
    e2e_cli_say(e->bob, "nothing for you here");
    e2e_expect(e, NULL, "nothing for you here");
    g_autofree char *quiet = e2e_tmux(e, bell);
    g_assert_cmpstr(quiet, ==, "0\n");
    e2e_cli_say(e->bob, "Alice: are you there?");
    e2e_expect(e, NULL, "Alice: are you there?");
    const char *coloured[] = {"capture-pane", "-p", "-e", "-t", "lc", NULL};
    g_autofree char *screen = e2e_tmux(e, coloured);
    const char *at = strstr(screen, "Alice: are you there?");
    g_assert_nonnull(at);
    const char *row = g_strrstr_len(screen, at - screen, "\n");
    g_autofree char *start = g_strndup(row, at - row);
    g_test_message("mention row starts %s", start);
    g_assert_nonnull(strstr(start, "7m")); /* reverse video */
    g_autofree char *rang = e2e_tmux(e, bell);
    g_assert_cmpstr(rang, ==, "1\n");

    /* /away: said here, shown in the status line, and to bob (--verbose). */
    e2e_type(e, "/away lunch", TRUE);
    e2e_expect(e, NULL, "you are away: lunch");
    e2e_expect(e, NULL, "  away");
    e2e_expect(e, "bob.err", "-- alice is away: lunch");
    e2e_type(e, "/who", TRUE);
    e2e_expect(e, NULL, "(away: lunch) (you)");
    e2e_type(e, "/away", TRUE);
    e2e_expect(e, NULL, "you are back");
    e2e_expect(e, "bob.err", "-- alice is back");

    /* /msg: for bob alone, both ways; to nobody, refused in words. */
    e2e_type(e, "/msg bob the plan is on", TRUE);
    e2e_expect(e, "bob.out", " → bob: the plan is on\n");
    e2e_expect(e, NULL, " → bob: the plan is on");
    e2e_cli_say(e->bob, "/msg alice understood");
    g_autofree char *reply = g_strdup_printf("%s → alice: understood", e->bob_addr);
    e2e_expect(e, NULL, reply);
    e2e_type(e, "/msg nobody hello?", TRUE);
    e2e_expect(e, NULL, "message not sent: nobody is not in the room");
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

/* A sane screen of the size given that shows the whole long line: a
 * capture may come while the terminal is half redrawn after a resize. */
static gboolean sane_with_line(const char *text, gpointer data)
{
    return e2e_screen_sane(text, data) && strstr(text, "start") != NULL &&
           strstr(text, "finish") != NULL;
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
        e2e_wait(e, NULL, sane_with_line, size_narrow, "a sane 60x20 screen with the line");
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

/* A line typed while the relay is out of reach is not lost silently: the
 * first /quit says it would be, the second leaves (exit 0). */
static void test_quit_unsent(E2e *e, gconstpointer data)
{
    e2e_expect(e, NULL, "/quit leaves");
    e2e_type(e, "are you there?", TRUE);
    e2e_expect(e, NULL, "1 unsent");
    e2e_type(e, "/quit", TRUE);
    e2e_expect(e, NULL, "1 message not stored by the relay yet");
    e2e_type(e, "/quit", TRUE);
    e2e_expect(e, "exit", "EXIT=0");
}

/* A room password lanconf was not given: it asks on screen, shows stars
 * as it is typed, says a wrong one is wrong and asks again, joins with
 * the right one, and neither the screen nor the chat log ever holds it. */
static void test_password(E2e *e, gconstpointer data)
{
    e2e_expect(e, NULL, "asks for the room password");
    e2e_expect(e, NULL, "room password:");
    /* A second guess typed at once, while the relay may still be checking
     * the first: a password either way, never a chat line. */
    e2e_type(e, "guess", TRUE);
    e2e_type(e, "leak", TRUE);
    e2e_expect(e, NULL, "wrong room password");
    e2e_type(e, "open sesame", FALSE);
    e2e_expect(e, NULL, "room password: ***********");
    e2e_key(e, "Enter");
    e2e_expect(e, NULL, "[joined]");
    e2e_type(e, "in at last", TRUE);
    e2e_expect(e, "bob.out", "in at last");
    g_autofree char *screen = e2e_screen(e);
    g_autofree char *log = e2e_read(e, "chat.log");
    g_assert_null(strstr(screen, "sesame"));
    g_assert_null(strstr(log, "sesame"));
    g_assert_null(strstr(screen, "guess"));
    g_assert_null(strstr(screen, "leak"));
    g_autofree char *heard = e2e_read(e, "bob.out");
    g_assert_null(strstr(heard, "leak"));
    g_assert_null(strstr(heard, "guess"));
}

int main(int argc, char **argv)
{
    if (!e2e_init(&argc, &argv))
        return 77;
    g_test_add("/tui/e2e/chat", E2e, NULL, e2e_setup, test_chat, e2e_teardown);
    g_test_add("/tui/e2e/wide", E2e, NULL, e2e_setup, test_wide, e2e_teardown);
    g_test_add("/tui/e2e/resize", E2e, NULL, e2e_setup, test_resize, e2e_teardown);
    g_test_add("/tui/e2e/quit", E2e, NULL, e2e_setup, test_quit, e2e_teardown);
    g_test_add("/tui/e2e/password", E2e, "open sesame\n", e2e_setup_password, test_password,
               e2e_teardown);
    g_test_add("/tui/e2e/relay-later", E2e, NULL, e2e_setup_no_relay, test_relay_later,
               e2e_teardown);
    g_test_add("/tui/e2e/quit-unsent", E2e, NULL, e2e_setup_no_relay, test_quit_unsent,
               e2e_teardown);
    return g_test_run();
}
