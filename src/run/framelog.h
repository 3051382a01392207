/*
 * The frame log of one camera stream: a record per frame per channel, and a
 * per-channel aggregator (LcChannelStats) for every enabled channel, fed by
 * the channels' events. It is pure bookkeeping: no sockets, no timers; the
 * caller passes every time in and drives the per-second intervals.
 *
 * Its writers (summary JSON, interval lines, frames.csv) are in
 * src/report/framelog_report.h; docs/STATS.md documents every field and
 * column with its unit.
 *
 * Clocks: see src/run/frame_record.h. Local times are g_get_real_time() of this
 * process, in microseconds; relay times are the relay's clock.
 */
#pragma once

#include <glib.h>

#include "net/stats/stats_tcpinfo.h"
#include "src/run/chanstats.h"
#include "src/run/frame_record.h"

G_BEGIN_DECLS

/* Which end of the stream keeps the log: it chooses the summary's fields. */
typedef enum {
    FRAMELOG_ROLE_SENDER, /* sent, acked by the relay and by viewers, lost, dropped */
    FRAMELOG_ROLE_VIEWER, /* received, decoded, corrupt */
} LcFramelogRole;

/* The run's parameters, copied into the summary's "run" object. Strings may be NULL. */
typedef struct {
    const char *source;   /* "test", "/dev/video0", a file */
    gint width;           /* pixels */
    gint height;          /* pixels */
    gint fps;             /* frames per second asked of the capture */
    gint quality;         /* JPEG quality 1..100 */
    const char *codec;    /* "jpeg", "h264", "opus"; a viewer fills it in from the frames */
    const char *encoder;  /* the sender's back-end, e.g. "turbojpeg", "x264"; NULL at a viewer */
    guint channels;       /* mask of (1 << LcChanKind); 0 means LC_CHAN_MASK_ALL */
    const char *ack_mode; /* which acknowledgements the run asks for */
    double duration_s;    /* the planned run length, s; 0 for "until stopped" */
    gint64 deadline_us;   /* playout deadline, us; 0 means LC_STATS_DEADLINE_DEFAULT_US */
    gint bitrate;         /* audio and H.264: the encoder's bit rate, bit/s; 0 where unknown */
    gint gop;             /* H.264: frames from one keyframe to the next; 0 where unknown */
    const char *mode;     /* audio: the encoder's application mode ("voice", "lowdelay") */
    gboolean audio;       /* an audio stream: rates are packets/s and kbit/s in text */
} LcFramelogRun;

/* Why a sender dropped a frame before sending it. */
typedef enum {
    FRAMELOG_DROP_NOT_READY, /* the channel was not open yet */
    FRAMELOG_DROP_CLOSED,    /* the channel had sent and was closed: the relay away, a reconnect
                              * (counted so by framelog_add_dropped() for a NOT_READY) */
    FRAMELOG_DROP_QUEUE,     /* the channel's send queue was full: it could not keep up */
    FRAMELOG_DROP_WAIT_ACK,  /* stop-and-wait: a newer frame replaced it while an ACK was due */
    FRAMELOG_N_DROPS,
} LcFramelogDrop;

typedef struct LcFramelog LcFramelog;

/* Starts a log for role; run is copied; start_us (local clock) is the start of the run. */
LcFramelog *framelog_new(LcFramelogRole role, const LcFramelogRun *run, gint64 start_us);
/* The run's parameters as the log keeps them (strings owned by the log). */
const LcFramelogRun *framelog_get_run(const LcFramelog *log);
/* Frees the log and its records. NULL is ignored. */
void framelog_free(LcFramelog *log);
/* Keeps at most limit per-frame records per channel, the newest (0, the
 * default: all): for runs of no set length (a conference client), whose
 * figures come from the aggregates, not from frames.csv. A frame whose
 * record went is no longer matched by later events. */
void framelog_set_record_limit(LcFramelog *log, guint limit);
/* Whether channel is enabled in this run. */
gboolean framelog_has_channel(const LcFramelog *log, LcChanKind channel);
/* The channel's aggregator, or NULL when the channel is not enabled. */
LcChannelStats *framelog_get_channel_stats(LcFramelog *log, LcChanKind channel);
/* Sets the relay's clock minus the local clock, us (NTP offset); used for one-way delays from now
 * on. */
void framelog_set_relay_offset(LcFramelog *log, gint64 offset_us);
/* Sets the sender's clock minus the local clock, us; a viewer uses it for end-to-end delays from
 * now on. */
void framelog_set_sender_offset(LcFramelog *log, gint64 offset_us);
/* Attaches the kernel TCP_INFO of a channel's connection to its summary. */
void framelog_set_tcp_info(LcFramelog *log, LcChanKind channel, const LcStatsTcpInfo *info);

/*
 * Events. Each returns TRUE when it was counted, FALSE when it does not fit
 * the frame's record (a disabled channel, an unknown or repeated frame, an
 * ACK for a frame already resolved); a FALSE event changes nothing.
 */
