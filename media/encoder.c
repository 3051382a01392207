/* The encoder interface: choosing a back-end by name, timing every encode, and
 * probing for a GPU encoder. */
#include "media/encoder.h"

#include <gst/gst.h>

/* GStreamer elements that mean a GPU encoder is usable (nvcodec registers them only then). */
static const char *const encoder_gpu_elements[] = {
    "nvh264enc", "nvcudah264enc", "nvautogpuh264enc", "nvjpegenc", NULL,
};

/* The error domain of this module. */
GQuark encoder_error_quark(void)
{
    return g_quark_from_static_string("lanconf-encoder-error-quark");
}

/* Appends a reason to why, separated from earlier ones by "; ". */
static void encoder_append_reason(GString *why, const char *reason)
{
    if (why == NULL)
        return;
    if (why->len > 0)
        g_string_append(why, "; ");
    g_string_append(why, reason);
}

/* Whether the machine shows an NVIDIA device node at all. */
static gboolean encoder_have_nvidia_device(void)
{
    return g_file_test("/dev/nvidiactl", G_FILE_TEST_EXISTS) ||
           g_file_test("/dev/nvidia0", G_FILE_TEST_EXISTS);
}

/* Explains why none of the GPU encoder elements is registered. */
static void encoder_explain_no_gpu(GString *why)
{
    g_autoptr(GstPlugin) plugin = gst_registry_find_plugin(gst_registry_get(), "nvcodec");
    g_autofree char *names = g_strjoinv(", ", (char **)encoder_gpu_elements);
    g_autofree char *missing = g_strdup_printf("no GPU encoder element (%s) is available", names);

    encoder_append_reason(why, missing);
    if (!encoder_have_nvidia_device())
        encoder_append_reason(why, "this machine has no NVIDIA GPU (/dev/nvidia0 is missing)");
    if (plugin == NULL)
        encoder_append_reason(why, "the GStreamer nvcodec plugin is not installed "
                                   "(Debian package gstreamer1.0-plugins-bad)");
    else if (encoder_have_nvidia_device())
        encoder_append_reason(why, "the nvcodec plugin found no usable CUDA driver or device");
}

/* Whether a GPU encoder element is usable; if not, appends the reason to why. */
gboolean encoder_probe_gpu(GString *why)
{
    gst_init(NULL, NULL);

    for (guint i = 0; encoder_gpu_elements[i] != NULL; i++) {
        g_autoptr(GstElementFactory) factory = gst_element_factory_find(encoder_gpu_elements[i]);
        if (factory != NULL)
            return TRUE;
    }
    encoder_explain_no_gpu(why);
    return FALSE;
}

/* Picks the back-end for "auto": the CPU one until a GPU back-end is built in. */
static LcEncoder *encoder_new_auto(gint quality, GError **error)
{
    g_autoptr(GString) why = g_string_new(NULL);

    if (encoder_probe_gpu(why))
        g_string_append(why, "a GPU encoder element exists but no GPU back-end is built in");
    g_info("encoder auto: using jpeg on the CPU: %s", why->str);
    return encoder_jpeg_new(quality, error);
}

/* The back-ends by name ("jpeg" is turbojpeg's short name). */
static const char *const encoder_names[] = {
    "auto", "jpeg", "turbojpeg", "cuda-jpeg", "x264", "openh264", "nvenc", NULL,
};

/* Whether name names an encoder (whether it runs here is another matter). */
gboolean encoder_check_name(const char *name, GError **error)
{
    if (name == NULL || g_strv_contains(encoder_names, name))
        return TRUE;
    g_autofree char *known = g_strjoinv(", ", (char **)encoder_names);
    g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                "unknown encoder \"%s\" (known: %s)", name, known);
    return FALSE;
}

