/* Tests of the chat log model and line formatting (ui-tui/chatlog.c,
 * ui-tui/chatline.c): sender tags, wrapping, scrollback, unread count. */
#include "tui-test-util.h"
#include "ui-tui/chatline.h"
#include "ui-tui/chatlog.h"

#include <string.h>

#define T0 (G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC) /* 22:13:20 UTC */

/* Appends a message from nick with text. */
static void add_msg(LcChatLog *log, const char *nick, const char *text)
{
    LcChatEntry e = {.kind = CHAT_KIND_MESSAGE,
                     .time_us = T0,
                     .nick = (char *)nick,
                     .addr = "10.0.0.2:4000",
                     .text = (char *)text};
    chatlog_append(log, &e);
}

/* The text of an entry's line. */
static char *line_text(const LcChatEntry *e)
{
    g_autoptr(LcChatLine) line = chatline_new(e, NULL);
    return g_strdup(line->text);
}

/* Messages read "HH:MM:SS nick@ip:port: text". */
static void test_format_message(void)
{
    LcChatEntry e = {.kind = CHAT_KIND_MESSAGE,
                     .time_us = T0,
                     .nick = "bob",
                     .addr = "192.168.1.7:51234",
                     .text = "hello"};
    g_autofree char *s = line_text(&e);
    g_assert_cmpstr(s, ==, "22:13:20 bob@192.168.1.7:51234: hello");
    g_autofree char *plain = chatline_format_plain(&e);
    g_assert_cmpstr(plain, ==, "bob@192.168.1.7:51234: hello");
}

