/* JPEG decoding with one reusable TurboJPEG handle, into tightly packed I420. */
#include "media/decoder.h"

#include "media/decoder_h264.h"

#include <turbojpeg.h>

/*
 * Stop at the first libjpeg warning: a truncated or damaged frame (common on
 * the UDP channel) is reported as corrupt rather than shown half grey. Limit
 * progressive scans so a hostile file cannot make decoding take forever.
 */
#define DECODER_TJ_FLAGS (TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)

struct LcDecoder {
    tjhandle handle;
    LcDecoderH264 *h264; /* made at the first H.264 keyframe */
    gboolean h264_chain; /* every H.264 frame since the last keyframe decoded */
    guint64 h264_last;   /* the seq of the last decoded one */
};

/* The error domain of this module. */
GQuark decoder_error_quark(void)
{
    return g_quark_from_static_string("lanconf-decoder-error-quark");
}

/* Creates a decoder with one reusable TurboJPEG handle. */
LcDecoder *decoder_new(GError **error)
{
    tjhandle handle = tjInitDecompress();

    if (handle == NULL) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_UNAVAILABLE,
                    "cannot create a JPEG decompressor: %s", tjGetErrorStr2(NULL));
        return NULL;
    }
    LcDecoder *decoder = g_new0(LcDecoder, 1);
    decoder->handle = handle;
    return decoder;
}

/* Reads the header and checks the picture is one this decoder can produce as I420. */
static gboolean decoder_read_header(LcDecoder *decoder, const guint8 *data, gsize size, gint *width,
                                    gint *height, GError **error)
{
    int subsamp = -1;
    int colorspace = -1;

    if (tjDecompressHeader3(decoder->handle, data, (unsigned long)size, width, height, &subsamp,
                            &colorspace) != 0) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "not a valid JPEG frame: %s",
                    tjGetErrorStr2(decoder->handle));
        return FALSE;
    }
    if (*width <= 0 || *height <= 0) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT,
                    "incomplete JPEG frame: the header gives no picture size");
        return FALSE;
    }
    if (*width > DECODER_MAX_DIMENSION || *height > DECODER_MAX_DIMENSION) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_UNSUPPORTED,
                    "JPEG frame size %dx%d is out of range (at most %d per side)", *width, *height,
                    DECODER_MAX_DIMENSION);
        return FALSE;
    }
    if (subsamp != TJSAMP_420) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_UNSUPPORTED,
                    "JPEG frame uses chroma subsampling %d; only 4:2:0 is supported", subsamp);
        return FALSE;
    }
    return TRUE;
}

/* Decompresses into a new I420 frame of the header's size. */
static LcRawFrame *decoder_decompress(LcDecoder *decoder, const guint8 *data, gsize size,
                                      gint width, gint height, GError **error)
{
    guint8 *planes[3];
    g_autoptr(LcRawFrame) raw = raw_frame_new_i420(width, height, planes);
    int strides[3] = {raw->strides[0], raw->strides[1], raw->strides[2]};

    if (tjDecompressToYUVPlanes(decoder->handle, data, (unsigned long)size, planes, width, strides,
                                height, DECODER_TJ_FLAGS) != 0) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "damaged JPEG frame: %s",
                    tjGetErrorStr2(decoder->handle));
        return NULL;
    }
    return g_steal_pointer(&raw);
}

/*
 * An H.264 frame decodes only on the chain of frames since its keyframe,
 * each one referring to the one before (the encoders here make no
 * B-frames). So a frame is decoded when it is a keyframe, or the next seq
 * after the last decoded one; otherwise something it refers to was lost and
 * the picture would be wrong: refused until the next keyframe. A damaged
 * frame breaks the chain the same way, and the GStreamer decoder is made
 * again at the next keyframe, whatever state it was left in.
 */
