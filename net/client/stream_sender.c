/* stream_sender.c: a camera's side of the camera channels.
 *
 * Each channel in use has the same bookkeeping, whatever its transport: a
 * ring of the last frames submitted (send time, state) that turns ACKs into
 * round-trip times and finds the frames never acknowledged, and, in
 * stop-and-wait mode, the one frame in flight and the newest one waiting.
 */
#include "net/client/stream_sender.h"

#include "net/io/chan_defaults.h"
#include "net/io/source.h"

#include "net/wire/clock.h"
#include "net/client/stream_common.h"
#include "net/wire/wire.h"

#include <string.h>

#define STREAM_SENDER_TICK_MS    50
#define STREAM_SENDER_PING_TICKS 40   /* a PING every 2 s keeps the clock offset fresh */
#define STREAM_SENDER_RING       4096 /* frames remembered per channel */

typedef enum {
    RECORD_EMPTY,
    RECORD_QUEUED,  /* handed to the channel, not yet out */
    RECORD_SENT,    /* out, waiting for the relay's ACK */
    RECORD_ACKED,   /* acknowledged by the relay */
    RECORD_LOST,    /* no ACK within the loss timeout */
    RECORD_DROPPED, /* never sent */
} LcRecordState;

typedef struct {
    guint64 seq;
    LcRecordState state;
    gsize bytes;
    gint64 capture_us; /* sender's clock */
    gint64 send_us;    /* local wall clock */
    gint64 sent_mono;  /* local monotonic clock, for the loss timeout */
} LcSentRecord;

typedef struct {
    LcStreamSender *sender;
    LcChanKind kind;
    LcChan *chan;
    LcSentRecord ring[STREAM_SENDER_RING];
    guint64 scan_seq; /* oldest seq that may still be waiting for its ACK */
    guint64 top_seq;  /* one past the newest seq submitted */
    gboolean waiting; /* stop-and-wait: wait_seq is in flight */
    guint64 wait_seq;
    LcFrame *pending; /* stop-and-wait: the newest frame waiting, or NULL */
    LcStreamSenderStats stats;
} LcSenderChan;

struct _LcStreamSender {
    LcSession *session;
    guint watch;
    LcStreamSenderConfig config;
    LcStreamSenderEvents events;
    gpointer user_data;
    guint asked_on; /* the session's connection count when the stream was asked for */
    guint32 stream_id;
    guint64 token;
    guint16 udp_port;
    guint channels; /* granted */
    guint32 frame_max;
    LcSenderChan chans[LC_CHAN_KINDS];
    GSource *tick_src;
    guint ticks;
};

static void stream_sender_chan_submit(LcSenderChan *sc, LcFrame *frame);

static const char *const stream_sender_ack_mode_names[] = {
    [LC_STREAM_ACK_PIPELINED] = "pipelined",
    [LC_STREAM_ACK_STOP_AND_WAIT] = "stop-and-wait",
};

/* Parses an ack mode by name. */
gboolean stream_sender_parse_ack_mode(const char *text, LcStreamAckMode *mode, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS(stream_sender_ack_mode_names); i++) {
        if (text == NULL || g_ascii_strcasecmp(text, stream_sender_ack_mode_names[i]) == 0) {
            *mode = text == NULL ? LC_STREAM_ACK_PIPELINED : (LcStreamAckMode)i;
            return TRUE;
        }
    }
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "unknown ack mode '%s': expected pipelined or stop-and-wait", text);
    return FALSE;
}

/* The mode's name. */
const char *stream_sender_ack_mode_name(LcStreamAckMode mode)
{
    g_return_val_if_fail((guint)mode < G_N_ELEMENTS(stream_sender_ack_mode_names), "unknown");
    return stream_sender_ack_mode_names[mode];
}

/* Fills a config with the defaults. */
void stream_sender_config_init(LcStreamSenderConfig *config)
{
    memset(config, 0, sizeof(*config));
    config->media = LC_MEDIA_VIDEO;
    config->channels = LC_CHAN_BIT(LC_CHAN_TCP) | LC_CHAN_BIT(LC_CHAN_UDP);
    config->ack_mode = LC_STREAM_ACK_PIPELINED;
    config->queue_frames = 4;
    config->queue_bytes = 8 * 1024 * 1024;
    config->loss_timeout_ms = 1000;
    config->udp_pace_bps = (guint64)LC_CHAN_DEFAULT_UDP_PACE_MBPS * 1000000;
    config->udp_pace_burst = LC_CHAN_DEFAULT_UDP_PACE_BURST;
    config->socket_buffer = LC_CHAN_DEFAULT_SOCKET_BUFFER;
    config->tcp_notsent_lowat = LC_CHAN_DEFAULT_TCP_NOTSENT_LOWAT;
}

