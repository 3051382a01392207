/* chan_tcp.c: the TCP video channel: a second TCP connection to the relay's
 * port, opened with VIDEO_HELLO, carrying length-prefixed VIDEO_FRAMEs one way
 * and VIDEO_ACKs the other (docs/PROTOCOL.md, "Video TCP channel").
 *
 * A sender's frames wait in a queue bounded in frames and bytes that drops
 * the oldest unsent frame when the socket cannot keep up: live video never
 * queues without bound. The send time in each frame's header is written as
 * its first byte goes out, so that it measures the network, not the queue.
 */
#include "net/client/chan_private.h"
#include "net/client/chan_mux.h"

#include "net/io/chan_defaults.h"

#include "net/io/chan_stream.h"
#include "net/secure/tls_client.h"
#include "net/wire/clock.h"
#include "net/wire/wire.h"

#include <sys/socket.h>

/* Where VIDEO_FRAME's send_us sits in a frame: after the header, stream_id,
 * seq and capture_us. */
#define CHAN_TCP_SEND_US_OFFSET (WIRE_HEADER_SIZE + 4 + 8 + 8)

/* Largest payload a sender's channel receives (ACKs, VIDEO_READY, ERROR). */
#define CHAN_TCP_SENDER_PAYLOAD_MAX 1024

/* ACKs a viewer may have queued before its channel is considered stuck. */
#define CHAN_TCP_CONTROL_MAX LC_CHAN_DEFAULT_CONTROL_MAX

typedef struct {
    LcChan base;
    GCancellable *cancel;
    LcChanStream *stream; /* its own, or the mux's (borrowed) */
    gboolean on_mux;      /* attached to config.mux (chan_mux.h) */
    LcChanStats counters;
} LcChanTcp;

static const LcChanStreamEvents chan_tcp_stream_events;

/* Connects to the relay's port: with TLS, the relay showing the
 * certificate fingerprint names, when given; plaintext otherwise. */
void chan_tcp_connect(GInetAddress *relay_ip, guint16 port, const char *fingerprint,
                      GCancellable *cancel, GAsyncReadyCallback callback, gpointer data)
{
    g_autofree char *ip = g_inet_address_to_string(relay_ip);
    g_autofree char *name = g_inet_address_get_family(relay_ip) == G_SOCKET_FAMILY_IPV6
                                ? g_strdup_printf("[%s]:%u", ip, port)
                                : g_strdup_printf("%s:%u", ip, port);
    LcTlsPin pin = {.relay = name, .expect = fingerprint};
    tls_client_connect_async(relay_ip, port, 10, fingerprint ? &pin : NULL, cancel, callback, data);
}

/* Allocates a TCP channel. */
static LcChan *chan_tcp_create(void)
{
    return (LcChan *)g_new0(LcChanTcp, 1);
}

/* Sends a message that must not be dropped. */
static void chan_tcp_send_msg(LcChanTcp *tcp, const LcWireMsg *msg)
{
    g_autoptr(GBytes) frame = wire_msg_encode(msg, NULL);
    if (frame != NULL && tcp->stream != NULL)
        chan_stream_send(tcp->stream, frame);
}

/* The limits of this channel's stream. */
static void chan_tcp_limits(const LcChanConfig *config, LcChanStreamLimits *limits)
{
    gboolean sender = config->role == LC_CHAN_ROLE_SENDER;
    limits->queue_frames = MAX(config->queue_frames, 1);
    limits->queue_bytes = config->queue_bytes > 0 ? config->queue_bytes : G_MAXSIZE;
    limits->control_max = CHAN_TCP_CONTROL_MAX;
    limits->max_payload =
        sender ? CHAN_TCP_SENDER_PAYLOAD_MAX : WIRE_VIDEO_FRAME_HEAD + (gsize)config->frame_max;
    limits->notsent_lowat = config->tcp_notsent_lowat;
    limits->stamp_offset = sender ? CHAN_TCP_SEND_US_OFFSET : -1;
}

/* Connected (with TLS, unless plaintext): wrap the connection, ask for the
 * channel with VIDEO_HELLO. */
static void chan_tcp_on_connected(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GIOStream) connection = tls_client_connect_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return; /* the channel is being freed */
    LcChanTcp *tcp = data;
    LcChan *chan = &tcp->base;
    if (connection == NULL) {
        g_prefix_error(&error, "video TCP channel: ");
        chan_fail(chan, error);
        return;
    }
    /* TCP keeps the kernel's buffer autotuning: socket_buffer is for UDP. */
    LcChanStreamLimits limits;
    chan_tcp_limits(&chan->config, &limits);
    tcp->stream = chan_stream_new_for_io(connection, &limits, &chan_tcp_stream_events, tcp);
    chan_stream_start(tcp->stream);
    LcWireMsg hello = {.type = WIRE_VIDEO_HELLO};
    hello.video_hello.role = (guint8)chan->config.role;
    hello.video_hello.stream_id = chan->config.stream_id;
    hello.video_hello.viewer_id = chan->config.viewer_id;
    hello.video_hello.token = chan->config.token;
    chan_tcp_send_msg(tcp, &hello);
}

