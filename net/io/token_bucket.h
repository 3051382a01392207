/* token_bucket.h: the one token bucket: relay flood control, the client's
 * matching chat pacing, and UDP datagram pacing.
 *
 * Pure code: callers pass the monotonic time. The bucket holds up to `burst`
 * tokens and refills at `rate` tokens per second; a caller takes what it is
 * about to send (1 per chat message, bytes per datagram) or learns how long
 * to wait. Without pacing, a frame of a few hundred datagrams leaves in one
 * burst that can overrun a switch port's or the receiver's socket buffer.
 */
#pragma once

#include <glib.h>

typedef struct {
    double rate_per_us; /* tokens added per microsecond; 0: unlimited */
    double burst;       /* bucket size, tokens */
    double tokens;      /* tokens available now (below 0 after an oversized take) */
    gint64 at_us;       /* time of the last refill */
} LcTokenBucket;

/* Sets the rate (tokens per second, 0 = unlimited) and the burst (at least 1
 * token); the bucket starts full at now_us. */
void token_bucket_init(LcTokenBucket *bucket, double rate_per_s, double burst, gint64 now_us);
/* Takes amount tokens and returns 0 when they may be spent now; otherwise
 * takes nothing and returns the microseconds to wait (at least 1). An amount
 * larger than the burst goes once the bucket is full, and overdraws it. */
gint64 token_bucket_take(LcTokenBucket *bucket, double amount, gint64 now_us);
/* Returns tokens taken for something that was not sent after all (a batch
 * the socket took only part of); the bucket never holds more than burst. */
void token_bucket_give_back(LcTokenBucket *bucket, double amount);
