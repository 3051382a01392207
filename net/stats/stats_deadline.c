/*
 * Playout-deadline counter. A live viewer shows a frame only if it arrives
 * within the deadline; this counts how many frames a viewer would have
 * missed, whether late or lost. A negative latency (clock offset error)
 * counts as in time: the frame did arrive.
 */
#include "net/stats/stats_deadline.h"

#include <math.h>

/* Resets the counter with a deadline in microseconds (LC_STATS_DEADLINE_DEFAULT_US: 200 ms). */
void stats_deadline_init(LcStatsDeadline *deadline, gint64 deadline_us)
{
    g_return_if_fail(deadline != NULL);
    g_return_if_fail(deadline_us > 0);

    *deadline = (LcStatsDeadline){.deadline_us = deadline_us};
}

/* Counts one frame that arrived, with its end-to-end latency in microseconds. */
void stats_deadline_add_latency(LcStatsDeadline *deadline, gint64 latency_us)
{
    g_return_if_fail(deadline != NULL);

    if (latency_us > deadline->deadline_us)
        deadline->late++;
    else
        deadline->on_time++;
}

/* Counts one frame that never arrived. */
void stats_deadline_add_missing(LcStatsDeadline *deadline)
{
    g_return_if_fail(deadline != NULL);

    deadline->missing++;
}

/* Returns the number of frames counted: on time + late + missing. */
guint64 stats_deadline_get_frames(const LcStatsDeadline *deadline)
{
    g_return_val_if_fail(deadline != NULL, 0);

    return deadline->on_time + deadline->late + deadline->missing;
}

/* Returns the number of frames that missed the deadline: late + missing. */
guint64 stats_deadline_get_missed(const LcStatsDeadline *deadline)
{
    g_return_val_if_fail(deadline != NULL, 0);

    return deadline->late + deadline->missing;
}

/* Returns missed / frames in 0..1, or NAN when no frame was counted. */
double stats_deadline_get_miss_fraction(const LcStatsDeadline *deadline)
{
    g_return_val_if_fail(deadline != NULL, NAN);

    guint64 frames = stats_deadline_get_frames(deadline);
    if (frames == 0)
        return NAN;
    return (double)stats_deadline_get_missed(deadline) / (double)frames;
}
