/*
 * Viewer media glue. A decoder thread (media/worker.c) takes received frames
 * from a bounded queue (oldest dropped when full); its results come back on
 * the main context one per dispatch. The display is touched only on the main
 * context, as media/display.h requires.
 */
#include "media/viewer_media.h"

#include "media/decoder.h"
#include "media/display.h"
#include "media/worker.h"

/* A received frame waiting for the decoder. */
typedef struct {
    guint channel;
    guint64 seq; /* its place in the viewer's order */
    LcFrame *frame;
} ViewerJob;

/* A decoder result waiting for the main context. */
typedef struct {
    LcViewerFrame info;
    LcRawFrame *raw; /* NULL when decoding failed */
    GError *error;
    gboolean h264;
} ViewerResult;

struct LcViewerMedia {
    LcDecoder *decoders[VIEWER_MEDIA_CHANNELS]; /* one per channel; used only by the thread */
    LcDisplay *display;                         /* used only on the context */
    LcWorker *worker;
    LcViewerMediaFunc func;
    gpointer user_data;
    gboolean shown_any; /* context only: whether last_shown_seq is valid */
    guint64 last_shown_seq;
    gboolean display_failed_logged;
    /* Context only: the H.264 queue bound (VIEWER_MEDIA_MAX_PENDING_H264
     * until each channel's decoder showed its first picture). */
    gboolean deep_queue;
    gboolean h264_seen[VIEWER_MEDIA_CHANNELS];
    gboolean h264_started[VIEWER_MEDIA_CHANNELS];
    gboolean h264_steady;
    LcTtyPicture *picture; /* context only: the newest frame shown, for a terminal */
    /* Channels apart (viewer_media_split()): a display and a picture each,
     * each showing the newest frame of its own channel. */
    gboolean split;
    LcDisplay *apart[VIEWER_MEDIA_CHANNELS];
    LcTtyPicture *apart_picture[VIEWER_MEDIA_CHANNELS];
    gboolean apart_any[VIEWER_MEDIA_CHANNELS];
    guint64 apart_last[VIEWER_MEDIA_CHANNELS];

    /* The lock protects the counters the queue does not keep. */
    GMutex lock;
    LcViewerMediaStats stats;
};