/* The record of a seq, if still in the ring. */
static LcSentRecord *stream_sender_record(LcSenderChan *sc, guint64 seq)
{
    LcSentRecord *r = &sc->ring[seq % STREAM_SENDER_RING];
    return r->state != RECORD_EMPTY && r->seq == seq ? r : NULL;
}

/* Stop-and-wait: the frame in flight is settled; the waiting one may go. */
static void stream_sender_release(LcSenderChan *sc, guint64 seq)
{
    if (!sc->waiting || sc->wait_seq != seq)
        return;
    sc->waiting = FALSE;
    if (sc->pending == NULL)
        return;
    g_autoptr(LcFrame) next = g_steal_pointer(&sc->pending);
    stream_sender_chan_submit(sc, next);
}

/* Hands a frame to one channel, or holds it while stop-and-wait waits. */
static void stream_sender_chan_submit(LcSenderChan *sc, LcFrame *frame)
{
    LcStreamSender *sender = sc->sender;
    if (sender->config.ack_mode == LC_STREAM_ACK_STOP_AND_WAIT && sc->waiting) {
        if (sc->pending != NULL) {
            LcStreamFrameEvent ev = {.channel = sc->kind,
                                     .seq = sc->pending->meta.seq,
                                     .bytes = frame_get_size(sc->pending),
                                     .capture_us = sc->pending->meta.capture_us,
                                     .reason = LC_CHAN_DROP_WAIT_ACK};
            g_clear_pointer(&sc->pending, frame_unref);
            sc->stats.dropped++;
            if (sender->events.dropped)
                sender->events.dropped(sender, &ev, sender->user_data);
        }
        sc->pending = frame_ref(frame);
        return;
    }
    LcSentRecord *r = &sc->ring[frame->meta.seq % STREAM_SENDER_RING];
    *r = (LcSentRecord){.seq = frame->meta.seq,
                        .state = RECORD_QUEUED,
                        .bytes = frame_get_size(frame),
                        .capture_us = frame->meta.capture_us};
    if (sc->top_seq == 0 || frame->meta.seq < sc->scan_seq)
        sc->scan_seq = frame->meta.seq;
    sc->top_seq = MAX(sc->top_seq, frame->meta.seq + 1);
    sc->stats.frames_submitted++;
    if (sender->config.ack_mode == LC_STREAM_ACK_STOP_AND_WAIT) {
        sc->waiting = TRUE;
        sc->wait_seq = frame->meta.seq;
    }
    chan_send_frame(sc->chan, frame);
}

/* Sends one frame on every channel. */
gboolean stream_sender_send_frame(LcStreamSender *sender, LcFrame *frame, GError **error)
{
    if (sender->stream_id == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                    "the relay has not granted the stream yet");
        return FALSE;
    }
    gsize size = frame_get_size(frame);
    if (size > sender->frame_max) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                    "frame of %zu bytes is over the relay's limit of %u", size, sender->frame_max);
        return FALSE;
    }
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        if (sender->chans[k].chan != NULL)
            stream_sender_chan_submit(&sender->chans[k], frame);
    return TRUE;
}

/* A channel is open. */
static void stream_sender_on_ready(LcChan *chan, gpointer data)
{
    LcSenderChan *sc = data;
    if (sc->sender->events.ready)
        sc->sender->events.ready(sc->sender, sc->kind, sc->sender->user_data);
}

/* A frame started going out. */
static void stream_sender_on_sent(LcChan *chan, guint64 seq, gsize bytes, gint64 send_us,
                                  gpointer data)
{
    LcSenderChan *sc = data;
    LcStreamSender *sender = sc->sender;
    LcSentRecord *r = stream_sender_record(sc, seq);
    if (r != NULL && r->state == RECORD_QUEUED) {
        r->state = RECORD_SENT;
        r->send_us = send_us;
        r->sent_mono = g_get_monotonic_time();
        sc->stats.outstanding++;
    }
    sc->stats.frames_sent++;
    sc->stats.bytes_sent += bytes;
    LcStreamFrameEvent ev = {.channel = sc->kind,
                             .seq = seq,
                             .bytes = bytes,
                             .capture_us = r != NULL ? r->capture_us : 0,
                             .send_us = send_us};
    if (sender->events.sent)
        sender->events.sent(sender, &ev, sender->user_data);
}

