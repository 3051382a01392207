/* stream_sender.h: the sending side of a media stream (a camera's today; a
 * microphone's uses the same code): every frame goes out on the TCP and the
 * UDP channel at once (or on one of them), with the same sequence number and
 * capture time, and every frame is acknowledged.
 *
 * The sender asks for a stream on a joined control session (STREAM_OPEN),
 * opens the channels the relay grants, and reports each frame's fate per
 * channel through events: sent, acknowledged by the relay (the first hop),
 * acknowledged by each viewer (end to end, through the relay), or dropped /
 * lost. Frames are opaque bytes with a codec number and flags: net/ knows
 * nothing of how they were made. The channels are driven through one table of
 * operations (net/client/chan.h): nothing here depends on which transport a channel
 * uses.
 *
 * Clocks: send_us and arrival_us are this host's wall clock; the relay's
 * times are on the relay's clock and a viewer's on that viewer's. The
 * session measures relay-minus-local (NTP's four timestamps over PING/PONG);
 * each viewer sends its own relay-minus-viewer estimate with its ACKs, so
 * stream_sender_relay_to_local_us() and stream_sender_viewer_to_local_us() put
 * every time on this host's clock.
 */
#pragma once

#include "net/client/chan.h"
#include "net/client/session.h"
#include "net/wire/media_kind.h"

typedef struct _LcStreamSender LcStreamSender;

typedef enum {
    LC_STREAM_ACK_PIPELINED,     /* send every frame at once (the default) */
    LC_STREAM_ACK_STOP_AND_WAIT, /* per channel, the next frame only after the last is acked */
} LcStreamAckMode;

/* Parses an ack mode: "pipelined" or "stop-and-wait"; NULL means pipelined.
 * G_OPTION_ERROR_BAD_VALUE names both for anything else. */
gboolean stream_sender_parse_ack_mode(const char *text, LcStreamAckMode *mode, GError **error);
/* The mode's name, as the parser takes it and the summaries print it. */
const char *stream_sender_ack_mode_name(LcStreamAckMode mode);

typedef struct {
    LcMediaKind media; /* what the stream carries; one stream of each kind per session */
    guint channels;    /* LC_CHAN_BIT(LC_CHAN_TCP) | LC_CHAN_BIT(LC_CHAN_UDP) */
    LcStreamAckMode ack_mode;
    guint queue_frames;      /* per channel: frames waiting unsent; the oldest dropped beyond */
    gsize queue_bytes;       /* per channel: bytes waiting unsent; the oldest dropped beyond */
    guint loss_timeout_ms;   /* a sent frame the relay has not acked by then is lost */
    guint64 udp_pace_bps;    /* UDP pacing rate, bits per second (0 = unpaced) */
    gsize udp_pace_burst;    /* UDP bytes sent at once before pacing applies */
    gsize socket_buffer;     /* UDP SO_SNDBUF/SO_RCVBUF asked for, bytes */
    guint tcp_notsent_lowat; /* TCP_NOTSENT_LOWAT, bytes (0 = the kernel's) */
    gboolean private;        /* only the members allowed may view (session_allow_viewer) */
} LcStreamSenderConfig;

/* What happened to one frame on one channel: it went out, or it was dropped.
 * The sender remembers each frame's size and capture time, so that its user
 * keeps no record of its own. */
typedef struct {
    LcChanKind channel;
    guint64 seq;
    gsize bytes;             /* its data; 0 when the frame is no longer remembered */
    gint64 capture_us;       /* sender's clock, as submitted; 0 when no longer remembered */
    gint64 send_us;          /* sent: local clock, its first byte or datagram went out */
    LcChanDropReason reason; /* dropped: why */
} LcStreamFrameEvent;

/* The relay acknowledged a frame: the sender-to-relay hop. */
typedef struct {
    LcChanKind channel;
    guint64 seq;
    gint64 send_us;        /* local clock: its first byte or datagram went out */
    gint64 relay_first_us; /* relay clock: its first byte or datagram arrived */
    gint64 relay_last_us;  /* relay clock: its last byte or datagram arrived */
    gint64 arrival_us;     /* local clock: the ACK arrived */
    gint64 rtt_us;         /* arrival_us - send_us */
} LcStreamRelayAck;

/* A viewer acknowledged a frame, passed on by the relay: end to end. */
typedef struct {
    LcChanKind channel;
    guint32 viewer_id;
    guint64 seq;
    gint64 send_us;          /* local clock; 0 if the frame is too old to remember */
    gint64 viewer_first_us;  /* viewer clock: first byte or datagram arrived */
    gint64 viewer_last_us;   /* viewer clock: last byte or datagram arrived */
    gint64 viewer_offset_us; /* relay clock minus the viewer's, the viewer's estimate */
    gint64 arrival_us;       /* local clock: the ACK arrived */
} LcStreamViewerAck;

