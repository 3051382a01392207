/* av_sender.c: a camera streamed on the camera channels, measured. */
#include "src/run/av_sender.h"

#include "media/encoder.h"
#include "net/wire/clock.h"
#include "net/wire/chan_kind.h"
#include "src/run/stream_log.h"

/* How long frames wait for every channel of a new stream to open. */
#define AV_SENDER_OPEN_WAIT_US (2 * G_USEC_PER_SEC)
/* Keyframes forced for viewers come at most this often: on a lossy link
 * every viewer keeps losing references, and keyframes are large. A request
 * within the gap is kept for its end, not dropped. */
#define AV_SENDER_KEYFRAME_GAP_US (250 * 1000)

struct _LcAvSender {
    guint64 next_seq;  /* the last frame number sent */
    gint64 granted_us; /* monotonic: the relay granted the stream; 0 before */
    LcSession *session;
    LcCamera *camera;
    LcStreamSenderConfig config;
    LcStreamSender *video; /* made once the camera runs */
    LcFramelog *log;
    LcAvSenderErrorFunc error_func;
    gpointer user_data;
    gboolean failed;
    /* H.264: a frame was not sent (no stream yet, a reconnect), so the ones
     * after it would refer to a picture no viewer has: nothing but a
     * keyframe goes until one comes. */
    gboolean need_key;
    gint64 key_forced_us; /* monotonic: the last keyframe forced */
    GSource *key_timer;   /* a request waiting for the gap's end */
};

/* Reports a fatal problem once. */
static void av_sender_fail(LcAvSender *s, const GError *error)
{
    if (s->failed)
        return;
    s->failed = TRUE;
    if (s->error_func)
        s->error_func(s, error, s->user_data);
}

static void av_sender_force_keyframe(LcAvSender *s);

/* The gap since the last forced keyframe is over: force the one asked for. */
static gboolean av_sender_on_key_timer(gpointer data)
{
    LcAvSender *s = data;
    g_clear_pointer(&s->key_timer, g_source_unref);
    av_sender_force_keyframe(s);
    return G_SOURCE_REMOVE;
}

/* Has the encoder make a keyframe next, or at the end of the gap. */
static void av_sender_force_keyframe(LcAvSender *s)
{
    if (s->key_timer != NULL)
        return; /* one is coming */
    gint64 now = g_get_monotonic_time();
    gint64 wait = s->key_forced_us == 0 ? 0 : s->key_forced_us + AV_SENDER_KEYFRAME_GAP_US - now;
    if (wait > 0) {
        s->key_timer = g_timeout_source_new((guint)(wait / 1000) + 1);
        g_source_set_callback(s->key_timer, av_sender_on_key_timer, s, NULL);
        g_source_attach(s->key_timer, g_main_context_get_thread_default());
        return;
    }
    s->key_forced_us = now;
    camera_request_keyframe(s->camera);
}

/* Whether an encoded frame may go: not a frame after one that did not (see
 * need_key), which then asks for a keyframe. */
static gboolean av_sender_may_send(LcAvSender *s, const LcFrame *frame)
{
    if (frame->meta.codec != LC_CODEC_H264 || (frame->meta.flags & LC_FRAME_FLAG_KEY)) {
        s->need_key = FALSE;
        /* This keyframe serves every request made before it. */
        if (s->key_timer != NULL) {
            g_source_destroy(s->key_timer);
            g_clear_pointer(&s->key_timer, g_source_unref);
        }
        return TRUE;
    }
    if (!s->need_key)
        return TRUE;
    av_sender_force_keyframe(s);
    return FALSE;
}