/* The mux's connection is up: says VIDEO_HELLO for this view on it. */
void chan_tcp_mux_attached(LcChan *chan, LcChanStream *stream)
{
    LcChanTcp *tcp = (LcChanTcp *)chan;
    tcp->stream = stream;
    LcWireMsg hello = {.type = WIRE_VIDEO_HELLO, .flags = WIRE_FLAG_SHARED};
    hello.video_hello.role = (guint8)chan->config.role;
    hello.video_hello.stream_id = chan->config.stream_id;
    hello.video_hello.viewer_id = chan->config.viewer_id;
    hello.video_hello.token = chan->config.token;
    chan_tcp_send_msg(tcp, &hello);
}

/* The mux's connection is gone: the channel no longer writes to it. */
void chan_tcp_mux_detached(LcChan *chan)
{
    ((LcChanTcp *)chan)->stream = NULL;
}

/* Starts connecting to the relay's port, or attaches to the mux. */
static void chan_tcp_open(LcChan *chan)
{
    LcChanTcp *tcp = (LcChanTcp *)chan;
    if (chan->config.mux != NULL && chan->config.role == LC_CHAN_ROLE_VIEWER) {
        tcp->on_mux = TRUE;
        chan_mux_attach_tcp(chan->config.mux, chan);
        return;
    }
    tcp->cancel = g_cancellable_new();
    chan_tcp_connect(chan->config.relay_ip, chan->config.tcp_port, chan->config.fingerprint,
                     tcp->cancel, chan_tcp_on_connected, tcp);
}

/* Sender: queues a frame; its header's send time is written as it goes out. */
static void chan_tcp_send_frame(LcChan *chan, LcFrame *frame)
{
    LcChanTcp *tcp = (LcChanTcp *)chan;
    LcWireMsg msg;
    wire_video_frame_init(&msg, &frame->meta, frame->data);
    msg.video_frame.stream_id = chan->config.stream_id;
    msg.video_frame.send_us = 0; /* written as its first byte goes out */
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GBytes) head = wire_msg_encode_split(&msg, &data, NULL);
    if (head == NULL) {
        chan_emit_dropped(chan, frame->meta.seq, LC_CHAN_DROP_QUEUE);
        return;
    }
    chan_stream_send_media(tcp->stream, head, data, frame->meta.seq);
}

/* Viewer: acknowledges a received frame. */
static void chan_tcp_send_ack(LcChan *chan, const LcChanAck *ack)
{
    LcWireMsg msg = {.type = WIRE_VIDEO_ACK};
    msg.video_ack.stream_id = chan->config.stream_id;
    msg.video_ack.viewer_id = chan->config.viewer_id;
    msg.video_ack.seq = ack->seq;
    msg.video_ack.first_us = (guint64)ack->first_us;
    msg.video_ack.last_us = (guint64)ack->last_us;
    msg.video_ack.clock_offset_us = (guint64)ack->clock_offset_us;
    chan_tcp_send_msg((LcChanTcp *)chan, &msg);
}

/* An ACK from the relay (or a viewer's, passed on). */
static void chan_tcp_on_ack(LcChanTcp *tcp, const LcWireMsg *msg)
{
    LcChanAck ack = {
        .viewer_id = msg->video_ack.viewer_id,
        .seq = msg->video_ack.seq,
        .first_us = (gint64)msg->video_ack.first_us,
        .last_us = (gint64)msg->video_ack.last_us,
        .clock_offset_us = (gint64)msg->video_ack.clock_offset_us,
        .arrival_us = clock_now_us(),
    };
    tcp->counters.acks++;
    chan_emit_ack(&tcp->base, &ack);
}

/* A frame forwarded by the relay (viewer). */
static void chan_tcp_on_video(LcChanTcp *tcp, const LcWireMsg *msg, gint64 first_us, gint64 last_us)
{
    if (!tcp->base.ready || tcp->base.closed)
        return;
    g_autoptr(LcFrame) frame = wire_video_frame_to_frame(msg);
    tcp->counters.frames_received++;
    tcp->counters.bytes_received += frame_get_size(frame);
    chan_emit_frame(&tcp->base, frame, first_us, last_us);
}

