/*
 * What a frame log writes: the run summary as JSON ({"run": ...,
 * "channels": {"tcp": ...}}), one text line or NDJSON object per channel per
 * interval, and frames.csv. They read the log's records and aggregates only.
 * docs/STATS.md documents every field and column with its unit.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "src/run/framelog.h"

G_BEGIN_DECLS

/* Why a run fell short of what was asked, one sentence each
 * (framelog_shortfall.c): a sender's source rate and frames dropped before
 * sending, a viewer's frames received and not decoded; empty when none. */
GPtrArray *framelog_get_shortfalls(const LcFramelog *log);
/* The rate the source delivered, frames/s; NAN with fewer than two frames. */
double framelog_get_captured_fps(const LcFramelog *log);
/* One line per interval, no newline: "tcp: 30 fps 2.1 Mbit/s rtt 1.2/3.4 ms lost 0 dropped 0". */
char *framelog_format_interval_text(const LcFramelog *log, const LcChannelInterval *interval);
/* One NDJSON object per interval, no newline (see docs/STATS.md). */
char *framelog_format_interval_json(const LcFramelog *log, const LcChannelInterval *interval);

/* The run summary at now_us (local) as a JSON object (transfer full). */
JsonNode *framelog_get_summary_json(const LcFramelog *log, gint64 now_us);
/* The run summary as pretty-printed JSON text, with a trailing newline. */
char *framelog_format_summary(const LcFramelog *log, gint64 now_us);

/* The frames.csv header line, no newline. */
const char *framelog_csv_get_header(void);
/* Appends one CSV row for record, newline included. */
void framelog_csv_append_row(GString *out, const LcFrameRecord *record);
/* Parses one CSV row (without or with its newline) back into record. */
gboolean framelog_csv_parse_row(const char *line, LcFrameRecord *record, GError **error);
/* Writes frames.csv: the header and one row per record, ordered by seq then channel. */
gboolean framelog_write_csv(const LcFramelog *log, const char *path, GError **error);
/* Writes intervals.ndjson: one line per channel per closed interval, in order. */
gboolean framelog_write_intervals(const LcFramelog *log, const char *path, GError **error);
/* Writes the summary JSON at now_us to path. */
gboolean framelog_write_summary(const LcFramelog *log, gint64 now_us, const char *path,
                                GError **error);

G_END_DECLS
