/* The nvJPEG encoder (cuda-jpeg) against libjpeg-turbo: every frame it
 * makes decodes with TurboJPEG at its size, close to the source and to
 * TurboJPEG's own encoding of the same picture. Built with -DLANCONF_CUDA=ON
 * only; without a usable CUDA device the tests skip and say why. */
#include "media/decoder.h"
#include "media/encoder.h"
#include "media/encoder_list.h"
#include "media/synth.h"
#include "media-test-util.h"

/* Luma PSNR the GPU's pictures keep against TurboJPEG's at the same
 * quality: the two use the same quantisation tables, so only rounding in
 * the DCT differs. */
#define CUDA_JPEG_MAX_PSNR_GAP_DB 1.0

/* The cuda-jpeg encoder, or NULL (the test skipped) where it cannot run. */
static LcEncoder *cuda_new(void)
{
    g_autoptr(GError) error = NULL;
    LcEncoderSettings settings = {.quality = 80};
    LcEncoder *encoder = encoder_list_select(LC_CODEC_JPEG, "cuda-jpeg", &settings, NULL, &error);
    if (encoder == NULL) {
        g_autofree char *why = g_strdup_printf("cuda-jpeg cannot run here: %s", error->message);
        g_test_skip(why);
    }
    return encoder;
}

/* A picture of the camera-like scene. */
static LcRawFrame *scene(LcSynth *synth, gint width, gint height, guint64 index)
{
    guint8 *planes[3];
    LcRawFrame *raw = raw_frame_new_i420(width, height, planes);
    synth_render(synth, index, 30, planes, raw->strides);
    raw->seq = index + 1;
    return raw;
}

/* At 1080p and at an odd size, every GPU frame decodes with TurboJPEG and
 * stays within CUDA_JPEG_MAX_PSNR_GAP_DB of TurboJPEG's encoding. */
static void test_cuda_jpeg_matches_turbojpeg(void)
{
    g_autoptr(LcEncoder) gpu = cuda_new();
    if (gpu == NULL)
        return;
    g_autoptr(GError) error = NULL;
    g_autoptr(LcEncoder) cpu = encoder_new("turbojpeg", 80, &error);
    g_autoptr(LcDecoder) decoder = decoder_new(&error);
    g_assert_no_error(error);
    const gint sizes[][2] = {{1920, 1080}, {642, 362}};
    for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
        g_autoptr(LcSynth) synth = synth_new(sizes[s][0], sizes[s][1], 3);
        for (guint64 i = 0; i < 10; i++) {
            g_autoptr(LcRawFrame) raw = scene(synth, sizes[s][0], sizes[s][1], i);
            g_autoptr(LcFrame) a = encoder_encode(gpu, raw, &error);
            g_assert_no_error(error);
            g_assert_true(a->meta.flags & LC_FRAME_FLAG_KEY);
            g_autoptr(LcFrame) b = encoder_encode(cpu, raw, &error);
            g_assert_no_error(error);
            g_autoptr(LcRawFrame) da = decoder_decode(decoder, a, NULL, &error);
            g_assert_no_error(error);
            g_autoptr(LcRawFrame) db = decoder_decode(decoder, b, NULL, &error);
            g_assert_no_error(error);
            g_assert_cmpint(da->width, ==, sizes[s][0]);
            g_assert_cmpint(da->height, ==, sizes[s][1]);
            gdouble pa = media_test_psnr_y(raw, da);
            gdouble pb = media_test_psnr_y(raw, db);
            g_test_message("%dx%d frame %" G_GUINT64_FORMAT ": cuda-jpeg %" G_GSIZE_FORMAT
                           " bytes %.2f dB, turbojpeg %" G_GSIZE_FORMAT " bytes %.2f dB",
                           sizes[s][0], sizes[s][1], i, frame_get_size(a), pa, frame_get_size(b),
                           pb);
            g_assert_cmpfloat(pa, >, 30.0);
            g_assert_cmpfloat(pa, >, pb - CUDA_JPEG_MAX_PSNR_GAP_DB);
        }
    }
}

/* "auto" for JPEG takes the GPU where it runs, and says so. */
static void test_cuda_jpeg_auto(void)
{
    g_autoptr(LcEncoder) gpu = cuda_new();
    if (gpu == NULL)
        return;
    g_autoptr(GError) error = NULL;
    g_autofree char *note = NULL;
    g_autoptr(LcEncoder) chosen = encoder_list_select(LC_CODEC_JPEG, "auto", NULL, &note, &error);
    g_assert_no_error(error);
    g_test_message("%s", note);
    g_assert_cmpstr(encoder_get_name(chosen), ==, "cuda-jpeg");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/cuda-jpeg/matches-turbojpeg", test_cuda_jpeg_matches_turbojpeg);
    g_test_add_func("/media/cuda-jpeg/auto", test_cuda_jpeg_auto);
    return g_test_run();
}
