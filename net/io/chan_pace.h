/* chan_pace.h: a token bucket that paces a UDP sender's datagrams.
 *
 * Pure code: callers pass the monotonic time. Without pacing, a frame of a few
 * hundred datagrams leaves in one burst that can overrun a switch port's or
 * the receiver's socket buffer; the bucket lets `burst` bytes go at once and
 * then `rate` bits per second, so a frame's datagrams are spread out.
 */
#pragma once

#include <glib.h>

typedef struct {
    double rate_bytes_per_us; /* 0: no pacing */
    double burst;             /* bucket size, bytes */
    double tokens;            /* bytes that may be sent now */
    gint64 at_us;             /* time of the last refill */
} LcPace;

/* Sets the rate (bits per second, 0 = unpaced) and burst (bytes); the
 * bucket starts full. */
void chan_pace_init(LcPace *pace, guint64 rate_bps, gsize burst_bytes, gint64 now_us);

/* Takes bytes from the bucket and returns 0 when they may be sent now;
 * otherwise takes nothing and returns the microseconds to wait. A datagram
 * larger than the burst goes once the bucket is full. */
gint64 chan_pace_take(LcPace *pace, gsize bytes, gint64 now_us);
