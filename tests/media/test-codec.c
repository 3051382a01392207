/* JPEG encode/decode tests on real captured frames, plus the encoder
 * interface (names, quality, GPU probe). */
#include <string.h>

#include "media/decoder.h"
#include "media/encoder.h"
#include "media-test-util.h"

/* Encodes frame with a fresh "jpeg" encoder at quality. */
static LcFrame *encode_at(const LcRawFrame *frame, gint quality)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcEncoder) encoder = encoder_new("jpeg", quality, &error);
    g_assert_no_error(error);

    LcFrame *encoded = encoder_encode(encoder, frame, &error);
    g_assert_no_error(error);
    g_assert_nonnull(encoded);
    return encoded;
}

/* Whether bytes form a JPEG: SOI at the start, EOI at the end. */
static void assert_jpeg_markers(GBytes *bytes)
{
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(bytes, &size);

    g_assert_cmpuint(size, >, 4);
    g_assert_cmphex(data[0], ==, 0xFF);
    g_assert_cmphex(data[1], ==, 0xD8);
    g_assert_cmphex(data[size - 2], ==, 0xFF);
    g_assert_cmphex(data[size - 1], ==, 0xD9);
}

/* Decodes encoded and checks it came back at its size with its metadata. */
static LcRawFrame *decode_ok(const LcFrame *encoded)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDecoder) decoder = decoder_new(&error);
    gint64 decode_time_us = -1;

    g_assert_no_error(error);
    LcRawFrame *decoded = decoder_decode(decoder, encoded, &decode_time_us, &error);
    g_assert_no_error(error);
    g_assert_nonnull(decoded);
    g_assert_cmpint(decode_time_us, >=, 0);
    g_assert_cmpint(decoded->width, ==, encoded->width);
    g_assert_cmpint(decoded->height, ==, encoded->height);
    g_assert_cmpuint(decoded->seq, ==, encoded->meta.seq);
    g_assert_cmpint(decoded->capture_time_us, ==, encoded->meta.capture_us);
    return decoded;
}

/* A captured frame survives JPEG at quality 80 with Y PSNR above 30 dB. */
static void test_jpeg_roundtrip(void)
{
    g_autoptr(LcRawFrame) frame = media_test_capture_frame(320, 240, 3);
    g_autoptr(LcFrame) encoded = encode_at(frame, ENCODER_DEFAULT_QUALITY);

    assert_jpeg_markers(encoded->data);
    g_assert_cmpint(encoded->meta.codec, ==, LC_CODEC_JPEG);
    g_assert_cmpint(encoded->width, ==, 320);
    g_assert_cmpint(encoded->height, ==, 240);
    g_assert_cmpuint(encoded->meta.seq, ==, 3);
    g_assert_cmpint(encoded->meta.capture_us, ==, frame->capture_time_us);
    g_assert_cmpint(encoded->encode_time_us, >=, 0);

    g_autoptr(LcRawFrame) decoded = decode_ok(encoded);
    gdouble psnr = media_test_psnr_y(frame, decoded);
    g_test_message("%zu bytes, encode %" G_GINT64_FORMAT " us, Y PSNR %.1f dB",
                   g_bytes_get_size(encoded->data), encoded->encode_time_us, psnr);
    g_assert_cmpfloat(psnr, >, 30.0);
}

/* Padded rows (stride > width) are honoured: the padding never reaches the picture. */
static void test_jpeg_strided(void)
{
    g_autoptr(LcRawFrame) frame = media_test_synthetic_frame(250, 142, 7, 37);
    g_autoptr(LcFrame) encoded = encode_at(frame, 90);
    g_autoptr(LcRawFrame) decoded = decode_ok(encoded);

    g_assert_cmpint(decoded->width, ==, 250);
    g_assert_cmpint(decoded->height, ==, 142);
    g_assert_cmpfloat(media_test_psnr_y(frame, decoded), >, 30.0);
}

/* Higher quality gives more bytes. */
static void test_jpeg_quality(void)
{
    g_autoptr(LcRawFrame) frame = media_test_synthetic_frame(320, 240, 1, 0);
    g_autoptr(LcFrame) low = encode_at(frame, 30);
    g_autoptr(LcFrame) high = encode_at(frame, 95);

    g_test_message("q30 %zu bytes, q95 %zu bytes", g_bytes_get_size(low->data),
                   g_bytes_get_size(high->data));
    g_assert_cmpuint(g_bytes_get_size(high->data), >, g_bytes_get_size(low->data));
}

/* Decoding data that must fail gives the expected error code and no frame. */
static void assert_decode_fails(GBytes *data, LcCodec codec, gint code)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDecoder) decoder = decoder_new(&error);
    g_autoptr(LcFrame) frame = frame_new(data, codec);

    g_assert_null(decoder_decode(decoder, frame, NULL, &error));
    g_assert_error(error, DECODER_ERROR, code);
    g_test_message("%s", error->message);
}

