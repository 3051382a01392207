/* The CPU encoder back-end: TurboJPEG compressing straight from I420 planes,
 * one handle configured up front and reused for every frame. */
#include "media/encoder.h"

#include <turbojpeg.h>

typedef struct {
    LcEncoder parent;
    tjhandle handle;
} EncoderJpeg;

/* Releases a buffer that TurboJPEG allocated (GBytes free function). */
static void encoder_jpeg_free_buffer(gpointer data)
{
    tjFree(data);
}

/* Compresses one I420 frame at the encoder's quality; the bytes are not copied again. */
static LcFrame *encoder_jpeg_encode(LcEncoder *encoder, const LcRawFrame *frame, GError **error)
{
    EncoderJpeg *self = (EncoderJpeg *)encoder;
    const unsigned char *planes[3] = {frame->planes[0], frame->planes[1], frame->planes[2]};
    int strides[3] = {frame->strides[0], frame->strides[1], frame->strides[2]};
    unsigned char *jpeg = NULL;
    unsigned long size = 0;

    /* jpeg == NULL lets TurboJPEG allocate a buffer of the right size; GBytes then owns it. */
    if (tjCompressFromYUVPlanes(self->handle, planes, frame->width, strides, frame->height,
                                TJSAMP_420, &jpeg, &size, encoder->quality, 0) != 0) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_FAILED,
                    "JPEG compression of a %dx%d frame failed: %s", frame->width, frame->height,
                    tjGetErrorStr2(self->handle));
        tjFree(jpeg);
        return NULL;
    }
    g_autoptr(GBytes) bytes =
        g_bytes_new_with_free_func(jpeg, size, encoder_jpeg_free_buffer, jpeg);
    LcFrame *encoded = frame_new(bytes, LC_CODEC_JPEG);
    encoded->width = frame->width;
    encoded->height = frame->height;
    encoded->meta.flags |= LC_FRAME_FLAG_KEY;
    return encoded;
}

/* Destroys the TurboJPEG handle and the encoder. */
static void encoder_jpeg_free(LcEncoder *encoder)
{
    EncoderJpeg *self = (EncoderJpeg *)encoder;

    if (self->handle != NULL)
        tjDestroy(self->handle);
    g_free(self);
}

static const LcEncoderOps encoder_jpeg_ops = {
    .name = "turbojpeg",
    .codec = LC_CODEC_JPEG,
    .encode = encoder_jpeg_encode,
    .request_keyframe = NULL,
    .free = encoder_jpeg_free,
};

/* Creates the TurboJPEG encoder; quality is 1..100. */
LcEncoder *encoder_jpeg_new(gint quality, GError **error)
{
    if (quality < 1 || quality > 100) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "invalid JPEG quality %d (must be 1..100)", quality);
        return NULL;
    }
    tjhandle handle = tjInitCompress();
    if (handle == NULL) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE,
                    "cannot create a JPEG compressor: %s", tjGetErrorStr2(NULL));
        return NULL;
    }
    EncoderJpeg *self = g_new0(EncoderJpeg, 1);
    self->parent.ops = &encoder_jpeg_ops;
    self->parent.quality = quality;
    self->handle = handle;
    return &self->parent;
}
