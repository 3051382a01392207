/* test-sink.c: a received file on a real file system (a fresh folder per
 * test): its bytes go to NAME.lanconf-part and reach NAME only whole and
 * with the SHA-256 offered; a file there is not replaced unless allowed,
 * even one that appears during the transfer; a cut transfer is taken up
 * where it stopped; sizes over the limit or past the offer are refused; a
 * bad name touches nothing; a large file goes through a chunk at a time. */
#include "net/files/file_sink.h"
#include "tests/test-tmpdir.h"

#include <glib/gstdio.h>
#include <string.h>

/* The SHA-256 of bytes, as hex. */
static char *sha256_of(const guint8 *data, gsize len)
{
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
}

/* Bytes that differ from one position to the next. */
static guint8 *pattern(gsize len)
{
    guint8 *data = g_malloc(len);
    for (gsize i = 0; i < len; i++)
        data[i] = (guint8)(i * 7 + i / 251);
    return data;
}

/* Reads a file whole (asserting it exists). */
static GBytes *read_file(const char *path)
{
    char *text = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &text, &len, NULL));
    return g_bytes_new_take(text, len);
}

/* Written in pieces and finished: the file has its name and its bytes,
 * and no part file is left. */
static void test_whole(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-sink-XXXXXX", NULL);
    gsize len = 300000;
    g_autofree guint8 *data = pattern(len);
    g_autofree char *sum = sha256_of(data, len);
    LcFileSinkConfig cfg = {.dir = dir, .name = "data.bin", .size = len};
    g_autoptr(GError) error = NULL;
    LcFileSink *sink = file_sink_open(&cfg, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(file_sink_get_offset(sink), ==, 0);
    g_assert_true(g_file_test(file_sink_get_part_path(sink), G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(file_sink_get_path(sink), G_FILE_TEST_EXISTS));
    for (gsize at = 0; at < len; at += 65536)
        g_assert_true(file_sink_write(sink, data + at, MIN(65536, len - at), NULL));
    g_assert_false(g_file_test(file_sink_get_path(sink), G_FILE_TEST_EXISTS));
    g_assert_true(file_sink_finish(sink, sum, &error));
    g_assert_no_error(error);
    g_autoptr(GBytes) got = read_file(file_sink_get_path(sink));
    g_autoptr(GBytes) want = g_bytes_new(data, len);
    g_assert_true(g_bytes_equal(got, want));
    g_assert_false(g_file_test(file_sink_get_part_path(sink), G_FILE_TEST_EXISTS));
    file_sink_free(sink);
    test_tmpdir_remove(dir);
}

/* A wrong SHA-256 leaves no file under either name; finishing early says
 * how much is missing and keeps the part; a byte past the offer is
 * refused. */
static void test_corrupt_short_long(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-sink-XXXXXX", NULL);
    g_autofree guint8 *data = pattern(1000);
    g_autofree char *sum = sha256_of(data, 1000);
    g_autofree char *wrong = sha256_of(data, 999);
    LcFileSinkConfig cfg = {.dir = dir, .name = "f.txt", .size = 1000};
    g_autoptr(GError) error = NULL;

    LcFileSink *sink = file_sink_open(&cfg, NULL);
    g_assert_true(file_sink_write(sink, data, 1000, NULL));
    g_assert_false(file_sink_write(sink, data, 1, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_TOO_LARGE);
    g_clear_error(&error);
    g_assert_false(file_sink_finish(sink, wrong, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_CORRUPT);
    g_test_message("%s", error->message);
    g_clear_error(&error);
    g_assert_false(g_file_test(file_sink_get_path(sink), G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(file_sink_get_part_path(sink), G_FILE_TEST_EXISTS));
    file_sink_free(sink);

    sink = file_sink_open(&cfg, NULL);
    g_assert_true(file_sink_write(sink, data, 600, NULL));
    g_assert_false(file_sink_finish(sink, sum, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_SHORT);
    g_assert_nonnull(strstr(error->message, "600 of 1000"));
    g_assert_true(g_file_test(file_sink_get_part_path(sink), G_FILE_TEST_EXISTS));
    file_sink_discard(sink);
    g_autofree char *part = g_build_filename(dir, "f.txt" FILE_SINK_PART_SUFFIX, NULL);
    g_assert_false(g_file_test(part, G_FILE_TEST_EXISTS));
    test_tmpdir_remove(dir);
}

/* A cut transfer: the part file is taken up where it stopped, its bytes
 * count toward the SHA-256, and the rest completes it. A part file longer
 * than the offer is not this file's: it starts afresh. */
static void test_resume(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-sink-XXXXXX", NULL);
    gsize len = 200000;
    g_autofree guint8 *data = pattern(len);
    g_autofree char *sum = sha256_of(data, len);
    LcFileSinkConfig cfg = {.dir = dir, .name = "big.iso", .size = len};
    LcFileSink *sink = file_sink_open(&cfg, NULL);
    g_assert_true(file_sink_write(sink, data, 123456, NULL));
    file_sink_free(sink); /* the connection is cut */

    sink = file_sink_open(&cfg, NULL);
    g_assert_cmpuint(file_sink_get_offset(sink), ==, 123456);
    g_assert_true(file_sink_write(sink, data + 123456, len - 123456, NULL));
    g_autoptr(GError) error = NULL;
    g_assert_true(file_sink_finish(sink, sum, &error));
    g_assert_no_error(error);
    file_sink_free(sink);

    LcFileSinkConfig small = {.dir = dir, .name = "other.bin", .size = 10};
    g_autofree char *part = g_build_filename(dir, "other.bin" FILE_SINK_PART_SUFFIX, NULL);
    g_assert_true(g_file_set_contents(part, "far more than ten bytes", -1, NULL));
    sink = file_sink_open(&small, NULL);
    g_assert_cmpuint(file_sink_get_offset(sink), ==, 0);
    g_assert_true(file_sink_write(sink, data, 10, NULL));
    g_autofree char *ten = sha256_of(data, 10);
    g_assert_true(file_sink_finish(sink, ten, NULL));
    file_sink_free(sink);
    test_tmpdir_remove(dir);
}

/* A file of that name is not replaced: refused at the start, and refused
 * at the end when it appeared meanwhile (the bytes kept beside it); with
 * overwrite allowed, it is replaced. */
static void test_no_overwrite(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-sink-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "notes.txt", NULL);
    g_assert_true(g_file_set_contents(path, "mine", -1, NULL));
    LcFileSinkConfig cfg = {.dir = dir, .name = "notes.txt", .size = 5};
    g_autoptr(GError) error = NULL;
    g_assert_null(file_sink_open(&cfg, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_EXISTS);
    g_clear_error(&error);

    LcFileSinkConfig late = {.dir = dir, .name = "late.txt", .size = 5};
    LcFileSink *sink = file_sink_open(&late, NULL);
    g_assert_true(file_sink_write(sink, (const guint8 *)"hello", 5, NULL));
    g_autofree char *late_path = g_build_filename(dir, "late.txt", NULL);
    g_assert_true(g_file_set_contents(late_path, "made meanwhile", -1, NULL));
    g_autofree char *sum = sha256_of((const guint8 *)"hello", 5);
    g_assert_false(file_sink_finish(sink, sum, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_EXISTS);
    g_clear_error(&error);
    g_autofree char *kept = NULL;
    g_assert_true(g_file_get_contents(late_path, &kept, NULL, NULL));
    g_assert_cmpstr(kept, ==, "made meanwhile");
    g_assert_true(g_file_test(file_sink_get_part_path(sink), G_FILE_TEST_EXISTS));
    file_sink_discard(sink);

    cfg.overwrite = TRUE;
    sink = file_sink_open(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(file_sink_write(sink, (const guint8 *)"hello", 5, NULL));
    g_assert_true(file_sink_finish(sink, sum, NULL));
    g_autofree char *now = NULL;
    g_assert_true(g_file_get_contents(path, &now, NULL, NULL));
    g_assert_cmpstr(now, ==, "hello");
    file_sink_free(sink);
    test_tmpdir_remove(dir);
}

/* Refused before anything is written: a bad name (nothing made in the
 * folder or outside it), a size over the limit, a folder that is not
 * one, and a name too long to keep a part file beside it. */
static void test_refused_at_open(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-sink-XXXXXX", NULL);
    g_autofree char *inner = g_build_filename(dir, "inbox", NULL);
    g_assert_cmpint(g_mkdir(inner, 0700), ==, 0);
    g_autoptr(GError) error = NULL;
    LcFileSinkConfig bad = {.dir = inner, .name = "../escaped.txt", .size = 1};
    g_assert_null(file_sink_open(&bad, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_BAD_NAME);
    g_clear_error(&error);
    g_autofree char *escaped = g_build_filename(dir, "escaped.txt" FILE_SINK_PART_SUFFIX, NULL);
    g_assert_false(g_file_test(escaped, G_FILE_TEST_EXISTS));
    g_autoptr(GDir) listing = g_dir_open(inner, 0, NULL);
    g_assert_null(g_dir_read_name(listing));

    LcFileSinkConfig big = {.dir = inner, .name = "big", .size = 2000, .max_size = 1999};
    g_assert_null(file_sink_open(&big, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_TOO_LARGE);
    g_clear_error(&error);
    big.max_size = 2000;
    LcFileSink *sink = file_sink_open(&big, &error);
    g_assert_no_error(error);
    file_sink_discard(sink);

    g_autofree char *missing = g_build_filename(dir, "nowhere", NULL);
    LcFileSinkConfig gone = {.dir = missing, .name = "x", .size = 1};
    g_assert_null(file_sink_open(&gone, &error));
    g_assert_nonnull(strstr(error->message, "is not a folder"));
    g_clear_error(&error);

    g_autofree char *long_name = g_strnfill(FILE_NAME_MAX - 3, 'n');
    LcFileSinkConfig longer = {.dir = inner, .name = long_name, .size = 1};
    g_assert_null(file_sink_open(&longer, &error));
    g_assert_error(error, LC_FILE_ERROR, FILE_ERROR_BAD_NAME);
    test_tmpdir_remove(dir);
}

/* 64 MiB through the sink a chunk at a time (the sink holds no more than
 * a chunk of it): the file has every byte and the right SHA-256. */
static void test_large(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-sink-XXXXXX", NULL);
    const gsize chunk = 256 * 1024, n = 256;
    g_autofree guint8 *data = pattern(chunk);
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    for (gsize i = 0; i < n; i++)
        g_checksum_update(sum, data, (gssize)chunk);
    LcFileSinkConfig cfg = {.dir = dir, .name = "large.bin", .size = chunk * n};
    LcFileSink *sink = file_sink_open(&cfg, NULL);
    for (gsize i = 0; i < n; i++)
        g_assert_true(file_sink_write(sink, data, chunk, NULL));
    g_autoptr(GError) error = NULL;
    g_assert_true(file_sink_finish(sink, g_checksum_get_string(sum), &error));
    g_assert_no_error(error);
    GStatBuf st;
    g_assert_cmpint(g_stat(file_sink_get_path(sink), &st), ==, 0);
    g_assert_cmpuint((guint64)st.st_size, ==, chunk * n);
    g_checksum_free(sum);
    file_sink_free(sink);
    test_tmpdir_remove(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/files/sink/whole", test_whole);
    g_test_add_func("/files/sink/corrupt-short-long", test_corrupt_short_long);
    g_test_add_func("/files/sink/resume", test_resume);
    g_test_add_func("/files/sink/no-overwrite", test_no_overwrite);
    g_test_add_func("/files/sink/refused-at-open", test_refused_at_open);
    g_test_add_func("/files/sink/large", test_large);
    return g_test_run();
}
