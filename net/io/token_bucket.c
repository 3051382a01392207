/* token_bucket.c: the one token bucket (flood control and pacing). */
#include "net/io/token_bucket.h"

#include <math.h>

/* Sets the rate and burst; the bucket starts full. */
void token_bucket_init(LcTokenBucket *bucket, double rate_per_s, double burst, gint64 now_us)
{
    bucket->rate_per_us = MAX(rate_per_s, 0.0) / G_USEC_PER_SEC;
    bucket->burst = MAX(burst, 1.0);
    bucket->tokens = bucket->burst;
    bucket->at_us = now_us;
}

/* Returns tokens taken for what was not sent. */
void token_bucket_give_back(LcTokenBucket *bucket, double amount)
{
    if (bucket->rate_per_us <= 0)
        return;
    bucket->tokens = MIN(bucket->tokens + amount, bucket->burst);
}

/* Takes tokens, or says how long to wait for them. */
gint64 token_bucket_take(LcTokenBucket *bucket, double amount, gint64 now_us)
{
    if (bucket->rate_per_us <= 0)
        return 0;
    if (now_us > bucket->at_us) {
        bucket->tokens += (double)(now_us - bucket->at_us) * bucket->rate_per_us;
        bucket->tokens = MIN(bucket->tokens, bucket->burst);
        bucket->at_us = now_us;
    }
    double need = MIN(amount, bucket->burst);
    if (bucket->tokens >= need) {
        bucket->tokens -= amount; /* may go below 0 for an oversized take */
        return 0;
    }
    return MAX((gint64)ceil((need - bucket->tokens) / bucket->rate_per_us), 1);
}
