/* bench_encoders.c: `lanconf-bench encoders`: every encoder back-end, whether
 * it runs on this machine and why not; with --speed, each one that runs
 * encodes the same camera-like pictures and its rate is printed beside the
 * others'. */
#include "src/lab/bench_encoders.h"
#include "src/lab/bench_tjbench.h"

#include "core/option_number.h"
#include "media/camera.h"
#include "media/decoder.h"
#include "media/encoder_list.h"
#include "media/synth.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define ENCODERS_DEFAULT_FRAMES 120
/* Seconds tjbench times its compression for (after half a second's warm-up). */
#define ENCODERS_TJBENCH_SECONDS 2.0

/* One back-end's speed over the run. */
typedef struct {
    gboolean measured;
    double fps;        /* frames encoded per second of encoding, one thread */
    double ms_p50;     /* per frame */
    double kbit_per_s; /* at the run's frame rate */
    double psnr_db;    /* mean Y PSNR of the decoded pictures against the source */
    char *error;       /* why it failed to encode, if it did */
} EncoderSpeed;

/* The anchor's figure beside the turbojpeg back-end's. */
typedef struct {
    gboolean run; /* --speed and turbojpeg measured: tjbench was tried */
    LcTjbenchResult tj;
    char *error;     /* why tjbench gave no figure */
    double ours_fps; /* the turbojpeg back-end's */
} EncoderAnchor;

/* Comparison for qsort of doubles. */
static int encoders_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Y PSNR of a decoded picture against the source, in dB (99 when equal). */
static double encoders_psnr_y(const LcRawFrame *a, const LcRawFrame *b)
{
    double sum = 0;
    for (gint y = 0; y < a->height; y++) {
        const guint8 *pa = a->planes[0] + (gsize)y * a->strides[0];
        const guint8 *pb = b->planes[0] + (gsize)y * b->strides[0];
        for (gint x = 0; x < a->width; x++) {
            double d = (double)pa[x] - pb[x];
            sum += d * d;
        }
    }
    double mse = sum / ((double)a->width * a->height);
    return mse <= 0 ? 99.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

/* Encodes `frames` pictures of the synthetic scene with one back-end. */
static void encoders_measure(const LcEncoderStatus *status, gint width, gint height, gint frames,
                             gint fps, EncoderSpeed *out)
{
    g_autoptr(GError) error = NULL;
    LcEncoderSettings settings = {.fps = fps};
    g_autoptr(LcEncoder) encoder =
        encoder_list_select(status->codec, status->name, &settings, NULL, &error);
    if (encoder == NULL) {
        out->error = g_strdup(error->message);
        return;
    }
    g_autoptr(LcDecoder) decoder = decoder_new(&error);
    if (decoder == NULL) {
        out->error = g_strdup(error->message);
        return;
    }
    g_autoptr(LcSynth) synth = synth_new(width, height, 1);
    double psnr_sum = 0;
    g_autofree double *times = g_new(double, frames);
    guint64 bytes = 0;
    double total_us = 0;
    for (gint i = 0; i < frames; i++) {
        guint8 *planes[3];
        g_autoptr(LcRawFrame) raw = raw_frame_new_i420(width, height, planes);
        synth_render(synth, (guint64)i, fps, planes, raw->strides);
        raw->seq = (guint64)i + 1;
        g_autoptr(LcFrame) frame = encoder_encode(encoder, raw, &error);
        if (frame == NULL) {
            out->error = g_strdup(error->message);
            return;
        }
        g_autoptr(LcRawFrame) back = decoder_decode(decoder, frame, NULL, &error);
        if (back == NULL || back->width != width || back->height != height) {
            out->error = g_strdup_printf("its picture %d does not decode: %s", i,
                                         error ? error->message : "wrong size");
            return;
        }
        psnr_sum += encoders_psnr_y(raw, back);
        times[i] = (double)frame->encode_time_us / 1000.0;
        total_us += (double)frame->encode_time_us;
        bytes += frame_get_size(frame);
    }
    qsort(times, (gsize)frames, sizeof *times, encoders_compare_double);
    out->measured = TRUE;
    out->fps = total_us > 0 ? frames / (total_us / 1e6) : 0;
    out->ms_p50 = times[frames / 2];
    out->kbit_per_s = (double)bytes * 8.0 / 1000.0 / ((double)frames / fps);
    out->psnr_db = psnr_sum / frames;
}

/* Prints the list as JSON. */
static void encoders_print_json(GPtrArray *list, const EncoderSpeed *speeds,
                                const EncoderAnchor *anchor, gboolean h264_decoder,
                                const char *decoder_why, gint width, gint height)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "encoders");
    json_builder_begin_array(b);
    for (guint i = 0; i < list->len; i++) {
        const LcEncoderStatus *s = list->pdata[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, s->name);
        json_builder_set_member_name(b, "codec");
        json_builder_add_string_value(b, frame_codec_to_string(s->codec));
        json_builder_set_member_name(b, "gpu");
        json_builder_add_boolean_value(b, s->gpu);
        json_builder_set_member_name(b, "library");
        json_builder_add_string_value(b, s->library);
        json_builder_set_member_name(b, "available");
        json_builder_add_boolean_value(b, s->available);
        json_builder_set_member_name(b, "reason");
        if (s->reason != NULL)
            json_builder_add_string_value(b, s->reason);
        else
            json_builder_add_null_value(b);
        if (speeds != NULL && (speeds[i].measured || speeds[i].error != NULL)) {
            json_builder_set_member_name(b, "speed");
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "size");
            g_autofree char *size = g_strdup_printf("%dx%d", width, height);
            json_builder_add_string_value(b, size);
            if (speeds[i].measured) {
                json_builder_set_member_name(b, "fps");
                json_builder_add_double_value(b, speeds[i].fps);
                json_builder_set_member_name(b, "encode_ms_p50");
                json_builder_add_double_value(b, speeds[i].ms_p50);
                json_builder_set_member_name(b, "kbit_per_s");
                json_builder_add_double_value(b, speeds[i].kbit_per_s);
                json_builder_set_member_name(b, "psnr_y_db");
                json_builder_add_double_value(b, speeds[i].psnr_db);
            } else {
                json_builder_set_member_name(b, "error");
                json_builder_add_string_value(b, speeds[i].error);
            }
            json_builder_end_object(b);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "h264_decoder");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "available");
    json_builder_add_boolean_value(b, h264_decoder);
    json_builder_set_member_name(b, "reason");
    if (h264_decoder)
        json_builder_add_null_value(b);
    else
        json_builder_add_string_value(b, decoder_why);
    json_builder_end_object(b);
    if (anchor->run) {
        json_builder_set_member_name(b, "anchor");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "tool");
        json_builder_add_string_value(b, "tjbench");
        json_builder_set_member_name(b, "version");
        if (anchor->tj.version != NULL)
            json_builder_add_string_value(b, anchor->tj.version);
        else
            json_builder_add_null_value(b);
        if (anchor->error == NULL) {
            json_builder_set_member_name(b, "fps");
            json_builder_add_double_value(b, anchor->tj.fps);
            json_builder_set_member_name(b, "turbojpeg_ratio");
            json_builder_add_double_value(b, anchor->ours_fps / anchor->tj.fps);
        } else {
            json_builder_set_member_name(b, "error");
            json_builder_add_string_value(b, anchor->error);
        }
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *text = json_to_string(root, TRUE);
    printf("%s\n", text);
}