/* Fills the defaults into fields <= 0 and checks the ranges. */
gboolean encoder_settings_resolve(LcEncoderSettings *s, GError **error)
{
    if (s->quality <= 0)
        s->quality = ENCODER_DEFAULT_QUALITY;
    if (s->bitrate <= 0)
        s->bitrate = ENCODER_DEFAULT_BITRATE;
    if (s->gop <= 0)
        s->gop = ENCODER_DEFAULT_GOP;
    if (s->fps <= 0)
        s->fps = ENCODER_DEFAULT_FPS;
    if (s->quality > 100) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "invalid encoder quality %d (must be 1..100)", s->quality);
        return FALSE;
    }
    if (s->bitrate > ENCODER_MAX_BITRATE) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "invalid bitrate %d kbit/s (must be 1..%d)", s->bitrate, ENCODER_MAX_BITRATE);
        return FALSE;
    }
    if (s->gop > ENCODER_MAX_GOP) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "invalid GOP %d frames (must be 1..%d)", s->gop, ENCODER_MAX_GOP);
        return FALSE;
    }
    return TRUE;
}

/* Creates "jpeg" or "auto"; quality <= 0 means the default. */
LcEncoder *encoder_new(const char *name, gint quality, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (quality <= 0)
        quality = ENCODER_DEFAULT_QUALITY;
    if (quality > 100) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "invalid encoder quality %d (must be 1..100)", quality);
        return NULL;
    }
    if (!encoder_check_name(name, error))
        return NULL;
    if (name == NULL || g_strcmp0(name, "auto") == 0)
        return encoder_new_auto(quality, error);
    if (g_strcmp0(name, "jpeg") != 0 && g_strcmp0(name, "turbojpeg") != 0) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "encoder_new() makes JPEG encoders; \"%s\" is chosen through "
                    "encoder_list_select()",
                    name);
        return NULL;
    }
    return encoder_jpeg_new(quality, error);
}

/* Asks the back-end for a keyframe next. */
void encoder_request_keyframe(LcEncoder *encoder)
{
    g_return_if_fail(encoder != NULL);
    if (encoder->ops->request_keyframe != NULL)
        encoder->ops->request_keyframe(encoder);
}

/* The codec the encoder makes. */
LcCodec encoder_get_codec(LcEncoder *encoder)
{
    g_return_val_if_fail(encoder != NULL, LC_CODEC_JPEG);
    return encoder->ops->codec;
}

/* Checks that a frame has planes and a size before a back-end sees it. */
static gboolean encoder_check_frame(const LcRawFrame *frame, GError **error)
{
    if (frame->width <= 0 || frame->height <= 0 || frame->planes[0] == NULL ||
        frame->planes[1] == NULL || frame->planes[2] == NULL) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "cannot encode frame %" G_GUINT64_FORMAT ": it has no picture (%dx%d)",
                    frame->seq, frame->width, frame->height);
        return FALSE;
    }
    return TRUE;
}

/* Encodes one frame; copies seq and capture time and records how long encoding took. */
LcFrame *encoder_encode(LcEncoder *encoder, const LcRawFrame *frame, GError **error)
{
    g_return_val_if_fail(encoder != NULL && frame != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!encoder_check_frame(frame, error))
        return NULL;

    gint64 start = g_get_monotonic_time();
    LcFrame *encoded = encoder->ops->encode(encoder, frame, error);
    if (encoded == NULL)
        return NULL;
    encoded->encode_time_us = g_get_monotonic_time() - start;
    /* An H.264 frame refers to the one encoded before it, so its seq counts
     * encoded frames: a gap on the way to a viewer is then a lost reference,
     * never a raw frame the encode queue dropped. */
    encoded->meta.seq = encoder->ops->codec == LC_CODEC_H264 ? ++encoder->encoded : frame->seq;
    encoded->meta.capture_us = frame->capture_time_us;
    return encoded;
}

/* The back-end's name, e.g. "jpeg". */
const char *encoder_get_name(LcEncoder *encoder)
{
    g_return_val_if_fail(encoder != NULL, NULL);
    return encoder->ops->name;
}

/* Frees the encoder. NULL is ignored. */
void encoder_free(LcEncoder *encoder)
{
    if (encoder == NULL)
        return;
    encoder->ops->free(encoder);
}
