/* bench_files.h: `lanconf-bench files`: one file to N receivers, through
 * the relay, directly and as a swarm, with the sender's link the
 * bottleneck (the sender in one network namespace; the relay and the
 * receivers in another, behind lanconf-linkemu's rate-limited link), next
 * to the simple model and to iperf3 carrying one copy over the same link. */
#pragma once

#include <glib.h>

typedef struct {
    guint64 size;     /* bytes of the file */
    guint receivers;  /* the most receivers; runs go 1, 2, 4, ... up to it */
    const char *link; /* the sender's link, a lanconf-linkemu spec ("rate=50mbit") */
    guint8 ways;      /* WIRE_FILE_WAY_* bits to run */
    const char *out;  /* folder for files.csv, summary.json and the plots; NULL: runs/files-TIME */
    gboolean json;
    gboolean no_plots;
    gboolean no_anchor;    /* skip iperf3 */
    guint timeout_s;       /* per run */
    gboolean with_camera;  /* also show media first (bench_files_media.h) */
    const char *held_rate; /* the rate files are held to while the camera runs ("1M") */
} LcBenchFilesConfig;

/* One run: a way, a number of receivers. */
typedef struct {
    guint8 way;
    guint receivers;
    double time_s;        /* offer out to the last receiver's file checked whole */
    double model_s;       /* what the simple model says */
    double sender_copies; /* bytes the sender uploaded, in copies of the file */
    double traded_copies; /* bytes the receivers uploaded to each other */
    double rate_min_mbps; /* per receiver: size over its own time, Mbit/s */
    double rate_mean_mbps;
    double rate_max_mbps;
    guint failed;
} LcBenchFilesRun;

/* `lanconf-bench files` (argv without "lanconf-bench"). */
int bench_files_main(int argc, char **argv);
