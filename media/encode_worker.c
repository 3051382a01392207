/* A worker thread between capture and the network: raw frames in (bounded,
 * oldest dropped), encoded frames out on a GMainContext. */
#include "media/encode_worker.h"

struct LcEncodeWorker {
    LcEncoder *encoder; /* used only by the worker thread */
    GMainContext *context;
    LcEncodeWorkerFunc func;
    gpointer user_data;
    guint max_pending;
    GThread *thread;

    /* The lock protects everything below; cond signals new frames or stopping. */
    GMutex lock;
    GCond cond;
    GQueue pending;         /* LcRawFrame *, oldest first */
    GHashTable *deliveries; /* GSource * attached to context, not yet dispatched */
    gboolean stopping;
    LcEncodeWorkerStats stats;
};

/* One result on its way to the context. */
typedef struct {
    LcEncodeWorker *worker;
    GSource *source;
    LcEncodedFrame *frame;
    GError *error;
} EncodeWorkerDelivery;

/* The error domain of this module. */
GQuark encode_worker_error_quark(void)
{
    return g_quark_from_static_string("lanconf-encode-worker-error-quark");
}

/* Frees a delivery and whatever it still carries. */
static void encode_worker_delivery_free(gpointer data)
{
    EncodeWorkerDelivery *delivery = data;

    encoded_frame_free(delivery->frame);
    g_clear_error(&delivery->error);
    g_free(delivery);
}

/*
 * Context thread: hands one result to the callback. The delivery leaves the
 * table before the callback runs, and nothing touches the worker after it, so
 * the callback may free the worker.
 */
static gboolean encode_worker_deliver(gpointer data)
{
    EncodeWorkerDelivery *delivery = data;
    LcEncodeWorker *worker = delivery->worker;

    g_mutex_lock(&worker->lock);
    g_hash_table_remove(worker->deliveries, delivery->source);
    if (delivery->frame != NULL)
        worker->stats.frames_delivered++;
    g_mutex_unlock(&worker->lock);

    worker->func(g_steal_pointer(&delivery->frame), delivery->error, worker->user_data);
    return G_SOURCE_REMOVE;
}

/* Worker thread: counts a result and schedules its delivery, unless stopping. */
static void encode_worker_post(LcEncodeWorker *worker, LcEncodedFrame *frame, GError *error)
{
    EncodeWorkerDelivery *delivery = g_new0(EncodeWorkerDelivery, 1);

    delivery->worker = worker;
    delivery->frame = frame;
    delivery->error = error;

    g_mutex_lock(&worker->lock);
    if (frame != NULL) {
        worker->stats.frames_encoded++;
        worker->stats.last_encode_time_us = frame->encode_time_us;
    } else {
        worker->stats.frames_failed++;
    }
    if (worker->stopping) {
        g_mutex_unlock(&worker->lock);
        encode_worker_delivery_free(delivery);
        return;
    }
    delivery->source = g_idle_source_new();
    g_source_set_priority(delivery->source, G_PRIORITY_DEFAULT);
    g_source_set_static_name(delivery->source, "lanconf encoded frame");
    g_source_set_callback(delivery->source, encode_worker_deliver, delivery,
                          encode_worker_delivery_free);
    g_hash_table_add(worker->deliveries, delivery->source);
    g_source_attach(delivery->source, worker->context);
    g_mutex_unlock(&worker->lock);
}

/* Worker thread: waits for the oldest pending frame; NULL once stopping. */
static LcRawFrame *encode_worker_wait_frame(LcEncodeWorker *worker)
{
    LcRawFrame *frame = NULL;

    g_mutex_lock(&worker->lock);
    while (!worker->stopping && g_queue_is_empty(&worker->pending))
        g_cond_wait(&worker->cond, &worker->lock);
    if (!worker->stopping)
        frame = g_queue_pop_head(&worker->pending);
    g_mutex_unlock(&worker->lock);
    return frame;
}

/* Worker thread body: encode frames until told to stop. */
static gpointer encode_worker_run(gpointer data)
{
    LcEncodeWorker *worker = data;
    LcRawFrame *raw;

    while ((raw = encode_worker_wait_frame(worker)) != NULL) {
        GError *error = NULL;
        LcEncodedFrame *encoded = encoder_encode(worker->encoder, raw, &error);
        raw_frame_free(raw);
        encode_worker_post(worker, encoded, error);
    }
    return NULL;
}