static LcRawFrame *decoder_decode_h264(LcDecoder *decoder, const LcFrame *frame,
                                       gint64 *decode_time_us, GError **error)
{
    gboolean key = (frame->meta.flags & LC_FRAME_FLAG_KEY) != 0;
    if (!key && !(decoder->h264_chain && frame->meta.seq == decoder->h264_last + 1)) {
        decoder->h264_chain = FALSE;
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_NEED_KEYFRAME,
                    "h264 frame %" G_GUINT64_FORMAT " cannot be decoded: a frame it refers to "
                    "was lost; waiting for a keyframe",
                    frame->meta.seq);
        return NULL;
    }
    gsize size = 0;
    const guint8 *data = frame->data ? g_bytes_get_data(frame->data, &size) : NULL;
    if (data == NULL || size == 0) {
        decoder->h264_chain = FALSE;
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "empty h264 frame");
        return NULL;
    }
    gint64 start = g_get_monotonic_time();
    if (decoder->h264 == NULL && (decoder->h264 = decoder_h264_new(error)) == NULL)
        return NULL;
    LcRawFrame *raw = decoder_h264_decode(decoder->h264, data, size, error);
    if (raw == NULL) {
        decoder->h264_chain = FALSE;
        g_clear_pointer(&decoder->h264, decoder_h264_free);
        return NULL;
    }
    decoder->h264_chain = TRUE;
    decoder->h264_last = frame->meta.seq;
    raw->seq = frame->meta.seq;
    raw->capture_time_us = frame->meta.capture_us;
    if (decode_time_us != NULL)
        *decode_time_us = g_get_monotonic_time() - start;
    return raw;
}

/* Whether the decoder waits for an H.264 keyframe. */
gboolean decoder_wants_keyframe(LcDecoder *decoder)
{
    return !decoder->h264_chain;
}

/* Decodes a frame into I420; seq and capture time are copied. */
LcRawFrame *decoder_decode(LcDecoder *decoder, const LcFrame *frame, gint64 *decode_time_us,
                           GError **error)
{
    g_return_val_if_fail(decoder != NULL && frame != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (frame->meta.codec == LC_CODEC_H264)
        return decoder_decode_h264(decoder, frame, decode_time_us, error);
    if (frame->meta.codec != LC_CODEC_JPEG) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_UNSUPPORTED,
                    "cannot decode %s frames, only jpeg and h264",
                    frame_codec_to_string(frame->meta.codec));
        return NULL;
    }

    gsize size = 0;
    const guint8 *data = frame->data ? g_bytes_get_data(frame->data, &size) : NULL;
    gint64 start = g_get_monotonic_time();
    gint width = 0;
    gint height = 0;
    if (data == NULL || size == 0) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "empty JPEG frame");
        return NULL;
    }
    if (!decoder_read_header(decoder, data, size, &width, &height, error))
        return NULL;
    LcRawFrame *raw = decoder_decompress(decoder, data, size, width, height, error);
    if (raw == NULL)
        return NULL;

    raw->seq = frame->meta.seq;
    raw->capture_time_us = frame->meta.capture_us;
    if (decode_time_us != NULL)
        *decode_time_us = g_get_monotonic_time() - start;
    return raw;
}

/* Frees the decoder. NULL is ignored. */
void decoder_free(LcDecoder *decoder)
{
    if (decoder == NULL)
        return;
    tjDestroy(decoder->handle);
    decoder_h264_free(decoder->h264);
    g_free(decoder);
}

/* Makes and drops one H.264 decoder: its plugins stay loaded. */
static gpointer decoder_warm_up_h264(gpointer data)
{
    decoder_h264_free(decoder_h264_new(NULL));
    return NULL;
}

/* Loads the codec's libraries once per process; see the header. */
void decoder_warm_up(LcCodec codec)
{
    static GOnce h264 = G_ONCE_INIT;
    if (codec == LC_CODEC_H264)
        g_once(&h264, decoder_warm_up_h264, NULL);
}
