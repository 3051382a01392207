/* Tests of the input line model (ui-tui/inputline.c): editing keys, history,
 * completion, wide characters and horizontal scrolling. */
#include "tui-test-util.h"
#include "ui-tui/inputline.h"

#include <string.h>

/* A line holding text with the cursor at the end. */
static LcInputLine *line_with(const char *text)
{
    LcInputLine *line = inputline_new(0);
    inputline_insert(line, text);
    return line;
}

/* Typing inserts at the cursor; Left and Right move by one character. */
static void test_insert_move(void)
{
    g_autoptr(LcInputLine) line = line_with("hello");
    inputline_move(line, INPUT_MOVE_LEFT);
    inputline_move(line, INPUT_MOVE_LEFT);
    inputline_insert_char(line, 'X');
    g_assert_cmpstr(inputline_get_text(line), ==, "helXlo");
    g_assert_cmpuint(inputline_get_cursor(line), ==, 4);
    inputline_move(line, INPUT_MOVE_RIGHT);
    inputline_move(line, INPUT_MOVE_RIGHT);
    inputline_move(line, INPUT_MOVE_RIGHT); /* stays at the end */
    g_assert_cmpuint(inputline_get_cursor(line), ==, 6);
}

/* Home / Ctrl-A and End / Ctrl-E. */
static void test_home_end(void)
{
    g_autoptr(LcInputLine) line = line_with("abc");
    inputline_move(line, INPUT_MOVE_HOME);
    g_assert_cmpuint(inputline_get_cursor(line), ==, 0);
    inputline_insert(line, ">");
    inputline_move(line, INPUT_MOVE_END);
    inputline_insert(line, "<");
    g_assert_cmpstr(inputline_get_text(line), ==, ">abc<");
}

/* Backspace deletes before the cursor, Delete under it. */
static void test_backspace_delete(void)
{
    g_autoptr(LcInputLine) line = line_with("abcd");
    g_assert_true(inputline_delete_back(line));
    g_assert_cmpstr(inputline_get_text(line), ==, "abc");
    g_assert_false(inputline_delete_forward(line));
    inputline_move(line, INPUT_MOVE_HOME);
    g_assert_false(inputline_delete_back(line));
    g_assert_true(inputline_delete_forward(line));
    g_assert_cmpstr(inputline_get_text(line), ==, "bc");
}

/* Ctrl-W deletes the word before the cursor with the spaces after it. */
static void test_ctrl_w(void)
{
    g_autoptr(LcInputLine) line = line_with("say hello world  ");
    inputline_delete_word(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "say hello ");
    inputline_delete_word(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "say ");
    inputline_move(line, INPUT_MOVE_HOME);
    inputline_delete_word(line); /* nothing before the cursor */
    g_assert_cmpstr(inputline_get_text(line), ==, "say ");
}

/* Ctrl-U deletes to the start, Ctrl-K to the end, Ctrl-Y puts it back. */
static void test_ctrl_u_k_y(void)
{
    g_autoptr(LcInputLine) line = line_with("one two three");
    for (int i = 0; i < 5; i++)
        inputline_move(line, INPUT_MOVE_LEFT);
    inputline_kill_to_end(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "one two ");
    inputline_move(line, INPUT_MOVE_WORD_LEFT);
    inputline_kill_to_start(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "two ");
    g_assert_cmpuint(inputline_get_cursor(line), ==, 0);
    inputline_move(line, INPUT_MOVE_END);
    inputline_yank(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "two one ");
}

/* Kills one after the other are one kill, as in readline: three Ctrl-W
 * come back whole with one Ctrl-Y, forward kills join behind; Alt-Y after
 * Ctrl-Y swaps in the kill before, going round; any other key ends the
 * chain. */
