/* relay_video_tcp.c: the relay's video TCP channels.
 *
 * A video channel starts as an ordinary connection to the relay's port whose
 * first frame is VIDEO_HELLO instead of HELLO. Once its token checks out, the
 * relay takes the connection away from the chat engine into an LcChanStream
 * of its own (frames read straight into their own buffers, with first- and
 * last-byte times, and a drop-oldest video queue): over TLS the TLS
 * connection itself, which the chat side lets go of without closing it; in
 * plaintext a duplicate of the socket's descriptor, the chat side closing its
 * own copy. The client sends nothing
 * after VIDEO_HELLO until VIDEO_READY arrives, so no byte is left behind.
 */
#include "net/relay/relay_video_private.h"
#include "net/io/source.h"

#include "net/wire/clock.h"

#include <string.h>

#define RELAY_VIDEO_FLUSH_MS 2000

/* A viewer's channel takes only ACKs and ERRORs, both small. */
#define RELAY_VIDEO_VIEWER_PAYLOAD_MAX 1024

static const LcChanStreamEvents relay_video_tcp_events;

/* The stream this sender channel serves, or NULL if gone or replaced. */
static LcRelayStream *relay_video_tcp_stream(LcRelayVideoChan *chan)
{
    LcRelayStream *stream = relay_video_find_stream(chan->video, chan->stream_id);
    return stream != NULL && stream->tcp == chan ? stream : NULL;
}

/* The view with this id if it is attached to the channel, else NULL. */
static LcRelayViewer *relay_video_tcp_view(LcRelayVideoChan *chan, guint32 viewer_id)
{
    LcRelayViewer *viewer = relay_video_find_viewer(chan->video, viewer_id);
    return viewer != NULL && viewer->tcp == chan ? viewer : NULL;
}

/* The viewer this channel serves (its first, if shared), or NULL if gone
 * or replaced. */
static LcRelayViewer *relay_video_tcp_viewer(LcRelayVideoChan *chan)
{
    return relay_video_tcp_view(chan, chan->viewer_id);
}

/* Unlinks a channel from its stream or viewer, or a shared one from every
 * view it carries. */
static void relay_video_tcp_detach(LcRelayVideoChan *chan)
{
    LcRelayStream *stream = relay_video_tcp_stream(chan);
    LcRelayViewer *viewer = relay_video_tcp_viewer(chan);
    if (chan->role == WIRE_VIDEO_ROLE_SENDER && stream != NULL)
        stream->tcp = NULL;
    if (chan->role == WIRE_VIDEO_ROLE_VIEWER && viewer != NULL)
        viewer->tcp = NULL;
    if (!chan->shared || chan->views == 0)
        return;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, chan->video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (((LcRelayViewer *)value)->tcp == chan)
            ((LcRelayViewer *)value)->tcp = NULL;
    chan->views = 0;
}

/* A shared channel's queue holds as many frames per view as a channel of
 * its own would. */
static void relay_video_tcp_fit_queue(LcRelayVideoChan *chan)
{
    const LcRelayConfig *cfg = &chan->video->relay->config;
    chan_stream_set_queue_limits(chan->stream, cfg->video_queue_frames * MAX(chan->views, 1),
                                 cfg->video_queue_bytes);
}

/* Takes a viewer off its TCP channel: a shared one stays open for its
 * other views (and the next ones), a channel of its own is closed. */
static void relay_video_tcp_release(LcRelayViewer *viewer)
{
    LcRelayVideoChan *chan = viewer->tcp;
    if (chan == NULL || !chan->shared) {
        relay_video_tcp_close(chan, 0, NULL);
        return;
    }
    viewer->tcp = NULL;
    viewer->tcp_queued = 0;
    chan->views = chan->views > 0 ? chan->views - 1 : 0;
    relay_video_tcp_fit_queue(chan);
}

/* The idle callback that frees closed channels. */
static void relay_video_tcp_on_reap(gpointer data)
{
    relay_video_tcp_reap(data);
}

