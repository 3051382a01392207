/* chan_pace.c: a token bucket that paces a UDP sender's datagrams. */
#include "net/io/chan_pace.h"

#include <math.h>

/* Sets the rate and burst; the bucket starts full. */
void chan_pace_init(LcPace *pace, guint64 rate_bps, gsize burst_bytes, gint64 now_us)
{
    pace->rate_bytes_per_us = (double)rate_bps / 8.0 / 1e6;
    pace->burst = (double)MAX(burst_bytes, 1);
    pace->tokens = pace->burst;
    pace->at_us = now_us;
}

/* Takes bytes from the bucket, or says how long to wait for them. */
gint64 chan_pace_take(LcPace *pace, gsize bytes, gint64 now_us)
{
    if (pace->rate_bytes_per_us <= 0)
        return 0;
    if (now_us > pace->at_us) {
        pace->tokens += (double)(now_us - pace->at_us) * pace->rate_bytes_per_us;
        pace->tokens = MIN(pace->tokens, pace->burst);
        pace->at_us = now_us;
    }
    double need = MIN((double)bytes, pace->burst);
    if (pace->tokens >= need) {
        pace->tokens -= (double)bytes; /* may go below 0 for an oversized datagram */
        return 0;
    }
    return (gint64)ceil((need - pace->tokens) / pace->rate_bytes_per_us);
}