/* A frame was dropped unsent. */
static void stream_sender_on_dropped(LcChan *chan, guint64 seq, LcChanDropReason reason,
                                     gpointer data)
{
    LcSenderChan *sc = data;
    LcStreamSender *sender = sc->sender;
    LcSentRecord *r = stream_sender_record(sc, seq);
    if (r != NULL && r->state == RECORD_QUEUED)
        r->state = RECORD_DROPPED;
    sc->stats.dropped++;
    LcStreamFrameEvent ev = {.channel = sc->kind,
                             .seq = seq,
                             .bytes = r != NULL ? r->bytes : 0,
                             .capture_us = r != NULL ? r->capture_us : 0,
                             .reason = reason};
    if (sender->events.dropped)
        sender->events.dropped(sender, &ev, sender->user_data);
    stream_sender_release(sc, seq);
}

/* The relay's own ACK: the first hop's round trip. */
static void stream_sender_relay_ack(LcSenderChan *sc, const LcChanAck *ack)
{
    LcStreamSender *sender = sc->sender;
    LcSentRecord *r = stream_sender_record(sc, ack->seq);
    if (r == NULL || r->state == RECORD_ACKED || r->state == RECORD_QUEUED)
        return; /* unknown, or acknowledged twice */
    if (r->state == RECORD_SENT)
        sc->stats.outstanding--;
    if (r->state == RECORD_LOST)
        sc->stats.lost--; /* it was late, not lost */
    r->state = RECORD_ACKED;
    sc->stats.relay_acks++;
    LcStreamRelayAck out = {
        .channel = sc->kind,
        .seq = ack->seq,
        .send_us = r->send_us,
        .relay_first_us = ack->first_us,
        .relay_last_us = ack->last_us,
        .arrival_us = ack->arrival_us,
        .rtt_us = ack->arrival_us - r->send_us,
    };
    if (sender->events.relay_ack)
        sender->events.relay_ack(sender, &out, sender->user_data);
    stream_sender_release(sc, ack->seq);
}

/* An ACK arrived: the relay's, or a viewer's passed on. */
static void stream_sender_on_ack(LcChan *chan, const LcChanAck *ack, gpointer data)
{
    LcSenderChan *sc = data;
    LcStreamSender *sender = sc->sender;
    if (ack->viewer_id == 0) {
        stream_sender_relay_ack(sc, ack);
        return;
    }
    LcSentRecord *r = stream_sender_record(sc, ack->seq);
    sc->stats.viewer_acks++;
    LcStreamViewerAck out = {
        .channel = sc->kind,
        .viewer_id = ack->viewer_id,
        .seq = ack->seq,
        .send_us = r != NULL ? r->send_us : 0,
        .viewer_first_us = ack->first_us,
        .viewer_last_us = ack->last_us,
        .viewer_offset_us = ack->clock_offset_us,
        .arrival_us = ack->arrival_us,
    };
    if (sender->events.viewer_ack)
        sender->events.viewer_ack(sender, &out, sender->user_data);
}

/* A channel closed. */
static void stream_sender_on_closed(LcChan *chan, const GError *error, gpointer data)
{
    LcSenderChan *sc = data;
    if (sc->sender->events.channel_closed)
        sc->sender->events.channel_closed(sc->sender, sc->kind, error, sc->sender->user_data);
}

static const LcChanEvents stream_sender_chan_events = {
    .ready = stream_sender_on_ready,
    .sent = stream_sender_on_sent,
    .dropped = stream_sender_on_dropped,
    .ack = stream_sender_on_ack,
    .closed = stream_sender_on_closed,
};

/* Declares lost the frames sent longer ago than the loss timeout without an
 * ACK. Frames go out in seq order, so the scan stops at the first one still
 * in time. */
