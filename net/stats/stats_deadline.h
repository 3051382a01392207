/* Playout-deadline counter: frames too late to show, or never shown at all. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A frame is late when its end-to-end latency exceeds the deadline (a frame
 * exactly at the deadline is in time) and missing when it never arrived.
 */
typedef struct {
    gint64 deadline_us; /* the playout deadline, > 0 */
    guint64 on_time;    /* frames that arrived within the deadline */
    guint64 late;       /* frames that arrived after the deadline */
    guint64 missing;    /* frames that never arrived */
} LcStatsDeadline;

void stats_deadline_init(LcStatsDeadline *deadline, gint64 deadline_us);
void stats_deadline_add_latency(LcStatsDeadline *deadline, gint64 latency_us);
void stats_deadline_add_missing(LcStatsDeadline *deadline);
guint64 stats_deadline_get_frames(const LcStatsDeadline *deadline);
guint64 stats_deadline_get_missed(const LcStatsDeadline *deadline);
double stats_deadline_get_miss_fraction(const LcStatsDeadline *deadline);

G_END_DECLS
