/* Tests of display widths and wrapping (ui-tui/textwidth.c). */
#include "tui-test-util.h"
#include "ui-tui/textwidth.h"

#include <string.h>

/* Joins wrapped rows as "indent|text" lines separated by '\n'. */
static char *wrap_to_string(const char *text, int width, int indent)
{
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(LcTextRow));
    textwidth_wrap(text, width, indent, rows);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < rows->len; i++) {
        const LcTextRow *r = &g_array_index(rows, LcTextRow, i);
        g_string_append_printf(out, "%s%u|%.*s", i ? "\n" : "", r->indent, (int)(r->end - r->start),
                               text + r->start);
        g_assert_cmpint(r->indent + textwidth_str(text + r->start, r->end - r->start), <=,
                        MAX(width, 2));
    }
    return g_string_free(out, FALSE);
}

/* ASCII, CJK, emoji and combining marks take 1, 2, 2 and 0 columns. */
static void test_widths(void)
{
    g_assert_cmpint(textwidth_str("abc", -1), ==, 3);
    g_assert_cmpint(textwidth_str("你好", -1), ==, 4);
    g_assert_cmpint(textwidth_str("\U0001F389", -1), ==, 2); /* party popper */
    g_assert_cmpint(textwidth_str("e\xCC\x81", -1), ==, 1);  /* e + combining acute */
    g_assert_cmpint(textwidth_str("ab你好", 3), ==, 2);      /* only "ab" and a partial byte */
    g_assert_cmpint(textwidth_char(0x0301), ==, 0);
}

/* Fitting never splits a wide character or strips a combining mark. */
static void test_fit(void)
{
    g_assert_cmpuint(textwidth_fit("ab你", strlen("ab你"), 3), ==, 2);
    g_assert_cmpuint(textwidth_fit("ab你", strlen("ab你"), 4), ==, 5);
    g_assert_cmpuint(textwidth_fit("e\xCC\x81x", 4, 1), ==, 3);
    g_assert_cmpuint(textwidth_fit("abc", 3, 0), ==, 0);
}

/* Words wrap at spaces; the space at the break is dropped. */
static void test_wrap_words(void)
{
    g_autofree char *s = wrap_to_string("hello world foo", 11, 0);
    g_assert_cmpstr(s, ==, "0|hello world\n0|foo");
}

/* Continuation rows start after the indent. */
static void test_wrap_indent(void)
{
    g_autofree char *s = wrap_to_string("aaaa bbbb cccc dddd", 10, 4);
    g_assert_cmpstr(s, ==, "0|aaaa bbbb\n4|cccc\n4|dddd");
}

/* A word longer than a row is cut between characters. */
static void test_wrap_hard(void)
{
    g_autofree char *s = wrap_to_string("abcdefghij", 4, 0);
    g_assert_cmpstr(s, ==, "0|abcd\n0|efgh\n0|ij");
}

/* Wide characters never straddle a row's end. */
static void test_wrap_wide(void)
{
    g_autofree char *s = wrap_to_string("你好世界", 5, 0);
    g_assert_cmpstr(s, ==, "0|你好\n0|世界");
    g_autofree char *e = wrap_to_string("ok \U0001F389\U0001F389\U0001F389", 5, 0);
    /* A word too long for any row starts a row, then breaks where it must. */
    g_assert_cmpstr(e, ==, "0|ok\n0|\U0001F389\U0001F389\n0|\U0001F389");
}

/* Empty text is one empty row; a width of one still makes progress. */
static void test_wrap_edges(void)
{
    g_autofree char *empty = wrap_to_string("", 10, 0);
    g_assert_cmpstr(empty, ==, "0|");
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(LcTextRow));
    g_assert_cmpuint(textwidth_wrap("你好", 1, 0, rows), ==, 2);
}

/* TAB becomes a space; what cannot be printed becomes U+FFFD. */
static void test_sanitize(void)
{
    g_autofree char *s = textwidth_sanitize("a\tb\x01"
                                            "c\n");
    g_assert_cmpstr(s, ==,
                    "a b\xEF\xBF\xBD"
                    "c\xEF\xBF\xBD");
    g_assert_cmpint(textwidth_str(s, -1), ==, 6);
    /* A right-to-left override would reorder the rest of the line unseen. */
    g_autofree char *bidi = textwidth_sanitize("abc\xe2\x80\xaetxt");
    g_assert_cmpstr(bidi, ==, "abc\xEF\xBF\xBDtxt");
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/textwidth/widths", test_widths);
    g_test_add_func("/tui/textwidth/fit", test_fit);
    g_test_add_func("/tui/textwidth/wrap-words", test_wrap_words);
    g_test_add_func("/tui/textwidth/wrap-indent", test_wrap_indent);
    g_test_add_func("/tui/textwidth/wrap-hard", test_wrap_hard);
    g_test_add_func("/tui/textwidth/wrap-wide", test_wrap_wide);
    g_test_add_func("/tui/textwidth/wrap-edges", test_wrap_edges);
    g_test_add_func("/tui/textwidth/sanitize", test_sanitize);
    return g_test_run();
}