static void stream_sender_chan_expire(LcSenderChan *sc, gint64 now)
{
    LcStreamSender *sender = sc->sender;
    gint64 timeout = (gint64)sender->config.loss_timeout_ms * 1000;
    if (sc->top_seq - sc->scan_seq > STREAM_SENDER_RING)
        sc->scan_seq = sc->top_seq - STREAM_SENDER_RING;
    for (; sc->scan_seq < sc->top_seq; sc->scan_seq++) {
        LcSentRecord *r = stream_sender_record(sc, sc->scan_seq);
        if (r == NULL || r->state == RECORD_ACKED || r->state == RECORD_DROPPED ||
            r->state == RECORD_LOST)
            continue;
        if (r->state == RECORD_QUEUED || now - r->sent_mono < timeout)
            return;
        r->state = RECORD_LOST;
        sc->stats.outstanding--;
        sc->stats.lost++;
        LcStreamFrameEvent ev = {.channel = sc->kind,
                                 .seq = r->seq,
                                 .bytes = r->bytes,
                                 .capture_us = r->capture_us,
                                 .send_us = r->send_us,
                                 .reason = LC_CHAN_DROP_LOST};
        if (sender->events.dropped)
            sender->events.dropped(sender, &ev, sender->user_data);
        stream_sender_release(sc, r->seq);
    }
}

/* Periodic work: loss timeouts, and a PING now and then for the clock offset. */
static gboolean stream_sender_on_tick(gpointer data)
{
    LcStreamSender *sender = data;
    gint64 now = g_get_monotonic_time();
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        if (sender->chans[k].chan != NULL)
            stream_sender_chan_expire(&sender->chans[k], now);
    if (sender->ticks++ % STREAM_SENDER_PING_TICKS == 0)
        session_ping(sender->session);
    return G_SOURCE_CONTINUE;
}

/* Frees every channel and forgets the stream. */
static void stream_sender_close_stream(LcStreamSender *sender)
{
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        LcSenderChan *sc = &sender->chans[k];
        g_clear_pointer(&sc->chan, chan_free);
        g_clear_pointer(&sc->pending, frame_unref);
        memset(sc, 0, sizeof(*sc));
        sc->sender = sender;
        sc->kind = (LcChanKind)k;
    }
    sender->stream_id = 0;
    sender->channels = 0;
}

/* STREAM_READY: opens a channel of each kind granted. */
static void stream_sender_on_stream_ready(LcStreamSender *sender, const LcWireMsg *msg)
{
    stream_sender_close_stream(sender);
    sender->stream_id = msg->stream_ready.stream_id;
    sender->token = msg->stream_ready.token;
    sender->udp_port = msg->stream_ready.udp_port;
    sender->channels = msg->stream_ready.channels & sender->config.channels;
    sender->frame_max = msg->stream_ready.frame_max;
    LcChanConfig cfg = {
        .role = LC_CHAN_ROLE_SENDER,
        .udp_port = sender->udp_port,
        .stream_id = sender->stream_id,
        .token = sender->token,
        .udp_key = msg->stream_ready.key && g_bytes_get_size(msg->stream_ready.key)
                       ? msg->stream_ready.key
                       : NULL,
        .frame_max = sender->frame_max,
        .queue_frames = sender->config.queue_frames,
        .queue_bytes = sender->config.queue_bytes,
        .tcp_notsent_lowat = sender->config.tcp_notsent_lowat,
        .udp_pace_bps = sender->config.udp_pace_bps,
        .udp_pace_burst = sender->config.udp_pace_burst,
        .socket_buffer = sender->config.socket_buffer,
    };
    if (sender->events.stream)
        sender->events.stream(sender, sender->stream_id, sender->user_data);
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        if (sender->channels & LC_CHAN_BIT(k))
            sender->chans[k].chan =
                stream_common_open_channel(sender->session, (LcChanKind)k, &cfg,
                                           &stream_sender_chan_events, &sender->chans[k]);
    session_ping(sender->session);
}

/* Asks the relay for a stream. */
static void stream_sender_open_stream(LcStreamSender *sender)
{
    stream_sender_close_stream(sender);
    sender->asked_on = session_get_connects(sender->session);
    LcWireMsg msg = {.type = WIRE_STREAM_OPEN, .flags = media_kind_to_flags(sender->config.media)};
    if (sender->config.private)
        msg.flags |= WIRE_FLAG_PRIVATE;
    msg.stream_open.channels = (guint8)(sender->config.channels & WIRE_CHANNELS_ALL);
    session_send(sender->session, &msg, NULL);
}

