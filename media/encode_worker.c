/* A worker thread between capture and the network: raw frames in (bounded,
 * oldest dropped), encoded frames out on a GMainContext (media/worker.c). */
#include "media/encode_worker.h"

#include "media/worker.h"

struct LcEncodeWorker {
    LcEncoder *encoder; /* used only by the worker thread */
    LcEncodeWorkerFunc func;
    gpointer user_data;
    LcWorker *worker;

    /* The lock protects the counters the queue does not keep. */
    GMutex lock;
    gint want_key; /* atomic: ask the encoder for a keyframe before the next frame */
    guint64 frames_encoded;
    guint64 frames_failed;
    guint64 frames_delivered;
    gint64 last_encode_time_us;
};

/* One encoder result: a frame, or the error that replaced it. */
typedef struct {
    LcFrame *frame;
    GError *error;
} EncodeResult;

/* The error domain of this module. */
GQuark encode_worker_error_quark(void)
{
    return g_quark_from_static_string("lanconf-encode-worker-error-quark");
}

/* Frees a result and whatever it still carries. */
static void encode_worker_result_free(gpointer data)
{
    EncodeResult *result = data;

    frame_unref(result->frame);
    g_clear_error(&result->error);
    g_free(result);
}

/* Worker thread: encodes one raw frame and counts the outcome. */
static gpointer encode_worker_run(gpointer job, gpointer data)
{
    LcEncodeWorker *ew = data;
    EncodeResult *result = g_new0(EncodeResult, 1);

    if (g_atomic_int_exchange(&ew->want_key, 0))
        encoder_request_keyframe(ew->encoder);
    result->frame = encoder_encode(ew->encoder, job, &result->error);
    g_mutex_lock(&ew->lock);
    if (result->frame != NULL) {
        ew->frames_encoded++;
        ew->last_encode_time_us = result->frame->encode_time_us;
    } else {
        ew->frames_failed++;
    }
    g_mutex_unlock(&ew->lock);
    return result;
}

/* Context: hands one result to the callback, which may free the worker. */
static void encode_worker_deliver(gpointer data, gpointer user_data)
{
    EncodeResult *result = data;
    LcEncodeWorker *ew = user_data;

    if (result->frame != NULL) {
        g_mutex_lock(&ew->lock);
        ew->frames_delivered++;
        g_mutex_unlock(&ew->lock);
    }
    LcFrame *frame = g_steal_pointer(&result->frame);
    g_autoptr(GError) error = g_steal_pointer(&result->error);
    encode_worker_result_free(result);
    ew->func(frame, error, ew->user_data);
}

/* Starts a worker that owns encoder; results go to func on context. */
LcEncodeWorker *encode_worker_new(LcEncoder *encoder, guint max_pending, GMainContext *context,
                                  LcEncodeWorkerFunc func, gpointer user_data, GError **error)
{
    g_return_val_if_fail(encoder != NULL && func != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    LcEncodeWorker *ew = g_new0(LcEncodeWorker, 1);
    ew->encoder = encoder;
    ew->func = func;
    ew->user_data = user_data;
    g_mutex_init(&ew->lock);
    g_autoptr(GError) thread_error = NULL;
    ew->worker =
        worker_new("lc-encode", max_pending > 0 ? max_pending : ENCODE_WORKER_DEFAULT_MAX_PENDING,
                   context ? context : g_main_context_default(), encode_worker_run,
                   (GDestroyNotify)raw_frame_free, encode_worker_deliver, encode_worker_result_free,
                   ew, &thread_error);
    if (ew->worker == NULL) {
        g_set_error(error, ENCODE_WORKER_ERROR, ENCODE_WORKER_ERROR_THREAD, "%s",
                    thread_error->message);
        encode_worker_free(ew);
        return NULL;
    }
    return ew;
}

/* Queues a frame for encoding, dropping the oldest waiting ones beyond the bound. */
void encode_worker_push(LcEncodeWorker *ew, LcRawFrame *frame)
{
    g_return_if_fail(ew != NULL && frame != NULL);
    worker_push(ew->worker, frame);
}

/* The next frame encoded is to be a keyframe. Callable from any thread. */
void encode_worker_request_keyframe(LcEncodeWorker *ew)
{
    g_atomic_int_set(&ew->want_key, 1);
}

/* Copies the counters. */
void encode_worker_get_stats(LcEncodeWorker *ew, LcEncodeWorkerStats *stats)
{
    g_return_if_fail(ew != NULL && stats != NULL);

    LcWorkerStats queue;
    worker_get_stats(ew->worker, &queue);
    g_mutex_lock(&ew->lock);
    *stats = (LcEncodeWorkerStats){
        .frames_pushed = queue.pushed,
        .frames_dropped = queue.dropped,
        .frames_encoded = ew->frames_encoded,
        .frames_failed = ew->frames_failed,
        .frames_delivered = ew->frames_delivered,
        .last_encode_time_us = ew->last_encode_time_us,
    };
    g_mutex_unlock(&ew->lock);
}

/* Stops and joins the thread, then drops queued and undelivered frames. */
void encode_worker_free(LcEncodeWorker *ew)
{
    if (ew == NULL)
        return;
    worker_free(ew->worker); /* the thread is gone after this: the encoder is free to go */
    encoder_free(ew->encoder);
    g_mutex_clear(&ew->lock);
    g_free(ew);
}
