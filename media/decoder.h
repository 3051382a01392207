/* JPEG decoding for viewers: TurboJPEG into I420 LcRawFrames. Damaged or
 * hostile input gives a GError, never a crash. No sockets here. */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

/* Pictures larger than this on either side are refused before any allocation. */
#define DECODER_MAX_DIMENSION 8192

#define DECODER_ERROR (decoder_error_quark())

typedef enum {
    DECODER_ERROR_UNAVAILABLE, /* the library could not be initialised */
    DECODER_ERROR_UNSUPPORTED, /* a codec or chroma layout this decoder does not handle */
    DECODER_ERROR_CORRUPT,     /* not a JPEG, truncated, or damaged */
} DecoderError;

typedef struct LcDecoder LcDecoder;

GQuark decoder_error_quark(void);

/* Creates a decoder with one reusable TurboJPEG handle; use it from one thread at a time. */
LcDecoder *decoder_new(GError **error);
/* Decodes a JPEG frame into I420; seq and capture time are copied; decode_time_us may be NULL. */
LcRawFrame *decoder_decode(LcDecoder *decoder, const LcFrame *frame, gint64 *decode_time_us,
                           GError **error);
/* Frees the decoder. NULL is ignored. */
void decoder_free(LcDecoder *decoder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcDecoder, decoder_free)

G_END_DECLS
