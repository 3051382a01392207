/*
 * Clock offset estimator after NTP's on-wire protocol (RFC 5905 section 8)
 * and the spirit of its clock filter (section 10).
 *
 * Queueing delay on one leg of an exchange biases that exchange's offset by
 * half the asymmetry. The exchange with the smallest round-trip delay has the
 * least room for asymmetry, so the estimate is the offset of that exchange,
 * taken over the last `window` exchanges (or over all of them). When two
 * exchanges tie on delay the newer one wins, because it is fresher.
 */
#include "net/stats/stats_clock.h"

#include <math.h>

#include "net/stats/stats_error.h"

/* One valid exchange reduced to what the estimate needs. */
typedef struct {
    double offset_us;
    gint64 delay_us;
} ClockPoint;

struct LcStatsClock {
    guint window;      /* ring capacity; 0: keep only the best over all exchanges */
    ClockPoint *ring;  /* the last `window` exchanges, oldest at ring[head] once full */
    guint ring_len;    /* exchanges held in ring */
    guint ring_head;   /* next slot to write */
    guint64 samples;   /* valid exchanges taken */
    gboolean has_best; /* FALSE until the first valid exchange */
    ClockPoint best;   /* the current estimate */
};

/* Creates an estimator over the last `window` exchanges; window 0 means all exchanges. */
LcStatsClock *stats_clock_new(guint window)
{
    LcStatsClock *clock = g_new0(LcStatsClock, 1);

    clock->window = window;
    if (window > 0)
        clock->ring = g_new0(ClockPoint, window);
    return clock;
}

/* Frees clock; NULL is allowed. */
void stats_clock_free(LcStatsClock *clock)
{
    if (clock == NULL)
        return;
    g_free(clock->ring);
    g_free(clock);
}

/* Returns TRUE when candidate should replace best: smaller delay, or equal delay and newer. */
static gboolean clock_point_is_better(const ClockPoint *candidate, const ClockPoint *best)
{
    return candidate->delay_us <= best->delay_us;
}

/* Recomputes best from the ring, visiting oldest to newest so that ties go to the newest. */
static void clock_rescan_ring(LcStatsClock *clock)
{
    guint oldest = clock->ring_len < clock->window ? 0 : clock->ring_head;

    clock->best = clock->ring[oldest];
    for (guint i = 1; i < clock->ring_len; i++) {
        const ClockPoint *p = &clock->ring[(oldest + i) % clock->window];
        if (clock_point_is_better(p, &clock->best))
            clock->best = *p;
    }
}

/* Stores a - b in *out; returns FALSE when the difference does not fit a gint64. */
static gboolean clock_sub(gint64 a, gint64 b, gint64 *out)
{
    return !__builtin_sub_overflow(a, b, out);
}

/* Takes one exchange (timestamps in us); a negative or unrepresentable delay is refused. */
gboolean stats_clock_add_sample(LcStatsClock *clock, gint64 t1_us, gint64 t2_us, gint64 t3_us,
                                gint64 t4_us, GError **error)
{
    g_return_val_if_fail(clock != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    /*
     * The remote timestamps come off the wire, so every difference is
     * checked for overflow before it is used.
     */
    gint64 local_span, remote_span, out_leg, back_leg;
    ClockPoint p;

    if (!clock_sub(t4_us, t1_us, &local_span) || !clock_sub(t3_us, t2_us, &remote_span) ||
        !clock_sub(t2_us, t1_us, &out_leg) || !clock_sub(t3_us, t4_us, &back_leg))
        goto overflow;
    if (local_span < 0 || remote_span < 0 || local_span < remote_span)
        goto negative_delay;

    /*
     * RFC 5905 section 8:
     *   offset theta = ((T2 - T1) + (T3 - T4)) / 2
     *   delay  delta = (T4 - T1) - (T3 - T2)
     */
    p.offset_us = ((double)out_leg + (double)back_leg) / 2.0;
    p.delay_us = local_span - remote_span;

    clock->samples++;
    if (clock->window == 0) {
        if (!clock->has_best || clock_point_is_better(&p, &clock->best))
            clock->best = p;
    } else {
        clock->ring[clock->ring_head] = p;
        clock->ring_head = (clock->ring_head + 1) % clock->window;
        if (clock->ring_len < clock->window)
            clock->ring_len++;
        clock_rescan_ring(clock);
    }
    clock->has_best = TRUE;
    return TRUE;

    /* ERRORS */
overflow:
    g_set_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE,
                "Invalid clock exchange: timestamps %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " us are too far apart",
                t1_us, t2_us, t3_us, t4_us);
    return FALSE;
negative_delay:
    g_set_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE,
                "Invalid clock exchange: local span %" G_GINT64_FORMAT
                " us is shorter than remote span %" G_GINT64_FORMAT " us, or one is negative",
                local_span, remote_span);
    return FALSE;
}

/* Fills out with the current estimate; returns FALSE (out untouched) before any exchange. */
gboolean stats_clock_get_estimate(const LcStatsClock *clock, LcStatsClockEstimate *out)
{
    g_return_val_if_fail(clock != NULL, FALSE);
    g_return_val_if_fail(out != NULL, FALSE);

    if (!clock->has_best)
        return FALSE;

    out->offset_us = clock->best.offset_us;
    out->delay_us = clock->best.delay_us;
    out->samples = clock->samples;
    out->window_samples =
        clock->window == 0 ? (guint)MIN(clock->samples, (guint64)G_MAXUINT) : clock->ring_len;
    return TRUE;
}

/* Returns the offset (remote minus local) in milliseconds, or NAN before any exchange. */
double stats_clock_get_offset_ms(const LcStatsClock *clock)
{
    g_return_val_if_fail(clock != NULL, NAN);

    return clock->has_best ? clock->best.offset_us / 1000.0 : NAN;
}

/*
 * Converts a remote timestamp to the local clock, local = remote - offset,
 * with the offset rounded to the nearest microsecond (halves away from zero).
 * Before any exchange the offset is taken as 0.
 */
gint64 stats_clock_remote_to_local_us(const LcStatsClock *clock, gint64 remote_us)
{
    g_return_val_if_fail(clock != NULL, remote_us);

    if (!clock->has_best)
        return remote_us;
    return remote_us - (gint64)llround(clock->best.offset_us);
}