/* Follows the control connection: (re)joins, the relay's answers. */
static void stream_sender_on_message(LcSession *session, const LcWireMsg *msg, gpointer data)
{
    LcStreamSender *sender = data;
    /* Answers about another kind's stream (this session's microphone, say,
     * beside its camera) are that stream's sender's business. */
    if ((msg->type == WIRE_STREAM_READY || msg->type == WIRE_VIDEO_REFUSED) &&
        media_kind_from_flags(msg->flags) != sender->config.media)
        return;
    switch (msg->type) {
    case WIRE_WELCOME:
        /* After a reconnect the old stream is gone; the first WELCOME may be
         * the one whose joined event created this sender. */
        if (session_get_connects(session) != sender->asked_on)
            stream_sender_open_stream(sender);
        break;
    case WIRE_STREAM_READY:
        stream_sender_on_stream_ready(sender, msg);
        break;
    case WIRE_VIDEO_REFUSED:
        if (msg->video_refused.request == WIRE_STREAM_OPEN && sender->events.refused) {
            g_autoptr(GError) error = stream_common_refusal(msg);
            sender->events.refused(sender, error, sender->user_data);
        }
        break;
    case WIRE_KEYFRAME_REQUEST:
        if (sender->stream_id != 0 && msg->keyframe_request.stream_id == sender->stream_id &&
            msg->keyframe_request.channel < LC_CHAN_KINDS && sender->events.keyframe_wanted)
            sender->events.keyframe_wanted(sender, (LcChanKind)msg->keyframe_request.channel,
                                           sender->user_data);
        break;
    default:
        break;
    }
}

/* Creates a sender on a control session. */
LcStreamSender *stream_sender_new(LcSession *session, const LcStreamSenderConfig *config,
                                  const LcStreamSenderEvents *events, gpointer user_data)
{
    LcStreamSender *sender = g_new0(LcStreamSender, 1);
    sender->session = session;
    sender->config = *config;
    sender->events = *events;
    sender->user_data = user_data;
    stream_sender_close_stream(sender);
    sender->watch = session_add_watch(session, stream_sender_on_message, sender);
    sender->tick_src = source_add_timeout(STREAM_SENDER_TICK_MS, stream_sender_on_tick, sender);
    if (session_get_state(session) == SESSION_JOINED)
        stream_sender_open_stream(sender);
    return sender;
}

/* Whether every channel granted is open. */
gboolean stream_sender_is_ready(LcStreamSender *sender)
{
    if (sender->channels == 0)
        return FALSE;
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        if ((sender->channels & LC_CHAN_BIT(k)) &&
            (sender->chans[k].chan == NULL || !chan_is_ready(sender->chans[k].chan)))
            return FALSE;
    return TRUE;
}

/* The stream id. */
guint32 stream_sender_get_stream_id(LcStreamSender *sender)
{
    return sender->stream_id;
}

/* The channels granted. */
guint stream_sender_get_channels(LcStreamSender *sender)
{
    return sender->channels;
}

/* One channel's counters. */
gboolean stream_sender_get_stats(LcStreamSender *sender, LcChanKind channel,
                                 LcStreamSenderStats *stats)
{
    if ((guint)channel >= LC_CHAN_KINDS || sender->chans[channel].chan == NULL)
        return FALSE;
    LcSenderChan *sc = &sender->chans[channel];
    *stats = sc->stats;
    chan_get_stats(sc->chan, &stats->chan);
    return TRUE;
}

/* Relay clock minus local clock. */
gint64 stream_sender_get_clock_offset_us(LcStreamSender *sender)
{
    return session_get_clock_offset_us(sender->session);
}

/* A relay timestamp on the local clock. */
gint64 stream_sender_relay_to_local_us(LcStreamSender *sender, gint64 relay_us)
{
    return relay_us - session_get_clock_offset_us(sender->session);
}

/* A viewer timestamp on the local clock: viewer -> relay -> local. */
gint64 stream_sender_viewer_to_local_us(LcStreamSender *sender, gint64 viewer_us,
                                        gint64 viewer_offset_us)
{
    return viewer_us + viewer_offset_us - session_get_clock_offset_us(sender->session);
}

/* Closes the stream and frees the sender. */
void stream_sender_free(LcStreamSender *sender)
{
    if (sender == NULL)
        return;
    if (sender->stream_id != 0 && session_get_state(sender->session) == SESSION_JOINED) {
        LcWireMsg msg = {.type = WIRE_STREAM_CLOSE};
        msg.stream_close.stream_id = sender->stream_id;
        session_send(sender->session, &msg, NULL);
    }
    session_remove_watch(sender->session, sender->watch);
    stream_sender_close_stream(sender);
    source_drop(&sender->tick_src);
    g_free(sender);
}
