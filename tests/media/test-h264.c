/* H.264 through the real x264 and FFmpeg elements: keyframes where the GOP
 * puts them and where one is asked for, pictures that come back, a lost
 * reference refused until the next keyframe, damaged input survived; and
 * the encoder list: which back-ends run here, and why the others do not. */
#include <string.h>

#include "media/decoder.h"
#include "media/encoder.h"
#include "media/encoder_list.h"
#include "media/synth.h"
#include "media-test-util.h"

#define W 320
#define H 240

/* A camera-like picture: frame index of the synthetic scene. */
static LcRawFrame *scene_frame(LcSynth *synth, guint64 index)
{
    guint8 *planes[3];
    LcRawFrame *raw = raw_frame_new_i420(W, H, planes);
    synth_render(synth, index, 30, planes, raw->strides);
    raw->seq = index + 1;
    raw->capture_time_us = 1000 + (gint64)index;
    return raw;
}

/* An x264 encoder with a GOP of gop frames, or NULL (the test skipped,
 * with the reason) where x264 or an H.264 decoder is not installed. */
static LcEncoder *x264_new(gint gop)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) why = g_string_new(NULL);
    if (!encoder_list_have_h264_decoder(why)) {
        g_test_skip(why->str);
        return NULL;
    }
    LcEncoderSettings settings = {.bitrate = 800, .gop = gop, .fps = 30};
    g_autofree char *note = NULL;
    LcEncoder *encoder = encoder_list_select(LC_CODEC_H264, "x264", &settings, &note, &error);
    if (g_error_matches(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE)) {
        g_test_skip(error->message);
        return NULL;
    }
    g_assert_no_error(error);
    g_assert_nonnull(encoder);
    g_assert_true(g_str_has_prefix(note, "encoder x264 (h264 on the CPU)"));
    g_assert_cmpint(encoder_get_codec(encoder), ==, LC_CODEC_H264);
    return encoder;
}

/* Encodes `count` frames of the scene from index 0. */
static GPtrArray *encode_run(LcEncoder *encoder, LcSynth *synth, guint count, guint key_at)
{
    GPtrArray *frames = g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref);
    for (guint i = 0; i < count; i++) {
        g_autoptr(GError) error = NULL;
        if (key_at != 0 && i == key_at)
            encoder_request_keyframe(encoder);
        g_autoptr(LcRawFrame) raw = scene_frame(synth, i);
        LcFrame *frame = encoder_encode(encoder, raw, &error);
        g_assert_no_error(error);
        g_assert_cmpint(frame->meta.codec, ==, LC_CODEC_H264);
        g_assert_cmpuint(frame->meta.seq, ==, i + 1);
        g_ptr_array_add(frames, frame);
    }
    return frames;
}

/* Whether frame i (0-based) of the run is a keyframe. */
static gboolean is_key(GPtrArray *frames, guint i)
{
    const LcFrame *f = g_ptr_array_index(frames, i);
    return (f->meta.flags & LC_FRAME_FLAG_KEY) != 0;
}

/* Keyframes come at the GOP, and at once when asked for; the others are
 * much smaller than a keyframe; every access unit starts with a start code. */
static void test_h264_keyframes(void)
{
    g_autoptr(LcSynth) synth = synth_new(W, H, 7);
    g_autoptr(LcEncoder) encoder = x264_new(10);
    if (encoder == NULL)
        return;
    g_autoptr(GPtrArray) frames = encode_run(encoder, synth, 25, 14);
    for (guint i = 0; i < frames->len; i++) {
        gboolean want = i == 0 || i == 10 || i == 14 || i == 24;
        g_assert_cmpint(is_key(frames, i), ==, want);
        gsize size = 0;
        const guint8 *data = g_bytes_get_data(((LcFrame *)frames->pdata[i])->data, &size);
        g_assert_cmpuint(size, >, 4);
        g_assert_true(memcmp(data, "\0\0\0\1", 4) == 0 || memcmp(data, "\0\0\1", 3) == 0);
    }
    gsize key = frame_get_size(frames->pdata[0]);
    gsize delta = frame_get_size(frames->pdata[5]);
    g_assert_cmpuint(delta * 2, <, key);
}

/* Every frame decodes in order, close to what went in; the sizes and
 * metadata come back. */