/* Every kind has its own form; the sender tag is on each. */
static void test_format_kinds(void)
{
    struct {
        LcChatKind kind;
        const char *text;
        const char *expect;
    } cases[] = {
        {CHAT_KIND_ACTION, "waves", "* bob@1.2.3.4:5 waves"},
        {CHAT_KIND_JOIN, NULL, "--> bob@1.2.3.4:5 joined"},
        {CHAT_KIND_LEAVE, "bye", "<-- bob@1.2.3.4:5 left (bye)"},
        {CHAT_KIND_LEAVE, "", "<-- bob@1.2.3.4:5 left (quit)"},
        {CHAT_KIND_NICK, "bobby", "-- bobby is now known as bob@1.2.3.4:5"},
        {CHAT_KIND_INFO, "note", "-!- note"},
        {CHAT_KIND_ERROR, "oops", "-!- oops"},
        {CHAT_KIND_MARKER, "gap", "-- gap --"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        LcChatEntry e = {.kind = cases[i].kind,
                         .time_us = T0,
                         .nick = "bob",
                         .addr = "1.2.3.4:5",
                         .text = (char *)cases[i].text};
        g_autofree char *plain = chatline_format_plain(&e);
        g_assert_cmpstr(plain, ==, cases[i].expect);
    }
}

/* Pending own text has its own style; refused text is marked. */
static void test_format_own(void)
{
    LcChatEntry e = {.kind = CHAT_KIND_MESSAGE,
                     .time_us = T0,
                     .nick = "me",
                     .addr = "",
                     .text = "hi",
                     .own = TRUE,
                     .pending = TRUE};
    g_autoptr(LcChatLine) line = chatline_new(&e, "me");
    g_assert_cmpstr(line->text, ==, "22:13:20 me: hi");
    g_assert_cmpint(chatline_span_at(line, 9)->style, ==, CHAT_STYLE_SELF);
    g_assert_cmpint(chatline_span_at(line, 13)->style, ==, CHAT_STYLE_PENDING);
    e.pending = FALSE;
    e.failed = TRUE;
    g_autofree char *plain = chatline_format_plain(&e);
    g_assert_cmpstr(plain, ==, "me: hi [not sent]");
}

/* A mention is the nick as a word of its own, in any case; the text of a
 * message that has one is drawn in the mention style. */
static void test_mentions(void)
{
    static const struct {
        const char *text;
        gboolean yes;
    } cases[] = {
        {"alice: lunch?", TRUE},
        {"hi Alice!", TRUE},
        {"ALICE", TRUE},
        {"ask alice-bot", FALSE},
        {"malice", FALSE},
        {"alice_2 is here", FALSE},
        {"(alice)", TRUE},
        {"alicealice", FALSE},
        {"", FALSE},
        {"bob, alice, carol", TRUE},
        {"über alice.", TRUE},
        {"alic", FALSE},
        {"alice|afk is back", FALSE},
        {"alice.x", FALSE},
        {"alice, look", TRUE},
        {"[alice]", FALSE},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("'%s'", cases[i].text);
        g_assert_cmpint(chatline_mentions(cases[i].text, "alice"), ==, cases[i].yes);
    }
    g_assert_false(chatline_mentions("alice", ""));
    g_assert_false(chatline_mentions(NULL, "alice"));
    LcChatEntry e = {
        .kind = CHAT_KIND_MESSAGE, .nick = "bob", .text = "alice: look", .mention = TRUE};
    g_autoptr(LcChatLine) line = chatline_new(&e, "alice");
    const LcChatSpan *body =
        chatline_span_at(line, (guint)(strstr(line->text, "look") - line->text));
    g_assert_nonnull(body);
    g_assert_cmpint(body->style, ==, CHAT_STYLE_MENTION);
}

/* Other nicks get a colour that does not depend on case. */
static void test_nick_color(void)
{
    g_assert_cmpuint(chatline_nick_color("Alice"), ==, chatline_nick_color("alice"));
    g_assert_cmpuint(chatline_nick_color("x"), <, CHATLINE_NICK_COLORS_256);
    /* A classroom's nicks spread over the colours: 20 nicks, at least 12
     * colours on a 256-colour terminal and all 6 on others. */
    const char *nicks[] = {"alice",  "bob",   "carol", "dave",    "erin",   "frank",  "grace",
                           "heidi",  "ivan",  "judy",  "mallory", "niaj",   "olivia", "peggy",
                           "rupert", "sybil", "trent", "victor",  "walter", "zoe"};
    g_autoptr(GHashTable) many = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) few = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < G_N_ELEMENTS(nicks); i++) {
        guint c = chatline_nick_color(nicks[i]);
        g_hash_table_add(many, GUINT_TO_POINTER(c + 1));
        g_hash_table_add(few, GUINT_TO_POINTER(c % CHATLINE_NICK_COLORS + 1));
    }
    g_test_message("20 nicks: %u of 30 colours, %u of 6", g_hash_table_size(many),
                   g_hash_table_size(few));
    g_assert_cmpuint(g_hash_table_size(many), >=, 12);
    g_assert_cmpuint(g_hash_table_size(few), ==, CHATLINE_NICK_COLORS);
    LcChatEntry e = {
        .kind = CHAT_KIND_MESSAGE, .time_us = T0, .nick = "Alice", .addr = "a:1", .text = "t"};
    g_autoptr(LcChatLine) line = chatline_new(&e, "me");
    const LcChatSpan *nick = chatline_span_at(line, 9);
    g_assert_cmpint(nick->style, ==, CHAT_STYLE_NICK);
    g_assert_cmpuint(nick->color, ==, chatline_nick_color("alice"));
}

/* Wrapped rows hang under the text when there is room, else under the nick. */
static void test_wrap_indent(void)
{
    LcChatEntry e = {.kind = CHAT_KIND_MESSAGE,
                     .time_us = T0,
                     .nick = "bob",
                     .addr = "1.2.3.4:5",
                     .text = "one two three four five six seven eight nine ten"};
    g_autoptr(LcChatLine) line = chatline_new(&e, NULL);
    g_assert_cmpint(line->body_col, ==, 24);
    guint n = chatline_wrap(line, 60);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(g_array_index(line->rows, LcTextRow, 1).indent, ==, 24);
    n = chatline_wrap(line, 40);
    g_assert_cmpuint(g_array_index(line->rows, LcTextRow, 1).indent, ==, 9);
    for (guint i = 0; i < n; i++) {
        const LcTextRow *r = &g_array_index(line->rows, LcTextRow, i);
        g_assert_cmpint((int)r->indent + textwidth_str(line->text + r->start, r->end - r->start),
                        <=, 40);
    }
}

