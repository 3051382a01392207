/* H.264 decoding through GStreamer (avdec_h264 or openh264dec), one access
 * unit at a time, into I420. Used by media/decoder.c, which decides which
 * frames may be decoded. No sockets here. */
#pragma once

#include <glib.h>

#include "media/decoder.h"

G_BEGIN_DECLS

typedef struct LcDecoderH264 LcDecoderH264;

/* Starts a decoder; fails with the reason where no H.264 decoder element
 * is installed. Use it from one thread at a time. */
LcDecoderH264 *decoder_h264_new(GError **error);
/* Decodes one access unit (Annex B) into a new picture; a damaged unit, or
 * one the decoder drops, is an error (DECODER_ERROR_CORRUPT). */
LcRawFrame *decoder_h264_decode(LcDecoderH264 *decoder, const guint8 *data, gsize size,
                                GError **error);
/* Stops and frees the decoder. NULL is ignored. */
void decoder_h264_free(LcDecoderH264 *decoder);

G_END_DECLS
