/* JSON output of estimator results, for the summary writers. */
#pragma once

#include <json-glib/json-glib.h>

#include "net/stats/stats_dist.h"

G_BEGIN_DECLS

void stats_dist_to_json(const LcStatsDist *dist, JsonBuilder *builder);

G_END_DECLS
