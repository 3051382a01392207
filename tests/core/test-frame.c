/* test-frame.c: the refcounted frame of core/frame.h. */
#include "core/frame.h"

/* A frame holds its own reference to the bytes; the last frame reference
 * frees it and drops that reference (LeakSanitizer checks nothing is left). */
static void test_refs(void)
{
    GBytes *data = g_bytes_new_take(g_malloc0(100), 100);
    LcFrame *frame = frame_new(data, LC_CODEC_JPEG);
    g_bytes_unref(data); /* the frame's reference keeps it */
    g_assert_cmpuint(frame_get_size(frame), ==, 100);
    g_assert_cmpuint(frame->meta.codec, ==, LC_CODEC_JPEG);
    g_assert_cmpuint(frame->meta.seq, ==, 0);
    g_assert_cmpint(frame->width, ==, 0);
    LcFrame *again = frame_ref(frame);
    g_assert_true(again == frame);
    frame_unref(frame);
    g_assert_cmpuint(frame_get_size(again), ==, 100); /* still alive */
    frame_unref(again);
    frame_unref(NULL);
}

/* A frame shared between threads is released exactly once. */
static gpointer test_drop_ref(gpointer data)
{
    for (guint i = 0; i < 1000; i++)
        frame_unref(data);
    return NULL;
}

static void test_threads(void)
{
    g_autoptr(GBytes) data = g_bytes_new_static("x", 1);
    LcFrame *frame = frame_new(data, LC_CODEC_H264);
    for (guint i = 0; i < 4000; i++)
        frame_ref(frame);
    GThread *threads[4];
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("unref", test_drop_ref, frame);
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
    g_assert_cmpuint(frame_get_size(frame), ==, 1); /* the first reference remains */
    frame_unref(frame);
}

/* Codec names, and "unknown" outside the table. */
static void test_codec_names(void)
{
    g_assert_cmpstr(frame_codec_to_string(LC_CODEC_JPEG), ==, "jpeg");
    g_assert_cmpstr(frame_codec_to_string(LC_CODEC_H264), ==, "h264");
    g_assert_cmpstr(frame_codec_to_string((LcCodec)0), ==, "unknown");
    g_assert_cmpstr(frame_codec_to_string((LcCodec)99), ==, "unknown");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/core/frame/refs", test_refs);
    g_test_add_func("/core/frame/threads", test_threads);
    g_test_add_func("/core/frame/codec-names", test_codec_names);
    return g_test_run();
}
