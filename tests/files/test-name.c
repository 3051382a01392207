/* test-name.c: file_name_check() takes plain file names and refuses, with
 * the reason, every name that would reach outside the receiver's folder,
 * hide, or show something other than itself. */
#include "net/files/file_name.h"

#include <string.h>

typedef struct {
    const char *name;
    const char *why; /* NULL: taken; else a part of the refusal */
} NameCase;

static const NameCase cases[] = {
    {"report.pdf", NULL},
    {"photo 2026-12-06.jpg", NULL},
    {"r\xc3\xa9sum\xc3\xa9 \xe2\x9c\x93.txt", NULL},
    {"-starts-with-dash", NULL},
    {"no_extension", NULL},
    {"", "empty"},
    {"../etc/passwd", "names a folder"},
    {"..", "names a folder"},
    {".", "names a folder"},
    {"/etc/passwd", "names a folder"},
    {"a/b", "names a folder"},
    {"..\\..\\boot.ini", "names a folder"},
    {"dir\\file", "names a folder"},
    {".bashrc", "hidden"},
    {"...", "hidden"},
    {"bell\a.txt", "control"},
    {"new\nline", "control"},
    {"tab\tname", "control"},
    {"esc\x1b[31mred", "control"},
    {"del\x7f", "control"},
    {"c1\xc2\x9b", "control"},
    {"evil\xe2\x80\xaegpj.exe", "direction"},
    {"bad\xff utf8", "UTF-8"},
    {"report.pdf.lanconf-part", "still being received"},
    {"report.lanconf-part.pdf", NULL},
};

/* Each name is taken or refused as the table says, naming the reason. */
static void test_cases(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        gboolean ok = file_name_check(cases[i].name, &error);
        g_test_message("'%s': %s", cases[i].name, ok ? "taken" : error->message);
        if (cases[i].why == NULL) {
            g_assert_no_error(error);
            g_assert_true(ok);
        } else {
            g_assert_false(ok);
            g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_BAD_NAME);
            g_assert_nonnull(strstr(error->message, cases[i].why));
        }
    }
}

/* 255 bytes is the limit, in bytes of UTF-8, not characters. */
static void test_length(void)
{
    g_autofree char *at = g_strnfill(FILE_NAME_MAX, 'a');
    g_autofree char *over = g_strnfill(FILE_NAME_MAX + 1, 'a');
    g_assert_true(file_name_check(at, NULL));
    g_autoptr(GError) error = NULL;
    g_assert_false(file_name_check(over, &error));
    g_assert_nonnull(strstr(error->message, "255 bytes"));
    GString *wide = g_string_new(NULL);
    for (guint i = 0; i < 86; i++) /* 86 three-byte characters: 258 bytes */
        g_string_append(wide, "\xe2\x9c\x93");
    g_assert_false(file_name_check(wide->str, NULL));
    g_string_free(wide, TRUE);
    g_assert_false(file_name_check(NULL, NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/files/name/cases", test_cases);
    g_test_add_func("/files/name/length", test_length);
    return g_test_run();
}
