/* The camera's user options: parsing, range checks and a GOptionGroup. */
#include "media/camera.h"
#include "media/encoder.h"
#include "media/encoder_list.h"
#include "media/synth.h"

#include <string.h>

/* The error domain of the camera module. */
GQuark camera_error_quark(void)
{
    return g_quark_from_static_string("lanconf-camera-error-quark");
}

/* Fills options with the defaults. */
void camera_options_init(LcCameraOptions *options)
{
    g_return_if_fail(options != NULL);

    *options = (LcCameraOptions){
        .width = CAMERA_DEFAULT_WIDTH,
        .height = CAMERA_DEFAULT_HEIGHT,
        .fps = CAMERA_DEFAULT_FPS,
        .quality = CAMERA_DEFAULT_QUALITY,
    };
}

/* Copies options, duplicating the strings. */
void camera_options_copy(LcCameraOptions *dest, const LcCameraOptions *src)
{
    *dest = *src;
    dest->source = g_strdup(src->source);
    dest->encoder = g_strdup(src->encoder);
}

/* Frees the strings options owns and resets it to the defaults. */
void camera_options_clear(LcCameraOptions *options)
{
    g_return_if_fail(options != NULL);

    g_free(options->source);
    g_free(options->encoder);
    camera_options_init(options);
}

/* Parses a whole decimal number in min..max; FALSE for anything else. */
static gboolean camera_parse_int(const char *text, gint min, gint max, gint *out)
{
    guint64 value = 0;

    if (text == NULL ||
        !g_ascii_string_to_unsigned(text, 10, (guint64)min, (guint64)max, &value, NULL))
        return FALSE;
    *out = (gint)value;
    return TRUE;
}

/* Whether a picture side is within the supported range. */
static gboolean camera_dimension_ok(gint64 side)
{
    return side >= CAMERA_MIN_DIMENSION && side <= CAMERA_MAX_DIMENSION;
}

/* Reports a size that is not WIDTHxHEIGHT, or whose sides are out of range. */
static gboolean camera_set_size_error(const char *text, gboolean well_formed, GError **error)
{
    if (well_formed)
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid size \"%s\": width and height must each be %d..%d pixels", text,
                    CAMERA_MIN_DIMENSION, CAMERA_MAX_DIMENSION);
    else
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid size \"%s\": expected WIDTHxHEIGHT in pixels, e.g. 640x480",
                    text ? text : "");
    return FALSE;
}

/* Parses "WIDTHxHEIGHT" (an upper-case X is accepted too). */
gboolean camera_parse_size(const char *text, gint *width, gint *height, GError **error)
{
    g_return_val_if_fail(width != NULL && height != NULL, FALSE);

    if (text == NULL)
        return camera_set_size_error(text, FALSE, error);
    g_autofree char *lower = g_ascii_strdown(text, -1);
    g_auto(GStrv) sides = g_strsplit(lower, "x", -1);
    guint64 w = 0;
    guint64 h = 0;
    if (g_strv_length(sides) != 2 ||
        !g_ascii_string_to_unsigned(sides[0], 10, 0, G_MAXINT64, &w, NULL) ||
        !g_ascii_string_to_unsigned(sides[1], 10, 0, G_MAXINT64, &h, NULL))
        return camera_set_size_error(text, FALSE, error);
    if (!camera_dimension_ok((gint64)w) || !camera_dimension_ok((gint64)h))
        return camera_set_size_error(text, TRUE, error);
    *width = (gint)w;
    *height = (gint)h;
    return TRUE;
}

/* Parses a frame rate, 1..CAMERA_MAX_FPS. */
gboolean camera_parse_fps(const char *text, gint *fps, GError **error)
{
    g_return_val_if_fail(fps != NULL, FALSE);

    if (!camera_parse_int(text, 1, CAMERA_MAX_FPS, fps)) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid frame rate \"%s\": expected a whole number of frames per second "
                    "from 1 to %d",
                    text ? text : "", CAMERA_MAX_FPS);
        return FALSE;
    }
    return TRUE;
}

/* Parses a JPEG quality, 1..100. */
gboolean camera_parse_quality(const char *text, gint *quality, GError **error)
{
    g_return_val_if_fail(quality != NULL, FALSE);

    if (!camera_parse_int(text, 1, 100, quality)) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid quality \"%s\": expected a whole number from 1 to 100",
                    text ? text : "");
        return FALSE;
    }
    return TRUE;
}

/* Reports a name option that was given but is empty. */
static gboolean camera_check_name(const char *what, const char *value, GError **error)
{
    if (value != NULL && *value == '\0') {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT, "the %s is empty", what);
        return FALSE;
    }
    return TRUE;
}

/* Checks the encoder's name and codec (each of a --codec list), as the
 * --encoder and --codec flags, and that H.264 gets a size it can take. */