/* CJK and emoji wrap without overflowing a row. */
static void test_wrap_wide(void)
{
    LcChatEntry e = {.kind = CHAT_KIND_MESSAGE,
                     .time_us = T0,
                     .nick = "li",
                     .addr = "1.2.3.4:5",
                     .text = "你好世界你好世界你好世界 \U0001F389\U0001F389\U0001F389 ok"};
    g_autoptr(LcChatLine) line = chatline_new(&e, NULL);
    for (int width = 20; width <= 50; width++) {
        guint n = chatline_wrap(line, width);
        GString *joined = g_string_new(NULL);
        for (guint i = 0; i < n; i++) {
            const LcTextRow *r = &g_array_index(line->rows, LcTextRow, i);
            g_assert_cmpint((int)r->indent +
                                textwidth_str(line->text + r->start, r->end - r->start),
                            <=, width);
            g_string_append_len(joined, line->text + r->start, r->end - r->start);
        }
        /* Nothing lost but the spaces rows broke at. */
        g_assert_nonnull(strstr(joined->str, "\U0001F389"));
        g_assert_true(g_str_has_suffix(joined->str, "ok"));
        g_string_free(joined, TRUE);
    }
}

/* The rows of the visible window, as "index.row" words. */
static char *window(LcChatLog *log, int width, int height)
{
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(LcChatRowRef));
    chatlog_layout(log, width, height, rows);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < rows->len; i++) {
        const LcChatRowRef *r = &g_array_index(rows, LcChatRowRef, i);
        g_string_append_printf(out, "%s%u.%u", i ? " " : "", r->index, r->row);
    }
    return g_string_free(out, FALSE);
}

/* The window shows the newest rows until the user scrolls back. */
static void test_layout_follow(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(0);
    for (int i = 0; i < 10; i++)
        add_msg(log, "bob", "short");
    g_autofree char *w = window(log, 80, 3);
    g_assert_cmpstr(w, ==, "7.0 8.0 9.0");
    add_msg(log, "bob", "just wraps once here ok");
    g_autofree char *w2 = window(log, 40, 3);
    g_assert_cmpstr(w2, ==, "9.0 10.0 10.1");
}

/* Scrolling back keeps the view still while lines arrive, and counts them. */
static void test_scroll_unread(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(0);
    for (int i = 0; i < 20; i++)
        add_msg(log, "bob", "line");
    chatlog_scroll(log, 5, 80, 4);
    g_assert_true(chatlog_is_scrolled(log));
    g_autofree char *w = window(log, 80, 4);
    g_assert_cmpstr(w, ==, "11.0 12.0 13.0 14.0");
    add_msg(log, "bob", "new");
    add_msg(log, "carol", "newer");
    chatlog_append_text(log, CHAT_KIND_INFO, "not counted");
    LcChatEntry own = {.kind = CHAT_KIND_MESSAGE, .nick = "me", .text = "mine", .own = TRUE};
    chatlog_append(log, &own);
    g_assert_cmpuint(chatlog_get_unread(log), ==, 2);
    g_autofree char *still = window(log, 80, 4);
    g_assert_cmpstr(still, ==, w);
    chatlog_scroll(log, -100, 80, 4);
    g_assert_false(chatlog_is_scrolled(log));
    g_assert_cmpuint(chatlog_get_unread(log), ==, 0);
}

/* Scrolling stops at the first page. */
static void test_scroll_top(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(0);
    for (int i = 0; i < 10; i++)
        add_msg(log, "bob", "line");
    chatlog_scroll(log, 1000, 80, 4);
    g_autofree char *w = window(log, 80, 4);
    g_assert_cmpstr(w, ==, "0.0 1.0 2.0 3.0");
    chatlog_scroll(log, 3, 80, 4);
    g_autofree char *w2 = window(log, 80, 4);
    g_assert_cmpstr(w2, ==, w);
    /* A log shorter than the view does not scroll at all. */
    g_autoptr(LcChatLog) small = chatlog_new(0);
    add_msg(small, "bob", "only");
    chatlog_scroll(small, 3, 80, 4);
    g_assert_false(chatlog_is_scrolled(small));
}

/* Scrolling moves by wrapped rows, not entries. */
static void test_scroll_rows(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(0);
    for (int i = 0; i < 5; i++)
        add_msg(log, "bob", "one two three four five six seven eight nine ten eleven twelve");
    /* At 40 columns each message takes 3 rows. */
    chatlog_scroll(log, 4, 40, 3);
    g_autofree char *w = window(log, 40, 3);
    g_assert_cmpstr(w, ==, "2.2 3.0 3.1");
    chatlog_scroll(log, -2, 40, 3);
    g_autofree char *w2 = window(log, 40, 3);
    g_assert_cmpstr(w2, ==, "3.1 3.2 4.0");
}

