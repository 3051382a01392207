/*
 * Sample distribution: count, min, mean, standard deviation, max and
 * nearest-rank percentiles. Values are stored exactly (8 bytes each).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct LcStatsDist LcStatsDist;

/*
 * Everything a summary writer needs, in the unit the values were added in
 * (milliseconds for latencies, by convention). With no samples, count is 0
 * and every other field is NAN.
 */
typedef struct {
    guint64 count;
    double min;
    double mean;
    double stddev; /* population standard deviation (divides by count) */
    double max;
    double p50;
    double p95;
    double p99;
} LcStatsDistSummary;

LcStatsDist *stats_dist_new(void);
void stats_dist_free(LcStatsDist *dist);
void stats_dist_clear(LcStatsDist *dist);
void stats_dist_add(LcStatsDist *dist, double value);
void stats_dist_add_us(LcStatsDist *dist, gint64 value_us);
guint64 stats_dist_get_count(const LcStatsDist *dist);
double stats_dist_get_min(const LcStatsDist *dist);
double stats_dist_get_mean(const LcStatsDist *dist);
double stats_dist_get_stddev(const LcStatsDist *dist);
double stats_dist_get_max(const LcStatsDist *dist);
double stats_dist_percentile(const LcStatsDist *dist, double p);
void stats_dist_get_summary(const LcStatsDist *dist, LcStatsDistSummary *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcStatsDist, stats_dist_free)

G_END_DECLS