/* Frees the channels closed so far. */
void relay_video_tcp_reap(LcRelayVideo *video)
{
    source_drop(&video->reap_src);
    for (guint i = 0; i < video->dead_chans->len; i++)
        relay_video_tcp_destroy(video->dead_chans->pdata[i]);
    g_ptr_array_set_size(video->dead_chans, 0);
}

/* Frees a channel at once, without reporting. */
void relay_video_tcp_destroy(LcRelayVideoChan *chan)
{
    if (chan == NULL)
        return;
    if (chan->shared)
        g_ptr_array_remove_fast(chan->video->shared_chans, chan);
    chan_stream_free(chan->stream);
    relay_count_connection(chan->video->relay, chan->ip, -1);
    g_free(chan->ip);
    g_free(chan);
}

/* The stream closed: unlink it and free it from an idle. */
static void relay_video_tcp_on_closed(LcChanStream *cs, const GError *error, gpointer user_data)
{
    LcRelayVideoChan *chan = user_data;
    LcRelayVideo *video = chan->video;
    relay_video_tcp_detach(chan);
    g_debug("video channel %s closed: %s", chan_stream_get_peer(cs),
            error ? error->message : "closed");
    g_ptr_array_add(video->dead_chans, chan);
    source_once(&video->reap_src, 0, relay_video_tcp_on_reap, video);
}

/* Detaches a channel and closes it, with an ERROR first when code is set. */
void relay_video_tcp_close(LcRelayVideoChan *chan, LcWireErrorCode code, const char *reason)
{
    if (chan == NULL)
        return;
    relay_video_tcp_detach(chan);
    if (chan_stream_is_closing(chan->stream))
        return;
    if (code == 0) {
        chan_stream_close(chan->stream, NULL);
        return;
    }
    g_autoptr(GBytes) frame = wire_encode_error(code, TRUE, 0, reason);
    g_autoptr(GError) error = g_error_new(LC_WIRE_ERROR, code, "%s", reason);
    chan_stream_send(chan->stream, frame);
    chan_stream_close_after_flush(chan->stream, error, RELAY_VIDEO_FLUSH_MS);
}

/* Makes (once per frame, for all of a stream's TCP viewers) and returns a
 * frame's VIDEO_FRAME head. */
static GBytes *relay_video_tcp_head(LcRelayStream *stream, LcFrame *frame)
{
    if (stream->head_frame == frame)
        return stream->head;
    g_clear_pointer(&stream->head_frame, frame_unref);
    g_clear_pointer(&stream->head, g_bytes_unref);
    LcWireMsg msg;
    wire_video_frame_init(&msg, &frame->meta, frame->data);
    g_autoptr(GBytes) data = NULL;
    stream->head = wire_msg_encode_split(&msg, &data, NULL);
    stream->head_frame = frame_ref(frame);
    return stream->head;
}

/* Queues a frame to a viewer's TCP channel, tagged with the viewer's id
 * (a shared channel carries several views' frames). */
static void relay_video_tcp_forward(LcRelayViewer *viewer, LcFrame *frame)
{
    if (viewer->tcp == NULL || viewer->stream == NULL)
        return;
    /* On a shared channel each view keeps to its own share of the queue,
     * so that a speaker who floods loses its own packets, not the other
     * speakers'. */
    if (viewer->tcp->shared &&
        viewer->tcp_queued >= viewer->video->relay->config.video_queue_frames) {
        viewer->stats.drops[LC_CHAN_TCP]++;
        return;
    }
    GBytes *head = relay_video_tcp_head(viewer->stream, frame);
    if (head == NULL)
        return;
    viewer->tcp_queued++;
    chan_stream_send_media(viewer->tcp->stream, head, frame->data, viewer->id);
}

/* Sends a message on a channel (never dropped). */
static void relay_video_tcp_send(LcRelayVideoChan *chan, const LcWireMsg *msg)
{
    g_autoptr(GBytes) frame = wire_msg_encode(msg, NULL);
    if (frame != NULL)
        chan_stream_send(chan->stream, frame);
}