/* An encoded frame: send it on every channel once the stream is granted. */
static void av_sender_on_frame(LcCamera *camera, LcFrame *encoded, gpointer data)
{
    LcAvSender *s = data;
    g_autoptr(LcFrame) frame = encoded; /* ours (transfer full) */
    /* Not granted yet: nothing is measured before the stream exists. Nor
     * before its channels open: a frame then would be dropped on one
     * channel and not the other, or on both. A channel that does not open
     * within AV_SENDER_OPEN_WAIT_US is not waited for. */
    if (s->video == NULL || stream_sender_get_stream_id(s->video) == 0 ||
        (!stream_sender_is_ready(s->video) &&
         g_get_monotonic_time() - s->granted_us < AV_SENDER_OPEN_WAIT_US)) {
        s->need_key = TRUE;
        return;
    }
    if (!av_sender_may_send(s, frame))
        return;
    framelog_add_captured(s->log, frame->meta.capture_us, frame->encode_time_us);
    /* The stream's own numbers, one per frame sent: a frame the capture or
     * the encoder skipped leaves no gap that a viewer would count missing. */
    frame->meta.seq = ++s->next_seq;
    if (frame->meta.flags & LC_FRAME_FLAG_KEY)
        framelog_note_key(s->log, frame->meta.seq);
    g_autoptr(GError) error = NULL;
    if (!stream_sender_send_frame(s->video, frame, &error))
        av_sender_fail(s, error);
}

/* The camera failed or its file ended. */
static void av_sender_on_camera_error(LcCamera *camera, const GError *error, gpointer data)
{
    av_sender_fail(data, error);
}

/* A frame went out on a channel. */
static void av_sender_on_sent(LcStreamSender *v, const LcStreamFrameEvent *ev, gpointer data)
{
    stream_log_sent(((LcAvSender *)data)->log, ev);
}

/* The relay acknowledged a frame. */
static void av_sender_on_relay_ack(LcStreamSender *v, const LcStreamRelayAck *ack, gpointer data)
{
    stream_log_relay_ack(((LcAvSender *)data)->log, v, ack);
}

/* A viewer acknowledged a frame. */
static void av_sender_on_viewer_ack(LcStreamSender *v, const LcStreamViewerAck *ack, gpointer data)
{
    stream_log_viewer_ack(((LcAvSender *)data)->log, v, ack);
}

/* A frame was dropped unsent or given up on. An H.264 frame dropped here
 * (a full queue, stop-and-wait replacing it) is a reference the channel's
 * viewers will miss: a keyframe goes at once, before they ask. */
static void av_sender_on_dropped(LcStreamSender *v, const LcStreamFrameEvent *ev, gpointer data)
{
    LcAvSender *s = data;
    stream_log_dropped(s->log, ev);
    if (camera_get_codec(s->camera) == LC_CODEC_H264 &&
        (ev->reason == LC_CHAN_DROP_QUEUE || ev->reason == LC_CHAN_DROP_WAIT_ACK))
        av_sender_force_keyframe(s);
}

/* The relay refused the stream. */
static void av_sender_on_refused(LcStreamSender *v, const GError *error, gpointer data)
{
    av_sender_fail(data, error);
}

/* A viewer lost a reference and asks for a keyframe. */
static void av_sender_on_keyframe_wanted(LcStreamSender *v, LcChanKind channel, gpointer data)
{
    LcAvSender *s = data;
    if (camera_get_codec(s->camera) != LC_CODEC_H264)
        return; /* every JPEG frame is a keyframe */
    framelog_note_keyframe_request(s->log, channel);
    av_sender_force_keyframe(s);
}

/* The relay granted the stream: its channels are opening. */
static void av_sender_on_stream(LcStreamSender *v, guint32 stream_id, gpointer data)
{
    LcAvSender *s = data;
    s->granted_us = g_get_monotonic_time();
}

static const LcStreamSenderEvents av_sender_events = {
    .stream = av_sender_on_stream,
    .sent = av_sender_on_sent,
    .relay_ack = av_sender_on_relay_ack,
    .viewer_ack = av_sender_on_viewer_ack,
    .dropped = av_sender_on_dropped,
    .refused = av_sender_on_refused,
    .keyframe_wanted = av_sender_on_keyframe_wanted,
};