static gboolean camera_check_encoder(const LcCameraOptions *o, GError **error)
{
    const char *name = o->encoder;
    if (o->n_codecs > 1 && name != NULL && g_strcmp0(name, "auto") != 0) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "--encoder %s names one back-end; with a list of codecs each runs its own "
                    "(leave --encoder out)",
                    name);
        return FALSE;
    }
    gboolean jpeg = FALSE, h264 = FALSE;
    for (guint i = 0; i < MAX(o->n_codecs, 1); i++) {
        LcCodec resolved = 0;
        if (!encoder_list_check(o->n_codecs ? o->codecs[i] : o->codec, name, &resolved, error)) {
            g_prefix_error(error, "--encoder: ");
            return FALSE;
        }
        jpeg |= resolved == LC_CODEC_JPEG;
        h264 |= resolved == LC_CODEC_H264;
        if (resolved == LC_CODEC_H264 && (o->width % 2 != 0 || o->height % 2 != 0)) {
            g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                        "--size %dx%d: H.264 needs an even width and height", o->width, o->height);
            return FALSE;
        }
    }
    /* A flag the codec has no use for would be silently ignored: say so. */
    if (!h264 && (o->bitrate != 0 || o->gop != 0)) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "%s is for H.264 (--codec h264)%s", o->bitrate != 0 ? "--bitrate" : "--gop",
                    o->bitrate != 0 ? "; JPEG's size is set with --quality" : "");
        return FALSE;
    }
    if (!jpeg && o->quality_set) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "--quality is for JPEG; H.264's size is set with --bitrate");
        return FALSE;
    }
    return TRUE;
}

/* Checks every field of options. */
gboolean camera_options_validate(const LcCameraOptions *o, GError **error)
{
    g_return_val_if_fail(o != NULL, FALSE);

    if (!camera_dimension_ok(o->width) || !camera_dimension_ok(o->height)) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid size %dx%d: width and height must each be %d..%d pixels", o->width,
                    o->height, CAMERA_MIN_DIMENSION, CAMERA_MAX_DIMENSION);
        return FALSE;
    }
    if (o->fps < 1 || o->fps > CAMERA_MAX_FPS) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid frame rate %d: must be 1..%d frames per second", o->fps,
                    CAMERA_MAX_FPS);
        return FALSE;
    }
    if (o->quality < 1 || o->quality > 100) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid quality %d: must be 1..100", o->quality);
        return FALSE;
    }
    if (o->bitrate < 0 || o->bitrate > ENCODER_MAX_BITRATE) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid bitrate %d kbit/s: must be 1..%d", o->bitrate, ENCODER_MAX_BITRATE);
        return FALSE;
    }
    if (o->gop < 0 || o->gop > ENCODER_MAX_GOP) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "invalid GOP %d: must be 1..%d frames", o->gop, ENCODER_MAX_GOP);
        return FALSE;
    }
    gboolean synthetic = FALSE;
    guint32 seed = 0;
    return camera_check_name("video source", o->source, error) &&
           camera_check_name("encoder name", o->encoder, error) &&
           synth_parse_source(o->source, &synthetic, &seed, error) &&
           camera_check_encoder(o, error);
}

/* --source: a test pattern, camera or file. */
static gboolean camera_on_source(const char *name, const char *value, gpointer data, GError **error)
{
    LcCameraOptions *options = data;

    g_free(options->source);
    options->source = g_strdup(value);
    return TRUE;
}

/* --encoder: a back-end name. */
static gboolean camera_on_encoder(const char *name, const char *value, gpointer data,
                                  GError **error)
{
    LcCameraOptions *options = data;

    g_free(options->encoder);
    options->encoder = g_strdup(value);
    return TRUE;
}

/* --codec jpeg|h264, or a list of both where the program takes one. */
static gboolean camera_on_codec(const char *name, const char *value, gpointer data, GError **error)
{
    LcCameraOptions *options = data;
    g_auto(GStrv) items = g_strsplit(value ? value : "", ",", -1);
    guint n = g_strv_length(items);
    if (n > 1 && !options->allow_codec_list) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "%s: one codec, jpeg or h264 (a list is for lanconf-bench compare)", name);
        return FALSE;
    }
    if (n > CAMERA_MAX_CODECS) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "%s: at most %d codecs (jpeg,h264)", name, CAMERA_MAX_CODECS);
        return FALSE;
    }
    options->n_codecs = 0;
    for (guint i = 0; i < MAX(n, 1); i++) {
        LcCodec codec = 0;
        if (!encoder_list_parse_codec(n ? items[i] : "", &codec, error)) {
            g_prefix_error(error, "%s: ", name);
            return FALSE;
        }
        for (guint k = 0; k < options->n_codecs; k++) {
            if (options->codecs[k] == codec) {
                g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                            "%s: %s is named twice", name, frame_codec_to_string(codec));
                return FALSE;
            }
        }
        options->codecs[options->n_codecs++] = codec;
    }
    options->codec = options->codecs[0];
    return TRUE;
}

/* --bitrate KBIT (H.264). */
static gboolean camera_on_bitrate(const char *name, const char *value, gpointer data,
                                  GError **error)
{
    LcCameraOptions *options = data;
    if (!camera_parse_int(value, 1, ENCODER_MAX_BITRATE, &options->bitrate)) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "%s: invalid bitrate \"%s\": expected kbit/s, a whole number from 1 to %d",
                    name, value ? value : "", ENCODER_MAX_BITRATE);
        return FALSE;
    }
    return TRUE;
}

