/* Tests of the protocol's nick and chat text rules (net/wire/validate.c) against
 * docs/PROTOCOL.md: nicks are 1..32 bytes of ASCII letters, digits and
 * _ - . [ ] { } ^ |, not starting with a digit or '-'; text is 1..4096 bytes
 * of UTF-8 with no control character but TAB. */
#include "net/wire/validate.h"
#include "tests/test-rows.h"
#include "net/wire/wire.h"

#include "wire-test-util.h"

#include <string.h>

typedef struct {
    const char *nick;
    gboolean valid;
} NickRow;

/* Nicks and whether the rules allow them. */
static const NickRow nick_rows[] = {
    {"a", TRUE},
    {"Z", TRUE},
    {"alice", TRUE},
    {"Alice_99", TRUE},
    {"x1", TRUE},
    {"_", TRUE},
    {"_lead", TRUE},
    {".dot", TRUE},
    {"[m]", TRUE},
    {"{curly}", TRUE},
    {"^caret", TRUE},
    {"|pipe", TRUE},
    {"a-b", TRUE},
    {"trail-", TRUE},
    {"a0123456789", TRUE},
    {"_-.[]{}^|", TRUE},
    {"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN", TRUE}, /* 32 bytes */
    {"a234567890123456789012345678901b", TRUE},
    {NULL, FALSE},
    {"", FALSE},
    {"1abc", FALSE},
    {"9", FALSE},
    {"0_", FALSE},
    {"-abc", FALSE},
    {"-", FALSE},
    {"a b", FALSE},
    {" a", FALSE},
    {"a ", FALSE},
    {"a\tb", FALSE},
    {"a\nb", FALSE},
    {"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN", FALSE}, /* 33 bytes */
    {"\xc3\xa9", FALSE},
    {"a\xc3\xa9", FALSE},
    {"caf\xc3\xa9", FALSE},
    {"\xff", FALSE},
    {"a@b", FALSE},
    {"a:b", FALSE},
    {"a!b", FALSE},
    {"a/b", FALSE},
    {"a,b", FALSE},
    {"a*b", FALSE},
    {"a~b", FALSE},
    {"a'b", FALSE},
    {"a\"b", FALSE},
    {"a#b", FALSE},
    {"a\x7f", FALSE},
    {"a\x01", FALSE},
};

/* Each nick of the table is allowed or refused with BAD_NICK. */
static void test_nick_rules(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(nick_rows); i++) {
        const NickRow *row = &nick_rows[i];
        g_autoptr(GError) error = NULL;
        g_autofree char *shown = row->nick ? g_strescape(row->nick, NULL) : g_strdup("(null)");
        g_test_message("nick '%s'", shown);
        gboolean ok = validate_nick(row->nick, &error);
        if (row->valid) {
            g_assert_no_error(error);
            g_assert_true(ok);
        } else {
            g_assert_false(ok);
            g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_NICK);
            g_assert_true(g_utf8_validate(error->message, -1, NULL));
        }
    }
}

/* Every byte value as a one-byte nick and after a letter: exactly the letters,
 * digits and _ - . [ ] { } ^ | pass (and no digit or '-' in front). */
static void test_nick_every_byte(void)
{
    for (guint c = 1; c < 256; c++) {
        gboolean allowed = g_ascii_isalnum((char)c) || (c < 128 && strchr("_-.[]{}^|", (int)c));
        gboolean first_ok = allowed && !g_ascii_isdigit((char)c) && c != '-';
        char alone[2] = {(char)c, '\0'};
        char after[3] = {'a', (char)c, '\0'};
        g_assert_cmpint(validate_nick(alone, NULL), ==, first_ok);
        g_assert_cmpint(validate_nick(after, NULL), ==, allowed);
    }
}

typedef struct {
    const char *name;
    const char *text;
    int code; /* 0 = valid */
} TextRow;

