/* One interface for video encoders. Back-ends fill an LcEncoderOps table:
 * TurboJPEG (encoder_jpeg.c), and H.264 through GStreamer's x264, OpenH264
 * and NVENC elements (encoder_h264.c). media/encoder_list.h says which
 * exist on this machine and picks one. No sockets here. */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

#define ENCODER_DEFAULT_QUALITY     80
#define ENCODER_DEFAULT_BITRATE     2000 /* H.264, kbit/s */
#define ENCODER_DEFAULT_GOP         60   /* H.264: frames from one keyframe to the next */
#define ENCODER_DEFAULT_FPS         30
#define ENCODER_MAX_BITRATE         100000
#define ENCODER_MAX_GOP             1000
#define ENCODER_NVENC_MAX_DIMENSION 4096

#define ENCODER_ERROR (encoder_error_quark())

typedef enum {
    ENCODER_ERROR_INVALID_ARGUMENT, /* unknown name, bad quality, malformed frame */
    ENCODER_ERROR_UNAVAILABLE,      /* the back-end cannot run on this machine */
    ENCODER_ERROR_FAILED,           /* the library refused to encode */
} EncoderError;

typedef struct LcEncoder LcEncoder;

/* How to encode; a field <= 0 means its default. */
typedef struct {
    gint quality; /* JPEG, 1..100 */
    gint bitrate; /* H.264, kbit/s */
    gint gop;     /* H.264: frames from one keyframe to the next */
    gint fps;     /* the source's frame rate, for H.264's rate control */
} LcEncoderSettings;

/* What a back-end provides. encode() need not fill seq or the times:
 * encoder_encode() does. request_keyframe may be NULL (every frame is one). */
typedef struct {
    const char *name;
    LcCodec codec;
    LcFrame *(*encode)(LcEncoder *encoder, const LcRawFrame *frame, GError **error);
    void (*request_keyframe)(LcEncoder *encoder);
    void (*free)(LcEncoder *encoder);
} LcEncoderOps;

/*
 * The part every back-end embeds as its first member. An encoder is used by
 * one thread at a time (the library handles inside are not thread-safe).
 */
struct LcEncoder {
    const LcEncoderOps *ops;
    gint quality;    /* 1..100 */
    guint64 encoded; /* frames out so far */
};

GQuark encoder_error_quark(void);

/* Creates a TurboJPEG encoder: "jpeg", "turbojpeg" or "auto"; quality <= 0
 * means the default. For H.264, and for the
 * choice explained, see encoder_list_select(). */
LcEncoder *encoder_new(const char *name, gint quality, GError **error);
/* Fills the defaults into settings' fields that are <= 0; FALSE with an
 * error for a value out of range. */
gboolean encoder_settings_resolve(LcEncoderSettings *settings, GError **error);
/* The next frame is to be a keyframe (an H.264 IDR); for JPEG every frame
 * is one. Same thread as encoder_encode(). */
void encoder_request_keyframe(LcEncoder *encoder);
/* The codec the encoder makes. */
LcCodec encoder_get_codec(LcEncoder *encoder);
/* Whether name (NULL: "auto") names an encoder; FALSE with an error saying
 * which are known. */
gboolean encoder_check_name(const char *name, GError **error);
/* Encodes one frame; copies capture time and records how long encoding
 * took. A JPEG frame keeps the raw frame's seq; H.264 frames are numbered
 * 1, 2, 3... as they come out, so that a gap means a lost reference. */
LcFrame *encoder_encode(LcEncoder *encoder, const LcRawFrame *frame, GError **error);
/* The back-end's name, e.g. "jpeg". */
const char *encoder_get_name(LcEncoder *encoder);
/* Frees the encoder. NULL is ignored. */
void encoder_free(LcEncoder *encoder);
/* Whether a GPU back-end (nvenc, cuda-jpeg) can run here; if not, appends
 * each one's reason to why (may be NULL). */
gboolean encoder_probe_gpu(GString *why);

/* Back-end constructor: TurboJPEG, 4:2:0, straight from the I420 planes. */
LcEncoder *encoder_jpeg_new(gint quality, GError **error);
#ifdef LANCONF_HAVE_CUDA
/* Back-end constructor: nvJPEG on the first CUDA device (built with
 * -DLANCONF_CUDA=ON only); fails with the reason where none is usable. */
LcEncoder *encoder_cuda_jpeg_new(gint quality, GError **error);
#endif
/* Back-end constructor: H.264 on the GStreamer element "x264enc",
 * "openh264enc" or "nvh264enc" (it must exist); settings resolved. */
LcEncoder *encoder_h264_new(const char *element, const LcEncoderSettings *settings, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcEncoder, encoder_free)

G_END_DECLS