/* Prints the list as a table. */
static void encoders_print_table(GPtrArray *list, const EncoderSpeed *speeds,
                                 const EncoderAnchor *anchor, gboolean h264_decoder,
                                 const char *decoder_why, gint width, gint height, gint fps)
{
    if (speeds != NULL)
        printf("%-10s %-5s %-4s %-9s %8s %7s %8s %6s  %s\n", "encoder", "codec", "on", "available",
               "fps", "ms p50", "kbit/s", "PSNR", "library, or why not");
    else
        printf("%-10s %-5s %-4s %-9s  %s\n", "encoder", "codec", "on", "available",
               "library, or why not");
    for (guint i = 0; i < list->len; i++) {
        const LcEncoderStatus *s = list->pdata[i];
        printf("%-10s %-5s %-4s %-9s", s->name, frame_codec_to_string(s->codec),
               s->gpu ? "GPU" : "CPU", s->available ? "yes" : "no");
        if (speeds != NULL && speeds[i].measured)
            printf(" %8.1f %7.2f %8.0f %6.1f", speeds[i].fps, speeds[i].ms_p50,
                   speeds[i].kbit_per_s, speeds[i].psnr_db);
        else if (speeds != NULL)
            printf(" %8s %7s %8s %6s", "-", "-", "-", "-");
        printf("  %s\n", s->available ? s->library : s->reason);
        if (speeds != NULL && speeds[i].error != NULL)
            printf("%-10s failed: %s\n", "", speeds[i].error);
    }
    /* Each GPU back-end measured, as a multiple of the first CPU back-end
     * of its codec. */
    for (guint i = 0; speeds != NULL && i < list->len; i++) {
        const LcEncoderStatus *g = list->pdata[i];
        if (!g->gpu || !speeds[i].measured)
            continue;
        for (guint k = 0; k < list->len; k++) {
            const LcEncoderStatus *c = list->pdata[k];
            if (c->gpu || c->codec != g->codec || !speeds[k].measured || speeds[k].fps <= 0)
                continue;
            printf("%s: %.1fx the frames per second of %s\n", g->name,
                   speeds[i].fps / speeds[k].fps, c->name);
            break;
        }
    }
    if (anchor->run && anchor->error == NULL)
        printf("anchor: tjbench %s%s, the same picture from YUV at quality %d, 4:2:0, one thread: "
               "%.1f fps; turbojpeg here %.2fx that\n",
               anchor->tj.version != NULL ? "of libjpeg-turbo " : "",
               anchor->tj.version != NULL ? anchor->tj.version : "", ENCODER_DEFAULT_QUALITY,
               anchor->tj.fps, anchor->ours_fps / anchor->tj.fps);
    else if (anchor->run)
        printf("anchor: no tjbench figure: %s\n", anchor->error);
    printf("\nH.264 decoder for viewers: %s\n", h264_decoder ? "yes" : decoder_why);
    if (speeds != NULL)
        printf("\n%dx%d synthetic camera pictures, one encoder at a time. fps: frames per second "
               "of encoding time (TurboJPEG on one thread, x264 with its slice threads). kbit/s: "
               "the stream at %d fps (H.264 at its default bitrate, JPEG at quality %d). PSNR: "
               "the mean luma PSNR, dB, of the decoded pictures against the source.\n",
               width, height, fps, ENCODER_DEFAULT_QUALITY);
}

