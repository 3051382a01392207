/* JSON output of estimator results; the numbers are those the estimators report, unchanged. */
#include "net/stats/stats_json.h"

#include <math.h>

/* Adds member `name` with value, or null when the value is NAN (JSON has no NaN). */
static void json_add_number(JsonBuilder *builder, const char *name, double value)
{
    json_builder_set_member_name(builder, name);
    if (isnan(value))
        json_builder_add_null_value(builder);
    else
        json_builder_add_double_value(builder, value);
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

    json_builder_begin_object(builder);
    json_add_number(builder, "min", s.min);
    json_add_number(builder, "mean", s.mean);
    json_add_number(builder, "p50", s.p50);
    json_add_number(builder, "p95", s.p95);
    json_add_number(builder, "p99", s.p99);
    json_add_number(builder, "max", s.max);
    json_builder_end_object(builder);
}