/* Chat texts and the error each gets. */
static const TextRow text_rows[] = {
    {"ascii", "hello, world", 0},
    {"one-byte", "a", 0},
    {"tab", "a\tb", 0},
    {"tab-only", "\t", 0},
    {"space-only", " ", 0},
    {"utf8-two-byte", "h\xc3\xa9llo", 0},
    {"utf8-three-byte", "\xe2\x82\xac 5", 0},
    {"utf8-four-byte", "\xf0\x9f\x98\x80", 0},
    {"cjk", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0},
    {"nbsp-after-c1", "a\xc2\xa0z", 0},
    {"latin1-supplement", "\xc2\xbf\xc3\xbf", 0},
    {"replacement-char", "\xef\xbf\xbd", 0},
    {"line-separator", "a\xe2\x80\xa8z", 0},
    {"null", NULL, WIRE_ERR_BAD_TEXT},
    {"empty", "", WIRE_ERR_BAD_TEXT},
    {"newline", "a\nb", WIRE_ERR_BAD_TEXT},
    {"carriage-return", "a\rb", WIRE_ERR_BAD_TEXT},
    {"soh", "\x01", WIRE_ERR_BAD_TEXT},
    {"bell", "ding\a", WIRE_ERR_BAD_TEXT},
    {"backspace", "ab\b", WIRE_ERR_BAD_TEXT},
    {"escape", "\x1b[31mred", WIRE_ERR_BAD_TEXT},
    {"unit-separator", "\x1f", WIRE_ERR_BAD_TEXT},
    {"vertical-tab", "\v", WIRE_ERR_BAD_TEXT},
    {"form-feed", "\f", WIRE_ERR_BAD_TEXT},
    {"del", "a\x7f", WIRE_ERR_BAD_TEXT},
    {"c1-first", "\xc2\x80", WIRE_ERR_BAD_TEXT},
    {"c1-nel", "a\xc2\x85z", WIRE_ERR_BAD_TEXT},
    {"c1-csi", "\xc2\x9b[31m", WIRE_ERR_BAD_TEXT},
    {"c1-last", "\xc2\x9f", WIRE_ERR_BAD_TEXT},
    {"bad-byte", "\xff", WIRE_ERR_BAD_UTF8},
    {"lone-continuation", "a\x80", WIRE_ERR_BAD_UTF8},
    {"cut-sequence", "a\xe2\x82", WIRE_ERR_BAD_UTF8},
    {"overlong-nul", "\xc0\x80", WIRE_ERR_BAD_UTF8},
    {"overlong-slash", "\xe0\x80\xaf", WIRE_ERR_BAD_UTF8},
    {"surrogate", "\xed\xa0\x80", WIRE_ERR_BAD_UTF8},
    {"over-10ffff", "\xf4\x90\x80\x80", WIRE_ERR_BAD_UTF8},
    {"five-byte", "\xf8\x88\x80\x80\x80", WIRE_ERR_BAD_UTF8},
    /* Bidirectional controls make text read other than it is. */
    {"bidi-rlo", "abc\xe2\x80\xaetxt.exe", WIRE_ERR_BAD_TEXT},
    {"bidi-lre", "\xe2\x80\xaax", WIRE_ERR_BAD_TEXT},
    {"bidi-pdf", "x\xe2\x80\xac", WIRE_ERR_BAD_TEXT},
    {"bidi-lri", "\xe2\x81\xa6x", WIRE_ERR_BAD_TEXT},
    {"bidi-pdi", "x\xe2\x81\xa9", WIRE_ERR_BAD_TEXT},
    {"lrm-allowed", "a\xe2\x80\x8ez", 0},
    {"hebrew", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", 0},
};

/* Checks one text against the code it should get. */
static void validate_test_text(const char *text, int code)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = validate_text(text, &error);
    if (code == 0) {
        g_assert_no_error(error);
        g_assert_true(ok);
    } else {
        g_assert_false(ok);
        g_assert_error(error, LC_WIRE_ERROR, code);
        g_assert_true(g_utf8_validate(error->message, -1, NULL));
    }
}

/* Each text of the table. */
static void test_text_rules(gconstpointer data)
{
    const TextRow *row = data;
    validate_test_text(row->text, row->code);
}

/* 4096 bytes pass and 4097 do not, in one-, two- and four-byte characters. */
static void test_text_length(void)
{
    g_autofree char *ascii_max = wire_test_repeat("x", 4096);
    g_autofree char *ascii_over = wire_test_repeat("x", 4097);
    g_autofree char *two_max = wire_test_repeat("\xc3\xa9", 2048);
    g_autofree char *two_over_tail = wire_test_repeat("\xc3\xa9", 2048);
    g_autofree char *two_over = g_strconcat(two_over_tail, "x", NULL);
    g_autofree char *four_max = wire_test_repeat("\xf0\x9f\x98\x80", 1024);
    g_autofree char *four_over = wire_test_repeat("\xf0\x9f\x98\x80", 1025);
    g_autofree char *tabs_max = wire_test_repeat("\t", 4096);

    validate_test_text(ascii_max, 0);
    validate_test_text(two_max, 0);
    validate_test_text(four_max, 0);
    validate_test_text(tabs_max, 0);
    validate_test_text(ascii_over, WIRE_ERR_BAD_TEXT);
    validate_test_text(two_over, WIRE_ERR_BAD_TEXT);
    validate_test_text(four_over, WIRE_ERR_BAD_TEXT);
}

