/* audio_talk.c: a member's sound sent to the room, measured. */
#include "src/run/audio_talk.h"

#include "net/wire/clock.h"
#include "src/run/stream_log.h"

/* How long packets wait for every channel of a new stream to open. */
#define AUDIO_TALK_OPEN_WAIT_US (2 * G_USEC_PER_SEC)

struct _LcAudioTalk {
    guint64 next_seq;  /* the last packet number sent */
    gint64 granted_us; /* monotonic: the relay granted the stream; 0 before */
    LcAudioCapture *capture;
    LcSession *session;
    LcStreamSenderConfig config;
    LcStreamSender *stream; /* made once the capture runs */
    LcFramelog *log;
    LcAudioTalkErrorFunc error_func;
    gpointer user_data;
    gboolean failed;
    gboolean muted;
};

/* Reports a fatal problem once. */
static void audio_talk_fail(LcAudioTalk *t, const GError *error)
{
    if (t->failed)
        return;
    t->failed = TRUE;
    if (t->error_func)
        t->error_func(t, error, t->user_data);
}

/* An Opus packet: onto every channel once the stream is granted and open. */
static void audio_talk_on_packet(LcAudioCapture *capture, LcFrame *packet, gpointer data)
{
    LcAudioTalk *t = data;
    if (t->stream == NULL || stream_sender_get_stream_id(t->stream) == 0 || t->muted)
        return; /* nothing is measured before the stream exists, or while muted */
    if (!stream_sender_is_ready(t->stream) &&
        g_get_monotonic_time() - t->granted_us < AUDIO_TALK_OPEN_WAIT_US)
        return;
    framelog_add_captured(t->log, packet->meta.capture_us, 0);
    /* The stream's own numbers: a listener's jitter buffer counts a gap in
     * them as a lost packet. */
    packet->meta.seq = ++t->next_seq;
    g_autoptr(GError) error = NULL;
    if (!stream_sender_send_frame(t->stream, packet, &error))
        audio_talk_fail(t, error);
}

/* The capture failed, or its file ended. */
static void audio_talk_on_capture_error(LcAudioCapture *capture, const GError *error, gpointer data)
{
    audio_talk_fail(data, error);
}

static void audio_talk_on_sent(LcStreamSender *s, const LcStreamFrameEvent *ev, gpointer data)
{
    stream_log_sent(((LcAudioTalk *)data)->log, ev);
}

static void audio_talk_on_relay_ack(LcStreamSender *s, const LcStreamRelayAck *ack, gpointer data)
{
    stream_log_relay_ack(((LcAudioTalk *)data)->log, s, ack);
}

static void audio_talk_on_viewer_ack(LcStreamSender *s, const LcStreamViewerAck *ack, gpointer data)
{
    stream_log_viewer_ack(((LcAudioTalk *)data)->log, s, ack);
}

static void audio_talk_on_dropped(LcStreamSender *s, const LcStreamFrameEvent *ev, gpointer data)
{
    stream_log_dropped(((LcAudioTalk *)data)->log, ev);
}

/* The relay refused the stream. */
static void audio_talk_on_refused(LcStreamSender *s, const GError *error, gpointer data)
{
    audio_talk_fail(data, error);
}

/* The relay granted the stream: its channels are opening. */
static void audio_talk_on_stream(LcStreamSender *s, guint32 stream_id, gpointer data)
{
    ((LcAudioTalk *)data)->granted_us = g_get_monotonic_time();
}

static const LcStreamSenderEvents audio_talk_events = {
    .stream = audio_talk_on_stream,
    .sent = audio_talk_on_sent,
    .relay_ack = audio_talk_on_relay_ack,
    .viewer_ack = audio_talk_on_viewer_ack,
    .dropped = audio_talk_on_dropped,
    .refused = audio_talk_on_refused,
};

/* Describes the run for the summary. */
void audio_talk_describe_run(LcFramelogRun *run, const LcAudioCaptureConfig *capture,
                             guint channels, double duration_s)
{
    guint frame_ms = capture->frame_ms ? capture->frame_ms : AUDIO_DEFAULT_FRAME_MS;
    *run = (LcFramelogRun){
        .source = capture->source ? capture->source : "test",
        .fps = (gint)(1000 / frame_ms),
        .codec = "opus",
        .encoder = "opus",
        .bitrate = (gint)(capture->bitrate ? capture->bitrate : AUDIO_DEFAULT_BITRATE),
        .mode = capture->mode == AUDIO_MODE_LOWDELAY ? "lowdelay" : "voice",
        .audio = TRUE,
        .channels = channels,
        .ack_mode = stream_sender_ack_mode_name(LC_STREAM_ACK_PIPELINED),
        .duration_s = duration_s,
    };
}

/* Builds the capture and the audio stream. */
LcAudioTalk *audio_talk_new(LcSession *session, const LcAudioCaptureConfig *capture,
                            const LcStreamSenderConfig *config, const LcFramelogRun *run,
                            LcAudioTalkErrorFunc error_func, gpointer user_data, GError **error)
{
    g_autoptr(LcAudioTalk) t = g_new0(LcAudioTalk, 1);
    t->error_func = error_func;
    t->user_data = user_data;
    t->capture =
        audio_capture_new(capture, audio_talk_on_packet, audio_talk_on_capture_error, t, error);
    if (t->capture == NULL)
        return NULL;
    t->log = framelog_new(FRAMELOG_ROLE_SENDER, run, clock_now_us());
    t->session = session;
    t->config = *config;
    t->config.media = LC_MEDIA_AUDIO;
    return g_steal_pointer(&t);
}

/* Starts capturing, then asks the relay for the stream: a capture that
 * cannot start leaves no stream behind on the relay. */
gboolean audio_talk_start(LcAudioTalk *t, GError **error)
{
    if (!audio_capture_start(t->capture, error))
        return FALSE;
    if (t->stream == NULL)
        t->stream = stream_sender_new(t->session, &t->config, &audio_talk_events, t);
    return TRUE;
}

/* Stops capturing and closes the stream. */
void audio_talk_stop(LcAudioTalk *t)
{
    g_clear_pointer(&t->capture, audio_capture_free);
}

/* Whether the stream is granted and every channel is open. */
gboolean audio_talk_is_ready(LcAudioTalk *t)
{
    return t->stream != NULL && stream_sender_is_ready(t->stream);
}

void audio_talk_set_muted(LcAudioTalk *t, gboolean muted)
{
    t->muted = muted;
}

gboolean audio_talk_get_muted(LcAudioTalk *t)
{
    return t->muted;
}

/* What is captured. */
const char *audio_talk_get_label(LcAudioTalk *t)
{
    return t->capture ? audio_capture_get_label(t->capture) : "nothing (stopped)";
}

/* What to tell the user of echo cancellation. */
const char *audio_talk_get_echo_note(LcAudioTalk *t)
{
    return t->capture ? audio_capture_get_echo_note(t->capture) : NULL;
}

LcFramelog *audio_talk_get_framelog(LcAudioTalk *t)
{
    return t->log;
}

/* Copies the TCP channel's TCP_INFO into the log. */
void audio_talk_update_socket_stats(LcAudioTalk *t)
{
    if (t->stream != NULL)
        stream_log_socket_stats(t->log, t->stream);
}

/* Frees the talk: capture first, so no packet arrives for a freed stream. */
void audio_talk_free(LcAudioTalk *t)
{
    if (t == NULL)
        return;
    g_clear_pointer(&t->capture, audio_capture_free);
    g_clear_pointer(&t->stream, stream_sender_free);
    g_clear_pointer(&t->log, framelog_free);
    g_free(t);
}
