/* stream_viewer.c: a viewer's side of the camera channels. Every frame is
 * acknowledged as soon as it is whole, with its first- and last-byte times
 * and this host's relay-minus-local clock offset, on the channel it came on. */
#include "net/client/stream_viewer.h"

#include "net/io/chan_defaults.h"

#include "net/wire/clock.h"
#include "net/client/stream_common.h"
#include "net/wire/wire.h"

typedef struct {
    LcStreamViewer *viewer;
    LcChanKind kind;
    LcChan *chan;
} LcViewerChan;

struct _LcStreamViewer {
    LcSession *session;
    guint watch;
    char *nick;
    LcStreamViewerConfig config;
    LcStreamViewerEvents events;
    gpointer user_data;
    guint asked_on; /* the session's connection count when the view was asked for */
    guint32 stream_id;
    guint32 viewer_id;
    guint channels; /* granted */
    LcViewerChan chans[LC_CHAN_KINDS];
};

/* Fills a config with the defaults. */
void stream_viewer_config_init(LcStreamViewerConfig *config)
{
    config->media = LC_MEDIA_VIDEO;
    config->channels = LC_CHAN_BIT(LC_CHAN_TCP) | LC_CHAN_BIT(LC_CHAN_UDP);
    config->reassembly_ms = LC_CHAN_DEFAULT_REASSEMBLY_MS;
    config->reassembly_frames = LC_CHAN_DEFAULT_REASSEMBLY_FRAMES;
    config->socket_buffer = LC_CHAN_DEFAULT_SOCKET_BUFFER;
}

/* A channel is open. */
static void stream_viewer_on_ready(LcChan *chan, gpointer data)
{
    LcViewerChan *vc = data;
    if (vc->viewer->events.ready)
        vc->viewer->events.ready(vc->viewer, vc->kind, vc->viewer->user_data);
}

/* A frame arrived: acknowledge it, then report it. */
static void stream_viewer_on_frame(LcChan *chan, LcFrame *frame, gint64 first_us, gint64 last_us,
                                   gpointer data)
{
    LcViewerChan *vc = data;
    LcStreamViewer *viewer = vc->viewer;
    LcChanAck ack = {
        .viewer_id = viewer->viewer_id,
        .seq = frame->meta.seq,
        .first_us = first_us,
        .last_us = last_us,
        .clock_offset_us = session_get_clock_offset_us(viewer->session),
    };
    chan_send_ack(chan, &ack);
    LcStreamFrame out = {
        .channel = vc->kind,
        .frame = frame,
        .first_us = first_us,
        .last_us = last_us,
    };
    if (viewer->events.frame)
        viewer->events.frame(viewer, &out, viewer->user_data);
}

/* A UDP frame stayed incomplete. */
static void stream_viewer_on_lost(LcChan *chan, guint64 seq, gpointer data)
{
    LcViewerChan *vc = data;
    if (vc->viewer->events.lost)
        vc->viewer->events.lost(vc->viewer, vc->kind, seq, vc->viewer->user_data);
}

/* A channel closed. */
static void stream_viewer_on_closed(LcChan *chan, const GError *error, gpointer data)
{
    LcViewerChan *vc = data;
    if (vc->viewer->events.channel_closed)
        vc->viewer->events.channel_closed(vc->viewer, vc->kind, error, vc->viewer->user_data);
}

static const LcChanEvents stream_viewer_chan_events = {
    .ready = stream_viewer_on_ready,
    .frame = stream_viewer_on_frame,
    .lost = stream_viewer_on_lost,
    .closed = stream_viewer_on_closed,
};

/* Frees the channels and forgets the stream. */
static void stream_viewer_close_stream(LcStreamViewer *viewer)
{
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_clear_pointer(&viewer->chans[k].chan, chan_free);
        viewer->chans[k].viewer = viewer;
        viewer->chans[k].kind = (LcChanKind)k;
    }
    viewer->stream_id = 0;
    viewer->viewer_id = 0;
    viewer->channels = 0;
}

/* VIEW_READY: the stream exists; open a channel of each kind granted. */
static void stream_viewer_on_view_ready(LcStreamViewer *viewer, const LcWireMsg *msg)
{
    stream_viewer_close_stream(viewer);
    viewer->stream_id = msg->view_ready.stream_id;
    viewer->viewer_id = msg->view_ready.viewer_id;
    viewer->channels = msg->view_ready.channels & viewer->config.channels;
    LcChanConfig cfg = {
        .role = LC_CHAN_ROLE_VIEWER,
        .udp_port = msg->view_ready.udp_port,
        .stream_id = viewer->stream_id,
        .viewer_id = viewer->viewer_id,
        .token = msg->view_ready.token,
        .udp_key = msg->view_ready.key && g_bytes_get_size(msg->view_ready.key)
                       ? msg->view_ready.key
                       : NULL,
        .frame_max = msg->view_ready.frame_max,
        .queue_frames = 1,
        .socket_buffer = viewer->config.socket_buffer,
        .reassembly_ms = viewer->config.reassembly_ms,
        .reassembly_frames = viewer->config.reassembly_frames,
    };
    /* A listener hears every speaker: their small packets share one
     * connection and one socket. A camera's big frames keep their own, so
     * that one never waits behind another. */
    if (viewer->config.media == LC_MEDIA_AUDIO && viewer->channels != 0)
        cfg.mux = session_get_chan_mux(viewer->session);
    if (viewer->events.stream)
        viewer->events.stream(viewer, viewer->stream_id, viewer->viewer_id, viewer->user_data);
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        if (viewer->channels & LC_CHAN_BIT(k))
            viewer->chans[k].chan =
                stream_common_open_channel(viewer->session, (LcChanKind)k, &cfg,
                                           &stream_viewer_chan_events, &viewer->chans[k]);
    session_ping(viewer->session);
}

