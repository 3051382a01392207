/* Defaults for the measurement estimators in net/stats_*. Every time is in microseconds. */
#pragma once

#include <glib.h>

/* Initial RTO before any RTT sample: 1 s (RFC 6298 section 2.1). */
#define LC_STATS_RTT_DEFAULT_INITIAL_RTO_US G_GINT64_CONSTANT(1000000)

/* Lower bound on the RTO: 1 s (RFC 6298 section 2.4). Video callers usually lower it. */
#define LC_STATS_RTT_DEFAULT_MIN_RTO_US G_GINT64_CONSTANT(1000000)

/* Upper bound on the RTO: 60 s, the smallest the RFC allows (RFC 6298 section 2.5). */
#define LC_STATS_RTT_DEFAULT_MAX_RTO_US G_GINT64_CONSTANT(60000000)

/* Clock granularity G: one tick of g_get_monotonic_time(), i.e. 1 us. */
#define LC_STATS_RTT_DEFAULT_GRANULARITY_US G_GINT64_CONSTANT(1)

/* Clock offset window: the last 8 exchanges, as in NTP's clock filter (RFC 5905 section 10). */
#define LC_STATS_CLOCK_DEFAULT_WINDOW 8

/* Playout deadline: a frame later than 200 ms end to end is too late to show. */
#define LC_STATS_DEADLINE_DEFAULT_US G_GINT64_CONSTANT(200000)
