/* The per-frame record and the figures derived from its times. */
#include "src/run/frame_record.h"

#include <math.h>

/* Resets record to "nothing known" for frame seq on channel. */
void frame_record_init(LcFrameRecord *record, LcChanKind channel, guint64 seq)
{
    g_return_if_fail(record != NULL);

    *record = (LcFrameRecord){
        .seq = seq,
        .channel = channel,
        .capture_us = FRAME_RECORD_TIME_UNSET,
        .send_us = FRAME_RECORD_TIME_UNSET,
        .ack_us = FRAME_RECORD_TIME_UNSET,
        .relay_first_us = FRAME_RECORD_TIME_UNSET,
        .relay_last_us = FRAME_RECORD_TIME_UNSET,
        .viewer_recv_us = FRAME_RECORD_TIME_UNSET,
        .decoded_us = FRAME_RECORD_TIME_UNSET,
        .rtt_ms = NAN,
        .one_way_ms = NAN,
        .end_to_end_ms = NAN,
        .transfer_mb_s = NAN,
    };
}

/* Whether a time field holds a value. */
gboolean frame_record_time_is_set(gint64 time_us)
{
    return time_us != FRAME_RECORD_TIME_UNSET;
}

/* Microseconds from `from` to `to`, as milliseconds; NAN when either is unset. */
double frame_record_span_ms(gint64 from_us, gint64 to_us)
{
    if (!frame_record_time_is_set(from_us) || !frame_record_time_is_set(to_us))
        return NAN;
    return ((double)to_us - (double)from_us) / 1000.0;
}

/* Converts a remote time to the local clock given offset = remote - local; unset stays unset. */
static gint64 frame_record_to_local(gint64 remote_us, gint64 offset_us)
{
    if (!frame_record_time_is_set(remote_us))
        return FRAME_RECORD_TIME_UNSET;
    return remote_us - offset_us;
}

/*
 * The transfer rate is the frame's bytes over its round trip (send to the
 * relay's ACK), as a user of a stop-and-wait transfer would time it.
 * RTT needs no clock offset: send and ACK arrival are both local. One-way
 * delay takes the relay's first-byte time onto the local clock with the
 * RFC 5905 offset (remote - local), so its accuracy is the offset's, about
 * half the round-trip asymmetry. End to end runs from capture to the latest
 * point the log knows the frame reached: decoded (a viewer's own log) or
 * received (a viewer's ACK, in the sender's log).
 */
void frame_record_derive(LcFrameRecord *record, gint64 relay_offset_us, gint64 sender_offset_us)
{
    g_return_if_fail(record != NULL);

    gint64 relay_first = frame_record_to_local(record->relay_first_us, relay_offset_us);
    gint64 capture = frame_record_to_local(record->capture_us, sender_offset_us);
    gint64 arrival =
        frame_record_time_is_set(record->decoded_us) ? record->decoded_us : record->viewer_recv_us;

    record->rtt_ms = frame_record_span_ms(record->send_us, record->ack_us);
    record->one_way_ms = frame_record_span_ms(record->send_us, relay_first);
    record->end_to_end_ms = frame_record_span_ms(capture, arrival);
    /* Bytes per microsecond are megabytes per second. */
    record->transfer_mb_s =
        record->rtt_ms > 0 ? (double)record->bytes / (record->rtt_ms * 1000.0) : NAN;
}
