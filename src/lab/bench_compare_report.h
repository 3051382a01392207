/* bench_compare_report.h: what `lanconf-bench compare` prints and writes:
 * the opening lines, the TCP | UDP table, summary.json. */
#pragma once

#include "src/lab/bench_compare.h"
#include "src/run/audio_listen.h"
#include "src/run/framelog.h"

#include <json-glib/json-glib.h>

/* A run's logs: the camera's and the viewer's, the talker's and what the
 * listener heard of it; NULL where that medium did not run. */
typedef struct {
    LcFramelog *sender;
    LcFramelog *viewer;
    LcFramelog *talk;
    const LcAudioListenSpeaker *heard;
    guint audio_frame_ms;
} LcCompareLogs;

/* Prints what is about to run (stderr). */
void bench_compare_report_header(const LcBenchCompareConfig *config, const char *impair_spec,
                                 const char *impair_method, const char *host, guint16 port);

/* The run's summary.json: the sender's summary (run, channels) with the
 * viewer's channels under "viewer", the audio under "audio" (the talker's
 * summary, and the listener's figures of it under "heard") and the link
 * under "impairment". */
JsonNode *bench_compare_report_summary(const LcCompareLogs *logs, gint64 end_us,
                                       const char *impair_spec, const char *impair_method);

/* Prints the side-by-side table (rates over the run up to end_us, local
 * clock) and where the files are, or the summary JSON. */
void bench_compare_report_print(const LcCompareLogs *logs, gint64 end_us, const char *dir,
                                gboolean json);