/* After a resize the entry being read stays, whole, at the bottom. */
static void test_scroll_resize(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(0);
    for (int i = 0; i < 30; i++)
        add_msg(log, "bob", "one two three four five six seven eight nine ten eleven twelve");
    chatlog_scroll(log, 20, 100, 10);
    g_autofree char *wide = window(log, 100, 10);
    g_assert_true(g_str_has_suffix(wide, " 9.0"));
    g_autofree char *narrow = window(log, 30, 10);
    guint rows = chatline_count_rows(chatlog_get(log, 9), 30);
    g_assert_cmpuint(rows, >, 1);
    g_autofree char *last = g_strdup_printf(" 9.%u", rows - 1);
    g_assert_true(g_str_has_suffix(narrow, last));
}

/* The oldest entries go once the log is full. */
static void test_capacity(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(10);
    for (int i = 0; i < 25; i++)
        add_msg(log, "bob", "x");
    g_assert_cmpuint(chatlog_get_length(log), ==, 10);
    g_assert_cmpuint(chatlog_get(log, 0)->seq, ==, 16);
    g_assert_null(chatlog_get(log, 10));
}

/* Own messages are pending until stored, then carry the relay's address. */
static void test_acked(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(0);
    LcChatEntry own = {.kind = CHAT_KIND_MESSAGE,
                       .nick = "me",
                       .text = "hi",
                       .own = TRUE,
                       .pending = TRUE,
                       .client_id = 7};
    chatlog_append(log, &own);
    own.client_id = 8;
    chatlog_append(log, &own);
    g_assert_null(chatlog_set_acked(log, 9, "1.1.1.1:1"));
    const LcChatEntry *e = chatlog_set_acked(log, 7, "1.1.1.1:1");
    g_assert_nonnull(e);
    g_assert_false(e->pending);
    g_assert_cmpstr(e->addr, ==, "1.1.1.1:1");
    g_assert_null(chatlog_set_acked(log, 7, "x")); /* acknowledged once */
    e = chatlog_set_failed(log, 8);
    g_assert_true(e->failed);
    g_assert_false(e->pending);
}

/* /clear empties the log and returns to the bottom. */
static void test_clear(void)
{
    g_autoptr(LcChatLog) log = chatlog_new(0);
    for (int i = 0; i < 20; i++)
        add_msg(log, "bob", "line");
    chatlog_scroll(log, 5, 80, 4);
    chatlog_clear(log);
    g_assert_cmpuint(chatlog_get_length(log), ==, 0);
    g_assert_false(chatlog_is_scrolled(log));
    g_autofree char *w = window(log, 80, 4);
    g_assert_cmpstr(w, ==, "");
    add_msg(log, "bob", "again");
    g_autofree char *w2 = window(log, 80, 4);
    g_assert_cmpstr(w2, ==, "0.0");
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/chatlog/format-message", test_format_message);
    g_test_add_func("/tui/chatlog/format-kinds", test_format_kinds);
    g_test_add_func("/tui/chatlog/format-own", test_format_own);
    g_test_add_func("/tui/chatlog/nick-color", test_nick_color);
    g_test_add_func("/tui/chatlog/mentions", test_mentions);
    g_test_add_func("/tui/chatlog/wrap-indent", test_wrap_indent);
    g_test_add_func("/tui/chatlog/wrap-wide", test_wrap_wide);
    g_test_add_func("/tui/chatlog/layout-follow", test_layout_follow);
    g_test_add_func("/tui/chatlog/scroll-unread", test_scroll_unread);
    g_test_add_func("/tui/chatlog/scroll-top", test_scroll_top);
    g_test_add_func("/tui/chatlog/scroll-rows", test_scroll_rows);
    g_test_add_func("/tui/chatlog/scroll-resize", test_scroll_resize);
    g_test_add_func("/tui/chatlog/capacity", test_capacity);
    g_test_add_func("/tui/chatlog/acked", test_acked);
    g_test_add_func("/tui/chatlog/clear", test_clear);
    return g_test_run();
}
