/* chan.h: one interface for the TCP and the UDP video channel.
 *
 * Like iperf3's struct protocol, each transport fills one table of operations
 * (LcChanOps); everything above this layer (net/client/stream_sender.c,
 * net/client/stream_viewer.c, the comparison and statistics code) calls chan_*() and
 * never branches on the transport: the same frame goes through the same calls
 * on both channels, and the same events come back.
 *
 * A channel is opened with what the relay handed out on the control
 * connection (stream id, token, ports). As a sender it takes frames and
 * reports each one sent, dropped, or acknowledged (by the relay, and by each
 * viewer through the relay); as a viewer it reports each frame received (or
 * lost, for UDP) and sends the ACKs. Everything runs on the thread-default
 * main context; nothing blocks.
 */
#pragma once

#include <gio/gio.h>

#include "net/stats/stats_tcpinfo.h"
#include "net/wire/chan_kind.h"
#include "net/wire/frag.h"

typedef enum {
    LC_CHAN_ROLE_SENDER = 1, /* = WIRE_VIDEO_ROLE_SENDER */
    LC_CHAN_ROLE_VIEWER = 2, /* = WIRE_VIDEO_ROLE_VIEWER */
} LcChanRole;

/* Why a frame never made it (or was given up on). */
typedef enum {
    LC_CHAN_DROP_QUEUE,     /* dropped unsent: the send queue was full (oldest first) */
    LC_CHAN_DROP_NOT_READY, /* the channel was not open (yet, or any more) */
    LC_CHAN_DROP_WAIT_ACK,  /* stop-and-wait: replaced by a newer frame while waiting */
    LC_CHAN_DROP_LOST,      /* sent, but no ACK from the relay within the loss timeout */
} LcChanDropReason;

/* An acknowledgement of one frame. */
typedef struct {
    guint32 viewer_id; /* 0: the relay's own; else the viewer whose ACK the relay passed on */
    guint64 seq;
    gint64 first_us;        /* acknowledger's clock: first byte or datagram received */
    gint64 last_us;         /* acknowledger's clock: last byte or datagram received */
    gint64 clock_offset_us; /* relay clock minus the acknowledger's (0 from the relay) */
    gint64 arrival_us;      /* local clock: when the ACK arrived (0 when sending one) */
} LcChanAck;

typedef struct _LcChanMux LcChanMux;

typedef struct {
    LcChanRole role;
    LcChanMux *mux;         /* viewers: a shared connection and socket (chan_mux.h), or NULL */
    GInetAddress *relay_ip; /* borrowed: the relay's address on the control connection */
    /* TLS: the relay must show the certificate with this fingerprint (its
     * control connection's); NULL: plaintext, UDP unsealed. Copied. */
    const char *fingerprint;
    /* UDP: the key STREAM_READY or VIEW_READY gave (over TLS): every
     * datagram sealed both ways (net/io/dgram_crypt.h); NULL: plain. */
    GBytes *udp_key;
    guint16 tcp_port;
    guint16 udp_port;
    guint32 stream_id;
    guint32 viewer_id; /* viewers: the id VIEW_READY gave */
    guint64 token;
    guint32 frame_max;
    guint queue_frames;      /* sender: frames waiting unsent; the oldest are dropped beyond */
    gsize queue_bytes;       /* sender: bytes waiting unsent; the oldest are dropped beyond */
    guint tcp_notsent_lowat; /* TCP_NOTSENT_LOWAT, bytes (0 = the kernel's) */
    guint64 udp_pace_bps;    /* UDP pacing rate, bits per second (0 = unpaced) */
    gsize udp_pace_burst;    /* UDP bytes sent at once before pacing applies */
    gsize socket_buffer;     /* SO_SNDBUF and SO_RCVBUF asked for, bytes (0 = the kernel's) */
    guint reassembly_ms;     /* UDP viewers: an incomplete frame is lost after this */
    guint reassembly_frames; /* UDP viewers: incomplete frames held at once */
} LcChanConfig;

