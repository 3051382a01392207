/* One interface for video encoders. The CPU back-end is TurboJPEG; GPU
 * back-ends (NVENC through GStreamer's nvcodec plugin, CUDA) plug in by
 * filling an LcEncoderOps table. No sockets here. */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

#define ENCODER_DEFAULT_QUALITY 80

#define ENCODER_ERROR (encoder_error_quark())

typedef enum {
    ENCODER_ERROR_INVALID_ARGUMENT, /* unknown name, bad quality, malformed frame */
    ENCODER_ERROR_UNAVAILABLE,      /* the back-end cannot run on this machine */
    ENCODER_ERROR_FAILED,           /* the library refused to encode */
} EncoderError;

typedef struct LcEncoder LcEncoder;

/* What a back-end provides. encode() need not fill seq or the times: encoder_encode() does. */
typedef struct {
    const char *name;
    LcCodec codec;
    LcFrame *(*encode)(LcEncoder *encoder, const LcRawFrame *frame, GError **error);
    void (*free)(LcEncoder *encoder);
} LcEncoderOps;

/*
 * The part every back-end embeds as its first member. An encoder is used by
 * one thread at a time (the library handles inside are not thread-safe).
 */
struct LcEncoder {
    const LcEncoderOps *ops;
    gint quality; /* 1..100 */
};

GQuark encoder_error_quark(void);

/* Creates "jpeg" or "auto" (GPU when usable, else jpeg); quality <= 0 means the default. */
LcEncoder *encoder_new(const char *name, gint quality, GError **error);
/* Whether name (NULL: "auto") names an encoder; FALSE with an error saying
 * which are known. */
gboolean encoder_check_name(const char *name, GError **error);
/* Encodes one frame; copies seq and capture time and records how long encoding took. */
LcFrame *encoder_encode(LcEncoder *encoder, const LcRawFrame *frame, GError **error);
/* The back-end's name, e.g. "jpeg". */
const char *encoder_get_name(LcEncoder *encoder);
/* Frees the encoder. NULL is ignored. */
void encoder_free(LcEncoder *encoder);
/* Whether a GPU encoder element is usable; if not, appends the reason to why (may be NULL). */
gboolean encoder_probe_gpu(GString *why);

/* Back-end constructor: TurboJPEG, 4:2:0, straight from the I420 planes. */
LcEncoder *encoder_jpeg_new(gint quality, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcEncoder, encoder_free)

G_END_DECLS
