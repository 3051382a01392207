/* Internals shared by the plot writer's files (plots*.c). Not for other users. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "net/wire/chan_kind.h"
#include "src/report/plots.h"

/* The per-frame latencies a chart can show; each is one frames.csv column. */
typedef enum {
    PLOTS_METRIC_RTT,
    PLOTS_METRIC_END_TO_END,
    PLOTS_METRIC_TRANSFER,
    PLOTS_N_METRICS,
} PlotsMetric;

/* How a metric is named in files, legends and titles. */
typedef struct {
    const char *column; /* frames.csv column, e.g. "rtt_ms" */
    const char *stem;   /* data file stem, e.g. "latency" for latency_tcp.dat */
    const char *name;   /* short name for axes and legends, e.g. "RTT" */
    const char *what;   /* what it measures, for titles */
    const char *none;   /* a channel without samples, for legends */
    const char *sample; /* the frames that have a sample, for the CDF's axis */
    const char *unit;   /* "ms", "MB/s" */
} PlotsMetricInfo;

/* One frame's latency on one channel. */
typedef struct {
    gint64 t_us;      /* capture time (else send time), us; FRAME_RECORD_TIME_UNSET if neither */
    guint64 seq;      /* frame sequence number, 0 when the file has no seq column */
    double ms;        /* the latency */
    gboolean decoded; /* the row has a decode time */
} PlotsSample;

/* What frames.csv says about one channel. */
typedef struct {
    guint64 rows;                     /* rows of this channel; 0: not in the file */
    GArray *samples[PLOTS_N_METRICS]; /* PlotsSample, in file order */
    GArray *lost;                     /* gint64 t_us of frames sent, then declared lost */
    GArray *dropped;                  /* gint64 t_us of frames never sent */
    GArray *undecoded;                /* gint64 t_us of frames the viewer never decoded */
} PlotsChannel;

/* Which frames a chart marks in its band across the top: those with no RTT
 * (lost after sending, dropped before), or, on the end-to-end chart of a log
 * with decode times, those never decoded, for whatever reason. */
typedef struct {
    const char *stems[2]; /* data file stems: "lost", "dropped" */
    const char *what[2];  /* legend words: "lost", "dropped before sending" */
    const char *band;     /* the band's label */
    gboolean undecoded;   /* the marks are PlotsChannel.undecoded (one kind) */
} PlotsMarks;

/* The whole of frames.csv, as the charts need it. */
typedef struct {
    PlotsChannel channels[LC_CHAN_KINDS];
    gint64 t0_us; /* the earliest frame time: zero on the time axes */
    gint64 t1_us; /* the latest frame time */
    /* Whether any frame has decoded_us: end to end then runs to decoded,
     * else (a sender's log) to the whole frame at the viewer. */
    gboolean has_decoded;
    /* What t0_us is, for the time axes: "the first frame was captured", or
     * "the run started" once the run's start is known (plots_write_all). */
    const char *origin;
    const PlotsMarks *marks; /* what the band of the chart being written marks */
} PlotsFrames;

extern const PlotsMarks plots_marks_lost, plots_marks_undecoded;

/* One channel's samples of one metric, summarised. */
typedef struct {
    guint n;    /* samples */
    double min; /* ms; NAN when n is 0, like the others */
    double max;
    double p50; /* nearest rank, as docs/STATS.md defines percentiles */
    double p99;
} PlotsStats;

/* What every chart says about the run. */
typedef struct {
    char *subtitle;     /* "640x480 @ 30 fps, jpeg, impairment ...", "" when nothing is known */
    gint fps;           /* capture rate asked for, 0 when unknown */
    double deadline_ms; /* playout deadline, NAN when unknown */
    gint64 start_us;    /* the run's start (summary.json), FRAME_RECORD_TIME_UNSET when unknown */
    gboolean audio;     /* the frames are Opus packets (encoder "opus"): titles say so */
} PlotsRun;

/* The table entry of metric. */
const PlotsMetricInfo *plots_metric_get_info(PlotsMetric metric);

