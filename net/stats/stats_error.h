/* Error domain of the measurement estimators (net/stats_*). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LC_STATS_ERROR (stats_error_quark())

/* Codes in the LC_STATS_ERROR domain. */
typedef enum {
    /* A sample that no real measurement can produce (negative RTT, negative round-trip delay). */
    LC_STATS_ERROR_INVALID_SAMPLE,
} LcStatsError;

GQuark stats_error_quark(void);

G_END_DECLS