/* VIDEO_FRAME from the sender: acknowledge it and fan it out. */
static void relay_video_tcp_frame_in(LcRelayVideoChan *chan, const LcWireMsg *msg, gint64 first_us,
                                     gint64 last_us)
{
    LcRelayStream *stream = relay_video_tcp_stream(chan);
    if (stream == NULL)
        return;
    if (msg->video_frame.stream_id != stream->id) {
        relay_video_tcp_close(chan, WIRE_ERR_PROTOCOL, "VIDEO_FRAME names another stream");
        return;
    }
    gsize size = g_bytes_get_size(msg->video_frame.data);
    stream->stats.frames_in[LC_CHAN_TCP]++;
    stream->stats.bytes_in[LC_CHAN_TCP] += size;

    LcWireMsg ack = {.type = WIRE_VIDEO_ACK};
    ack.video_ack.stream_id = stream->id;
    ack.video_ack.seq = msg->video_frame.seq;
    ack.video_ack.first_us = (guint64)first_us;
    ack.video_ack.last_us = (guint64)last_us;
    relay_video_tcp_send(chan, &ack);

    g_autoptr(LcFrame) frame = wire_video_frame_to_frame(msg);
    frame->meta.stream_id = stream->id;
    relay_video_fan_out(stream, frame, LC_CHAN_TCP);
}

/* VIDEO_ACK from a viewer: pass it back to the sender. On a shared
 * channel an ACK of a view that has just left it is in flight, not wrong:
 * it is dropped. */
static void relay_video_tcp_viewer_ack(LcRelayVideoChan *chan, const LcWireMsg *msg)
{
    LcRelayViewer *viewer = chan->shared ? relay_video_tcp_view(chan, msg->video_ack.viewer_id)
                                         : relay_video_tcp_viewer(chan);
    if (viewer == NULL || viewer->stream == NULL)
        return;
    if (chan->shared && msg->video_ack.stream_id != viewer->stream->id)
        return; /* of the view's last stream, in flight as it changed */
    if (msg->video_ack.stream_id != viewer->stream->id || msg->video_ack.viewer_id != viewer->id) {
        relay_video_tcp_close(chan, WIRE_ERR_PROTOCOL, "VIDEO_ACK names another stream or viewer");
        return;
    }
    viewer->stats.acks[LC_CHAN_TCP]++;
    if (viewer->stream->tcp != NULL)
        relay_video_tcp_send(viewer->stream->tcp, msg);
}

static gboolean relay_video_tcp_check(LcRelayVideo *video, const LcWireMsg *hello,
                                      LcRelayVideoChan ***slot);
static void relay_video_tcp_send_ready(LcRelayVideoChan *chan, const LcWireMsg *hello);

/* VIDEO_HELLO on a shared viewer channel: attaches one more view and
 * answers VIDEO_READY. A view that ended meanwhile (its VIEW_END is on the
 * way) or a wrong token attaches nothing and is not answered: the other
 * views go on. */
static void relay_video_tcp_attach(LcRelayVideoChan *chan, const LcWireMsg *hello)
{
    LcRelayVideoChan **slot = NULL;
    if (hello->video_hello.role != WIRE_VIDEO_ROLE_VIEWER ||
        !relay_video_tcp_check(chan->video, hello, &slot)) {
        chan->video->unknown_token++;
        return;
    }
    if (*slot != chan) {
        relay_video_tcp_release(relay_video_find_viewer(chan->video, hello->video_hello.viewer_id));
        *slot = chan;
        chan->views++;
        relay_video_tcp_fit_queue(chan);
    }
    relay_video_tcp_send_ready(chan, hello);
}