typedef struct {
    /* The relay granted a stream (STREAM_READY); its channels are opening. */
    void (*stream)(LcStreamSender *sender, guint32 stream_id, gpointer user_data);
    /* A channel is open: frames sent from now on flow on it. */
    void (*ready)(LcStreamSender *sender, LcChanKind channel, gpointer user_data);
    /* A frame started going out on a channel (send_us set). */
    void (*sent)(LcStreamSender *sender, const LcStreamFrameEvent *event, gpointer user_data);
    void (*relay_ack)(LcStreamSender *sender, const LcStreamRelayAck *ack, gpointer user_data);
    void (*viewer_ack)(LcStreamSender *sender, const LcStreamViewerAck *ack, gpointer user_data);
    /* A frame was dropped unsent, or given up on (reason LC_CHAN_DROP_LOST:
     * no relay ACK within the loss timeout; should its ACK come later after
     * all, relay_ack reports it then). */
    void (*dropped)(LcStreamSender *sender, const LcStreamFrameEvent *event, gpointer user_data);
    /* The relay refused the stream (VIDEO_REFUSED). */
    void (*refused)(LcStreamSender *sender, const GError *error, gpointer user_data);
    /* A channel closed (the relay, the network); it stays closed until the
     * stream is opened again after a reconnect. */
    void (*channel_closed)(LcStreamSender *sender, LcChanKind channel, const GError *error,
                           gpointer user_data);
    /* A viewer lost a reference frame on `channel` and asks for a keyframe
     * (KEYFRAME_REQUEST, through the relay); may be NULL. */
    void (*keyframe_wanted)(LcStreamSender *sender, LcChanKind channel, gpointer user_data);
} LcStreamSenderEvents;

/* What a sender has counted on one channel. */
typedef struct {
    guint64 frames_submitted; /* frames given to the channel (or dropped not ready) */
    guint64 frames_sent;
    guint64 bytes_sent;
    guint64 relay_acks;  /* frames acknowledged by the relay */
    guint64 viewer_acks; /* viewer ACKs passed back (all viewers) */
    guint64 dropped;     /* dropped unsent: queue, not ready, stop-and-wait */
    guint64 lost;        /* sent, no relay ACK within the loss timeout */
    guint outstanding;   /* sent and not yet acknowledged by the relay */
    LcChanStats chan;    /* the channel's own counters and socket state */
} LcStreamSenderStats;

/* Fills a config with the defaults: both channels, pipelined, 4 frames or
 * 8 MiB queued per channel, 1 s loss timeout, UDP paced at 1000 Mbit/s with
 * 24000-byte bursts, 4 MiB UDP socket buffers, 128 KiB TCP_NOTSENT_LOWAT. */
void stream_sender_config_init(LcStreamSenderConfig *config);

/* Creates a sender on a control session (which must outlive it); the stream
 * is asked for now if joined, else on joining, and again after a reconnect. */
LcStreamSender *stream_sender_new(LcSession *session, const LcStreamSenderConfig *config,
                                  const LcStreamSenderEvents *events, gpointer user_data);

/* Sends one frame on every channel (each takes a reference): its seq grows
 * by one per frame, its capture time is on the local clock, its codec and
 * flags pass through; the channels write the stream id and send time.
 * Fails only for a frame over the relay's size limit or before
 * STREAM_READY; a channel not open drops it (event). */
gboolean stream_sender_send_frame(LcStreamSender *sender, LcFrame *frame, GError **error);

/* Whether every channel asked for is open. */
gboolean stream_sender_is_ready(LcStreamSender *sender);

/* The stream id (0 before STREAM_READY). */
guint32 stream_sender_get_stream_id(LcStreamSender *sender);

/* The channels granted (a mask of LC_CHAN_BIT()), 0 before STREAM_READY. */
guint stream_sender_get_channels(LcStreamSender *sender);

/* One channel's counters; FALSE if that channel is not in use. */
gboolean stream_sender_get_stats(LcStreamSender *sender, LcChanKind channel,
                                 LcStreamSenderStats *stats);

/* Relay clock minus local clock, microseconds (0 before the first PONG). */
gint64 stream_sender_get_clock_offset_us(LcStreamSender *sender);

/* A relay timestamp on the local clock. */
gint64 stream_sender_relay_to_local_us(LcStreamSender *sender, gint64 relay_us);

/* A viewer timestamp on the local clock, given that viewer's offset. */
gint64 stream_sender_viewer_to_local_us(LcStreamSender *sender, gint64 viewer_us,
                                        gint64 viewer_offset_us);

/* Closes the stream (STREAM_CLOSE if still joined) and frees the sender. */
void stream_sender_free(LcStreamSender *sender);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcStreamSender, stream_sender_free)
