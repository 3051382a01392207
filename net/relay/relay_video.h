/* relay_video.h: what the relay's camera channels report (docs/PROTOCOL.md,
 * "Camera channels").
 *
 * A sender's stream arrives on a TCP video channel, UDP datagrams, or both;
 * the relay acknowledges every complete frame on the channel it came on and
 * forwards it to each viewer on the same kind of channel, through a bounded
 * per-viewer queue that drops the oldest frames. These counters are what the
 * relay saw; STATS_REQUEST on a control connection returns the same.
 */
#pragma once

#include "net/relay/relay.h"
#include "net/wire/chan_kind.h"
#include "net/wire/media_kind.h"
#include "net/wire/wire.h"

/* One stream, as the relay sees it. */
typedef struct {
    guint32 stream_id;
    char nick[WIRE_NICK_MAX + 1];     /* its sender's nick */
    LcMediaKind media;                /* what it carries */
    guint8 channels;                  /* WIRE_CHANNEL_TCP | WIRE_CHANNEL_UDP */
    guint viewers;                    /* viewers attached now */
    guint64 frames_in[LC_CHAN_KINDS]; /* complete frames received (each acknowledged) */
    guint64 bytes_in[LC_CHAN_KINDS];  /* frame bytes received */
    guint64 udp_lost;                 /* frames abandoned incomplete (deadline or memory limit) */
    guint64 udp_duplicates;           /* duplicate datagrams */
    guint64 udp_rejected; /* datagrams with the right token that broke the fragment rules */
    guint64 bad_token;    /* datagrams naming this stream with a wrong token */
    guint udp_pending;    /* frames being reassembled now */
} LcRelayStreamStats;

/* One viewer, as the relay sees it. */
typedef struct {
    guint32 viewer_id;
    guint32 stream_id;                 /* 0 while waiting for the stream to start */
    char nick[WIRE_NICK_MAX + 1];      /* the viewer's nick */
    char watching[WIRE_NICK_MAX + 1];  /* the nick whose stream it asked for */
    LcMediaKind media;                 /* the kind of stream it asked for */
    guint8 channels;                   /* the channels it asked for */
    guint64 frames_out[LC_CHAN_KINDS]; /* frames written or sent to it whole */
    guint64 drops[LC_CHAN_KINDS];      /* frames dropped from its queue unsent (oldest first) */
    guint64 queue[LC_CHAN_KINDS];      /* frames waiting in its queue now */
    guint64 acks[LC_CHAN_KINDS];       /* its ACKs passed back to the sender */
    guint64 bad_token;                 /* datagrams naming this viewer with a wrong token */
} LcRelayViewerStats;

typedef struct {
    GArray *streams;         /* LcRelayStreamStats, by stream id */
    GArray *viewers;         /* LcRelayViewerStats, by viewer id */
    guint64 bad_datagrams;   /* datagrams that are not lanconf video datagrams, or malformed */
    guint64 unknown_token;   /* datagrams naming no stream or viewer, or with a wrong token */
    guint64 bad_seal;        /* datagrams dropped for a bad tag, a replay, or sent plain where
                                the stream or view is sealed */
    guint64 udp_send_errors; /* datagrams the relay could not send */
    guint16 udp_port;        /* the UDP port (the TCP port's number) */
    gsize udp_rcvbuf;        /* SO_RCVBUF the kernel granted the UDP socket */
    gsize udp_sndbuf;        /* SO_SNDBUF the kernel granted the UDP socket */
} LcRelayVideoStats;

/* Fills stats with the relay's camera-channel counters now. */
void relay_get_video_stats(LcRelay *relay, LcRelayVideoStats *stats);

/* Frees the arrays stats holds. */
void relay_video_stats_clear(LcRelayVideoStats *stats);