/* Every code point below U+00A0 alone: only TAB and the printable ASCII pass. */
static void test_text_every_control(void)
{
    for (gunichar c = 1; c < 0xA0; c++) {
        char text[8] = {0};
        g_unichar_to_utf8(c, text);
        gboolean printable = c == '\t' || (c >= 0x20 && c < 0x7F);
        validate_test_text(text, printable ? 0 : WIRE_ERR_BAD_TEXT);
    }
}

/* Every string a person reads follows the text rules, empty allowed, and
 * names itself in the error; the sanitizer makes any string safe to print. */
static void test_display_and_sanitize(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(validate_display_string("", "quit reason", NULL));
    g_assert_true(validate_display_string(NULL, "quit reason", NULL));
    g_assert_false(validate_display_string("\x1b]0;pwned\x07\x1b[2J", "quit reason", &error));
    g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_TEXT);
    g_assert_nonnull(strstr(error->message, "quit reason"));
    g_assert_nonnull(strstr(error->message, "U+001B"));

    static const struct {
        const char *in;
        const char *out;
    } rows[] = {
        {"plain \xc3\xa9", "plain \xc3\xa9"},
        {"a\tb", "a\tb"},
        {"\x1b[2Jx", "\xef\xbf\xbd[2Jx"},
        {"\xc2\x9b"
         "31m",
         "\xef\xbf\xbd"
         "31m"},
        {"abc\xe2\x80\xaetxt", "abc\xef\xbf\xbdtxt"},
        {"bad\xff", "bad\xef\xbf\xbd"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_autofree char *out = validate_sanitize(rows[i].in);
        g_assert_cmpstr(out, ==, rows[i].out);
        g_assert_true(g_utf8_validate(out, -1, NULL));
    }
    g_autofree char *none = validate_sanitize(NULL);
    g_assert_cmpstr(none, ==, "");
}

typedef struct {
    const char *a;
    const char *b;
    gboolean equal;
} NickEqualRow;

/* Pairs of nicks and whether uniqueness treats them as the same. */
static const NickEqualRow equal_rows[] = {
    {"alice", "alice", TRUE},
    {"alice", "ALICE", TRUE},
    {"Alice", "aLiCe", TRUE},
    {"a[b]", "A[B]", TRUE},
    {"x_1", "X_1", TRUE},
    {"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", TRUE},
    {"alice", "alicf", FALSE},
    {"alice", "alice_", FALSE},
    {"alice_", "alice", FALSE},
    {"a", "", FALSE},
    {"[", "{", FALSE}, /* ASCII case only, not RFC 1459's */
    {"]", "}", FALSE},
    {"|", "\\", FALSE},
    {"^", "~", FALSE},
    {"\xc3\xa9", "\xc3\x89", FALSE}, /* e-acute: not ASCII */
};

/* Nick comparison ignores ASCII case only, in both orders. */
static void test_nick_equal(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(equal_rows); i++) {
        const NickEqualRow *row = &equal_rows[i];
        g_autofree char *a = g_strescape(row->a, NULL);
        g_autofree char *b = g_strescape(row->b, NULL);
        g_test_message("'%s' vs '%s'", a, b);
        g_assert_cmpint(validate_nick_equal(row->a, row->b), ==, row->equal);
        g_assert_cmpint(validate_nick_equal(row->b, row->a), ==, row->equal);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/wire/validate/nick/rules", test_nick_rules);
    g_test_add_func("/wire/validate/nick/every-byte", test_nick_every_byte);
    g_test_add_func("/wire/validate/nick/equal", test_nick_equal);
    TEST_ADD_ROWS("/wire/validate/text", text_rows, test_text_rules);
    g_test_add_func("/wire/validate/text/length", test_text_length);
    g_test_add_func("/wire/validate/text/every-control", test_text_every_control);
    g_test_add_func("/wire/validate/display-and-sanitize", test_display_and_sanitize);
    return g_test_run();
}
