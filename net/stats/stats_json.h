/* JSON output of estimator results, for the summary writers. */
#pragma once

#include <json-glib/json-glib.h>

#include "net/stats/stats_dist.h"

G_BEGIN_DECLS

/* Adds member name with value, or null when it is NAN or infinite (JSON has neither). */
void stats_json_add_number(JsonBuilder *builder, const char *name, double value);
/* Adds member name as {"min","mean","p50","p95","p99","max"} of a summary, in its unit. */
void stats_json_add_summary(JsonBuilder *builder, const char *name,
                            const LcStatsDistSummary *summary);
/* Writes a distribution's summary as one object value, where a value is expected. */
void stats_dist_to_json(const LcStatsDist *dist, JsonBuilder *builder);

G_END_DECLS