/* Asks the relay for the nick's stream. */
static void stream_viewer_send_view(LcStreamViewer *viewer)
{
    stream_viewer_close_stream(viewer);
    viewer->asked_on = session_get_connects(viewer->session);
    LcWireMsg msg = {.type = WIRE_VIEW, .flags = media_kind_to_flags(viewer->config.media)};
    msg.view.nick = viewer->nick;
    msg.view.channels = (guint8)(viewer->config.channels & WIRE_CHANNELS_ALL);
    session_send(viewer->session, &msg, NULL);
}

/* Follows the control connection: (re)joins, the relay's answers. */
static void stream_viewer_on_message(LcSession *session, const LcWireMsg *msg, gpointer data)
{
    LcStreamViewer *viewer = data;
    /* Answers about the nick's stream of another kind belong to the viewer
     * of that kind. */
    if ((msg->type == WIRE_VIEW_READY || msg->type == WIRE_VIDEO_REFUSED) &&
        media_kind_from_flags(msg->flags) != viewer->config.media)
        return;
    switch (msg->type) {
    case WIRE_WELCOME:
        /* After a reconnect the old view is gone; the first WELCOME may be
         * the one whose joined event created this viewer. */
        if (session_get_connects(session) != viewer->asked_on)
            stream_viewer_send_view(viewer);
        break;
    case WIRE_VIEW_READY:
        if (g_ascii_strcasecmp(msg->view_ready.nick, viewer->nick) == 0)
            stream_viewer_on_view_ready(viewer, msg);
        break;
    case WIRE_PRESENCE:
        if (msg->presence.kind == WIRE_PRESENCE_NICK &&
            g_ascii_strcasecmp(msg->presence.old, viewer->nick) == 0) {
            g_free(viewer->nick);
            viewer->nick = g_strdup(msg->presence.nick);
            if (viewer->events.renamed)
                viewer->events.renamed(viewer, viewer->nick, viewer->user_data);
        }
        break;
    case WIRE_VIEW_END:
        if (msg->view_end.viewer_id == viewer->viewer_id && viewer->viewer_id != 0) {
            stream_viewer_close_stream(viewer);
            if (viewer->events.ended)
                viewer->events.ended(viewer, msg->view_end.reason, viewer->user_data);
        }
        break;
    case WIRE_VIDEO_REFUSED:
        if (msg->video_refused.request == WIRE_VIEW &&
            g_ascii_strcasecmp(msg->video_refused.nick, viewer->nick) == 0 &&
            viewer->events.refused) {
            g_autoptr(GError) error = stream_common_refusal(msg);
            viewer->events.refused(viewer, error, viewer->user_data);
        }
        break;
    default:
        break;
    }
}

/* Creates a viewer of nick's stream. */
LcStreamViewer *stream_viewer_new(LcSession *session, const char *nick,
                                  const LcStreamViewerConfig *config,
                                  const LcStreamViewerEvents *events, gpointer user_data)
{
    LcStreamViewer *viewer = g_new0(LcStreamViewer, 1);
    viewer->session = session;
    viewer->nick = g_strdup(nick);
    viewer->config = *config;
    viewer->events = *events;
    viewer->user_data = user_data;
    stream_viewer_close_stream(viewer);
    viewer->watch = session_add_watch(session, stream_viewer_on_message, viewer);
    if (session_get_state(session) == SESSION_JOINED)
        stream_viewer_send_view(viewer);
    return viewer;
}

/* Whether every channel granted is open. */
gboolean stream_viewer_is_ready(LcStreamViewer *viewer)
{
    if (viewer->channels == 0)
        return FALSE;
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        if ((viewer->channels & LC_CHAN_BIT(k)) &&
            (viewer->chans[k].chan == NULL || !chan_is_ready(viewer->chans[k].chan)))
            return FALSE;
    return TRUE;
}

/* Asks the sender for a keyframe through the relay. */
gboolean stream_viewer_request_keyframe(LcStreamViewer *viewer, LcChanKind channel)
{
    g_return_val_if_fail(viewer != NULL, FALSE);
    if (viewer->stream_id == 0 || session_get_state(viewer->session) != SESSION_JOINED ||
        !session_relay_takes_keyframes(viewer->session))
        return FALSE; /* a relay from before KEYFRAME_REQUEST would close on it */
    LcWireMsg msg = {.type = WIRE_KEYFRAME_REQUEST};
    msg.keyframe_request.stream_id = viewer->stream_id;
    msg.keyframe_request.channel = (guint8)channel;
    return session_send(viewer->session, &msg, NULL);
}

/* Stops viewing and frees the viewer. */
void stream_viewer_free(LcStreamViewer *viewer)
{
    if (viewer == NULL)
        return;
    if (session_get_state(viewer->session) == SESSION_JOINED) {
        LcWireMsg msg = {.type = WIRE_VIEW_CLOSE,
                         .flags = media_kind_to_flags(viewer->config.media)};
        msg.view_close.nick = viewer->nick;
        session_send(viewer->session, &msg, NULL);
    }
    session_remove_watch(viewer->session, viewer->watch);
    stream_viewer_close_stream(viewer);
    g_free(viewer->nick);
    g_free(viewer);
}

/* A channel's own counters. */
gboolean stream_viewer_get_chan_stats(LcStreamViewer *viewer, LcChanKind channel,
                                      LcChanStats *stats)
{
    if (channel >= LC_CHAN_KINDS || viewer->chans[channel].chan == NULL)
        return FALSE;
    chan_get_stats(viewer->chans[channel].chan, stats);
    return TRUE;
}