static void test_h264_roundtrip(void)
{
    g_autoptr(LcSynth) synth = synth_new(W, H, 7);
    g_autoptr(LcEncoder) encoder = x264_new(30);
    if (encoder == NULL)
        return;
    g_autoptr(GPtrArray) frames = encode_run(encoder, synth, 12, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDecoder) decoder = decoder_new(&error);
    g_assert_no_error(error);
    g_assert_true(decoder_wants_keyframe(decoder));
    for (guint i = 0; i < frames->len; i++) {
        const LcFrame *f = frames->pdata[i];
        gint64 took = -1;
        g_autoptr(LcRawFrame) out = decoder_decode(decoder, f, &took, &error);
        g_assert_no_error(error);
        g_assert_cmpint(out->width, ==, W);
        g_assert_cmpint(out->height, ==, H);
        g_assert_cmpuint(out->seq, ==, f->meta.seq);
        g_assert_cmpint(out->capture_time_us, ==, f->meta.capture_us);
        g_assert_cmpint(took, >=, 0);
        g_autoptr(LcRawFrame) in = scene_frame(synth, i);
        gdouble psnr = media_test_psnr_y(in, out);
        g_test_message("frame %u: %" G_GSIZE_FORMAT
                       " bytes, Y PSNR %.1f dB, decoded in %" G_GINT64_FORMAT " us",
                       i, frame_get_size(f), psnr, took);
        g_assert_cmpfloat(psnr, >, 28.0);
    }
    g_assert_false(decoder_wants_keyframe(decoder));
}

/* A lost frame: every later one is refused until the next keyframe, which
 * decodes, and the chain goes on from it. */
static void test_h264_lost_reference(void)
{
    g_autoptr(LcSynth) synth = synth_new(W, H, 3);
    g_autoptr(LcEncoder) encoder = x264_new(8);
    if (encoder == NULL)
        return;
    g_autoptr(GPtrArray) frames = encode_run(encoder, synth, 12, 0);
    g_autoptr(LcDecoder) decoder = decoder_new(NULL);
    guint decoded = 0;
    guint refused = 0;
    for (guint i = 0; i < frames->len; i++) {
        if (i == 3)
            continue; /* lost on the way */
        g_autoptr(GError) error = NULL;
        g_autoptr(LcRawFrame) out = decoder_decode(decoder, frames->pdata[i], NULL, &error);
        if (i < 3 || i >= 8) {
            g_assert_no_error(error);
            g_assert_nonnull(out);
            decoded++;
        } else {
            g_assert_error(error, DECODER_ERROR, DECODER_ERROR_NEED_KEYFRAME);
            g_assert_true(decoder_wants_keyframe(decoder));
            refused++;
        }
    }
    g_assert_cmpuint(decoded, ==, 7);
    g_assert_cmpuint(refused, ==, 4);
}

/* A frame before any keyframe is refused; a damaged "keyframe" is an
 * error, not a crash, and the next real keyframe decodes. */
static void test_h264_damaged(void)
{
    g_autoptr(LcSynth) synth = synth_new(W, H, 5);
    g_autoptr(LcEncoder) encoder = x264_new(4);
    if (encoder == NULL)
        return;
    g_autoptr(GPtrArray) frames = encode_run(encoder, synth, 9, 0);
    g_autoptr(LcDecoder) decoder = decoder_new(NULL);
    g_autoptr(GError) error = NULL;

    g_assert_null(decoder_decode(decoder, frames->pdata[1], NULL, &error));
    g_assert_error(error, DECODER_ERROR, DECODER_ERROR_NEED_KEYFRAME);
    g_clear_error(&error);

    /* Garbage, a truncated keyframe, and an empty one. */
    guint8 junk[600];
    for (guint i = 0; i < sizeof junk; i++)
        junk[i] = (guint8)(i * 37 + 11);
    memcpy(junk, "\0\0\0\1\x65", 5);
    const LcFrame *key = frames->pdata[4];
    gsize key_size = 0;
    const guint8 *key_data = g_bytes_get_data(key->data, &key_size);
    g_autoptr(GBytes) junk_bytes = g_bytes_new(junk, sizeof junk);
    g_autoptr(GBytes) cut = g_bytes_new(key_data, key_size / 3);
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    GBytes *bad[] = {junk_bytes, cut, empty};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(LcFrame) f = frame_new(bad[i], LC_CODEC_H264);
        f->meta.flags = LC_FRAME_FLAG_KEY;
        f->meta.seq = 100 + i;
        g_autoptr(LcRawFrame) out = decoder_decode(decoder, f, NULL, &error);
        /* A decoder may conceal a cut picture; it must never take the
         * garbage or the empty one, nor crash on any. */
        if (out == NULL) {
            g_assert_nonnull(error);
            g_clear_error(&error);
        } else {
            g_assert_cmpuint(i, ==, 1);
        }
    }
    g_autoptr(LcRawFrame) again = decoder_decode(decoder, frames->pdata[8], NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpint(again->width, ==, W);
}

/* OpenH264 too: keyframes on request and at the GOP, never on its own
 * (its scene-change detection would cut in on the camera-like scene, whose
 * light moves), every frame decoded. */