/* `lanconf-bench encoders`. */
int bench_encoders_main(int argc, char **argv)
{
    gboolean json = FALSE, speed = FALSE;
    gint frames = ENCODERS_DEFAULT_FRAMES, fps = CAMERA_DEFAULT_FPS;
    g_autofree char *size_text = NULL, *frames_text = NULL;
    const GOptionEntry entries[] = {
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print the list as JSON", NULL},
        {"speed", 0, 0, G_OPTION_ARG_NONE, &speed,
         "Encode the same pictures with every back-end that runs and print its rate", NULL},
        {"size", 0, 0, G_OPTION_ARG_STRING, &size_text,
         "Picture size for --speed (default 1920x1080)", "WxH"},
        {"frames", 0, 0, G_OPTION_ARG_STRING, &frames_text,
         "Pictures each back-end encodes for --speed (default " G_STRINGIFY(
             ENCODERS_DEFAULT_FRAMES) ")",
         "N"},
        G_OPTION_ENTRY_NULL,
    };
    g_autoptr(GOptionContext) context = g_option_context_new("- the encoder back-ends here");
    g_option_context_set_summary(
        context, "Lists every encoder back-end (cuda-jpeg, turbojpeg, nvenc, x264, openh264), "
                 "whether it runs on this machine and, if not, why; --speed measures the ones "
                 "that run. auto takes the first that runs for its codec, in this order.");
    g_option_context_add_main_entries(context, entries, NULL);
    g_autoptr(GError) error = NULL;
    gint width = 1920, height = 1080;
    double frames_d = frames;
    if (!option_number_parse_args(context, &argc, &argv, &error) ||
        (size_text != NULL && !camera_parse_size(size_text, &width, &height, &error)) ||
        (frames_text != NULL &&
         !option_number_parse("--frames", frames_text, FALSE, 1, 100000, &frames_d, &error))) {
        fprintf(stderr, "%s: %s\nTry '%s --help'.\n", g_get_prgname(), error->message,
                g_get_prgname());
        return 2;
    }
    frames = (gint)frames_d;
    if (speed && (width % 2 != 0 || height % 2 != 0)) {
        fprintf(stderr,
                "%s: --size %dx%d: the H.264 back-ends need an even width and height\n"
                "Try '%s --help'.\n",
                g_get_prgname(), width, height, g_get_prgname());
        return 2;
    }
    g_autoptr(GPtrArray) list = encoder_list_probe();
    g_autoptr(GString) decoder_why = g_string_new(NULL);
    gboolean h264_decoder = encoder_list_have_h264_decoder(decoder_why);
    g_autofree EncoderSpeed *speeds = speed ? g_new0(EncoderSpeed, list->len) : NULL;
    for (guint i = 0; speeds != NULL && i < list->len; i++) {
        const LcEncoderStatus *s = list->pdata[i];
        if (!s->available)
            continue;
        if (!json)
            fprintf(stderr, "%s: %s: encoding %d pictures of %dx%d\n", g_get_prgname(), s->name,
                    frames, width, height);
        encoders_measure(s, width, height, frames, fps, &speeds[i]);
    }
    /* The anchor: libjpeg-turbo's own benchmark on the same picture. */
    EncoderAnchor anchor = {0};
    for (guint i = 0; speeds != NULL && i < list->len; i++) {
        const LcEncoderStatus *s = list->pdata[i];
        if (strcmp(s->name, "turbojpeg") != 0 || !speeds[i].measured)
            continue;
        if (!json)
            fprintf(stderr, "%s: tjbench: the same picture, %.0f s\n", g_get_prgname(),
                    ENCODERS_TJBENCH_SECONDS);
        g_autoptr(GError) tj_error = NULL;
        anchor.run = TRUE;
        anchor.ours_fps = speeds[i].fps;
        if (!bench_tjbench_run(width, height, ENCODER_DEFAULT_QUALITY, ENCODERS_TJBENCH_SECONDS,
                               &anchor.tj, &tj_error))
            anchor.error = g_strdup(tj_error->message);
    }
    if (json)
        encoders_print_json(list, speeds, &anchor, h264_decoder, decoder_why->str, width, height);
    else
        encoders_print_table(list, speeds, &anchor, h264_decoder, decoder_why->str, width, height,
                             fps);
    g_free(anchor.error);
    g_free(anchor.tj.version);
    for (guint i = 0; speeds != NULL && i < list->len; i++)
        g_free(speeds[i].error);
    return 0;
}