/* Frame seq decodes on its own (every JPEG frame, an H.264 keyframe): a
 * sender's mark, made before its channels report the frame, or a viewer's,
 * once the frame arrived. frames.csv's key column. */
void framelog_note_key(LcFramelog *log, guint64 seq);
/* Sender: frame seq (bytes long, captured at capture_us, sender clock) was handed to the channel at
 * send_us. */
gboolean framelog_add_sent(LcFramelog *log, LcChanKind channel, guint64 seq, guint64 bytes,
                           gint64 capture_us, gint64 send_us);
/* Sender: frame seq was dropped before sending, for why (it may or may not have a "sent"
 * record). */
gboolean framelog_add_dropped(LcFramelog *log, LcChanKind channel, guint64 seq, guint64 bytes,
                              gint64 capture_us, LcFramelogDrop why);
/* Sender: the source delivered a frame captured at capture_us that took encode_time_us (0:
 * unknown) to encode: what the source and encoder kept up with, whatever the channels did. */
void framelog_add_captured(LcFramelog *log, gint64 capture_us, gint64 encode_time_us);
/* Sender: frame seq was declared lost by the channel. */
gboolean framelog_add_lost(LcFramelog *log, LcChanKind channel, guint64 seq);
/* Sender: the relay's ACK for seq arrived at ack_us (local); the relay got its bytes at first/last
 * (relay clock). */
gboolean framelog_add_relay_ack(LcFramelog *log, LcChanKind channel, guint64 seq,
                                gint64 relay_first_us, gint64 relay_last_us, gint64 ack_us);
/* Sender: a viewer's ACK for seq: it had the whole frame at viewer_recv_us, converted to the local
 * clock. */
gboolean framelog_add_viewer_ack(LcFramelog *log, LcChanKind channel, guint64 seq,
                                 gint64 viewer_recv_us);
/* Viewer: what the stream's frames say of it (the picture size and the
 * codec's name), filled into the run where it is not known yet. */
void framelog_set_stream(LcFramelog *log, gint width, gint height, const char *codec);
/* Sender: a viewer on this same clock (the lab's, in one process) decoded
 * frame seq at decoded_us: frames.csv then carries it, and end_to_end_ms
 * runs from capture to decoded, as the viewer's own figures do. The
 * sender's figures do not change. */
gboolean framelog_set_decoded(LcFramelog *log, LcChanKind channel, guint64 seq, gint64 decoded_us);
/* Sender: a viewer on the same clock received frame seq whole and could not decode it: its record
 * says so (frames.csv's corrupt). */
gboolean framelog_set_corrupt(LcFramelog *log, LcChanKind channel, guint64 seq);
/* Viewer: the whole frame seq arrived at recv_us (local); capture_us is on the sender's clock. */
gboolean framelog_add_received(LcFramelog *log, LcChanKind channel, guint64 seq, guint64 bytes,
                               gint64 capture_us, gint64 recv_us);
/* Viewer: frame seq was decoded at decoded_us (local) in decode_time_us. */
gboolean framelog_add_decoded(LcFramelog *log, LcChanKind channel, guint64 seq, gint64 decoded_us,
                              gint64 decode_time_us);
/* Viewer: frame seq arrived but could not be decoded. */
gboolean framelog_add_corrupt(LcFramelog *log, LcChanKind channel, guint64 seq);

/* H.264 on a channel: a keyframe asked for (viewer) or a viewer's request
 * received (sender). */
void framelog_note_keyframe_request(LcFramelog *log, LcChanKind channel);
/* H.264: a frame not decoded for a lost reference. */
void framelog_note_unreferenced(LcFramelog *log, LcChanKind channel);
/* A freeze of us on a channel (no new picture). */
void framelog_note_frozen(LcFramelog *log, LcChanKind channel, gint64 us);
/* Viewer: datagrams a channel dropped for their seal, so far. */
void framelog_set_bad_seal(LcFramelog *log, LcChanKind channel, guint64 count);
/* H.264: a picture decoded us after the channel lost a reference. */
void framelog_note_recovery(LcFramelog *log, LcChanKind channel, gint64 us);

/* The record of frame seq on channel, or NULL; valid until the log is freed. */
const LcFrameRecord *framelog_lookup(const LcFramelog *log, LcChanKind channel, guint64 seq);
/* Every record, ordered by seq then channel (transfer container: free the array only). */
GPtrArray *framelog_get_records(const LcFramelog *log);

/*
 * Closes the interval ending at now_us (local) for every enabled channel:
 * fills out[0..n-1] in channel order, keeps a copy for
 * framelog_write_intervals(), and returns n, the number of channels reported.
 */
guint framelog_close_interval(LcFramelog *log, gint64 now_us, LcChannelInterval out[LC_CHAN_KINDS]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFramelog, framelog_free)

G_END_DECLS
