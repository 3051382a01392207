/*
 * The per-frame record: one per frame per channel, filled in as the frame's
 * events arrive (sent, acknowledged, lost, received, decoded). The summary,
 * the interval reports and frames.csv are all made from these records.
 *
 * Clocks. Every "local" time is the wall clock of the process that keeps the
 * record (g_get_real_time(), microseconds since the Unix epoch), the same
 * clock capture times are taken on, so that capture and send times compare.
 * Relay times are on the relay's clock; the record stores them as reported
 * and converts them only when deriving figures, with a clock offset.
 */
#pragma once

#include <glib.h>

#include "net/wire/chan_kind.h"

G_BEGIN_DECLS

/* A time that is not known (yet): written as an empty CSV field. */
#define FRAME_RECORD_TIME_UNSET G_MININT64

typedef struct {
    guint64 seq;           /* frame sequence number, 1 for the first frame */
    LcChanKind channel;    /* the channel this record is about */
    guint64 bytes;         /* encoded frame size, bytes */
    gint64 capture_us;     /* capture time, the sender's wall clock */
    gint64 send_us;        /* handed to the channel, local clock (sender) */
    gint64 ack_us;         /* relay ACK arrival, local clock (sender) */
    gint64 relay_first_us; /* first byte at the relay, relay clock */
    gint64 relay_last_us;  /* last byte at the relay, relay clock */
    /* The whole frame at the viewer, local clock: a viewer's own receive
     * time, or at the sender the latest viewer ACK's receive time, already
     * converted to the sender's clock by whoever reports it. */
    gint64 viewer_recv_us;
    gint64 decoded_us; /* decoded at the viewer, local clock (viewer) */

    /* Derived by frame_record_derive(); NAN while not known. */
    double rtt_ms;        /* ack_us - send_us */
    double one_way_ms;    /* relay_first_us on the local clock - send_us */
    double end_to_end_ms; /* decoded_us (else viewer_recv_us) - capture_us on the local clock */
    /* The frame's transfer rate, MB/s (10^6 bytes per second): bytes over
     * ack_us - send_us, the classic per-frame figure of a round trip. */
    double transfer_mb_s;

    gboolean lost;    /* sent, then declared lost by the channel */
    gboolean dropped; /* never sent (stale, or over a queue limit) */
    gboolean corrupt; /* received but could not be decoded */
    gboolean key;     /* decodes on its own: every JPEG frame, an H.264 keyframe */
} LcFrameRecord;

/* Resets record to "nothing known" for frame seq on channel. */
void frame_record_init(LcFrameRecord *record, LcChanKind channel, guint64 seq);
/* Whether a time field holds a value. */
gboolean frame_record_time_is_set(gint64 time_us);
/*
 * Recomputes rtt_ms, one_way_ms and end_to_end_ms from the times.
 * relay_offset_us is the relay's clock minus the local clock (RFC 5905
 * offset, as net/stats_clock estimates it); sender_offset_us is the clock of
 * capture_us minus the local clock (0 at the sender itself).
 */
void frame_record_derive(LcFrameRecord *record, gint64 relay_offset_us, gint64 sender_offset_us);
/* Microseconds from `from` to `to`, as milliseconds; NAN when either is unset. */
double frame_record_span_ms(gint64 from_us, gint64 to_us);

G_END_DECLS