/* What a channel has counted, and its socket's state now. */
typedef struct {
    guint64 frames_sent;     /* sender: frames whose first byte or datagram went out */
    guint64 bytes_sent;      /* their frame bytes */
    guint64 frames_dropped;  /* sender: dropped unsent (queue full, not ready) */
    guint64 acks;            /* ACKs received (relay's and viewers') */
    guint64 frames_received; /* viewer */
    guint64 bytes_received;
    guint64 frames_lost;   /* viewer, UDP: abandoned incomplete */
    guint64 duplicates;    /* viewer, UDP: duplicate datagrams */
    guint64 bad_datagrams; /* UDP: malformed, or not carrying this channel's token */
    guint64 bad_seal;      /* UDP, sealed: dropped for a bad tag, a replay, or sent plain */
    guint64 send_errors;   /* UDP: datagrams the kernel refused */
    guint queue_frames;    /* frames waiting unsent now */
    gsize queue_bytes;     /* bytes waiting unsent now */
    gsize sndbuf;          /* SO_SNDBUF the kernel granted (as getsockopt reports it) */
    gsize rcvbuf;          /* SO_RCVBUF the kernel granted */
    gboolean has_tcp_info; /* TCP: tcp_info is filled */
    LcStatsTcpInfo tcp_info;
} LcChanStats;

typedef struct _LcChan LcChan;

/* Events; any may be NULL. A channel is never freed inside its own event. */
typedef struct {
    /* The relay accepted the channel: frames may flow. */
    void (*ready)(LcChan *chan, gpointer user_data);
    /* Sender: frame seq (bytes of data) started going out at send_us (local). */
    void (*sent)(LcChan *chan, guint64 seq, gsize bytes, gint64 send_us, gpointer user_data);
    /* Sender: frame seq was dropped unsent. */
    void (*dropped)(LcChan *chan, guint64 seq, LcChanDropReason reason, gpointer user_data);
    /* Sender: an ACK arrived (from the relay, or a viewer's passed on). */
    void (*ack)(LcChan *chan, const LcChanAck *ack, gpointer user_data);
    /* Viewer: a whole frame arrived (data valid during the call; ref to keep). */
    void (*frame)(LcChan *chan, LcFrame *frame, gint64 first_us, gint64 last_us,
                  gpointer user_data);
    /* Viewer: frame seq was abandoned incomplete (UDP). */
    void (*lost)(LcChan *chan, guint64 seq, gpointer user_data);
    /* The channel closed by itself (relay, network); not after chan_free(). */
    void (*closed)(LcChan *chan, const GError *error, gpointer user_data);
} LcChanEvents;

/* The operations a transport provides. */
typedef struct {
    LcChanKind kind;
    /* Allocates the transport's channel (LcChan first in it). */
    LcChan *(*create)(void);
    /* Starts connecting and registering; `ready` follows. */
    void (*open)(LcChan *chan);
    /* Sender: queues a frame (never blocks; may drop older unsent frames). */
    void (*send_frame)(LcChan *chan, LcFrame *frame);
    /* Viewer: acknowledges a received frame. */
    void (*send_ack)(LcChan *chan, const LcChanAck *ack);
    void (*get_stats)(LcChan *chan, LcChanStats *stats);
    /* Closes sockets and stops timers; frees nothing. */
    void (*close)(LcChan *chan);
    /* Frees what the transport allocated (after close). */
    void (*free)(LcChan *chan);
} LcChanOps;

/* The table of a transport. */
const LcChanOps *chan_ops_for(LcChanKind kind);

/* Creates a channel of a kind; nothing happens until chan_open(). */
LcChan *chan_new(LcChanKind kind, const LcChanConfig *config, const LcChanEvents *events,
                 gpointer user_data);

void chan_open(LcChan *chan);
void chan_send_frame(LcChan *chan, LcFrame *frame);
void chan_send_ack(LcChan *chan, const LcChanAck *ack);
void chan_get_stats(LcChan *chan, LcChanStats *stats);
gboolean chan_is_ready(LcChan *chan);

/* Closes and frees a channel; no event follows. */
void chan_free(LcChan *chan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcChan, chan_free)