/* Garbage, empty, truncated and non-JPEG input give clear errors, never a crash. */
static void test_jpeg_garbage(void)
{
    g_autoptr(LcRawFrame) frame = media_test_capture_frame(320, 240, 2);
    g_autoptr(LcFrame) encoded = encode_at(frame, 80);
    gsize size = g_bytes_get_size(encoded->data);
    guint8 noise[4096];
    GRand *rand = g_rand_new_with_seed(42);

    for (gsize i = 0; i < sizeof(noise); i++)
        noise[i] = (guint8)g_rand_int_range(rand, 0, 256);
    g_rand_free(rand);

    g_autoptr(GBytes) garbage = g_bytes_new(noise, sizeof(noise));
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    g_autoptr(GBytes) truncated = g_bytes_new_from_bytes(encoded->data, 0, size / 2);
    g_autoptr(GBytes) header_only = g_bytes_new_from_bytes(encoded->data, 0, 20);

    assert_decode_fails(garbage, LC_CODEC_JPEG, DECODER_ERROR_CORRUPT);
    assert_decode_fails(empty, LC_CODEC_JPEG, DECODER_ERROR_CORRUPT);
    assert_decode_fails(truncated, LC_CODEC_JPEG, DECODER_ERROR_CORRUPT);
    assert_decode_fails(header_only, LC_CODEC_JPEG, DECODER_ERROR_CORRUPT);
    /* An H.264 frame that is no keyframe, first: its references never came. */
    assert_decode_fails(encoded->data, LC_CODEC_H264, DECODER_ERROR_NEED_KEYFRAME);
    assert_decode_fails(encoded->data, LC_CODEC_OPUS, DECODER_ERROR_UNSUPPORTED);
}

/* One decoder handle serves many frames, and survives a bad one in between. */
static void test_jpeg_decoder_reuse(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDecoder) decoder = decoder_new(&error);
    g_autoptr(GBytes) junk = g_bytes_new_static("\xFF\xD8junk", 6);
    g_autoptr(LcFrame) bad = frame_new(junk, LC_CODEC_JPEG);

    for (guint64 seq = 1; seq <= 4; seq++) {
        g_autoptr(LcRawFrame) frame = media_test_synthetic_frame(64, 48, seq, 0);
        g_autoptr(LcFrame) encoded = encode_at(frame, 80);
        g_autoptr(LcRawFrame) decoded = decoder_decode(decoder, encoded, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(decoded->seq, ==, seq);

        g_assert_null(decoder_decode(decoder, bad, NULL, &error));
        g_assert_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT);
        g_clear_error(&error);
    }
}

/* Unknown names and bad qualities are refused; "auto" falls back to jpeg here. */
static void test_encoder_names(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(encoder_new("bogus", 80, &error));
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    g_assert_null(encoder_new("jpeg", 101, &error));
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    g_autoptr(LcEncoder) jpeg = encoder_new("jpeg", 0, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(encoder_get_name(jpeg), ==, "turbojpeg");
    g_assert_cmpint(jpeg->quality, ==, ENCODER_DEFAULT_QUALITY);

    g_autoptr(LcEncoder) automatic = encoder_new("auto", 75, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(encoder_get_name(automatic), ==, "turbojpeg");
}

/* A frame without planes is refused with a GError. */
static void test_encoder_empty_frame(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcEncoder) encoder = encoder_new("jpeg", 80, &error);
    LcRawFrame empty = {0};

    g_assert_null(encoder_encode(encoder, &empty, &error));
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
}

/* Without an NVIDIA GPU the probe says no, and says why. */
static void test_encoder_probe_gpu(void)
{
    g_autoptr(GString) why = g_string_new(NULL);
    gboolean have_gpu = encoder_probe_gpu(why);

    g_test_message("GPU encoder: %s%s%s", have_gpu ? "yes" : "no", why->len ? ": " : "", why->str);
    if (!g_file_test("/dev/nvidia0", G_FILE_TEST_EXISTS)) {
        g_assert_false(have_gpu);
        g_assert_nonnull(strstr(why->str, "no NVIDIA GPU"));
    }
    if (!have_gpu)
        g_assert_cmpuint(why->len, >, 0);
    g_assert_cmpint(encoder_probe_gpu(NULL), ==, have_gpu);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/jpeg/roundtrip", test_jpeg_roundtrip);
    g_test_add_func("/media/jpeg/strided", test_jpeg_strided);
    g_test_add_func("/media/jpeg/quality", test_jpeg_quality);
    g_test_add_func("/media/jpeg/garbage", test_jpeg_garbage);
    g_test_add_func("/media/jpeg/decoder-reuse", test_jpeg_decoder_reuse);
    g_test_add_func("/media/encoder/names", test_encoder_names);
    g_test_add_func("/media/encoder/empty-frame", test_encoder_empty_frame);
    g_test_add_func("/media/encoder/probe-gpu", test_encoder_probe_gpu);
    return g_test_run();
}