/* One frame on a video channel. */
static void relay_video_tcp_on_frame(LcChanStream *cs, const LcWireHeader *header,
                                     const guint8 *payload, gint64 first_us, gint64 last_us,
                                     gpointer user_data)
{
    LcRelayVideoChan *chan = user_data;
    g_autoptr(GError) error = NULL;
    LcWireMsg msg;
    if (!chan_stream_decode(cs, header, &msg, &error)) {
        relay_video_tcp_close(chan, error->code, error->message);
        return;
    }
    gboolean sender = chan->role == WIRE_VIDEO_ROLE_SENDER;
    if (msg.type == WIRE_VIDEO_FRAME && sender)
        relay_video_tcp_frame_in(chan, &msg, first_us, last_us);
    else if (msg.type == WIRE_VIDEO_ACK && !sender)
        relay_video_tcp_viewer_ack(chan, &msg);
    else if (msg.type == WIRE_VIDEO_HELLO && chan->shared)
        relay_video_tcp_attach(chan, &msg);
    else if (msg.type == WIRE_ERROR)
        relay_video_tcp_close(chan, 0, NULL);
    else if (msg.type != WIRE_PING && msg.type != WIRE_PONG) {
        g_autofree char *reason =
            g_strdup_printf("%s is not sent on a %s video channel", wire_type_name(msg.type),
                            sender ? "sender's" : "viewer's");
        relay_video_tcp_close(chan, WIRE_ERR_PROTOCOL, reason);
    }
    wire_msg_clear(&msg);
}

/* The peer broke the framing. */
static void relay_video_tcp_on_bad_frame(LcChanStream *cs, const GError *error, gpointer data)
{
    relay_video_tcp_close(data, error->code, error->message);
}

/* A frame reached a viewer's socket whole (tag: the viewer's id). */
static void relay_video_tcp_on_written(LcChanStream *cs, guint64 tag, gpointer data)
{
    LcRelayViewer *viewer = relay_video_tcp_view(data, (guint32)tag);
    if (viewer != NULL) {
        viewer->stats.frames_out[LC_CHAN_TCP]++;
        viewer->tcp_queued = viewer->tcp_queued > 0 ? viewer->tcp_queued - 1 : 0;
    }
}

/* A frame waited too long in a viewer's queue and was dropped. */
static void relay_video_tcp_on_dropped(LcChanStream *cs, guint64 tag, gpointer data)
{
    LcRelayViewer *viewer = relay_video_tcp_view(data, (guint32)tag);
    if (viewer != NULL) {
        viewer->stats.drops[LC_CHAN_TCP]++;
        viewer->tcp_queued = viewer->tcp_queued > 0 ? viewer->tcp_queued - 1 : 0;
    }
}

static const LcChanStreamEvents relay_video_tcp_events = {
    .frame = relay_video_tcp_on_frame,
    .bad_frame = relay_video_tcp_on_bad_frame,
    .written = relay_video_tcp_on_written,
    .dropped = relay_video_tcp_on_dropped,
    .closed = relay_video_tcp_on_closed,
};

/* Finds the stream or viewer a VIDEO_HELLO names, checking its token; sets
 * *slot to where its channel goes. */
static gboolean relay_video_tcp_check(LcRelayVideo *video, const LcWireMsg *hello,
                                      LcRelayVideoChan ***slot)
{
    guint32 stream_id = hello->video_hello.stream_id;
    if (hello->video_hello.role == WIRE_VIDEO_ROLE_SENDER) {
        LcRelayStream *stream = relay_video_find_stream(video, stream_id);
        if (stream == NULL || stream->token != hello->video_hello.token ||
            hello->video_hello.viewer_id != 0 || !(stream->channels & WIRE_CHANNEL_TCP))
            return FALSE;
        *slot = &stream->tcp;
        return TRUE;
    }
    LcRelayViewer *viewer = relay_video_find_viewer(video, hello->video_hello.viewer_id);
    if (viewer == NULL || viewer->stream == NULL || viewer->stream->id != stream_id ||
        viewer->token != hello->video_hello.token || !(viewer->channels & WIRE_CHANNEL_TCP) ||
        !(viewer->stream->channels & WIRE_CHANNEL_TCP))
        return FALSE;
    *slot = &viewer->tcp;
    return TRUE;
}

