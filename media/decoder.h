/* Decoding for viewers, into I420 LcRawFrames: JPEG through TurboJPEG,
 * H.264 through GStreamer (media/decoder_h264.h). One decoder follows one
 * stream in order: an H.264 frame whose reference frames did not all arrive
 * is refused (DECODER_ERROR_NEED_KEYFRAME) until the next keyframe. Damaged
 * or hostile input gives a GError, never a crash. No sockets here. */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

/* Pictures larger than this on either side are refused before any allocation. */
#define DECODER_MAX_DIMENSION 8192

#define DECODER_ERROR (decoder_error_quark())

typedef enum {
    DECODER_ERROR_UNAVAILABLE,   /* the library could not be initialised */
    DECODER_ERROR_UNSUPPORTED,   /* a codec or chroma layout this decoder does not handle */
    DECODER_ERROR_CORRUPT,       /* not a JPEG, truncated, or damaged */
    DECODER_ERROR_NEED_KEYFRAME, /* H.264: a frame it refers to was lost; wait for a keyframe */
} DecoderError;

typedef struct LcDecoder LcDecoder;

GQuark decoder_error_quark(void);

/* Creates a decoder with one reusable TurboJPEG handle (and an H.264
 * decoder at the first H.264 frame); use it from one thread at a time. */
LcDecoder *decoder_new(GError **error);
/* Decodes a frame into I420; seq and capture time are copied; decode_time_us
 * may be NULL. Frames of one stream come in seq order; a gap in H.264 seqs
 * is a lost reference. */
LcRawFrame *decoder_decode(LcDecoder *decoder, const LcFrame *frame, gint64 *decode_time_us,
                           GError **error);
/* Whether the decoder waits for an H.264 keyframe: a reference was lost
 * (or none came yet). */
gboolean decoder_wants_keyframe(LcDecoder *decoder);
/* Frees the decoder. NULL is ignored. */
void decoder_free(LcDecoder *decoder);
/* Loads what decoding codec takes (for H.264 the GStreamer plugins, some
 * 150 ms the first time in a process), so that a measured run's first
 * frame does not pay for it. Once per process; errors are left for the
 * decoder to report. */
void decoder_warm_up(LcCodec codec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcDecoder, decoder_free)

G_END_DECLS