/* --gop N (H.264). */
static gboolean camera_on_gop(const char *name, const char *value, gpointer data, GError **error)
{
    LcCameraOptions *options = data;
    if (!camera_parse_int(value, 1, ENCODER_MAX_GOP, &options->gop)) {
        g_set_error(error, CAMERA_ERROR, CAMERA_ERROR_INVALID_ARGUMENT,
                    "%s: invalid GOP \"%s\": expected frames from one keyframe to the next, "
                    "a whole number from 1 to %d",
                    name, value ? value : "", ENCODER_MAX_GOP);
        return FALSE;
    }
    return TRUE;
}

/* --size WxH. */
static gboolean camera_on_size(const char *name, const char *value, gpointer data, GError **error)
{
    LcCameraOptions *options = data;

    if (!camera_parse_size(value, &options->width, &options->height, error)) {
        g_prefix_error(error, "%s: ", name);
        return FALSE;
    }
    return TRUE;
}

/* --fps N. */
static gboolean camera_on_fps(const char *name, const char *value, gpointer data, GError **error)
{
    LcCameraOptions *options = data;

    if (!camera_parse_fps(value, &options->fps, error)) {
        g_prefix_error(error, "%s: ", name);
        return FALSE;
    }
    return TRUE;
}

/* --quality N. */
static gboolean camera_on_quality(const char *name, const char *value, gpointer data,
                                  GError **error)
{
    LcCameraOptions *options = data;

    if (!camera_parse_quality(value, &options->quality, error)) {
        g_prefix_error(error, "%s: ", name);
        return FALSE;
    }
    options->quality_set = TRUE;
    return TRUE;
}

/* Checks the options once every flag has been read. */
static gboolean camera_on_post_parse(GOptionContext *context, GOptionGroup *group, gpointer data,
                                     GError **error)
{
    return camera_options_validate(data, error);
}

static const GOptionEntry camera_option_entries[] = {
    {"source", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_source,
     "Video source: test (a ball), synthetic[:SEED] (camera-like), /dev/videoN or a video file "
     "(default " CAMERA_DEFAULT_SOURCE ")",
     "SOURCE"},
    {"size", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_size,
     "Picture size (default " G_STRINGIFY(CAMERA_DEFAULT_WIDTH) "x" G_STRINGIFY(
         CAMERA_DEFAULT_HEIGHT) ")",
     "WxH"},
    {"fps", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_fps,
     "Frames per second, 1.." G_STRINGIFY(CAMERA_MAX_FPS) " (default " G_STRINGIFY(
         CAMERA_DEFAULT_FPS) ")",
     "N"},
    {"quality", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_quality,
     "JPEG quality, 1..100 (default " G_STRINGIFY(CAMERA_DEFAULT_QUALITY) ")", "N"},
    {"codec", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_codec,
     "Codec: jpeg or h264 (default: the encoder's, jpeg for auto); lanconf-bench compare also "
     "takes jpeg,h264: one run per codec, side by side",
     "CODEC"},
    {"encoder", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_encoder,
     "Encoder: auto (for the codec, a GPU one where it works), turbojpeg (or jpeg), "
     "cuda-jpeg, x264, openh264 or nvenc; lanconf-bench encoders lists what runs here "
     "(default " CAMERA_DEFAULT_ENCODER ")",
     "NAME"},
    {"bitrate", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_bitrate,
     "H.264 bitrate in kbit/s, 1.." G_STRINGIFY(ENCODER_MAX_BITRATE) " (default " G_STRINGIFY(
         ENCODER_DEFAULT_BITRATE) ")",
     "KBIT"},
    {"gop", 0, 0, G_OPTION_ARG_CALLBACK, camera_on_gop,
     "H.264: frames from one keyframe to the next, 1.." G_STRINGIFY(
         ENCODER_MAX_GOP) " (default " G_STRINGIFY(ENCODER_DEFAULT_GOP) ")",
     "N"},
    G_OPTION_ENTRY_NULL,
};

/* A "camera" option group filling options, validated after parsing. */
GOptionGroup *camera_options_new_group(LcCameraOptions *options, const char *source_flag,
                                       const char *source_help, const GOptionEntry *leading)
{
    g_return_val_if_fail(options != NULL, NULL);

    /* The group copies the entries (not their strings), so a renamed copy can live here. */
    GOptionEntry entries[G_N_ELEMENTS(camera_option_entries)];
    memcpy(entries, camera_option_entries, sizeof entries);
    if (source_flag != NULL)
        entries[0].long_name = source_flag;
    if (source_help != NULL)
        entries[0].description = source_help;
    GOptionGroup *group =
        g_option_group_new("camera", "Camera options:", "Show camera options", options, NULL);
    if (leading != NULL)
        g_option_group_add_entries(group, leading);
    g_option_group_add_entries(group, entries);
    g_option_group_set_parse_hooks(group, NULL, camera_on_post_parse);
    return group;
}
