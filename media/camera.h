/*
 * The sender's media glue: capture (test pattern, V4L2 camera or file) into
 * the encode worker, encoded frames out to a callback on the main context.
 * Also the user's camera options (--source, --size WxH, --fps, --quality,
 * --encoder): parsing, validation and a GOptionGroup. No sockets here.
 */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

#define CAMERA_DEFAULT_SOURCE  "test"
#define CAMERA_DEFAULT_ENCODER "auto"
#define CAMERA_DEFAULT_WIDTH   640
#define CAMERA_DEFAULT_HEIGHT  480
#define CAMERA_DEFAULT_FPS     30
#define CAMERA_DEFAULT_QUALITY 80
#define CAMERA_MIN_DIMENSION   16
#define CAMERA_MAX_DIMENSION   8192 /* what a viewer's decoder accepts */
#define CAMERA_MAX_FPS         120
#define CAMERA_MAX_CODECS      2 /* jpeg and h264 */
/* Raw frames allowed to wait for the encoder; older ones are dropped and counted. */
#define CAMERA_MAX_PENDING 2

#define CAMERA_ERROR (camera_error_quark())

typedef enum {
    CAMERA_ERROR_INVALID_ARGUMENT, /* a bad size, rate, quality or empty name */
} CameraError;

/* What to capture and how to encode it. Strings are owned (g_free); NULL means the default. */
typedef struct {
    char *source;         /* "test", "/dev/videoN" or a video file */
    gint width;           /* pixels */
    gint height;          /* pixels */
    gint fps;             /* frames per second, 1..CAMERA_MAX_FPS */
    gint quality;         /* JPEG quality, 1..100 */
    gboolean quality_set; /* --quality was given (an error with H.264 alone) */
    char *encoder;        /* "auto", or a back-end: media/encoder_list.h */
    LcCodec codec;        /* 0: the encoder's own (jpeg for "auto") */
    /* --codec as a list ("jpeg,h264"), where the program takes one
     * (allow_codec_list, set before parsing): codec is the first. */
    gboolean allow_codec_list;
    LcCodec codecs[CAMERA_MAX_CODECS];
    guint n_codecs;
    gint bitrate; /* H.264, kbit/s; 0: the default */
    gint gop;     /* H.264: frames from keyframe to keyframe; 0: the default */
} LcCameraOptions;

/* Counters since camera_start(). */
typedef struct {
    guint64 frames_captured;        /* delivered by the capture pipeline */
    guint64 frames_capture_dropped; /* dropped by the capture appsink before we pulled them */
    guint64 frames_encoder_dropped; /* dropped waiting for the encoder (it fell behind) */
    guint64 frames_encoded;         /* handed to the frame callback */
    guint64 frames_failed;          /* the encoder refused them */
    gint64 last_encode_time_us;     /* duration of the latest encode */
} LcCameraStats;

typedef struct LcCamera LcCamera;

/* Receives one encoded frame (transfer full: frame_unref()); seq grows, from 1. */
typedef void (*LcCameraFrameFunc)(LcCamera *camera, LcFrame *frame, gpointer user_data);
/* Receives a capture error, or end of stream (CAPTURE_ERROR_EOS); no more frames will come. */
typedef void (*LcCameraErrorFunc)(LcCamera *camera, const GError *error, gpointer user_data);

GQuark camera_error_quark(void);

/* Fills options with the defaults (strings NULL: CAMERA_DEFAULT_SOURCE, CAMERA_DEFAULT_ENCODER). */
void camera_options_init(LcCameraOptions *options);
/* Copies src into dest (an uninitialised struct), duplicating the strings. */
void camera_options_copy(LcCameraOptions *dest, const LcCameraOptions *src);
/* Frees the strings options owns and resets it to the defaults. */
void camera_options_clear(LcCameraOptions *options);
/* Parses "WIDTHxHEIGHT" (e.g. "640x480"), each side CAMERA_MIN_DIMENSION..CAMERA_MAX_DIMENSION. */
gboolean camera_parse_size(const char *text, gint *width, gint *height, GError **error);
/* Parses a frame rate, 1..CAMERA_MAX_FPS frames per second. */
gboolean camera_parse_fps(const char *text, gint *fps, GError **error);
/* Parses a JPEG quality, 1..100. */
gboolean camera_parse_quality(const char *text, gint *quality, GError **error);
/* Checks every field of options (for values set in code or from a config file). */
gboolean camera_options_validate(const LcCameraOptions *options, GError **error);
/*
 * The one set of camera flags, as a "camera" option group filling options:
 * --source, --size WxH, --fps, --quality, --encoder; it validates the result
 * after parsing (exit status 2 material). source_flag and source_help rename
 * and describe --source (NULL: "source" and the default text; lanconf-cli
 * calls it --camera); both must be static strings. leading (NULL or
 * G_OPTION_ENTRY_NULL-terminated, no callbacks) lists a program's own flags to
 * show first. Add the group to a GOptionContext, or make it the main group;
 * options must outlive it.
 */
GOptionGroup *camera_options_new_group(LcCameraOptions *options, const char *source_flag,
                                       const char *source_help, const GOptionEntry *leading);

/*
 * Builds capture and encoder from options (copied). Callbacks run on the
 * GMainContext that is thread-default now; either may be NULL. Fails for
 * bad options or an unknown encoder; a missing file or camera fails in
 * camera_start(). One info line says which encoder runs and why the GPU
 * encoder does not (for "auto" the encoder logs it; else the camera logs
 * camera_get_encoder_note()).
 */
LcCamera *camera_new(const LcCameraOptions *options, LcCameraFrameFunc frame_func,
                     LcCameraErrorFunc error_func, gpointer user_data, GError **error);
/* Starts capturing (TRUE at once if running); a missing file or camera fails here. Counters
 * restart. */
gboolean camera_start(LcCamera *camera, GError **error);
/* Stops capturing; frames still being encoded may yet arrive. Safe to call twice. */
void camera_stop(LcCamera *camera);
/* Stops and frees; no callback runs afterwards. NULL is ignored. Safe inside a callback. */
void camera_free(LcCamera *camera);
/* Copies the counters. */
void camera_get_stats(LcCamera *camera, LcCameraStats *stats);
/* Asks the encoder for a keyframe next (H.264; JPEG frames all are).
 * Rate limits are the caller's. */
void camera_request_keyframe(LcCamera *camera);
/* The codec the camera's encoder makes. */
LcCodec camera_get_codec(LcCamera *camera);
/* The encoder back-end in use, e.g. "jpeg". */
const char *camera_get_encoder_name(LcCamera *camera);
/* One line on the encoder choice, e.g. "encoder jpeg on the CPU; GPU encoder not used: ...". */
const char *camera_get_encoder_note(LcCamera *camera);
/* The capture pipeline's gst-launch description, for logs. */
const char *camera_get_description(LcCamera *camera);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcCamera, camera_free)

G_END_DECLS
