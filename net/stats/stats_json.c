/* JSON output of estimator results; the numbers are those the estimators report, unchanged. */
#include "net/stats/stats_json.h"

#include <math.h>

/* Adds member `name` with value, or null when the value is NAN or infinite. */
void stats_json_add_number(JsonBuilder *builder, const char *name, double value)
{
    json_builder_set_member_name(builder, name);
    if (isnan(value) || isinf(value))
        json_builder_add_null_value(builder);
    else
        json_builder_add_double_value(builder, value);
}

/* Writes the object {"min","mean","p50","p95","p99","max"} of a summary. */
static void stats_json_write_summary(JsonBuilder *builder, const LcStatsDistSummary *s)
{
    json_builder_begin_object(builder);
    stats_json_add_number(builder, "min", s->min);
    stats_json_add_number(builder, "mean", s->mean);
    stats_json_add_number(builder, "p50", s->p50);
    stats_json_add_number(builder, "p95", s->p95);
    stats_json_add_number(builder, "p99", s->p99);
    stats_json_add_number(builder, "max", s->max);
    json_builder_end_object(builder);
}

/* Adds member name as the summary object of a distribution. */
void stats_json_add_summary(JsonBuilder *builder, const char *name,
                            const LcStatsDistSummary *summary)
{
    g_return_if_fail(JSON_IS_BUILDER(builder));
    g_return_if_fail(summary != NULL);

    json_builder_set_member_name(builder, name);
    stats_json_write_summary(builder, summary);
}

/*
 * Writes one object value {"min","mean","p50","p95","p99","max"} in the unit
 * the samples were added in (milliseconds for latencies). Call it where a
 * value is expected: after json_builder_set_member_name() or at the root.
 * An empty distribution gives null for every member.
 */
void stats_dist_to_json(const LcStatsDist *dist, JsonBuilder *builder)
{
    g_return_if_fail(dist != NULL);
    g_return_if_fail(JSON_IS_BUILDER(builder));

    LcStatsDistSummary s;
    stats_dist_get_summary(dist, &s);
    stats_json_write_summary(builder, &s);
}
