/* Camera glue tests: option parsing tables, clear errors for bad input, and a
 * real test-pattern pipeline delivering JPEG frames with growing seq. */
#include <string.h>

#include "app-test-util.h"
#include "media/capture.h"
#include "media/encoder.h"
#include "media/camera.h"

typedef struct {
    const char *text;
    gboolean ok;
    gint width;
    gint height;
    const char *message_part; /* for a bad size: a piece of the error message */
} SizeCase;

/* WIDTHxHEIGHT in range parses; anything else fails with a message that says what is expected. */
static void test_parse_size(void)
{
    static const SizeCase cases[] = {
        {"640x480", TRUE, 640, 480, NULL},
        {"1920X1080", TRUE, 1920, 1080, NULL},
        {"16x16", TRUE, 16, 16, NULL},
        {"8192x8192", TRUE, 8192, 8192, NULL},
        {"", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"640", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"640x", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"x480", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"640x480x3", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"-640x480", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"+640x480", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"640x-480", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {" 640x480", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"640 x 480", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"640*480", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"6.4x4.8", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"abcxdef", FALSE, 0, 0, "expected WIDTHxHEIGHT"},
        {"0x0", FALSE, 0, 0, "16..8192"},
        {"15x480", FALSE, 0, 0, "16..8192"},
        {"640x8193", FALSE, 0, 0, "16..8192"},
        {"99999999999999x480", FALSE, 0, 0, "16..8192"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const SizeCase *c = &cases[i];
        g_autoptr(GError) error = NULL;
        gint width = -1;
        gint height = -1;
        gboolean ok = camera_parse_size(c->text, &width, &height, &error);

        g_test_message("size \"%s\"", c->text);
        g_assert_cmpint(ok, ==, c->ok);
        if (c->ok) {
            g_assert_no_error(error);
            g_assert_cmpint(width, ==, c->width);
            g_assert_cmpint(height, ==, c->height);
        } else {
            g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
            g_assert_nonnull(strstr(error->message, c->message_part));
            g_assert_nonnull(strstr(error->message, c->text));
            g_assert_cmpint(width, ==, -1); /* untouched on failure */
        }
    }
    g_autoptr(GError) error = NULL;
    gint w = 0;
    gint h = 0;
    g_assert_false(camera_parse_size(NULL, &w, &h, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
}

typedef struct {
    const char *text;
    gboolean ok;
    gint value;
} IntCase;

/* Runs a table of cases through an integer option parser. */
static void check_int_cases(gboolean (*parse)(const char *, gint *, GError **),
                            const IntCase *cases, gsize n)
{
    for (gsize i = 0; i < n; i++) {
        g_autoptr(GError) error = NULL;
        gint value = -1;

        g_test_message("value \"%s\"", cases[i].text);
        g_assert_cmpint(parse(cases[i].text, &value, &error), ==, cases[i].ok);
        if (cases[i].ok) {
            g_assert_no_error(error);
            g_assert_cmpint(value, ==, cases[i].value);
        } else {
            g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
            g_assert_nonnull(strstr(error->message, cases[i].text));
            g_assert_cmpint(value, ==, -1);
        }
    }
}

/* Frame rates 1..120 parse; others fail. */
static void test_parse_fps(void)
{
    static const IntCase cases[] = {
        {"1", TRUE, 1},      {"30", TRUE, 30},  {"120", TRUE, 120}, {"0", FALSE, 0},
        {"121", FALSE, 0},   {"-5", FALSE, 0},  {"abc", FALSE, 0},  {"", FALSE, 0},
        {"30fps", FALSE, 0}, {"2.5", FALSE, 0}, {" 30", FALSE, 0},
    };
    check_int_cases(camera_parse_fps, cases, G_N_ELEMENTS(cases));
}

/* Qualities 1..100 parse; others fail. */
static void test_parse_quality(void)
{
    static const IntCase cases[] = {
        {"1", TRUE, 1},    {"80", TRUE, 80}, {"100", TRUE, 100}, {"0", FALSE, 0},
        {"101", FALSE, 0}, {"x", FALSE, 0},  {"-1", FALSE, 0},
    };
    check_int_cases(camera_parse_quality, cases, G_N_ELEMENTS(cases));
}

/* Parses argv (NULL-terminated) with the camera option group into options. */
static gboolean parse_argv(const char *const *args, LcCameraOptions *options, GError **error)
{
    g_autoptr(GOptionContext) context = g_option_context_new(NULL);
    g_auto(GStrv) argv = g_strdupv((char **)args);

    g_option_context_set_help_enabled(context, FALSE);
    g_option_context_add_group(context, camera_options_new_group(options, NULL, NULL, NULL));
    return g_option_context_parse_strv(context, &argv, error);
}

/* The option group fills every field from flags and keeps defaults for the others. */
static void test_option_group(void)
{
    g_autoptr(GError) error = NULL;
    LcCameraOptions options;
    static const char *const full[] = {"prog",    "--source",  "/dev/video2", "--size",
                                       "320x240", "--fps",     "15",          "--quality",
                                       "55",      "--encoder", "jpeg",        NULL};
    static const char *const none[] = {"prog", NULL};

    camera_options_init(&options);
    g_assert_true(parse_argv(full, &options, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(options.source, ==, "/dev/video2");
    g_assert_cmpint(options.width, ==, 320);
    g_assert_cmpint(options.height, ==, 240);
    g_assert_cmpint(options.fps, ==, 15);
    g_assert_cmpint(options.quality, ==, 55);
    g_assert_cmpstr(options.encoder, ==, "jpeg");
    camera_options_clear(&options);

    g_assert_true(parse_argv(none, &options, &error));
    g_assert_null(options.source);
    g_assert_cmpint(options.width, ==, CAMERA_DEFAULT_WIDTH);
    g_assert_cmpint(options.height, ==, CAMERA_DEFAULT_HEIGHT);
    g_assert_cmpint(options.fps, ==, CAMERA_DEFAULT_FPS);
    g_assert_cmpint(options.quality, ==, CAMERA_DEFAULT_QUALITY);
    camera_options_clear(&options);
}

/* A bad flag value fails the parse with the parser's message. */
static void test_option_group_errors(void)
{
    static const char *const bad_size[] = {"prog", "--size", "640x", NULL};
    static const char *const bad_fps[] = {"prog", "--fps", "0", NULL};
    static const char *const bad_source[] = {"prog", "--source", "", NULL};
    LcCameraOptions options;
    g_autoptr(GError) error = NULL;

    camera_options_init(&options);
    g_assert_false(parse_argv(bad_size, &options, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "expected WIDTHxHEIGHT"));
    g_clear_error(&error);

    g_assert_false(parse_argv(bad_fps, &options, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    g_assert_false(parse_argv(bad_source, &options, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "video source is empty"));
    camera_options_clear(&options);
}

/* A program may rename --source (lanconf-cli's --camera), put its own flags
 * first in the same group, and copy the result. */
static void test_option_group_renamed(void)
{
    g_autoptr(GError) error = NULL;
    LcCameraOptions options, copy;
    gboolean flag = FALSE;
    const GOptionEntry leading[] = {
        {"flag", 0, 0, G_OPTION_ARG_NONE, &flag, "A program's own flag", NULL},
        G_OPTION_ENTRY_NULL};
    static const char *const args[] = {"prog",  "--camera", "clip.mp4", "--flag",
                                       "--fps", "12",       NULL};
    static const char *const old_name[] = {"prog", "--source", "test", NULL};
    g_autoptr(GOptionContext) context = g_option_context_new(NULL);
    g_auto(GStrv) argv = g_strdupv((char **)args);

    camera_options_init(&options);
    g_option_context_set_help_enabled(context, FALSE);
    g_option_context_set_main_group(
        context, camera_options_new_group(&options, "camera", "Send a camera", leading));
    g_assert_true(g_option_context_parse_strv(context, &argv, &error));
    g_assert_no_error(error);
    g_assert_true(flag);
    g_assert_cmpstr(options.source, ==, "clip.mp4");
    g_assert_cmpint(options.fps, ==, 12);

    camera_options_copy(&copy, &options);
    camera_options_clear(&options); /* the copy owns its own strings */
    g_assert_cmpstr(copy.source, ==, "clip.mp4");
    g_assert_cmpint(copy.fps, ==, 12);
    camera_options_clear(&copy);

    g_auto(GStrv) argv2 = g_strdupv((char **)old_name);
    g_assert_false(g_option_context_parse_strv(context, &argv2, &error));
    g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION);
    camera_options_clear(&options);
}

/* Options set in code are checked by camera_options_validate() and camera_new(). */
static void test_validate(void)
{
    LcCameraOptions options;
    g_autoptr(GError) error = NULL;

    camera_options_init(&options);
    g_assert_true(camera_options_validate(&options, &error));
    options.fps = 121;
    g_assert_false(camera_options_validate(&options, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    g_assert_null(camera_new(&options, NULL, NULL, NULL, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    camera_options_init(&options);
    options.quality = 0;
    g_assert_false(camera_options_validate(&options, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    camera_options_init(&options);
    options.height = 8;
    g_assert_false(camera_options_validate(&options, &error));
    g_assert_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT);
}

/* An unknown encoder fails in camera_new(), naming it. */
static void test_bad_encoder(void)
{
    LcCameraOptions options;
    g_autoptr(GError) error = NULL;

    camera_options_init(&options);
    options.encoder = g_strdup("h265");
    g_autoptr(LcCamera) camera = camera_new(&options, NULL, NULL, NULL, &error);
    g_assert_null(camera);
    g_assert_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "h265"));
    camera_options_clear(&options);
}

/* A missing file or a directory as source fails in camera_start() with a message naming it. */
static void test_bad_source(void)
{
    static const char *const sources[] = {"/nonexistent/lanconf-video.mp4", "/"};
    static const char *const reasons[] = {"No such file", "directory"};

    for (gsize i = 0; i < G_N_ELEMENTS(sources); i++) {
        LcCameraOptions options;
        g_autoptr(GError) error = NULL;

        camera_options_init(&options);
        options.source = g_strdup(sources[i]);
        g_autoptr(LcCamera) camera = camera_new(&options, NULL, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_false(camera_start(camera, &error));
        g_assert_error(error, CAPTURE_ERROR, CAPTURE_ERROR_OPEN);
        g_assert_nonnull(strstr(error->message, sources[i]));
        g_assert_nonnull(strstr(error->message, reasons[i]));
        camera_options_clear(&options);
    }
}

typedef struct {
    GMainLoop *loop;
    guint64 frames;
    guint64 last_seq;
    gint64 last_capture_us;
    guint wanted;
} FrameSink;

/* Checks each frame is a complete JPEG of the asked size with a growing seq. */
static void sink_on_frame(LcCamera *camera, LcFrame *frame, gpointer data)
{
    FrameSink *sink = data;
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame->data, &size);

    g_assert_cmpint(frame->meta.codec, ==, LC_CODEC_JPEG);
    g_assert_cmpint(frame->width, ==, 320);
    g_assert_cmpint(frame->height, ==, 240);
    g_assert_cmpuint(size, >, 4);
    g_assert_cmphex(bytes[0], ==, 0xff); /* SOI */
    g_assert_cmphex(bytes[1], ==, 0xd8);
    g_assert_cmphex(bytes[size - 2], ==, 0xff); /* EOI */
    g_assert_cmphex(bytes[size - 1], ==, 0xd9);
    g_assert_cmpuint(frame->meta.seq, >, sink->last_seq);
    g_assert_cmpint(frame->meta.capture_us, >=, sink->last_capture_us);
    g_assert_cmpint(frame->meta.capture_us, <=, g_get_real_time());
    g_assert_cmpint(frame->encode_time_us, >=, 0);
    sink->last_seq = frame->meta.seq;
    sink->last_capture_us = frame->meta.capture_us;
    frame_unref(frame);
    if (++sink->frames == sink->wanted)
        g_main_loop_quit(sink->loop);
}

/* The test pattern flows through capture and encoder; the counters add up. */
static void test_test_pattern(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    FrameSink sink = {.loop = loop, .wanted = 20};
    LcCameraOptions options;
    LcCameraStats stats;

    camera_options_init(&options);
    options.width = 320;
    options.height = 240;
    options.quality = 70;
    options.encoder = g_strdup("jpeg");
    g_autoptr(LcCamera) camera = camera_new(&options, sink_on_frame, NULL, &sink, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(camera_get_encoder_name(camera), ==, "turbojpeg");
    g_assert_true(
        g_str_has_prefix(camera_get_encoder_note(camera), "encoder turbojpeg (jpeg on the CPU)"));
    g_assert_nonnull(strstr(camera_get_encoder_note(camera), "quality 70"));
    g_assert_nonnull(strstr(camera_get_description(camera), "videotestsrc"));

    g_assert_true(camera_start(camera, &error));
    g_assert_no_error(error);
    g_assert_true(camera_start(camera, &error)); /* already running: nothing changes */
    g_assert_no_error(error);
    g_assert_true(app_test_run_loop(loop, 10000));
    camera_stop(camera);
    camera_stop(camera);

    camera_get_stats(camera, &stats);
    g_assert_cmpuint(stats.frames_encoded, >=, sink.wanted);
    g_assert_cmpuint(stats.frames_failed, ==, 0);
    g_assert_cmpuint(stats.frames_encoded + stats.frames_encoder_dropped, <=,
                     stats.frames_captured);
    g_assert_cmpuint(stats.frames_captured, >=, sink.last_seq);
    camera_options_clear(&options);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/app/camera/options/size", test_parse_size);
    g_test_add_func("/app/camera/options/fps", test_parse_fps);
    g_test_add_func("/app/camera/options/quality", test_parse_quality);
    g_test_add_func("/app/camera/options/group", test_option_group);
    g_test_add_func("/app/camera/options/group-errors", test_option_group_errors);
    g_test_add_func("/app/camera/options/group-renamed", test_option_group_renamed);
    g_test_add_func("/app/camera/options/validate", test_validate);
    g_test_add_func("/app/camera/bad-encoder", test_bad_encoder);
    g_test_add_func("/app/camera/bad-source", test_bad_source);
    g_test_add_func("/app/camera/test-pattern", test_test_pattern);
    return g_test_run();
}
