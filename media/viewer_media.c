/*
 * Viewer media glue. A decoder thread takes received frames from a bounded
 * queue (oldest dropped when full) and posts results to a second queue; one
 * GSource on the main context, woken with g_source_set_ready_time() (which
 * is thread-safe), hands them out one per dispatch. The display is touched
 * only on the main context, as media/display.h requires.
 */
#include "media/viewer_media.h"

#include "media/decoder.h"
#include "media/display.h"

/* A received frame waiting for the decoder. */
typedef struct {
    guint channel;
    guint64 seq;
    gint64 capture_time_us;
    GBytes *data;
} ViewerJob;

/* A decoder result waiting for the main context. */
typedef struct {
    LcViewerFrame info;
    LcRawFrame *raw; /* NULL when decoding failed */
    GError *error;
} ViewerResult;

struct LcViewerMedia {
    LcDecoder *decoder; /* used only by the thread */
    LcDisplay *display; /* used only on the context */
    GMainContext *context;
    GSource *deliver_source;
    GThread *thread;
    LcViewerMediaFunc func;
    gpointer user_data;
    gboolean shown_any; /* context only: whether last_shown_seq is valid */
    guint64 last_shown_seq;
    gboolean display_failed_logged;

    /* The lock protects everything below; cond signals a new job or stopping. */
    GMutex lock;
    GCond cond;
    GQueue jobs;    /* ViewerJob *, oldest first */
    GQueue results; /* ViewerResult *, oldest first */
    gboolean stopping;
    LcViewerMediaStats stats;
};

/* Frees a job and its reference on the frame data. */
static void viewer_job_free(gpointer data)
{
    ViewerJob *job = data;

    g_bytes_unref(job->data);
    g_free(job);
}

/* Frees a result and what it still holds. */
static void viewer_result_free(gpointer data)
{
    ViewerResult *result = data;

    raw_frame_free(result->raw);
    g_clear_error(&result->error);
    g_free(result);
}

/* Thread: decodes one job into a result. */
static ViewerResult *viewer_decode_job(LcDecoder *decoder, const ViewerJob *job)
{
    ViewerResult *result = g_new0(ViewerResult, 1);
    LcEncodedFrame frame = {
        .data = job->data,
        .codec = LC_CODEC_JPEG,
        .seq = job->seq,
        .capture_time_us = job->capture_time_us,
    };
    gint64 decode_time_us = 0;

    result->info = (LcViewerFrame){
        .channel = job->channel,
        .seq = job->seq,
        .bytes = g_bytes_get_size(job->data),
        .capture_time_us = job->capture_time_us,
    };
    result->raw = decoder_decode(decoder, &frame, &decode_time_us, &result->error);
    if (result->raw != NULL) {
        result->info.decoded_us = g_get_real_time();
        result->info.decode_time_us = decode_time_us;
        result->info.width = result->raw->width;
        result->info.height = result->raw->height;
    }
    return result;
}

/* Thread: waits for the oldest job; NULL once stopping. */
static ViewerJob *viewer_wait_job(LcViewerMedia *viewer)
{
    ViewerJob *job = NULL;

    g_mutex_lock(&viewer->lock);
    while (!viewer->stopping && g_queue_is_empty(&viewer->jobs))
        g_cond_wait(&viewer->cond, &viewer->lock);
    if (!viewer->stopping)
        job = g_queue_pop_head(&viewer->jobs);
    g_mutex_unlock(&viewer->lock);
    return job;
}

/* Thread: counts a result, queues it and wakes the context. */
static void viewer_post_result(LcViewerMedia *viewer, ViewerResult *result)
{
    g_mutex_lock(&viewer->lock);
    if (result->raw != NULL)
        viewer->stats.frames_decoded++;
    else
        viewer->stats.frames_corrupt++;
    g_queue_push_tail(&viewer->results, result);
    g_mutex_unlock(&viewer->lock);
    g_source_set_ready_time(viewer->deliver_source, 0);
}

/* Thread body: decode until told to stop. */
static gpointer viewer_run(gpointer data)
{
    LcViewerMedia *viewer = data;
    ViewerJob *job;

    while ((job = viewer_wait_job(viewer)) != NULL) {
        ViewerResult *result = viewer_decode_job(viewer->decoder, job);
        viewer_job_free(job);
        viewer_post_result(viewer, result);
    }
    return NULL;
}

/* Context: shows a decoded frame if it is newer than every frame shown so far. */
static void viewer_show(LcViewerMedia *viewer, ViewerResult *result)
{
    g_autoptr(GError) error = NULL;

    if (viewer->shown_any && result->info.seq <= viewer->last_shown_seq) {
        g_mutex_lock(&viewer->lock);
        viewer->stats.frames_stale++;
        g_mutex_unlock(&viewer->lock);
        return;
    }
    viewer->shown_any = TRUE;
    viewer->last_shown_seq = result->info.seq;
    result->info.shown = TRUE;
    if (!display_push(viewer->display, result->raw, &error) && !viewer->display_failed_logged) {
        g_warning("viewer: %s", error->message);
        viewer->display_failed_logged = TRUE;
    }
    g_mutex_lock(&viewer->lock);
    viewer->stats.frames_shown++;
    g_mutex_unlock(&viewer->lock);
}

/* Context: takes the oldest result, re-arming the source while more remain. */
static ViewerResult *viewer_pop_result(LcViewerMedia *viewer)
{
    g_mutex_lock(&viewer->lock);
    ViewerResult *result = g_queue_pop_head(&viewer->results);
    if (!g_queue_is_empty(&viewer->results))
        g_source_set_ready_time(viewer->deliver_source, 0);
    g_mutex_unlock(&viewer->lock);
    return result;
}

