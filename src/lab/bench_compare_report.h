/* bench_compare_report.h: what `lanconf-bench compare` prints and writes:
 * the opening lines, the TCP | UDP table, summary.json. */
#pragma once

#include "src/lab/bench_compare.h"
#include "src/run/framelog.h"

#include <json-glib/json-glib.h>

/* Prints what is about to run (stderr). */
void bench_compare_report_header(const LcBenchCompareConfig *config, const char *impair_spec,
                                 const char *impair_method, const char *host, guint16 port);

/* The run's summary.json: the sender's summary (run, channels) with the
 * viewer's channels under "viewer" and the link under "impairment". */
JsonNode *bench_compare_report_summary(LcFramelog *sender, LcFramelog *viewer, gint64 end_us,
                                       const char *impair_spec, const char *impair_method);

/* Prints the side-by-side table (rates over the run up to end_us, local
 * clock) and where the files are, or the summary JSON. */
void bench_compare_report_print(LcFramelog *sender, LcFramelog *viewer, gint64 end_us,
                                const char *dir, gboolean json);
