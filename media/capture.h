/* Video capture through GStreamer: a test pattern, a V4L2 camera or a video
 * file, delivered as I420 LcRawFrames. No sockets here. */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

#define CAPTURE_DEFAULT_SOURCE "test"
#define CAPTURE_DEFAULT_WIDTH  640
#define CAPTURE_DEFAULT_HEIGHT 480
#define CAPTURE_DEFAULT_FPS    30
/* Frames the appsink holds before it drops the oldest. */
#define CAPTURE_APPSINK_MAX_BUFFERS 2

#define CAPTURE_ERROR (capture_error_quark())

typedef enum {
    CAPTURE_ERROR_INVALID_ARGUMENT, /* bad size, rate or empty source */
    CAPTURE_ERROR_OPEN,             /* the file or camera cannot be opened */
    CAPTURE_ERROR_PIPELINE,         /* the pipeline cannot be built or started */
    CAPTURE_ERROR_STREAM,           /* an error while running (decode, device lost) */
    CAPTURE_ERROR_EOS,              /* the source ended (end of a file) */
} CaptureError;

/* Where frames come from, how large and how often. */
typedef struct {
    const char *source; /* "test" (or NULL), "/dev/videoN", or a file path */
    gint width;         /* 0 = CAPTURE_DEFAULT_WIDTH */
    gint height;        /* 0 = CAPTURE_DEFAULT_HEIGHT */
    gint fps;           /* 0 = CAPTURE_DEFAULT_FPS */
} LcCaptureConfig;

/* Counters; all frames since capture_start(). */
typedef struct {
    guint64 frames_captured; /* delivered to the frame callback */
    guint64 frames_dropped;  /* discarded by the appsink because nobody pulled them in time */
} LcCaptureStats;

typedef struct LcCapture LcCapture;

/* Receives one frame (transfer full: free it with raw_frame_free()). */
typedef void (*LcCaptureFrameFunc)(LcCapture *capture, LcRawFrame *frame, gpointer user_data);
/* Receives a runtime error or end of stream (CAPTURE_ERROR_EOS); capture has stopped producing. */
typedef void (*LcCaptureErrorFunc)(LcCapture *capture, const GError *error, gpointer user_data);

GQuark capture_error_quark(void);

/*
 * Builds the pipeline for config. Both callbacks run on the GMainContext that
 * is thread-default when capture_new() is called, never on a GStreamer
 * thread; that context must be iterated (a GMainLoop) for frames to arrive.
 * Either callback may be NULL. Inside a callback it is safe to call
 * capture_stop() or capture_free(). Call the capture_* functions on the thread
 * that runs that context; capture_get_stats() may be called from any thread.
 */
LcCapture *capture_new(const LcCaptureConfig *config, LcCaptureFrameFunc frame_func,
                       LcCaptureErrorFunc error_func, gpointer user_data, GError **error);
/* Starts producing frames (TRUE at once if running); a missing file or camera fails here. */
gboolean capture_start(LcCapture *capture, GError **error);
/* Stops the pipeline; pending frames are discarded. Safe to call twice. */
void capture_stop(LcCapture *capture);
/* Stops and frees. NULL is ignored. */
void capture_free(LcCapture *capture);
/* Copies the counters into stats. */
void capture_get_stats(LcCapture *capture, LcCaptureStats *stats);
/* The gst-launch description of the pipeline, for logs. */
const char *capture_get_description(LcCapture *capture);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcCapture, capture_free)

G_END_DECLS
