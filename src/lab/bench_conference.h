/* bench_conference.h: `lanconf-bench conference`: a room of speakers and
 * listeners on loopback, every listener hearing every speaker on both
 * channels (conference semantics), to show what the relay forwards on this
 * machine without late packets: packets through, late and missing at the
 * listeners' jitter buffers, mouth to ear, and the relay's CPU time. */
#pragma once

#include <glib.h>

typedef struct {
    guint speakers;      /* --speakers (default 20) */
    guint listeners;     /* --listeners (default 20) */
    double duration_s;   /* --duration (default 10) */
    guint channels;      /* --channels (default both) */
    guint threads;       /* --threads the members are spread over (default: one per core) */
    gboolean json;       /* print the figures as JSON */
    gboolean separate;   /* --separate-channels: a connection and a socket per view */
    guint jitter_min_ms; /* --jitter-min: the listeners' least buffer depth (0: the default) */
} LcBenchConferenceConfig;

/* Runs the room; returns the exit status (0 ok, 1 failed). */
int bench_conference_run(const LcBenchConferenceConfig *config);

/* `lanconf-bench conference` with its options; returns the exit status. */
int bench_conference_main(int argc, char **argv);
