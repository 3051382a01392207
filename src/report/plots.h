/*
 * Plots of a TCP-vs-UDP comparison run, drawn by gnuplot from the folder
 * that `lanconf-bench compare` writes (frames.csv, intervals.ndjson,
 * summary.json; docs/STATS.md). Every chart is a PNG with its gnuplot
 * script and plain data files beside it, so `gnuplot latency.gp` inside the
 * folder draws it again, by hand, after the program is gone:
 *
 *   latency.png      per-frame latency over time, both channels, lost and
 *                    dropped frames marked (RTT at a sender; end to end at a
 *                    viewer, whose log has no RTT)
 *   end_to_end.png   capture to viewer over time, when a sender's log has
 *                    viewer ACKs
 *   latency_cdf.png  the distribution (CDF) of the latency of latency.png,
 *                    p50 and p99 of each channel in the legend
 *   rate.png         frames per second and goodput per interval, when
 *                    intervals.ndjson is there
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the titles say about the run, and how to draw. Any field may be 0 / NULL. */
typedef struct {
    gint width;             /* frame width, pixels; 0: summary.json's, if any */
    gint height;            /* frame height, pixels; 0: summary.json's, if any */
    gint fps;               /* capture rate asked for; 0: summary.json's, if any */
    const char *encoder;    /* e.g. "x264"; NULL: summary.json's, if any */
    const char *codec;      /* e.g. "h264"; NULL: summary.json's, if any */
    const char *impairment; /* e.g. "delay=20ms loss=2%"; NULL: not shown */
    const char *label;      /* any other text for the titles, e.g. a host; NULL: none */
    const char *gnuplot;    /* the gnuplot program; NULL: "gnuplot" on PATH */
    gboolean scripts_only;  /* write the data files and scripts, do not run gnuplot */
} LcPlotsOptions;

/*
 * Reads DIR/frames.csv (and DIR/intervals.ndjson, DIR/summary.json when
 * present), writes the data files and gnuplot scripts into DIR and runs
 * gnuplot on each script there. opts may be NULL.
 *
 * When written is not NULL it is always set to a new array of the paths
 * written (DIR/name, transfer full), also on failure: a missing gnuplot is
 * G_IO_ERROR_NOT_FOUND, and the scripts it lists can still be run by hand.
 * Other errors: G_IO_ERROR_NOT_FOUND for a missing DIR or frames.csv,
 * G_IO_ERROR_INVALID_DATA for an empty or malformed file, G_IO_ERROR_FAILED
 * when gnuplot rejects a script (its message included).
 */
gboolean plots_write(const char *dir, const LcPlotsOptions *opts, GPtrArray **written,
                     GError **error);

G_END_DECLS
