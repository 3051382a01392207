/* chatstats.h: chat statistics of one session, for /stats.
 *
 * Plain C. The controller counts events here; chatstats_format() writes the
 * report lines. Other channels (the cameras) append their own lines after
 * these.
 */
#pragma once

#include <glib.h>

typedef struct {
    gint64 started_us;      /* when the client started */
    gint64 joined_us;       /* when the current connection joined; 0 = not joined */
    guint connects;         /* joins so far (1 after the first) */
    guint64 sent;           /* messages and actions typed */
    guint64 acked;          /* stored by the relay */
    guint64 refused;        /* refused by the relay */
    guint64 received;       /* live messages from others */
    guint64 history;        /* messages replayed from history */
    guint64 bytes_sent;     /* text bytes typed */
    guint64 bytes_received; /* text bytes of live messages from others */
    guint rtt_samples;
    double rtt_last_ms;
    double rtt_min_ms;
    double rtt_max_ms;
    double rtt_sum_ms;
    gint64 offset_us; /* relay clock minus local clock */
    guint pending;    /* in the outbox now */
} LcChatStats;

/* Zeroes the counters; started now. */
void chatstats_init(LcChatStats *stats, gint64 now_us);

/* Adds a relay round-trip sample. */
void chatstats_add_rtt(LcChatStats *stats, double rtt_ms);

/* Appends the report, one line per string, to lines (char *, owned). */
void chatstats_format(const LcChatStats *stats, gint64 now_us, GPtrArray *lines);
