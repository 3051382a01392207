/* test-synth.c: the camera-like synthetic source (media/synth.c): the same
 * seed and frame give the same picture, another seed another; it moves;
 * and its JPEG at quality 80 costs what a webcam's does. */
#include "media/encoder.h"
#include "media/frame.h"
#include "media/synth.h"

#include <string.h>

/* Renders frame index into a new I420 frame. */
static LcRawFrame *render(const LcSynth *synth, gint width, gint height, guint64 index)
{
    guint8 *planes[3];
    LcRawFrame *frame = raw_frame_new_i420(width, height, planes);
    synth_render(synth, index, 30, planes, frame->strides);
    return frame;
}

/* Whether two frames' planes are byte for byte the same. */
static gboolean same_picture(const LcRawFrame *a, const LcRawFrame *b)
{
    for (guint p = 0; p < 3; p++) {
        gint w = raw_frame_plane_width(a->width, p), h = raw_frame_plane_height(a->height, p);
        for (gint y = 0; y < h; y++)
            if (memcmp(a->planes[p] + (gsize)y * a->strides[p],
                       b->planes[p] + (gsize)y * b->strides[p], (gsize)w) != 0)
                return FALSE;
    }
    return TRUE;
}

/* Pure in (seed, frame): repeatable, different across seeds and frames. */
static void test_repeatable(void)
{
    g_autoptr(LcSynth) a = synth_new(320, 240, 7);
    g_autoptr(LcSynth) b = synth_new(320, 240, 7);
    g_autoptr(LcSynth) c = synth_new(320, 240, 8);
    LcRawFrame *a5 = render(a, 320, 240, 5), *b5 = render(b, 320, 240, 5);
    LcRawFrame *c5 = render(c, 320, 240, 5), *a6 = render(a, 320, 240, 6);
    g_assert_true(same_picture(a5, b5));
    g_assert_false(same_picture(a5, c5));
    g_assert_false(same_picture(a5, a6));
    LcRawFrame *again = render(a, 320, 240, 5);
    g_assert_true(same_picture(a5, again));
    LcRawFrame *frames[] = {a5, b5, c5, a6, again};
    for (guint i = 0; i < G_N_ELEMENTS(frames); i++)
        raw_frame_free(frames[i]);
}

/* Odd sizes and sizes larger than the tile render without overrun (the
 * sanitizers watch). */
static void test_sizes(void)
{
    const gint sizes[][2] = {{17, 16}, {641, 479}, {2100, 1100}};
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autoptr(LcSynth) s = synth_new(sizes[i][0], sizes[i][1], 1);
        for (guint64 n = 0; n < 200; n += 37)
            raw_frame_free(render(s, sizes[i][0], sizes[i][1], n));
    }
}

/* JPEG at quality 80: within the bits per pixel a webcam's MJPEG costs, at
 * 640x480 and 1280x720, frame after frame. */
static void test_bits_per_pixel(void)
{
    const gint sizes[][2] = {{640, 480}, {1280, 720}};
    g_autoptr(GError) error = NULL;
    g_autoptr(LcEncoder) encoder = encoder_new("jpeg", 80, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        gint w = sizes[i][0], h = sizes[i][1];
        g_autoptr(LcSynth) s = synth_new(w, h, 1);
        gsize total = 0;
        const guint n = 30;
        for (guint64 f = 0; f < n; f++) {
            LcRawFrame *raw = render(s, w, h, f * 7);
            LcFrame *jpeg = encoder_encode(encoder, raw, &error);
            g_assert_no_error(error);
            total += frame_get_size(jpeg);
            frame_unref(jpeg);
            raw_frame_free(raw);
        }
        double bpp = 8.0 * (double)total / n / ((double)w * h);
        g_test_message("%dx%d: %.0f bytes a frame, %.2f bits per pixel", w, h, (double)total / n,
                       bpp);
        g_assert_cmpfloat(bpp, >=, SYNTH_TARGET_BPP_MIN);
        g_assert_cmpfloat(bpp, <=, SYNTH_TARGET_BPP_MAX);
    }
}

/* Source names: synthetic, synthetic:SEED; a bad seed is an error; other
 * names are not this source. */
static void test_parse(void)
{
    gboolean is = FALSE;
    guint32 seed = 0;
    g_assert_true(synth_parse_source("synthetic", &is, &seed, NULL));
    g_assert_true(is);
    g_assert_cmpuint(seed, ==, 1);
    g_assert_true(synth_parse_source("synthetic:42", &is, &seed, NULL));
    g_assert_true(is);
    g_assert_cmpuint(seed, ==, 42);
    g_assert_true(synth_parse_source("test", &is, &seed, NULL));
    g_assert_false(is);
    g_assert_true(synth_parse_source("synthetic.mkv", &is, &seed, NULL));
    g_assert_false(is);
    g_autoptr(GError) error = NULL;
    g_assert_false(synth_parse_source("synthetic:x", &is, &seed, &error));
    g_assert_nonnull(strstr(error->message, "seed"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/synth/repeatable", test_repeatable);
    g_test_add_func("/synth/sizes", test_sizes);
    g_test_add_func("/synth/bits-per-pixel", test_bits_per_pixel);
    g_test_add_func("/synth/parse", test_parse);
    return g_test_run();
}
