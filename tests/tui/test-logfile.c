/* Tests of the --log file (ui-tui/logfile.c). */
#include "tui-test-util.h"
#include "ui-tui/logfile.h"

#include <glib/gstdio.h>
#include <string.h>

#define T0 (G_GINT64_CONSTANT(1700000000) * G_USEC_PER_SEC) /* 2023-11-14 22:13:20 UTC */

/* Entries are appended as timestamped plain lines between open/close marks. */
static void test_logfile(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-tui-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "chat.log", NULL);
    g_autoptr(GError) error = NULL;
    for (int round = 0; round < 2; round++) {
        LcLogFile *file = logfile_open(path, &error);
        g_assert_no_error(error);
        LcChatEntry e = {.kind = CHAT_KIND_MESSAGE,
                         .time_us = T0,
                         .nick = "bob",
                         .addr = "10.0.0.2:4000",
                         .text = "héllo 你好"};
        g_assert_true(logfile_write_entry(file, &e, &error));
        logfile_close(file);
    }
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 7); /* 2 x 3 lines and the last newline */
    g_assert_true(g_str_has_suffix(lines[0], " --- log opened"));
    g_assert_cmpstr(lines[1], ==, "2023-11-14 22:13:20 bob@10.0.0.2:4000: héllo 你好");
    g_assert_true(g_str_has_suffix(lines[2], " --- log closed"));
    g_assert_cmpstr(lines[4], ==, lines[1]);
    g_unlink(path);
    g_rmdir(dir);
}

/* A log file that cannot be opened is a clear error. */
static void test_logfile_error(void)
{
    g_autoptr(GError) error = NULL;
    LcLogFile *file = logfile_open("/nonexistent-dir/chat.log", &error);
    g_assert_null(file);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "/nonexistent-dir/chat.log"));
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/logfile/append", test_logfile);
    g_test_add_func("/tui/logfile/error", test_logfile_error);
    return g_test_run();
}