/* The limits of a channel of this role. */
static void relay_video_tcp_limits(const LcRelayConfig *cfg, guint8 role, guint32 frame_max,
                                   LcChanStreamLimits *limits)
{
    limits->queue_frames = cfg->video_queue_frames;
    limits->queue_bytes = cfg->video_queue_bytes;
    limits->control_max = cfg->video_control_max;
    limits->max_payload = role == WIRE_VIDEO_ROLE_SENDER ? WIRE_VIDEO_FRAME_HEAD + (gsize)frame_max
                                                         : RELAY_VIDEO_VIEWER_PAYLOAD_MAX;
    limits->notsent_lowat = cfg->video_tcp_notsent_lowat;
    limits->stamp_offset = -1; /* forwarded frames keep the sender's send time */
}

/* VIDEO_HELLO: takes the connection over as a video channel, or refuses it. */
void relay_video_tcp_adopt(LcRelayVideo *video, LcRelayClient *client, const LcWireMsg *hello)
{
    LcRelayVideoChan **slot = NULL;
    g_autoptr(GError) error = NULL;
    if (!relay_video_tcp_check(video, hello, &slot)) {
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                "VIDEO_HELLO names no open stream or viewer with that token");
        return;
    }
    /* A sealed stream's or view's channels speak TLS, as its owner does. */
    LcRelayStream *owned = relay_video_find_stream(video, hello->video_hello.stream_id);
    LcRelayViewer *viewed = relay_video_find_viewer(video, hello->video_hello.viewer_id);
    LcDgramKey *key = hello->video_hello.role == WIRE_VIDEO_ROLE_SENDER
                          ? (owned ? &owned->udp_key : NULL)
                          : (viewed ? &viewed->udp_key : NULL);
    if (key != NULL && dgram_crypt_key_is_set(key) && !chan_stream_is_tls(client->conn)) {
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                "this stream is encrypted: its channels speak TLS");
        return;
    }

    /* A channel opened again replaces the old one. */
    if (hello->video_hello.role == WIRE_VIDEO_ROLE_VIEWER)
        relay_video_tcp_release(relay_video_find_viewer(video, hello->video_hello.viewer_id));
    else
        relay_video_tcp_close(*slot, 0, NULL);

    LcRelayVideoChan *chan = g_new0(LcRelayVideoChan, 1);
    chan->video = video;
    chan->ip = g_strdup(client->ip);
    /* The one connection is counted once: by the channel from now on, not
     * also by the retired client until the reaper frees it. */
    client->handed_over = TRUE;
    chan->role = hello->video_hello.role;
    chan->stream_id = hello->video_hello.stream_id;
    chan->viewer_id = hello->video_hello.viewer_id;
    chan->shared = chan->role == WIRE_VIDEO_ROLE_VIEWER && (hello->flags & WIRE_FLAG_SHARED) != 0;
    chan->views = 1;
    LcChanStreamLimits limits;
    LcRelayStream *stream = relay_video_find_stream(video, chan->stream_id);
    relay_video_tcp_limits(&video->relay->config, chan->role,
                           stream ? stream->frame_max : video->relay->config.video_frame_max,
                           &limits);
    /* The channel takes the connection (and its TLS) over; the chat side
     * lets go of it without closing it. */
    chan->stream = relay_take_stream(client->conn, &limits, &relay_video_tcp_events, chan, &error);
    if (chan->stream == NULL) {
        relay_client_send_error(client, WIRE_ERR_INTERNAL, TRUE, 0, error->message);
        g_free(chan->ip);
        g_free(chan);
        client->handed_over = FALSE;
        return;
    }
    relay_client_retire(client, "became a video channel");
    *slot = chan;
    if (chan->shared)
        g_ptr_array_add(video->shared_chans, chan);
    chan_stream_start(chan->stream);
    relay_video_tcp_send_ready(chan, hello);
}

