/* Helpers shared by the plot tests: synthetic comparison runs written by the real frame log. */
#pragma once

#include <glib.h>

/* The shape of a synthetic run. */
typedef struct {
    guint frames;          /* frames captured, each sent on every channel */
    guint channels;        /* mask of (1 << LcChanKind); 0 for both */
    gboolean viewer;       /* a viewer's log (received, decoded) instead of a sender's */
    gboolean viewer_acks;  /* sender: viewers acknowledge the frames (end to end) */
    gboolean udp_all_lost; /* sender: no UDP frame is acknowledged */
    gboolean spike;        /* a TCP stall of up to ~120 ms, and UDP losses, a third of the way */
} PlotsTestRun;

/* Writes frames.csv, intervals.ndjson and summary.json of a 30 fps run into dir. */
void plots_test_write_run(const char *dir, const PlotsTestRun *spec);
/* A new empty folder under the temporary directory (transfer full). */
char *plots_test_make_dir(void);
/* Removes dir and the files in it. */
void plots_test_remove_dir(const char *dir);
/* Whether path is a PNG (its signature) of at least min_bytes. */
gboolean plots_test_is_png(const char *path, gsize min_bytes);
/* Whether a gnuplot program is on PATH. */
gboolean plots_test_have_gnuplot(void);
/* Runs `gnuplot script` in dir, as a user would by hand; fails the test when gnuplot does. */
void plots_test_run_gnuplot(const char *dir, const char *script);
/* Whether dir/name exists. */
gboolean plots_test_exists(const char *dir, const char *name);
/* Reads dir/name whole (transfer full); fails the test when it cannot. */
char *plots_test_read(const char *dir, const char *name);
