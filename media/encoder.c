/* The encoder interface: names and settings checked, every encode timed,
 * and whether a GPU back-end runs here (from media/encoder_list.c). */
#include "media/encoder.h"

#include "media/encoder_list.h"

/* The error domain of this module. */
GQuark encoder_error_quark(void)
{
    return g_quark_from_static_string("lanconf-encoder-error-quark");
}

/* Whether a GPU back-end can run here; if not, appends why not, each GPU
 * back-end's reason as media/encoder_list.c finds it. */
gboolean encoder_probe_gpu(GString *why)
{
    g_autoptr(GPtrArray) list = encoder_list_probe();
    for (guint i = 0; i < list->len; i++) {
        const LcEncoderStatus *s = g_ptr_array_index(list, i);
        if (s->gpu && s->available)
            return TRUE;
    }
    for (guint i = 0; why != NULL && i < list->len; i++) {
        const LcEncoderStatus *s = g_ptr_array_index(list, i);
        if (s->gpu)
            g_string_append_printf(why, "%s%s: %s", why->len ? "; " : "", s->name, s->reason);
    }
    return FALSE;
}

/* "auto" here: TurboJPEG, whatever else runs (encoder_list_select()
 * chooses among all the back-ends and says why). */
static LcEncoder *encoder_new_auto(gint quality, GError **error)
{
    g_debug("encoder_new(auto): turbojpeg; encoder_list_select() chooses among back-ends");
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