/* Describes a camera run for the summary. */
void av_sender_describe_run(LcFramelogRun *run, const LcCameraOptions *camera, guint channels,
                            LcStreamAckMode ack_mode, double duration_s)
{
    run->source = camera->source ? camera->source : "test";
    run->width = camera->width;
    run->height = camera->height;
    run->fps = camera->fps;
    run->quality = camera->quality;
    run->encoder = camera->encoder ? camera->encoder : "auto";
    run->channels = channels;
    run->ack_mode = stream_sender_ack_mode_name(ack_mode);
    run->duration_s = duration_s;
}

/* Builds the camera and the video sender. */
LcAvSender *av_sender_new(LcSession *session, const LcCameraOptions *camera,
                          const LcStreamSenderConfig *config, const LcFramelogRun *run,
                          LcAvSenderErrorFunc error_func, gpointer user_data, GError **error)
{
    g_autoptr(LcAvSender) s = g_new0(LcAvSender, 1);
    s->session = session;
    s->error_func = error_func;
    s->user_data = user_data;
    s->camera = camera_new(camera, av_sender_on_frame, av_sender_on_camera_error, s, error);
    if (s->camera == NULL)
        return NULL;
    /* The summary names the encoder in use, not "auto". */
    LcFramelogRun resolved = *run;
    if (camera_get_encoder_name(s->camera) != NULL)
        resolved.encoder = camera_get_encoder_name(s->camera);
    resolved.codec = frame_codec_to_string(camera_get_codec(s->camera));
    if (camera_get_codec(s->camera) == LC_CODEC_H264) {
        /* H.264 has a bit rate, not a JPEG quality. */
        resolved.quality = 0;
        resolved.bitrate = 1000 * (camera->bitrate > 0 ? camera->bitrate : ENCODER_DEFAULT_BITRATE);
        resolved.gop = camera->gop > 0 ? camera->gop : ENCODER_DEFAULT_GOP;
    }
    s->log = framelog_new(FRAMELOG_ROLE_SENDER, &resolved, clock_now_us());
    s->config = *config;
    s->need_key = TRUE;
    return g_steal_pointer(&s);
}

/* Starts capturing, then asks the relay for the stream: a camera that
 * cannot start leaves no stream behind on the relay. */
gboolean av_sender_start(LcAvSender *s, GError **error)
{
    if (!camera_start(s->camera, error))
        return FALSE;
    if (s->video == NULL)
        s->video = stream_sender_new(s->session, &s->config, &av_sender_events, s);
    return TRUE;
}

/* Stops capturing. */
void av_sender_stop(LcAvSender *s)
{
    camera_stop(s->camera);
}

/* Whether the stream is granted and every channel is open. */
gboolean av_sender_is_ready(LcAvSender *s)
{
    return s->video != NULL && stream_sender_is_ready(s->video);
}

/* The frame log. */
LcFramelog *av_sender_get_framelog(LcAvSender *s)
{
    return s->log;
}

/* Copies the TCP channel's TCP_INFO into the log. */
void av_sender_update_socket_stats(LcAvSender *s)
{
    if (s->video != NULL)
        stream_log_socket_stats(s->log, s->video);
}

/* One line on the encoder in use. */
const char *av_sender_get_encoder_note(LcAvSender *s)
{
    return camera_get_encoder_note(s->camera);
}

/* Frees the sender: camera first, so no frame arrives for a freed stream. */
void av_sender_free(LcAvSender *s)
{
    if (s == NULL)
        return;
    g_clear_pointer(&s->camera, camera_free);
    if (s->key_timer != NULL) {
        g_source_destroy(s->key_timer);
        g_clear_pointer(&s->key_timer, g_source_unref);
    }
    g_clear_pointer(&s->video, stream_sender_free);
    g_clear_pointer(&s->log, framelog_free);
    g_free(s);
}