static void test_kill_ring(void)
{
    g_autoptr(LcInputLine) line = line_with("please send the slides now");
    inputline_move(line, INPUT_MOVE_WORD_LEFT); /* before "now" */
    for (int i = 0; i < 3; i++)
        inputline_delete_word(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "please now");
    inputline_yank(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "please send the slides now");
    /* A move ends the chain: the next kill is an entry of its own. */
    inputline_move(line, INPUT_MOVE_HOME);
    inputline_delete_word_forward(line);
    inputline_delete_word_forward(line);
    g_assert_cmpstr(inputline_get_text(line), ==, " the slides now");
    inputline_move(line, INPUT_MOVE_END);
    inputline_yank(line);
    g_assert_cmpstr(inputline_get_text(line), ==, " the slides nowplease send");
    g_assert_true(inputline_yank_pop(line));
    g_assert_cmpstr(inputline_get_text(line), ==, " the slides nowsend the slides ");
    g_assert_true(inputline_yank_pop(line)); /* round to the newest again */
    g_assert_cmpstr(inputline_get_text(line), ==, " the slides nowplease send");
    /* Alt-Y only right after a yank. */
    inputline_insert_char(line, '!');
    g_assert_false(inputline_yank_pop(line));
    g_assert_cmpstr(inputline_get_text(line), ==, " the slides nowplease send!");
    /* Nothing killed yet: Ctrl-Y and Alt-Y do nothing. */
    g_autoptr(LcInputLine) fresh = line_with("x");
    inputline_yank(fresh);
    g_assert_false(inputline_yank_pop(fresh));
    g_assert_cmpstr(inputline_get_text(fresh), ==, "x");
    /* The ring keeps the last 16. */
    g_autoptr(LcInputLine) many = line_with("");
    for (int i = 0; i < 20; i++) {
        g_autofree char *word = g_strdup_printf("w%d", i);
        inputline_insert(many, word);
        inputline_kill_to_start(many);
        inputline_move(many, INPUT_MOVE_END); /* ends the chain */
    }
    inputline_yank(many);
    for (int i = 0; i < 15; i++)
        g_assert_true(inputline_yank_pop(many));
    g_assert_cmpstr(inputline_get_text(many), ==, "w4");
    g_assert_true(inputline_yank_pop(many));
    g_assert_cmpstr(inputline_get_text(many), ==, "w19");
}

/* Word movement (Ctrl-Left/Right) and Alt-D. */
static void test_words(void)
{
    g_autoptr(LcInputLine) line = line_with("alpha  beta gamma");
    inputline_move(line, INPUT_MOVE_WORD_LEFT);
    g_assert_cmpuint(inputline_get_cursor(line), ==, 12);
    inputline_move(line, INPUT_MOVE_WORD_LEFT);
    g_assert_cmpuint(inputline_get_cursor(line), ==, 7);
    inputline_move(line, INPUT_MOVE_HOME);
    inputline_move(line, INPUT_MOVE_WORD_RIGHT);
    g_assert_cmpuint(inputline_get_cursor(line), ==, 5);
    inputline_delete_word_forward(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "alpha gamma");
}

/* Up and Down walk the sent lines; the line being typed comes back. */
static void test_history(void)
{
    g_autoptr(LcInputLine) line = inputline_new(3);
    const char *sent[] = {"one", "two", "two", "three", "four", ""};
    for (guint i = 0; i < G_N_ELEMENTS(sent); i++) {
        inputline_set_text(line, sent[i]);
        g_free(inputline_submit(line));
    }
    /* Repeats and empty lines are not kept; only the newest 3 are. */
    g_assert_cmpuint(inputline_get_history_length(line), ==, 3);
    inputline_insert(line, "draft");
    inputline_history_prev(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "four");
    inputline_history_prev(line);
    inputline_history_prev(line);
    inputline_history_prev(line); /* stays at the oldest */
    g_assert_cmpstr(inputline_get_text(line), ==, "two");
    inputline_history_next(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "three");
    inputline_history_next(line);
    inputline_history_next(line);
    g_assert_cmpstr(inputline_get_text(line), ==, "draft");
    inputline_history_next(line); /* nothing newer */
    g_assert_cmpstr(inputline_get_text(line), ==, "draft");
}

