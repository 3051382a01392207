/*
 * Sample distribution.
 *
 * Mean and variance are kept online with Welford's method, which stays
 * accurate when the values are large and close together (a naive sum of
 * squares loses the variance to rounding). Percentiles use the nearest-rank
 * definition: the p-th percentile of N sorted values is the value at rank
 * ceil(p/100 * N), ranks counted from 1, with rank 0 raised to 1. It is
 * always a value that was actually observed. Percentiles sort a copy of the
 * values, so readers never modify the distribution.
 */
#include "net/stats/stats_dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct LcStatsDist {
    GArray *values; /* double, in the order added */
    double mean;    /* running mean (Welford) */
    double m2;      /* running sum of squared deviations from the mean (Welford) */
    double min;
    double max;
};

/* Creates an empty distribution. */
LcStatsDist *stats_dist_new(void)
{
    LcStatsDist *dist = g_new0(LcStatsDist, 1);

    dist->values = g_array_new(FALSE, FALSE, sizeof(double));
    stats_dist_clear(dist);
    return dist;
}

/* Frees dist; NULL is allowed. */
void stats_dist_free(LcStatsDist *dist)
{
    if (dist == NULL)
        return;
    g_array_unref(dist->values);
    g_free(dist);
}

/* Removes every sample, e.g. at the start of a new reporting interval. */
void stats_dist_clear(LcStatsDist *dist)
{
    g_return_if_fail(dist != NULL);

    g_array_set_size(dist->values, 0);
    dist->mean = 0.0;
    dist->m2 = 0.0;
    dist->min = NAN;
    dist->max = NAN;
}

/* Adds one finite value, in whatever unit the caller reports in. */
void stats_dist_add(LcStatsDist *dist, double value)
{
    g_return_if_fail(dist != NULL);
    g_return_if_fail(isfinite(value));

    g_array_append_val(dist->values, value);

    /*
     * Welford's online update (Knuth, TAOCP vol. 2, 4.2.2):
     *   delta = x - mean;  mean += delta / n;  M2 += delta * (x - mean)
     */
    double n = (double)dist->values->len;
    double delta = value - dist->mean;
    dist->mean += delta / n;
    dist->m2 += delta * (value - dist->mean);

    if (dist->values->len == 1 || value < dist->min)
        dist->min = value;
    if (dist->values->len == 1 || value > dist->max)
        dist->max = value;
}

/* Adds a time given in microseconds as milliseconds, the unit of latency summaries. */
void stats_dist_add_us(LcStatsDist *dist, gint64 value_us)
{
    stats_dist_add(dist, (double)value_us / 1000.0);
}

/* Returns the number of samples. */
guint64 stats_dist_get_count(const LcStatsDist *dist)
{
    g_return_val_if_fail(dist != NULL, 0);

    return dist->values->len;
}

/* Returns the smallest sample, or NAN when empty. */
double stats_dist_get_min(const LcStatsDist *dist)
{
    g_return_val_if_fail(dist != NULL, NAN);

    return dist->min;
}

/* Returns the arithmetic mean, or NAN when empty. */
double stats_dist_get_mean(const LcStatsDist *dist)
{
    g_return_val_if_fail(dist != NULL, NAN);

    return dist->values->len > 0 ? dist->mean : NAN;
}

/* Returns the population standard deviation sqrt(M2 / n), or NAN when empty. */
double stats_dist_get_stddev(const LcStatsDist *dist)
{
    g_return_val_if_fail(dist != NULL, NAN);

    if (dist->values->len == 0)
        return NAN;
    return sqrt(dist->m2 / (double)dist->values->len);
}

/* Returns the largest sample, or NAN when empty. */
double stats_dist_get_max(const LcStatsDist *dist)
{
    g_return_val_if_fail(dist != NULL, NAN);

    return dist->max;
}

/* qsort comparator for ascending doubles (values are finite, so no NAN ordering). */
static int dist_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Returns a sorted copy of the values, freed with g_free(); NULL when empty. */
static double *dist_sorted_copy(const LcStatsDist *dist)
{
    guint n = dist->values->len;

    if (n == 0)
        return NULL;

    double *sorted = g_new(double, n);
    memcpy(sorted, dist->values->data, n * sizeof(double));
    qsort(sorted, n, sizeof(double), dist_compare_double);
    return sorted;
}

/* Returns the nearest-rank p-th percentile of n sorted values (n > 0, 0 <= p <= 100). */
static double dist_nearest_rank(const double *sorted, guint n, double p)
{
    /* Nearest rank: rank = ceil(p/100 * N); p * N is formed first so integer p stays exact. */
    double rank = ceil(p * (double)n / 100.0);

    if (rank < 1.0)
        rank = 1.0;
    if (rank > (double)n)
        rank = (double)n;
    return sorted[(guint)rank - 1];
}

/* Returns the nearest-rank p-th percentile (0 <= p <= 100), or NAN when empty; O(n log n). */
double stats_dist_percentile(const LcStatsDist *dist, double p)
{
    g_return_val_if_fail(dist != NULL, NAN);
    g_return_val_if_fail(p >= 0.0 && p <= 100.0, NAN);

    g_autofree double *sorted = dist_sorted_copy(dist);
    if (sorted == NULL)
        return NAN;
    return dist_nearest_rank(sorted, dist->values->len, p);
}

/* Fills out with every summary figure, sorting once; see LcStatsDistSummary for empty input. */
void stats_dist_get_summary(const LcStatsDist *dist, LcStatsDistSummary *out)
{
    g_return_if_fail(dist != NULL);
    g_return_if_fail(out != NULL);

    g_autofree double *sorted = dist_sorted_copy(dist);
    guint n = dist->values->len;

    out->count = n;
    out->min = stats_dist_get_min(dist);
    out->mean = stats_dist_get_mean(dist);
    out->stddev = stats_dist_get_stddev(dist);
    out->max = stats_dist_get_max(dist);
    out->p50 = sorted != NULL ? dist_nearest_rank(sorted, n, 50.0) : NAN;
    out->p95 = sorted != NULL ? dist_nearest_rank(sorted, n, 95.0) : NAN;
    out->p99 = sorted != NULL ? dist_nearest_rank(sorted, n, 99.0) : NAN;
}