static void test_openh264(void)
{
    g_autoptr(GError) error = NULL;
    LcEncoderSettings settings = {.bitrate = 800, .gop = 30, .fps = 30};
    g_autoptr(LcEncoder) encoder =
        encoder_list_select(LC_CODEC_H264, "openh264", &settings, NULL, &error);
    if (encoder == NULL) {
        g_test_skip(error->message);
        return;
    }
    g_autoptr(LcSynth) synth = synth_new(W, H, 9);
    g_autoptr(GPtrArray) frames = encode_run(encoder, synth, 40, 6);
    g_autoptr(LcDecoder) decoder = decoder_new(&error);
    for (guint i = 0; i < frames->len; i++) {
        g_test_message("openh264 frame %u: %s", i, is_key(frames, i) ? "key" : "delta");
        if (i == 0 || i == 6)
            g_assert_true(is_key(frames, i));
        else if (i < 30)
            g_assert_false(is_key(frames, i));
        g_autoptr(LcRawFrame) out = decoder_decode(decoder, frames->pdata[i], NULL, &error);
        g_assert_no_error(error);
        g_autoptr(LcRawFrame) in = scene_frame(synth, i);
        g_assert_cmpfloat(media_test_psnr_y(in, out), >, 28.0);
    }
}

/* The list: turbojpeg always runs; each back-end that does not says why,
 * naming what is missing. */
static void test_encoder_list(void)
{
    g_autoptr(GPtrArray) list = encoder_list_probe();
    g_assert_cmpuint(list->len, >=, 4);
    gboolean seen_jpeg = FALSE;
    for (guint i = 0; i < list->len; i++) {
        const LcEncoderStatus *s = list->pdata[i];
        g_test_message("%s: %s", s->name, s->available ? "yes" : s->reason);
        g_assert_cmpint(s->available, ==, s->reason == NULL);
        if (!s->available)
            g_assert_cmpuint(strlen(s->reason), >, 10);
        if (g_strcmp0(s->name, "turbojpeg") == 0) {
            seen_jpeg = TRUE;
            g_assert_true(s->available);
        }
        if (g_strcmp0(s->name, "x264") == 0)
            g_assert_true(s->available); /* install-deps.sh installs it */
    }
    g_assert_true(seen_jpeg);
}

/* Choosing: a back-end that cannot run is refused with its reason; "auto"
 * takes the first that runs and says why not the others; a codec and an
 * encoder that disagree, and unknown names, are refused. */
static void test_encoder_select(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = encoder_list_probe();
    const LcEncoderStatus *nvenc = NULL;
    for (guint i = 0; i < list->len; i++)
        if (g_strcmp0(((LcEncoderStatus *)list->pdata[i])->name, "nvenc") == 0)
            nvenc = list->pdata[i];
    g_assert_nonnull(nvenc);

    g_autoptr(LcEncoder) forced = encoder_list_select(LC_CODEC_H264, "nvenc", NULL, NULL, &error);
    if (!nvenc->available) {
        g_assert_null(forced);
        g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE);
        g_assert_nonnull(strstr(error->message, nvenc->reason));
        g_clear_error(&error);
    }

    g_autofree char *note = NULL;
    g_autoptr(LcEncoder) automatic =
        encoder_list_select(LC_CODEC_H264, "auto", NULL, &note, &error);
    g_assert_no_error(error);
    g_test_message("%s", note);
    const char *expect = nvenc->available ? "nvenc" : "x264";
    g_assert_cmpstr(encoder_get_name(automatic), ==, expect);
    if (!nvenc->available)
        g_assert_nonnull(strstr(note, "nvenc: "));

    g_autofree char *jpeg_note = NULL;
    g_autoptr(LcEncoder) jpeg = encoder_list_select(0, NULL, NULL, &jpeg_note, &error);
    g_assert_no_error(error);
    g_assert_cmpint(encoder_get_codec(jpeg), ==, LC_CODEC_JPEG);

    g_assert_null(encoder_list_select(LC_CODEC_JPEG, "x264", NULL, NULL, &error));
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "makes h264, not jpeg"));
    g_clear_error(&error);
    g_assert_null(encoder_list_select(0, "x265", NULL, NULL, &error));
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    LcEncoderSettings huge = {.bitrate = ENCODER_MAX_BITRATE + 1};
    g_assert_null(encoder_list_select(LC_CODEC_H264, "x264", &huge, NULL, &error));
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    LcCodec codec = 0;
    g_assert_true(encoder_list_parse_codec("h264", &codec, NULL));
    g_assert_cmpint(codec, ==, LC_CODEC_H264);
    g_assert_false(encoder_list_parse_codec("vp8", &codec, &error));
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/h264/keyframes", test_h264_keyframes);
    g_test_add_func("/media/h264/roundtrip", test_h264_roundtrip);
    g_test_add_func("/media/h264/lost-reference", test_h264_lost_reference);
    g_test_add_func("/media/h264/damaged", test_h264_damaged);
    g_test_add_func("/media/h264/openh264", test_openh264);
    g_test_add_func("/media/encoder-list/probe", test_encoder_list);
    g_test_add_func("/media/encoder-list/select", test_encoder_select);
    return g_test_run();
}