/* Enter returns the text and empties the line. */
static void test_submit(void)
{
    g_autoptr(LcInputLine) line = line_with("hi there");
    g_autofree char *text = inputline_submit(line);
    g_assert_cmpstr(text, ==, "hi there");
    g_assert_cmpstr(inputline_get_text(line), ==, "");
    g_assert_cmpuint(inputline_get_cursor(line), ==, 0);
}

static const char *const nicks[] = {"alice", "Albert", "bob", NULL};
static const char *const commands[] = {"/help", "/me", "/nick", NULL};

/* Tab completes a nick at the start with ": ", cycling through matches. */
static void test_complete_start(void)
{
    g_autoptr(LcInputLine) line = line_with("al");
    g_assert_true(inputline_complete(line, nicks, commands));
    g_assert_cmpstr(inputline_get_text(line), ==, "alice: ");
    g_assert_true(inputline_complete(line, nicks, commands));
    g_assert_cmpstr(inputline_get_text(line), ==, "Albert: ");
    g_assert_true(inputline_complete(line, nicks, commands));
    g_assert_cmpstr(inputline_get_text(line), ==, "alice: ");
    inputline_insert(line, "hi");
    g_assert_cmpstr(inputline_get_text(line), ==, "alice: hi");
}

/* Mid-line a nick gets a space; text after the cursor stays. */
static void test_complete_middle(void)
{
    g_autoptr(LcInputLine) line = line_with("hi B!");
    inputline_move(line, INPUT_MOVE_LEFT);
    g_assert_true(inputline_complete(line, nicks, commands));
    g_assert_cmpstr(inputline_get_text(line), ==, "hi bob !");
    g_assert_cmpuint(inputline_get_cursor(line), ==, 7);
}

/* A word starting with '/' at the start completes a command. */
static void test_complete_command(void)
{
    g_autoptr(LcInputLine) line = line_with("/ni");
    g_assert_true(inputline_complete(line, nicks, commands));
    g_assert_cmpstr(inputline_get_text(line), ==, "/nick ");
    g_autoptr(LcInputLine) none = line_with("zed");
    g_assert_false(inputline_complete(none, nicks, commands));
    g_assert_cmpstr(inputline_get_text(none), ==, "zed");
    g_autoptr(LcInputLine) empty = line_with("hi ");
    g_assert_false(inputline_complete(empty, nicks, commands));
}

/* Any other key ends the cycle: Tab then starts from the new word. */
static void test_complete_reset(void)
{
    g_autoptr(LcInputLine) line = line_with("a");
    inputline_complete(line, nicks, commands);
    inputline_delete_back(line); /* "alice:" */
    inputline_delete_word(line);
    inputline_insert(line, "b");
    g_assert_true(inputline_complete(line, nicks, commands));
    g_assert_cmpstr(inputline_get_text(line), ==, "bob: ");
}

/* Wide characters: the cursor column counts two per character. */
static void test_wide(void)
{
    g_autoptr(LcInputLine) line = line_with("ab日本cd");
    g_assert_cmpint(inputline_get_cursor_col(line), ==, 8);
    inputline_move(line, INPUT_MOVE_LEFT);
    inputline_move(line, INPUT_MOVE_LEFT);
    g_assert_cmpint(inputline_get_cursor_col(line), ==, 6);
    inputline_move(line, INPUT_MOVE_LEFT);
    g_assert_cmpint(inputline_get_cursor_col(line), ==, 4);
    g_assert_true(inputline_delete_back(line));
    g_assert_cmpstr(inputline_get_text(line), ==, "ab本cd");
    g_assert_cmpint(inputline_get_cursor_col(line), ==, 2);
    inputline_move(line, INPUT_MOVE_END);
    inputline_insert(line, "\U0001F600");
    g_assert_cmpint(inputline_get_cursor_col(line), ==, 8);
    g_assert_true(inputline_delete_back(line));
    g_assert_cmpstr(inputline_get_text(line), ==, "ab本cd");
}