/* Starts a worker that owns encoder; results go to func on context. */
LcEncodeWorker *encode_worker_new(LcEncoder *encoder, guint max_pending, GMainContext *context,
                                  LcEncodeWorkerFunc func, gpointer user_data, GError **error)
{
    g_return_val_if_fail(encoder != NULL && func != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    LcEncodeWorker *worker = g_new0(LcEncodeWorker, 1);
    worker->encoder = encoder;
    worker->context = g_main_context_ref(context ? context : g_main_context_default());
    worker->func = func;
    worker->user_data = user_data;
    worker->max_pending = max_pending > 0 ? max_pending : ENCODE_WORKER_DEFAULT_MAX_PENDING;
    g_mutex_init(&worker->lock);
    g_cond_init(&worker->cond);
    g_queue_init(&worker->pending);
    worker->deliveries =
        g_hash_table_new_full(g_direct_hash, g_direct_equal, (GDestroyNotify)g_source_unref, NULL);

    g_autoptr(GError) thread_error = NULL;
    worker->thread = g_thread_try_new("lc-encode", encode_worker_run, worker, &thread_error);
    if (worker->thread == NULL) {
        g_set_error(error, ENCODE_WORKER_ERROR, ENCODE_WORKER_ERROR_THREAD,
                    "cannot start the encoder thread: %s", thread_error->message);
        encode_worker_free(worker);
        return NULL;
    }
    return worker;
}

/* Queues a frame for encoding, dropping the oldest waiting ones beyond the bound. */
void encode_worker_push(LcEncodeWorker *worker, LcRawFrame *frame)
{
    GQueue dropped = G_QUEUE_INIT;

    g_return_if_fail(worker != NULL && frame != NULL);

    g_mutex_lock(&worker->lock);
    worker->stats.frames_pushed++;
    while (g_queue_get_length(&worker->pending) >= worker->max_pending) {
        g_queue_push_tail(&dropped, g_queue_pop_head(&worker->pending));
        worker->stats.frames_dropped++;
    }
    g_queue_push_tail(&worker->pending, frame);
    g_cond_signal(&worker->cond);
    g_mutex_unlock(&worker->lock);

    /* Freeing a captured frame releases GStreamer memory; do it outside the lock. */
    g_queue_clear_full(&dropped, (GDestroyNotify)raw_frame_free);
}

/* Copies the counters. */
void encode_worker_get_stats(LcEncodeWorker *worker, LcEncodeWorkerStats *stats)
{
    g_return_if_fail(worker != NULL && stats != NULL);

    g_mutex_lock(&worker->lock);
    *stats = worker->stats;
    g_mutex_unlock(&worker->lock);
}

/* Destroys every delivery not yet dispatched; their frames are freed unseen. */
static void encode_worker_cancel_deliveries(LcEncodeWorker *worker)
{
    GHashTableIter iter;
    gpointer source;

    g_hash_table_iter_init(&iter, worker->deliveries);
    while (g_hash_table_iter_next(&iter, &source, NULL))
        g_source_destroy(source);
    g_hash_table_remove_all(worker->deliveries);
}

/* Stops and joins the thread, then drops queued and undelivered frames. */
void encode_worker_free(LcEncodeWorker *worker)
{
    if (worker == NULL)
        return;

    g_mutex_lock(&worker->lock);
    worker->stopping = TRUE;
    g_cond_signal(&worker->cond);
    g_mutex_unlock(&worker->lock);
    if (worker->thread != NULL)
        g_thread_join(worker->thread);

    /* The thread is gone, so nothing else touches the queue or the table now. */
    encode_worker_cancel_deliveries(worker);
    g_queue_clear_full(&worker->pending, (GDestroyNotify)raw_frame_free);
    g_hash_table_unref(worker->deliveries);
    encoder_free(worker->encoder);
    g_main_context_unref(worker->context);
    g_mutex_clear(&worker->lock);
    g_cond_clear(&worker->cond);
    g_free(worker);
}