/* One frame from the relay. */
static void chan_tcp_on_frame(LcChanStream *stream, const LcWireHeader *header,
                              const guint8 *payload, gint64 first_us, gint64 last_us,
                              gpointer user_data)
{
    LcChanTcp *tcp = user_data;
    LcChan *chan = &tcp->base;
    g_autoptr(GError) error = NULL;
    LcWireMsg msg;
    if (!chan_stream_decode(stream, header, &msg, &error)) {
        g_prefix_error(&error, "relay sent a bad frame on the video channel: ");
        chan_fail(chan, error);
        return;
    }
    gboolean sender = chan->config.role == LC_CHAN_ROLE_SENDER;
    if (msg.type == WIRE_VIDEO_READY) {
        chan_emit_ready(chan);
    } else if (msg.type == WIRE_VIDEO_ACK && sender) {
        chan_tcp_on_ack(tcp, &msg);
    } else if (msg.type == WIRE_VIDEO_FRAME && !sender) {
        chan_tcp_on_video(tcp, &msg, first_us, last_us);
    } else if (msg.type == WIRE_ERROR) {
        g_set_error(&error, LC_WIRE_ERROR, msg.error.code, "relay closed the video channel: %s",
                    msg.error.reason);
        chan_fail(chan, error);
    }
    wire_msg_clear(&msg);
}

/* A VIDEO_FRAME of this channel's stream, read by the mux. */
void chan_tcp_take_frame(LcChan *chan, const LcWireMsg *msg, gint64 first_us, gint64 last_us)
{
    chan_tcp_on_video((LcChanTcp *)chan, msg, first_us, last_us);
}

/* The relay broke the framing. */
static void chan_tcp_on_bad_frame(LcChanStream *stream, const GError *error, gpointer data)
{
    g_autoptr(GError) copy = g_error_copy(error);
    g_prefix_error(&copy, "relay sent a bad frame on the video channel: ");
    chan_fail(data, copy);
}

/* A frame's first byte went out. */
static void chan_tcp_on_started(LcChanStream *stream, guint64 seq, gint64 send_us, gsize bytes,
                                gpointer data)
{
    LcChanTcp *tcp = data;
    tcp->counters.frames_sent++;
    tcp->counters.bytes_sent += bytes;
    chan_emit_sent(&tcp->base, seq, bytes, send_us);
}

/* A frame waited too long and was dropped unsent. */
static void chan_tcp_on_dropped(LcChanStream *stream, guint64 seq, gpointer data)
{
    LcChanTcp *tcp = data;
    tcp->counters.frames_dropped++;
    chan_emit_dropped(&tcp->base, seq, LC_CHAN_DROP_QUEUE);
}

/* The connection closed. */
static void chan_tcp_on_closed(LcChanStream *stream, const GError *error, gpointer data)
{
    g_autoptr(GError) why = NULL;
    if (error == NULL)
        why = g_error_new(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                          "relay closed the video TCP channel");
    chan_fail(data, error ? error : why);
}

static const LcChanStreamEvents chan_tcp_stream_events = {
    .frame = chan_tcp_on_frame,
    .bad_frame = chan_tcp_on_bad_frame,
    .started = chan_tcp_on_started,
    .dropped = chan_tcp_on_dropped,
    .closed = chan_tcp_on_closed,
};

/* Counters, queue and the kernel's view of the connection. */
static void chan_tcp_get_stats(LcChan *chan, LcChanStats *stats)
{
    LcChanTcp *tcp = (LcChanTcp *)chan;
    *stats = tcp->counters;
    if (tcp->stream == NULL || chan_stream_is_closing(tcp->stream))
        return;
    GSocket *socket = chan_stream_get_socket(tcp->stream);
    gint value = 0;
    stats->queue_frames = chan_stream_get_queued_frames(tcp->stream);
    stats->queue_bytes = chan_stream_get_queued_bytes(tcp->stream);
    if (g_socket_get_option(socket, SOL_SOCKET, SO_SNDBUF, &value, NULL))
        stats->sndbuf = (gsize)MAX(value, 0);
    if (g_socket_get_option(socket, SOL_SOCKET, SO_RCVBUF, &value, NULL))
        stats->rcvbuf = (gsize)MAX(value, 0);
    stats->has_tcp_info = stats_tcpinfo_read(g_socket_get_fd(socket), &stats->tcp_info, NULL);
}

/* Stops connecting, closes the connection. */
static void chan_tcp_close(LcChan *chan)
{
    LcChanTcp *tcp = (LcChanTcp *)chan;
    if (tcp->cancel != NULL)
        g_cancellable_cancel(tcp->cancel);
    if (tcp->on_mux) {
        chan_mux_detach_tcp(chan->config.mux, chan);
        tcp->on_mux = FALSE;
        tcp->stream = NULL; /* the mux's */
    } else if (tcp->stream != NULL) {
        chan_stream_close(tcp->stream, NULL);
    }
}

/* Frees the channel. */
static void chan_tcp_free(LcChan *chan)
{
    LcChanTcp *tcp = (LcChanTcp *)chan;
    g_clear_object(&tcp->cancel);
    g_clear_pointer(&tcp->stream, chan_stream_free);
    g_free(tcp);
}

const LcChanOps chan_tcp_ops = {
    .kind = LC_CHAN_TCP,
    .create = chan_tcp_create,
    .open = chan_tcp_open,
    .send_frame = chan_tcp_send_frame,
    .send_ack = chan_tcp_send_ack,
    .get_stats = chan_tcp_get_stats,
    .close = chan_tcp_close,
    .free = chan_tcp_free,
};