/* Reads path (frames.csv) into frames, which the caller clears with plots_frames_clear(). */
gboolean plots_frames_load(const char *path, PlotsFrames *frames, GError **error);
/* Frees what plots_frames_load() filled in. */
void plots_frames_clear(PlotsFrames *frames);
/* Whether channel has rows in the file. */
gboolean plots_frames_has_channel(const PlotsFrames *frames, LcChanKind channel);
/* Whether any channel has samples of metric. */
gboolean plots_frames_has_metric(const PlotsFrames *frames, PlotsMetric metric);

/* Member name of object as a number, or NAN when it is missing, null or not a number. */
double plots_json_get_double(JsonObject *object, const char *name);
/* Member name of object as a string, or fallback when it is missing or not a string. */
const char *plots_json_get_string(JsonObject *object, const char *name, const char *fallback);

/* Fills run from opts (may be NULL), then summary.json in dir for what opts leaves unset. */
void plots_run_load(const char *dir, const LcPlotsOptions *opts, PlotsRun *run);
/* Frees what plots_run_load() filled in. */
void plots_run_clear(PlotsRun *run);

/* "STEM_CHANNEL.dat", e.g. "latency_tcp.dat" (transfer full). */
char *plots_data_get_name(const char *stem, LcChanKind channel);
/* Summarises samples (PlotsSample); sorted, if not NULL, gets the latencies sorted (double). */
void plots_data_get_stats(const GArray *samples, PlotsStats *stats, GArray **sorted);
/* Whether the samples of every channel span more than two decades, so that a log axis fits. */
gboolean plots_data_wants_log(const PlotsStats stats[LC_CHAN_KINDS]);
/* Writes text to dir/name and appends its path to written. */
gboolean plots_data_write_file(const char *dir, const char *name, const char *text,
                               GPtrArray *written, GError **error);
/* Writes "t_s ms seq" rows of samples relative to t0_us, a blank line at each gap in seq. */
gboolean plots_data_write_series(const char *dir, const char *name, const GArray *samples,
                                 gint64 t0_us, GPtrArray *written, GError **error);
/* Writes one "t_s" row per time (gint64 us) relative to t0_us. */
gboolean plots_data_write_times(const char *dir, const char *name, const GArray *times,
                                gint64 t0_us, GPtrArray *written, GError **error);
/* Writes the CDF of sorted latencies (double ms) as "ms fraction" rows. */
gboolean plots_data_write_cdf(const char *dir, const char *name, const GArray *sorted,
                              GPtrArray *written, GError **error);
/* Appends value with the given decimals, always with a '.' whatever the locale. */
void plots_data_append_number(GString *out, double value, guint decimals);
/* Appends a latency for people: "0.123", "1.23", "12.3", "123". */
void plots_data_append_ms(GString *out, double ms);

/* The channel's name in legends, e.g. "TCP". */
const char *plots_script_get_label(LcChanKind channel);
/* Appends text as a gnuplot single-quoted string: nothing in it is expanded. */
void plots_script_append_quoted(GString *gp, const char *text);
/* Starts a script that draws stem.png: comment, terminal, output, colours, frame. */
void plots_script_begin(GString *gp, const char *stem, const char *about);
/* Appends `set title` with heading on the first line and the run's parameters below it. */
void plots_script_append_title(GString *gp, const char *heading, const PlotsRun *run);
/* Sets tscale and the range of a time axis of span_s seconds; returns its label (transfer full). */
char *plots_script_append_time_axis(GString *gp, double span_s, const char *since);
/* The script of the latency-over-time chart of metric (transfer full). */
char *plots_script_latency(const char *stem, const PlotsFrames *frames, PlotsMetric metric,
                           const PlotsStats stats[LC_CHAN_KINDS], const PlotsRun *run);
/* The script of the CDF chart of metric (transfer full). */
char *plots_script_cdf(const char *stem, const char *data_stem, const PlotsFrames *frames,
                       PlotsMetric metric, const PlotsStats stats[LC_CHAN_KINDS],
                       const PlotsRun *run);

/*
 * Writes rate_CHANNEL.dat and rate.gp from dir/intervals.ndjson. Sets
 * *wrote to FALSE, and succeeds, when there is no such file or no interval.
 */
gboolean plots_rate_write(const char *dir, const PlotsRun *run, GPtrArray *written, gboolean *wrote,
                          GError **error);
