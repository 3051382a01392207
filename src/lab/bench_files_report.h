/* bench_files_report.h: what `lanconf-bench files` prints and writes: the
 * table, files.csv, summary.json and two plots drawn by gnuplot
 * (time_to_all.png: time until every receiver has the file, against the
 * number of receivers, each way beside its model; uploaded.png: what the
 * sender uploaded, in copies of the file), and the iperf3 anchor. */
#pragma once

#include "src/lab/bench_files.h"
#include "src/lab/bench_files_media.h"

#include <stdio.h>

/* iperf3 carrying one copy of the file over the same link. */
typedef struct {
    double seconds; /* 0: not run */
    double mbps;
} LcBenchFilesAnchor;

/* Runs iperf3's server in to_ns and its client in from_ns for size bytes. */
gboolean bench_files_anchor_run(const char *from_ns, const char *to_ns, guint64 size,
                                LcBenchFilesAnchor *anchor, GError **error);
/* The link spec's rate in bits per second (a link with none: 1 Gbit/s). */
double bench_files_nominal_bps(const char *link);

void bench_files_report_header(const LcBenchFilesConfig *c, const LcBenchFilesAnchor *anchor,
                               double link_bps, const char *spec);
void bench_files_report_row(const LcBenchFilesRun *run, const LcBenchFilesAnchor *anchor);
void bench_files_report_footer(const char *dir, const LcBenchFilesRun *runs, guint n,
                               gboolean plots);
/* Writes files.csv, summary.json and, with plots, the gnuplot scripts and
 * their PNGs into dir. */
gboolean bench_files_report_write(const char *dir, const LcBenchFilesConfig *c,
                                  const LcBenchFilesAnchor *anchor, double link_bps,
                                  const LcBenchFilesRun *runs, guint n,
                                  const LcBenchFilesMedia *media, gboolean plots, GError **error);
/* The whole result as one JSON document; media (the three phases of
 * --with-camera) may be NULL. */
void bench_files_report_json(FILE *out, const LcBenchFilesConfig *c,
                             const LcBenchFilesAnchor *anchor, double link_bps,
                             const LcBenchFilesRun *runs, guint n, const LcBenchFilesMedia *media);