/* VIDEO_READY for the stream or view a VIDEO_HELLO named. */
static void relay_video_tcp_send_ready(LcRelayVideoChan *chan, const LcWireMsg *hello)
{
    LcWireMsg ready = {.type = WIRE_VIDEO_READY};
    ready.video_ready.role = hello->video_hello.role;
    ready.video_ready.stream_id = hello->video_hello.stream_id;
    ready.video_ready.viewer_id = hello->video_hello.viewer_id;
    ready.video_ready.server_time = (guint64)clock_now_us();
    relay_video_tcp_send(chan, &ready);
}

/* Whether the viewer's TCP channel is connected. */
static gboolean relay_video_tcp_viewer_is_open(const LcRelayViewer *viewer)
{
    return viewer->tcp != NULL;
}

/* Frames waiting in the viewer's TCP queue. */
static guint relay_video_tcp_viewer_queued(const LcRelayViewer *viewer)
{
    if (viewer->tcp == NULL)
        return 0;
    return viewer->tcp->shared ? viewer->tcp_queued
                               : chan_stream_get_queued_frames(viewer->tcp->stream);
}

/* Closes the viewer's TCP channel (its VIEW_END says why), or takes it
 * off a shared one. */
static void relay_video_tcp_viewer_detach(LcRelayViewer *viewer)
{
    relay_video_tcp_release(viewer);
}

/* Closes the sender's TCP channel. */
static void relay_video_tcp_stream_detach(LcRelayStream *stream)
{
    relay_video_tcp_close(stream->tcp, 0, NULL);
}

const LcRelayTransportOps relay_tcp_ops = {
    .kind = LC_CHAN_TCP,
    .viewer_is_open = relay_video_tcp_viewer_is_open,
    .forward = relay_video_tcp_forward,
    .viewer_queued = relay_video_tcp_viewer_queued,
    .viewer_detach = relay_video_tcp_viewer_detach,
    .stream_detach = relay_video_tcp_stream_detach,
};

/* Closes a channel stalled in the middle of a frame. */
static void relay_video_tcp_check_stall(LcRelayVideoChan *chan, gint64 now, gint64 stall_us)
{
    if (chan == NULL || chan_stream_is_closing(chan->stream) ||
        chan_stream_get_partial_bytes(chan->stream) == 0 ||
        now - chan_stream_get_last_read(chan->stream) <= stall_us)
        return;
    g_info("video channel %s stalled in the middle of a frame (%zu bytes)",
           chan_stream_get_peer(chan->stream), chan_stream_get_partial_bytes(chan->stream));
    relay_video_tcp_close(chan, WIRE_ERR_TIMEOUT, "stopped sending in the middle of a frame");
}

/* Closes every video channel stalled in the middle of a frame. */
void relay_video_tcp_check_stalls(LcRelayVideo *video, gint64 now, gint64 stall_us)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->streams);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        relay_video_tcp_check_stall(((LcRelayStream *)value)->tcp, now, stall_us);
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        relay_video_tcp_check_stall(((LcRelayViewer *)value)->tcp, now, stall_us);
    for (guint i = 0; i < video->shared_chans->len; i++)
        relay_video_tcp_check_stall(video->shared_chans->pdata[i], now, stall_us);
}

/* Closes every shared viewer channel. */
void relay_video_tcp_close_shared(LcRelayVideo *video, LcWireErrorCode code, const char *reason)
{
    g_autoptr(GPtrArray) chans = g_ptr_array_copy(video->shared_chans, NULL, NULL);
    for (guint i = 0; i < chans->len; i++)
        relay_video_tcp_close(chans->pdata[i], code, reason);
}

/* Frees every shared viewer channel at once. */
void relay_video_tcp_free_shared(LcRelayVideo *video)
{
    while (video->shared_chans->len > 0) {
        LcRelayVideoChan *chan = video->shared_chans->pdata[0];
        relay_video_tcp_detach(chan);
        relay_video_tcp_destroy(chan); /* takes it off the list */
    }
}