/* A combining mark moves and deletes with its base character. */
static void test_combining(void)
{
    g_autoptr(LcInputLine) line = line_with("xe\xCC\x81");
    g_assert_cmpint(inputline_get_cursor_col(line), ==, 2);
    inputline_move(line, INPUT_MOVE_LEFT);
    g_assert_cmpuint(inputline_get_cursor(line), ==, 1);
    inputline_move(line, INPUT_MOVE_RIGHT);
    g_assert_cmpuint(inputline_get_cursor(line), ==, 4);
    g_assert_true(inputline_delete_back(line));
    g_assert_cmpstr(inputline_get_text(line), ==, "x");
}

/* Control characters and invalid UTF-8 are not inserted; TAB is a space. */
static void test_filter(void)
{
    g_autoptr(LcInputLine) line = line_with("a\x01"
                                            "b\tc\x1b[A");
    g_assert_cmpstr(inputline_get_text(line), ==, "ab c[A");
    inputline_insert(line, "ok\xff\xfe");
    g_assert_cmpstr(inputline_get_text(line), ==, "ab c[Aok");
}

/* A long line scrolls so the cursor stays inside the field. */
static void test_scroll(void)
{
    g_autoptr(LcInputLine) line = line_with("0123456789abcdefghijklmnopqrstuvwxyz");
    int col = -1;
    gsize start = inputline_scroll(line, 0, 10, &col);
    g_assert_cmpuint(start, >, 0);
    g_assert_cmpint(col, >=, 0);
    g_assert_cmpint(col, <, 10);
    g_assert_cmpint(col, ==, inputline_get_cursor_col(line) - (int)start);
    /* Small moves inside the field keep the view where it was. */
    inputline_move(line, INPUT_MOVE_LEFT);
    g_assert_cmpuint(inputline_scroll(line, start, 10, &col), ==, start);
    inputline_move(line, INPUT_MOVE_HOME);
    start = inputline_scroll(line, start, 10, &col);
    g_assert_cmpuint(start, ==, 0);
    g_assert_cmpint(col, ==, 0);
    inputline_set_text(line, "short");
    start = inputline_scroll(line, 30, 10, &col);
    g_assert_cmpuint(start, ==, 0);
    g_assert_cmpint(col, ==, 5);
}

/* Scrolling over wide characters keeps the cursor column exact, and a stale
 * start inside a character is moved to a boundary. */
static void test_scroll_wide(void)
{
    g_autoptr(LcInputLine) line = line_with("日本語のテキストがとても長い行です");
    const char *text = inputline_get_text(line);
    for (gsize stale = 0; stale < 12; stale++) {
        int col = -1;
        gsize start = inputline_scroll(line, stale, 9, &col);
        g_assert_true(g_utf8_validate(text + start, -1, NULL));
        g_assert_cmpint(col, <, 9);
        g_assert_cmpint(col % 2, ==, 0);
    }
}

int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/inputline/insert-move", test_insert_move);
    g_test_add_func("/tui/inputline/home-end", test_home_end);
    g_test_add_func("/tui/inputline/backspace-delete", test_backspace_delete);
    g_test_add_func("/tui/inputline/ctrl-w", test_ctrl_w);
    g_test_add_func("/tui/inputline/ctrl-u-k-y", test_ctrl_u_k_y);
    g_test_add_func("/tui/inputline/kill-ring", test_kill_ring);
    g_test_add_func("/tui/inputline/words", test_words);
    g_test_add_func("/tui/inputline/history", test_history);
    g_test_add_func("/tui/inputline/submit", test_submit);
    g_test_add_func("/tui/inputline/complete-start", test_complete_start);
    g_test_add_func("/tui/inputline/complete-middle", test_complete_middle);
    g_test_add_func("/tui/inputline/complete-command", test_complete_command);
    g_test_add_func("/tui/inputline/complete-reset", test_complete_reset);
    g_test_add_func("/tui/inputline/wide", test_wide);
    g_test_add_func("/tui/inputline/combining", test_combining);
    g_test_add_func("/tui/inputline/filter", test_filter);
    g_test_add_func("/tui/inputline/scroll", test_scroll);
    g_test_add_func("/tui/inputline/scroll-wide", test_scroll_wide);
    return g_test_run();
}
