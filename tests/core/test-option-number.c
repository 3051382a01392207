/* test-option-number.c: numeric flags (core/option_number.c): at, inside and
 * past their bounds, junk, and the group GOption parses them with. */
#include "core/option_number.h"

#include <string.h>

/* Parses one text as a whole number in [0, 65535]; NULL error on success. */
static GError *parse_whole(const char *text, gdouble *out)
{
    GError *error = NULL;
    option_number_parse("--port", text, FALSE, 0, 65535, out, &error);
    return error;
}

/* Whole numbers: both bounds taken, one past either refused, junk refused;
 * every refusal names the flag and the range. */
static void test_whole(void)
{
    static const char *const good[] = {"0", "1", "65535", "7300"};
    static const char *const bad[] = {"-1",  "65536", "70000", "",
                                      " 5",  "5 ",    "12abc", "0x10",
                                      "1e3", "1.5",   "abc",   "99999999999999999999"};
    for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
        gdouble v = -1;
        g_autoptr(GError) error = parse_whole(good[i], &v);
        g_assert_no_error(error);
        g_assert_cmpfloat(v, ==, g_ascii_strtod(good[i], NULL));
    }
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        gdouble v = -1;
        g_autoptr(GError) error = parse_whole(bad[i], &v);
        g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
        g_assert_true(g_str_has_prefix(error->message, "--port: "));
        g_assert_nonnull(strstr(error->message, "from 0 to 65535"));
        g_assert_cmpfloat(v, ==, -1); /* untouched */
    }
    g_autoptr(GError) range = parse_whole("70000", &(gdouble){0});
    g_assert_nonnull(strstr(range->message, "out of range"));
    g_autoptr(GError) junk = parse_whole("1.5", &(gdouble){0});
    g_assert_nonnull(strstr(junk->message, "not a whole number"));
}

/* Seconds: decimals taken within bounds; NaN, infinity, junk refused. */
static void test_seconds(void)
{
    gdouble v = 0;
    g_assert_true(option_number_parse("--duration", "0.1", TRUE, 0.1, 3600, &v, NULL));
    g_assert_cmpfloat(v, ==, 0.1);
    g_assert_true(option_number_parse("--duration", "3600", TRUE, 0.1, 3600, &v, NULL));
    static const char *const bad[] = {"0", "0.09", "3600.5", "nan", "inf", "-inf", "1s", ""};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_assert_false(option_number_parse("--duration", bad[i], TRUE, 0.1, 3600, &v, &error));
        g_assert_nonnull(strstr(error->message, "--duration: "));
        g_assert_nonnull(strstr(error->message, "from 0.1 to 3600"));
    }
}

/* Parses argv with a group of two numbers; returns the error (or NULL). */
static GError *parse_args(const char *const *args, LcOptionNumber *table)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_option_context_set_main_group(ctx, option_number_group_new(table, NULL, NULL, NULL));
    g_auto(GStrv) argv = g_strdupv((char **)args);
    GError *error = NULL;
    g_option_context_parse_strv(ctx, &argv, &error);
    return error;
}

/* Through GOption: long and short names, "given", and the first bad value
 * stops the parse with the flag's name. */
static void test_group(void)
{
    gint port = 7;
    gdouble timeout = 0;
    LcOptionNumber table[] = {
        OPTION_WHOLE("port", 'p', 0, 65535, &port, "port", "N"),
        OPTION_SECONDS("timeout", 't', 0, 10, &timeout, "timeout", "S"),
        OPTION_NUMBER_END,
    };
    const char *ok_args[] = {"prog", "-p", "65535", "--timeout=2.5", NULL};
    g_autoptr(GError) ok = parse_args(ok_args, table);
    g_assert_no_error(ok);
    g_assert_cmpint(port, ==, 65535);
    g_assert_cmpfloat(timeout, ==, 2.5);
    g_assert_true(table[0].given && table[1].given);

    port = 7;
    table[0].given = table[1].given = FALSE;
    const char *bad_args[] = {"prog", "--timeout", "11", "-p", "-1", NULL};
    g_autoptr(GError) bad = parse_args(bad_args, table);
    g_assert_error(bad, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    g_assert_true(g_str_has_prefix(bad->message, "--timeout: '11' is out of range"));
    g_assert_cmpint(port, ==, 7);
    g_assert_false(table[1].given);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/option-number/whole", test_whole);
    g_test_add_func("/option-number/seconds", test_seconds);
    g_test_add_func("/option-number/group", test_group);
    return g_test_run();
}
