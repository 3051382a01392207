/* Encoding off the event loop: a worker thread takes raw frames, encodes them
 * and hands the results to a GMainContext. Bounded: when the encoder falls
 * behind, the oldest waiting raw frame is dropped and counted. */
#pragma once

#include <glib.h>

#include "media/encoder.h"
#include "media/frame.h"

G_BEGIN_DECLS

/* Raw frames allowed to wait for the encoder by default. */
#define ENCODE_WORKER_DEFAULT_MAX_PENDING 2

#define ENCODE_WORKER_ERROR (encode_worker_error_quark())

typedef enum {
    ENCODE_WORKER_ERROR_THREAD, /* the worker thread could not be started */
} EncodeWorkerError;

/* Counters since the worker was created. */
typedef struct {
    guint64 frames_pushed;    /* handed to encode_worker_push() */
    guint64 frames_dropped;   /* oldest waiting frames discarded because the queue was full */
    guint64 frames_encoded;   /* encoded successfully by the worker thread */
    guint64 frames_failed;    /* the encoder returned an error */
    guint64 frames_delivered; /* handed to the callback on the context */
    gint64 last_encode_time_us;
} LcEncodeWorkerStats;

typedef struct LcEncodeWorker LcEncodeWorker;

/*
 * Receives exactly one of frame (transfer full: free it with
 * frame_unref()) or error (an encode failure; the worker goes on).
 * Runs on the GMainContext given to encode_worker_new().
 */
typedef void (*LcEncodeWorkerFunc)(LcFrame *frame, const GError *error, gpointer user_data);

GQuark encode_worker_error_quark(void);

/*
 * Starts a worker that owns encoder (transfer full, even on failure). Results
 * go to func on context (NULL: the global default context). max_pending 0
 * means ENCODE_WORKER_DEFAULT_MAX_PENDING.
 */
LcEncodeWorker *encode_worker_new(LcEncoder *encoder, guint max_pending, GMainContext *context,
                                  LcEncodeWorkerFunc func, gpointer user_data, GError **error);
/* Queues a frame (transfer full) for encoding; never blocks. Callable from any thread. */
void encode_worker_push(LcEncodeWorker *worker, LcRawFrame *frame);
/* The next frame encoded is to be a keyframe. Callable from any thread. */
void encode_worker_request_keyframe(LcEncodeWorker *worker);
/* Copies the counters. Callable from any thread. */
void encode_worker_get_stats(LcEncodeWorker *worker, LcEncodeWorkerStats *stats);
/*
 * Stops and joins the thread; frames still queued or undelivered are dropped
 * without a callback. Call on the thread that runs the context (it may be
 * called from inside the callback). NULL is ignored.
 */
void encode_worker_free(LcEncodeWorker *worker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcEncodeWorker, encode_worker_free)

G_END_DECLS