/* Frees a job and its reference on the frame. */
static void viewer_job_free(gpointer data)
{
    ViewerJob *job = data;

    frame_unref(job->frame);
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

/* Thread: decodes one job into a result and counts it. */
static gpointer viewer_decode_job(gpointer data, gpointer user_data)
{
    const ViewerJob *job = data;
    LcViewerMedia *viewer = user_data;
    ViewerResult *result = g_new0(ViewerResult, 1);
    const LcFrame *frame = job->frame;
    gint64 decode_time_us = 0;

    result->info = (LcViewerFrame){
        .channel = job->channel,
        .seq = job->seq,
        .bytes = frame_get_size(frame),
        .capture_time_us = frame->meta.capture_us,
    };
    LcDecoder *decoder = viewer->decoders[MIN(job->channel, VIEWER_MEDIA_CHANNELS - 1)];
    result->raw = decoder_decode(decoder, frame, &decode_time_us, &result->error);
    /* Where no H.264 decoder can run, no keyframe would help. */
    result->info.want_keyframe =
        frame->meta.codec == LC_CODEC_H264 && decoder_wants_keyframe(decoder) &&
        !g_error_matches(result->error, DECODER_ERROR, DECODER_ERROR_UNAVAILABLE);
    result->h264 = frame->meta.codec == LC_CODEC_H264;
    if (result->raw != NULL) {
        result->info.decoded_us = g_get_real_time();
        result->info.decode_time_us = decode_time_us;
        result->info.width = result->raw->width;
        result->info.height = result->raw->height;
    }
    g_mutex_lock(&viewer->lock);
    if (result->raw != NULL)
        viewer->stats.frames_decoded++;
    else
        viewer->stats.frames_corrupt++;
    if (g_error_matches(result->error, DECODER_ERROR, DECODER_ERROR_NEED_KEYFRAME))
        viewer->stats.frames_unreferenced++;
    g_mutex_unlock(&viewer->lock);
    return result;
}

/* Context: shows a decoded frame on its own channel's display, if it is
 * newer than every frame that channel showed so far. */
static void viewer_show_apart(LcViewerMedia *viewer, ViewerResult *result)
{
    g_autoptr(GError) error = NULL;
    guint ch = result->info.channel;
    if (ch >= VIEWER_MEDIA_CHANNELS ||
        (viewer->apart_any[ch] && result->info.seq <= viewer->apart_last[ch])) {
        g_mutex_lock(&viewer->lock);
        viewer->stats.frames_stale++;
        g_mutex_unlock(&viewer->lock);
        return;
    }
    viewer->apart_any[ch] = TRUE;
    viewer->apart_last[ch] = result->info.seq;
    result->info.shown = TRUE;
    if (viewer->apart_picture[ch] != NULL)
        tty_picture_set_frame(viewer->apart_picture[ch], result->raw);
    if (!display_push(viewer->apart[ch], result->raw, &error) && !viewer->display_failed_logged) {
        g_warning("viewer: %s", error->message);
        viewer->display_failed_logged = TRUE;
    }
    g_mutex_lock(&viewer->lock);
    viewer->stats.frames_shown++;
    g_mutex_unlock(&viewer->lock);
}

/* Context: shows a decoded frame if it is newer than every frame shown so far. */
static void viewer_show(LcViewerMedia *viewer, ViewerResult *result)
{
    g_autoptr(GError) error = NULL;

    if (viewer->split) {
        viewer_show_apart(viewer, result);
        return;
    }
    if (viewer->shown_any && result->info.seq <= viewer->last_shown_seq) {
        g_mutex_lock(&viewer->lock);
        viewer->stats.frames_stale++;
        g_mutex_unlock(&viewer->lock);
        return;
    }
    viewer->shown_any = TRUE;
    viewer->last_shown_seq = result->info.seq;
    result->info.shown = TRUE;
    if (viewer->picture != NULL)
        tty_picture_set_frame(viewer->picture, result->raw);
    if (!display_push(viewer->display, result->raw, &error) && !viewer->display_failed_logged) {
        g_warning("viewer: %s", error->message);
        viewer->display_failed_logged = TRUE;
    }
    g_mutex_lock(&viewer->lock);
    viewer->stats.frames_shown++;
    g_mutex_unlock(&viewer->lock);
}

/* Context: a channel's H.264 decoder showed its first picture; once every
 * channel bringing H.264 has, the queue is kept short again (a deep one
 * only adds delay once the decoders run). */
static void viewer_media_settle(LcViewerMedia *viewer, guint channel)
{
    viewer->h264_started[MIN(channel, VIEWER_MEDIA_CHANNELS - 1)] = TRUE;
    for (guint ch = 0; ch < VIEWER_MEDIA_CHANNELS; ch++)
        if (viewer->h264_seen[ch] && !viewer->h264_started[ch])
            return;
    viewer->h264_steady = TRUE;
    worker_set_max_pending(viewer->worker, VIEWER_MEDIA_MAX_PENDING_H264_STEADY);
}

/*
 * Context: hands one result to the callback. The result is taken apart
 * before the callback, which runs last, so the callback may free the viewer.
 */
static void viewer_deliver(gpointer data, gpointer viewer_data)
{
    ViewerResult *result = data;
    LcViewerMedia *viewer = viewer_data;

    if (result->raw != NULL)
        viewer_show(viewer, result);
    if (result->raw != NULL && result->h264 && !viewer->h264_steady)
        viewer_media_settle(viewer, result->info.channel);

    LcViewerFrame info = result->info;
    g_autoptr(GError) error = g_steal_pointer(&result->error);
    LcViewerMediaFunc func = viewer->func;
    gpointer user_data = viewer->user_data;
    viewer_result_free(result);
    if (func != NULL)
        func(viewer, &info, error, user_data);
}

/* Creates the decoder thread and the display. */
LcViewerMedia *viewer_media_new(gboolean headless, const char *title, LcViewerMediaFunc func,
                                gpointer user_data, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    g_autoptr(LcViewerMedia) viewer = g_new0(LcViewerMedia, 1);
    g_mutex_init(&viewer->lock);
    viewer->func = func;
    viewer->user_data = user_data;

    for (guint ch = 0; ch < VIEWER_MEDIA_CHANNELS; ch++) {
        viewer->decoders[ch] = decoder_new(error);
        if (viewer->decoders[ch] == NULL)
            return NULL;
    }
    viewer->display = display_new(headless, title, error);
    if (viewer->display == NULL)
        return NULL;
    viewer->worker = worker_new("lc-decode", VIEWER_MEDIA_MAX_PENDING, NULL, viewer_decode_job,
                                viewer_job_free, viewer_deliver, viewer_result_free, viewer, error);
    if (viewer->worker == NULL)
        return NULL;
    return g_steal_pointer(&viewer);
}

/* The label on the window's picture. */
void viewer_media_set_label(LcViewerMedia *viewer, const char *label)
{
    if (!viewer->split)
        display_set_label(viewer->display, label);
}

/* Shows each channel apart: a display (a window titled "title · name") and
 * a picture per channel. */
gboolean viewer_media_split(LcViewerMedia *viewer, gboolean headless, const char *title,
                            const char *const names[VIEWER_MEDIA_CHANNELS], GError **error)
{
    if (viewer->split)
        return TRUE;
    LcDisplay *made[VIEWER_MEDIA_CHANNELS] = {NULL};
    for (guint ch = 0; ch < VIEWER_MEDIA_CHANNELS; ch++) {
        g_autofree char *one = g_strdup_printf("%s · %s", title, names[ch]);
        made[ch] = display_new(headless, one, error);
        if (made[ch] == NULL) {
            for (guint k = 0; k < ch; k++)
                display_free(made[k]);
            return FALSE;
        }
        display_set_label(made[ch], one);
    }
    /* The one display of both channels goes: its window would stay empty. */
    g_clear_pointer(&viewer->display, display_free);
    viewer->display = made[0]; /* what is_headless() and the description tell of */
    for (guint ch = 0; ch < VIEWER_MEDIA_CHANNELS; ch++)
        viewer->apart[ch] = made[ch];
    viewer->split = TRUE;
    return TRUE;
}

/* A channel's picture for a terminal, made on first call. */
LcTtyPicture *viewer_media_get_channel_picture(LcViewerMedia *viewer, guint channel)
{
    g_return_val_if_fail(viewer->split && channel < VIEWER_MEDIA_CHANNELS, NULL);
    if (viewer->apart_picture[channel] == NULL)
        viewer->apart_picture[channel] = tty_picture_new();
    return viewer->apart_picture[channel];
}

/* Keeps every frame shown in a picture for a terminal too. */
LcTtyPicture *viewer_media_get_picture(LcViewerMedia *viewer)
{
    if (viewer->picture == NULL)
        viewer->picture = tty_picture_new();
    return viewer->picture;
}

/* Queues a received frame for decoding, dropping the oldest waiting ones beyond the bound. */
void viewer_media_push(LcViewerMedia *viewer, guint channel, guint64 seq, LcFrame *frame)
{
    g_return_if_fail(viewer != NULL && frame != NULL);

    if (frame->meta.codec == LC_CODEC_H264) {
        viewer->h264_seen[MIN(channel, VIEWER_MEDIA_CHANNELS - 1)] = TRUE;
        if (!viewer->deep_queue) {
            viewer->deep_queue = TRUE;
            worker_set_max_pending(viewer->worker, VIEWER_MEDIA_MAX_PENDING_H264);
        }
    }
    ViewerJob *job = g_new(ViewerJob, 1);
    *job = (ViewerJob){channel, seq, frame_ref(frame)};

    worker_push(viewer->worker, job);
}

/* Copies the counters. */
void viewer_media_get_stats(LcViewerMedia *viewer, LcViewerMediaStats *stats)
{
    g_return_if_fail(viewer != NULL && stats != NULL);

    LcWorkerStats queue;
    worker_get_stats(viewer->worker, &queue);
    g_mutex_lock(&viewer->lock);
    *stats = viewer->stats;
    g_mutex_unlock(&viewer->lock);
    stats->frames_pushed = queue.pushed;
    stats->frames_dropped = queue.dropped;
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

    worker_free(viewer->worker); /* joins the thread: the decoders are free to go */
    for (guint ch = 0; ch < VIEWER_MEDIA_CHANNELS; ch++)
        decoder_free(viewer->decoders[ch]);
    if (viewer->split) {
        for (guint ch = 0; ch < VIEWER_MEDIA_CHANNELS; ch++) {
            display_free(viewer->apart[ch]);
            tty_picture_free(viewer->apart_picture[ch]);
        }
    } else {
        display_free(viewer->display);
    }
    tty_picture_free(viewer->picture);
    g_mutex_clear(&viewer->lock);
    g_free(viewer);
}