/*
 * Context: hands one result to the callback. The result is taken apart
 * before the callback, which runs last, so the callback may free the viewer.
 */
static gboolean viewer_deliver(gpointer data)
{
    LcViewerMedia *viewer = data;

    g_source_set_ready_time(viewer->deliver_source, -1);
    ViewerResult *result = viewer_pop_result(viewer);
    if (result == NULL)
        return G_SOURCE_CONTINUE;
    if (result->raw != NULL)
        viewer_show(viewer, result);

    LcViewerFrame info = result->info;
    g_autoptr(GError) error = g_steal_pointer(&result->error);
    LcViewerMediaFunc func = viewer->func;
    gpointer user_data = viewer->user_data;
    viewer_result_free(result);
    if (func != NULL)
        func(viewer, &info, error, user_data);
    return G_SOURCE_CONTINUE;
}

/* Dispatches the delivery source: it has no prepare or check, only a ready time. */
static gboolean viewer_source_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    return callback(data);
}

static GSourceFuncs viewer_source_funcs = {
    .dispatch = viewer_source_dispatch,
};

/* Attaches the (idle until woken) delivery source to the thread-default context. */
static void viewer_attach_source(LcViewerMedia *viewer)
{
    viewer->context = g_main_context_ref_thread_default();
    viewer->deliver_source = g_source_new(&viewer_source_funcs, sizeof(GSource));
    g_source_set_static_name(viewer->deliver_source, "lanconf viewer decoded frame");
    g_source_set_callback(viewer->deliver_source, viewer_deliver, viewer, NULL);
    g_source_set_ready_time(viewer->deliver_source, -1);
    g_source_attach(viewer->deliver_source, viewer->context);
}

/* Creates the decoder thread and the display. */
LcViewerMedia *viewer_media_new(gboolean headless, LcViewerMediaFunc func, gpointer user_data,
                                GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    g_autoptr(LcViewerMedia) viewer = g_new0(LcViewerMedia, 1);
    g_mutex_init(&viewer->lock);
    g_cond_init(&viewer->cond);
    g_queue_init(&viewer->jobs);
    g_queue_init(&viewer->results);
    viewer->func = func;
    viewer->user_data = user_data;
    viewer_attach_source(viewer);

    viewer->decoder = decoder_new(error);
    if (viewer->decoder == NULL)
        return NULL;
    viewer->display = display_new(headless, error);
    if (viewer->display == NULL)
        return NULL;
    viewer->thread = g_thread_try_new("lc-decode", viewer_run, viewer, error);
    if (viewer->thread == NULL) {
        g_prefix_error(error, "cannot start the decoder thread: ");
        return NULL;
    }
    return g_steal_pointer(&viewer);
}

/* Queues a received frame for decoding, dropping the oldest waiting ones beyond the bound. */
void viewer_media_push(LcViewerMedia *viewer, guint channel, guint64 seq, gint64 capture_time_us,
                       GBytes *jpeg)
{
    g_return_if_fail(viewer != NULL && jpeg != NULL);

    ViewerJob *job = g_new(ViewerJob, 1);
    *job = (ViewerJob){channel, seq, capture_time_us, g_bytes_ref(jpeg)};

    GQueue dropped = G_QUEUE_INIT;
    g_mutex_lock(&viewer->lock);
    viewer->stats.frames_pushed++;
    while (g_queue_get_length(&viewer->jobs) >= VIEWER_MEDIA_MAX_PENDING) {
        g_queue_push_tail(&dropped, g_queue_pop_head(&viewer->jobs));
        viewer->stats.frames_dropped++;
    }
    g_queue_push_tail(&viewer->jobs, job);
    g_cond_signal(&viewer->cond);
    g_mutex_unlock(&viewer->lock);
    g_queue_clear_full(&dropped, viewer_job_free);
}

/* Copies the counters. */
void viewer_media_get_stats(LcViewerMedia *viewer, LcViewerMediaStats *stats)
{
    g_return_if_fail(viewer != NULL && stats != NULL);

    g_mutex_lock(&viewer->lock);
    *stats = viewer->stats;
    g_mutex_unlock(&viewer->lock);
}

/* Whether frames are only counted, not shown in a window. */
gboolean viewer_media_is_headless(LcViewerMedia *viewer)
{
    g_return_val_if_fail(viewer != NULL, TRUE);
    return display_is_headless(viewer->display);
}

/* One line on the display mode. */
const char *viewer_media_get_display_description(LcViewerMedia *viewer)
{
    g_return_val_if_fail(viewer != NULL, NULL);
    return display_get_description(viewer->display);
}

/* Stops the thread and frees everything; undelivered results are dropped. */
void viewer_media_free(LcViewerMedia *viewer)
{
    if (viewer == NULL)
        return;

    g_mutex_lock(&viewer->lock);
    viewer->stopping = TRUE;
    g_cond_signal(&viewer->cond);
    g_mutex_unlock(&viewer->lock);
    if (viewer->thread != NULL)
        g_thread_join(viewer->thread);

    /* The thread is gone: nothing else touches the queues or wakes the source now. */
    g_source_destroy(viewer->deliver_source);
    g_source_unref(viewer->deliver_source);
    g_main_context_unref(viewer->context);
    g_queue_clear_full(&viewer->jobs, viewer_job_free);
    g_queue_clear_full(&viewer->results, viewer_result_free);
    decoder_free(viewer->decoder);
    display_free(viewer->display);
    g_mutex_clear(&viewer->lock);
    g_cond_clear(&viewer->cond);
    g_free(viewer);
}
