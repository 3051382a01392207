/*
 * The gnuplot scripts of the latency charts. Every script is self-contained:
 * it names its data files by relative paths and picks its own terminal, so
 * `gnuplot latency.gp` inside the output folder draws the same PNG again.
 *
 * Text that comes from outside (the run's parameters) is only ever written
 * inside single quotes, where gnuplot expands nothing: no backquoted shell
 * commands, no macros, no escapes.
 */
#include <math.h>
#include <string.h>

#include "src/report/plots_private.h"

/*
 * How each channel looks on every chart, indexed by LcChanKind. Blue
 * and vermillion of the Okabe-Ito palette stay apart for colour-blind
 * readers and in greyscale.
 */
typedef struct {
    const char *colour;
    const char *label;
} PlotsChannelLook;

static const PlotsChannelLook plots_looks[] = {
    [LC_CHAN_TCP] = {"#0072B2", "TCP"},
    [LC_CHAN_UDP] = {"#D55E00", "UDP"},
};
G_STATIC_ASSERT(G_N_ELEMENTS(plots_looks) == LC_CHAN_KINDS);

/*
 * Lost and dropped frames are marked in a band across the top of the
 * latency chart, one row per channel, above the highest sample: a frame that
 * never arrived has no latency to put on the value axis. The band uses the
 * second y axis (0..1 of the height), so it is the same on linear and log
 * axes; the samples are kept below PLOTS_BAND_FLOOR.
 */
#define PLOTS_BAND_FLOOR 0.86
#define PLOTS_BAND_ROW0  0.94 /* height of the first channel's markers */
#define PLOTS_BAND_STEP  0.04 /* one row lower per channel */

/* The value axis of a chart. */
typedef struct {
    double lo;
    double hi;
    double top; /* tics stop here: above it is the band of lost frames, or a margin */
    gboolean log;
} PlotsAxis;

/* The channel's name in legends, e.g. "TCP". */
const char *plots_script_get_label(LcChanKind channel)
{
    return plots_looks[channel].label;
}

/* Appends text as a gnuplot single-quoted string: nothing in it is expanded. */
void plots_script_append_quoted(GString *gp, const char *text)
{
    g_string_append_c(gp, '\'');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\'')
            g_string_append(gp, "''");
        else if ((guchar)*p < 0x20)
            g_string_append_c(gp, ' ');
        else
            g_string_append_c(gp, *p);
    }
    g_string_append_c(gp, '\'');
}

/* Appends a number for a script ("%.6g", '.' as the decimal point). */
static void plots_script_append_value(GString *gp, double value)
{
    char text[G_ASCII_DTOSTR_BUF_SIZE];

    g_string_append(gp, g_ascii_formatd(text, sizeof(text), "%.6g", value));
}

/* Starts a script that draws stem.png: comment, terminal, output, colours, frame. */
void plots_script_begin(GString *gp, const char *stem, const char *about)
{
    g_string_append_printf(gp, "# %s.gp: %s\n", stem, about);
    g_string_append_printf(gp,
                           "# Written by lanconf. Draw it again with `gnuplot %s.gp` in this "
                           "folder; the data files beside it are plain columns.\n\n",
                           stem);
    /* pngcairo draws antialiased text; the libgd png terminal is the fallback. */
    g_string_append(gp, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
                        "    set terminal pngcairo size 1280,720 font 'Sans,12' noenhanced\n"
                        "} else {\n"
                        "    set terminal png size 1280,720 noenhanced\n"
                        "}\n");
    g_string_append_printf(gp, "set output '%s.png'\n", stem);
    g_string_append(gp, "set border 3 lc rgb '#555555'\n"
                        "set tics nomirror out\n"
                        "set grid xtics ytics back lt 1 lc rgb '#e4e4e4' lw 1\n"
                        "set title font ',14'\n");
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        g_string_append_printf(gp, "set style line %u lc rgb '%s' lw 1.5 pt 7 ps 0.5 # %s\n", c + 1,
                               plots_looks[c].colour, plots_looks[c].label);
}

/*
 * Sets tscale and the range of the time axis for span_s seconds: seconds,
 * or minutes past ten minutes, where seconds would run into the thousands.
 * The data files keep seconds; the script divides by tscale. Returns the
 * axis label, "time since SINCE (s)" (transfer full).
 */
char *plots_script_append_time_axis(GString *gp, double span_s, const char *since)
{
    gboolean minutes = span_s > 600.0;
    double span = MAX(span_s, 1.0) / (minutes ? 60.0 : 1.0);

    g_string_append_printf(gp, "tscale = %s # seconds per unit of the time axis\nset xrange [0:",
                           minutes ? "60.0" : "1.0");
    plots_script_append_value(gp, span * 1.01);
    g_string_append(gp, "]\n");
    return g_strdup_printf("time since %s (%s)", since, minutes ? "min" : "s");
}

/* "TCP vs UDP" for the channels in the file. */
static char *plots_script_format_channels(const PlotsFrames *frames)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (plots_frames_has_channel(frames, c))
            g_ptr_array_add(names, (gpointer)plots_looks[c].label);
    }
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" vs ", (char **)names->pdata);
}

/* The channels in the file. */
static guint plots_script_count_channels(const PlotsFrames *frames)
{
    guint n = 0;

    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        n += plots_frames_has_channel(frames, c) ? 1 : 0;
    return n;
}

/* Appends `set title` with heading on the first line and the run's parameters below it. */
void plots_script_append_title(GString *gp, const char *heading, const PlotsRun *run)
{
    g_string_append(gp, "set title ");
    plots_script_append_quoted(gp, heading);
    if (run->subtitle != NULL && *run->subtitle != '\0') {
        g_string_append(gp, " . \"\\n\" . ");
        plots_script_append_quoted(gp, run->subtitle);
    }
    g_string_append_c(gp, '\n');
}

/* The lowest and highest sample of every channel together; FALSE when there are none. */
static gboolean plots_script_get_extent(const PlotsStats stats[LC_CHAN_KINDS], double *lo,
                                        double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (stats[c].n == 0)
            continue;
        *lo = MIN(*lo, stats[c].min);
        *hi = MAX(*hi, stats[c].max);
    }
    return isfinite(*lo);
}

/*
 * The axis for the samples of stats: a little room below the lowest, and
 * the highest at `fill` of the height (the rest is left to the band of lost
 * frames, or is a margin). Linear axes start at zero unless a value is
 * negative; log axes are in decades from the data.
 */
static PlotsAxis plots_script_get_axis(const PlotsStats stats[LC_CHAN_KINDS], double fill)
{
    PlotsAxis axis = {.lo = 0.0, .hi = 1.0, .top = 1.0, .log = plots_data_wants_log(stats)};
    double lo, hi;

    if (!plots_script_get_extent(stats, &lo, &hi)) {
        axis.hi = 1.0 / fill;
        return axis;
    }
    if (axis.log) {
        double l0 = log10(lo), l1 = log10(hi);
        double bottom = l0 - 0.05 * (l1 - l0);
        axis.lo = pow(10.0, bottom);
        axis.hi = pow(10.0, bottom + (l1 - bottom) / fill);
        axis.top = hi;
        return axis;
    }
    axis.lo = MIN(0.0, lo - 0.05 * (hi - lo));
    if (hi <= axis.lo)
        hi = axis.lo + MAX(1.0, fabs(axis.lo));
    axis.hi = axis.lo + (hi - axis.lo) / fill;
    axis.top = hi;
    return axis;
}

/* Appends `set Xrange [lo:hi]` (and a log scale) for axis name "x" or "y". */
static void plots_script_append_axis(GString *gp, const char *name, const PlotsAxis *axis)
{
    if (axis->log)
        g_string_append_printf(gp, "set logscale %s 10\n", name);
    g_string_append_printf(gp, "set %srange [", name);
    plots_script_append_value(gp, axis->lo);
    g_string_append_c(gp, ':');
    plots_script_append_value(gp, axis->hi);
    g_string_append(gp, "]\n");
}

/*
 * Tics from axis->lo up to axis->top only, so that no value is printed
 * beside the band of lost frames. A log axis gets 1-2-5 tics in every
 * decade: gnuplot's default of one tic per decade leaves most samples
 * without a nearby number. A linear axis gets a 1-2-5 step giving about
 * six tics.
 */
static void plots_script_append_tics(GString *gp, const char *name, const PlotsAxis *axis)
{
    static const double mantissas[] = {1.0, 2.0, 5.0};
    guint n = 0;

    if (axis->log) {
        g_string_append_printf(gp, "set %stics (", name);
        for (double decade = pow(10.0, floor(log10(axis->lo))); decade <= axis->top * 10.0;
             decade *= 10.0) {
            for (guint m = 0; m < G_N_ELEMENTS(mantissas); m++) {
                double tic = decade * mantissas[m];
                if (tic < axis->lo || tic > axis->top * 1.0001)
                    continue;
                g_string_append(gp, n++ > 0 ? ", " : "");
                plots_script_append_value(gp, tic);
            }
        }
        g_string_append(gp, ")\n");
        return;
    }
    double raw = (axis->top - axis->lo) / 6.0;
    double magnitude = pow(10.0, floor(log10(raw)));
    double step = magnitude * 10.0;
    for (guint m = 0; m < G_N_ELEMENTS(mantissas); m++) {
        if (magnitude * mantissas[m] >= raw) {
            step = magnitude * mantissas[m];
            break;
        }
    }
    g_string_append_printf(gp, "set %stics ", name);
    plots_script_append_value(gp, ceil(axis->lo / step) * step);
    g_string_append(gp, ", ");
    plots_script_append_value(gp, step);
    g_string_append(gp, ", ");
    plots_script_append_value(gp, axis->top);
    g_string_append_c(gp, '\n');
}

/*
 * Places the legend under the chart, one column per channel with at most
 * `rows` entries each, so it never covers data and leaves the full width to
 * the time axis; the bottom margin is made room for it.
 */
static void plots_script_append_key(GString *gp, guint rows)
{
    g_string_append_printf(gp,
                           "set key at screen 0.5, screen 0.01 bottom center vertical Left "
                           "reverse box opaque spacing 1.2 width 1 maxrows %u\n"
                           "set bmargin %.1f\n",
                           rows, 4.5 + 1.5 * rows);
}

/* Appends a plot clause separator: "plot " first, ", \\\n     " after. */
static void plots_script_next_clause(GString *gp, guint *n_clauses)
{
    g_string_append(gp, (*n_clauses)++ == 0 ? "plot " : ", \\\n     ");
}

/* What a chart's band marks: frames with no RTT, or frames never decoded. */
const PlotsMarks plots_marks_lost = {
    .stems = {"lost", "dropped"},
    .what = {"lost", "dropped before sending"},
    .band = "lost or dropped frames (nothing to plot)",
};
const PlotsMarks plots_marks_undecoded = {
    .stems = {"undecoded", NULL},
    .what = {"never decoded", NULL},
    .band = "frames never decoded (lost, dropped, or not decodable)",
    .undecoded = TRUE,
};

/* The times of chan's frames of the k-th kind frames->marks marks; NULL
 * when there is no such kind. */
static const GArray *plots_script_marked(const PlotsFrames *frames, const PlotsChannel *chan,
                                         guint k)
{
    if (frames->marks->undecoded)
        return k == 0 ? chan->undecoded : NULL;
    return k == 0 ? chan->lost : chan->dropped;
}

/* Frames of chan that the band marks. */
static guint plots_script_count_marked(const PlotsFrames *frames, const PlotsChannel *chan)
{
    guint n = 0;
    for (guint k = 0; k < 2; k++) {
        const GArray *times = plots_script_marked(frames, chan, k);
        n += times != NULL ? times->len : 0;
    }
    return n;
}

/* Whether any present channel has frames the band marks. */
static gboolean plots_script_has_markers(const PlotsFrames *frames)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (plots_frames_has_channel(frames, c) &&
            plots_script_count_marked(frames, &frames->channels[c]) > 0)
            return TRUE;
    }
    return FALSE;
}

/* The legend entries of chan on the latency chart: its series, then one per
 * kind of marked frames it has. */
static guint plots_script_count_channel_entries(const PlotsFrames *frames, const PlotsChannel *chan)
{
    guint n = 1;
    for (guint k = 0; k < 2; k++) {
        const GArray *times = plots_script_marked(frames, chan, k);
        n += times != NULL && times->len > 0;
    }
    return n;
}

/* The most legend entries of one channel on the latency chart. */
static guint plots_script_count_entries(const PlotsFrames *frames)
{
    guint most = 1;

    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        most = MAX(most, plots_script_count_channel_entries(frames, &frames->channels[c]));
    return most;
}

/*
 * Fills a channel's legend column up to rows with blank entries, so that
 * the next channel starts a column of its own: the legend reads as one
 * column per channel.
 */
static void plots_script_append_key_padding(GString *gp, guint entries, guint rows,
                                            guint *n_clauses)
{
    for (guint i = entries; i < rows; i++) {
        plots_script_next_clause(gp, n_clauses);
        g_string_append(gp, "NaN with points ps 0 lc rgb 'white' title ' '");
    }
}

/* Sets up the band of marked frames across the top. */
static void plots_script_append_band(GString *gp, const PlotsFrames *frames, const PlotsRun *run)
{
    /* Sound is played, not decoded for a picture. */
    const char *band = run->audio && frames->marks->undecoded
                           ? "packets never played (lost, late, or left out by the jitter buffer)"
                           : frames->marks->band;
    g_string_append(gp, "set y2range [0:1]\n"
                        "unset y2tics\n");
    g_string_append_printf(gp,
                           "set arrow from graph 0, second %.2f to graph 1, second %.2f nohead "
                           "lc rgb '#bbbbbb' dt 2\n",
                           PLOTS_BAND_FLOOR + 0.01, PLOTS_BAND_FLOOR + 0.01);
    g_string_append_printf(gp,
                           "set label '%s' at graph 0.005, second %.3f "
                           "left font ',10' tc rgb '#777777'\n",
                           band, PLOTS_BAND_ROW0 + PLOTS_BAND_STEP);
}

/* Appends the clauses of channel's marked frames in its band row. */
static void plots_script_append_markers(GString *gp, const PlotsFrames *frames,
                                        const PlotsChannel *chan, LcChanKind channel, guint row,
                                        gboolean audio, guint *n_clauses)
{
    static const guint points[2] = {2, 8}; /* a cross; an open triangle */
    double height = PLOTS_BAND_ROW0 - PLOTS_BAND_STEP * row;

    for (guint k = 0; k < 2; k++) {
        const GArray *times = plots_script_marked(frames, chan, k);
        if (times == NULL || times->len == 0)
            continue;
        g_autofree char *data = plots_data_get_name(frames->marks->stems[k], channel);
        plots_script_next_clause(gp, n_clauses);
        g_string_append_printf(
            gp,
            "'%s' using ($1/tscale):(%.3f) axes x1y2 with points lc rgb '%s' pt %u "
            "ps 1.2 lw 1.5 title '%s %s (%u)'",
            data, height, plots_looks[channel].colour, points[k], plots_looks[channel].label,
            audio && frames->marks->undecoded ? "never played" : frames->marks->what[k],
            times->len);
    }
}

/* Appends the clause of channel's samples, or a legend entry saying there are none. */
static void plots_script_append_series(GString *gp, const char *data, LcChanKind channel,
                                       const PlotsMetricInfo *info, guint n, gboolean audio,
                                       guint *n_clauses)
{
    plots_script_next_clause(gp, n_clauses);
    if (n == 0) {
        g_string_append_printf(gp, "NaN with points ls %u title '%s: %s'", channel + 1,
                               plots_looks[channel].label, info->none);
        return;
    }
    /* A line through many thousand samples is a solid blot: points only. */
    const char *style = n <= 3000 ? "lw 1 ps 0.4" : "pt 7 ps 0.25";
    g_string_append_printf(gp, "'%s' using ($1/tscale):2 with %s ls %u %s title '%s %s (%u %s)'",
                           data, n <= 3000 ? "linespoints" : "points", channel + 1, style,
                           plots_looks[channel].label, info->name, n, audio ? "packets" : "frames");
}

/* Marks the playout deadline when it falls among the samples. */
static void plots_script_append_deadline(GString *gp, const PlotsStats stats[LC_CHAN_KINDS],
                                         const PlotsRun *run)
{
    double lo, hi;

    if (!isfinite(run->deadline_ms) || !plots_script_get_extent(stats, &lo, &hi) ||
        run->deadline_ms > hi)
        return;
    g_string_append(gp, "set arrow from graph 0, first ");
    plots_script_append_value(gp, run->deadline_ms);
    g_string_append(gp, " to graph 1, first ");
    plots_script_append_value(gp, run->deadline_ms);
    g_string_append(gp, " nohead lc rgb '#333333' dt 2\nset label 'playout deadline ");
    plots_data_append_ms(gp, run->deadline_ms);
    g_string_append(gp, " ms' at graph 0.995, first ");
    plots_script_append_value(gp, run->deadline_ms);
    g_string_append(gp, " right offset 0,0.6 font ',10' tc rgb '#333333'\n");
}

/* The script of the latency-over-time chart of metric (transfer full). */
char *plots_script_latency(const char *stem, const PlotsFrames *frames, PlotsMetric metric,
                           const PlotsStats stats[LC_CHAN_KINDS], const PlotsRun *run)
{
    const PlotsMetricInfo *info = plots_metric_get_info(metric);
    g_autoptr(GString) gp = g_string_new(NULL);
    g_autofree char *channels = plots_script_format_channels(frames);
    const char *what = metric == PLOTS_METRIC_END_TO_END && !frames->has_decoded
                           ? "End-to-end delay per frame (capture to the whole frame at the viewer)"
                           : info->what;
    /* For sound, capture to playout is the delay a listener hears. */
    if (metric == PLOTS_METRIC_END_TO_END && frames->has_decoded && run->audio)
        what = "Mouth-to-ear delay per packet (capture to playout at the listener)";
    g_autofree char *heading = g_strdup_printf("%s: %s", what, channels);
    gboolean band = plots_script_has_markers(frames);
    PlotsAxis y = plots_script_get_axis(stats, band ? PLOTS_BAND_FLOOR - 0.02 : 0.95);
    guint n_clauses = 0, row = 0, rows = plots_script_count_entries(frames), entries = 0;

    plots_script_begin(gp, stem, heading);
    plots_script_append_title(gp, heading, run);
    g_autofree char *time_label = plots_script_append_time_axis(
        gp, (double)(frames->t1_us - frames->t0_us) / 1e6, frames->origin);
    g_string_append_printf(gp, "set xlabel '%s'\n", time_label);
    g_string_append_printf(gp, "set ylabel '%s (%s%s)'\n", info->name, info->unit,
                           y.log ? ", log scale" : "");
    plots_script_append_key(gp, rows);
    plots_script_append_axis(gp, "y", &y);
    plots_script_append_tics(gp, "y", &y);
    if (metric == PLOTS_METRIC_END_TO_END)
        plots_script_append_deadline(gp, stats, run);
    if (band)
        plots_script_append_band(gp, frames, run);
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        const PlotsChannel *chan = &frames->channels[c];
        if (!plots_frames_has_channel(frames, c))
            continue;
        g_autofree char *data = plots_data_get_name(info->stem, c);
        if (row > 0)
            plots_script_append_key_padding(gp, entries, rows, &n_clauses);
        plots_script_append_series(gp, data, c, info, stats[c].n, run->audio, &n_clauses);
        plots_script_append_markers(gp, frames, chan, c, row++, run->audio, &n_clauses);
        entries = plots_script_count_channel_entries(frames, chan);
    }
    g_string_append(gp, "\n");
    return g_string_free(g_steal_pointer(&gp), FALSE);
}

/* Marks p50 and p99 of every channel on its curve, with guide lines across. */
static void plots_script_append_percentiles(GString *gp, const PlotsStats stats[LC_CHAN_KINDS])
{
    static const struct {
        const char *name;
        double fraction;
    } marks[] = {{"p50", 0.5}, {"p99", 0.99}};

    for (guint k = 0; k < G_N_ELEMENTS(marks); k++) {
        g_string_append_printf(gp,
                               "set arrow from graph 0, first %.2f to graph 1, first %.2f nohead "
                               "lc rgb '#999999' dt 3\n"
                               "set label '%s' at graph 1, first %.2f left offset 0.5,0 "
                               "tc rgb '#666666'\n",
                               marks[k].fraction, marks[k].fraction, marks[k].name,
                               marks[k].fraction);
        for (guint c = 0; c < LC_CHAN_KINDS; c++) {
            if (stats[c].n == 0)
                continue;
            g_string_append(gp, "set label '' at ");
            plots_script_append_value(gp, k == 0 ? stats[c].p50 : stats[c].p99);
            g_string_append_printf(gp, ", %.2f point pt 7 ps 1.4 lc rgb '%s' front\n",
                                   marks[k].fraction, plots_looks[c].colour);
        }
    }
}

/* The CDF's value axis: the samples with a little room either side. */
static PlotsAxis plots_script_get_cdf_axis(const PlotsStats stats[LC_CHAN_KINDS])
{
    PlotsAxis axis = {.lo = 0.0, .hi = 1.0, .top = 1.0, .log = plots_data_wants_log(stats)};
    double lo, hi;

    if (!plots_script_get_extent(stats, &lo, &hi))
        return axis;
    if (axis.log) {
        double pad = 0.04 * (log10(hi) - log10(lo));
        axis.lo = pow(10.0, log10(lo) - pad);
        axis.hi = pow(10.0, log10(hi) + pad);
        axis.top = axis.hi;
        return axis;
    }
    double pad = hi > lo ? 0.04 * (hi - lo) : MAX(0.5, 0.1 * fabs(hi));
    axis.lo = lo - pad;
    if (lo >= 0.0)
        axis.lo = MAX(0.0, axis.lo);
    axis.hi = hi + pad;
    axis.top = axis.hi;
    return axis;
}

/* Appends the clause of channel's CDF, its percentiles in the legend. */
static void plots_script_append_cdf_curve(GString *gp, const char *data, LcChanKind channel,
                                          const PlotsMetricInfo *info, const PlotsStats *stats,
                                          const PlotsFrames *frames, const PlotsChannel *chan,
                                          guint *n_clauses)
{
    guint missing = plots_script_count_marked(frames, chan);

    plots_script_next_clause(gp, n_clauses);
    if (stats->n == 0) {
        g_string_append_printf(gp, "NaN with lines ls %u title '%s: %s'", channel + 1,
                               plots_looks[channel].label, info->none);
        return;
    }
    g_autoptr(GString) title = g_string_new(NULL);
    g_string_append_printf(title, "%s  p50 ", plots_looks[channel].label);
    plots_data_append_ms(title, stats->p50);
    g_string_append_printf(title, " %s  p99 ", info->unit);
    plots_data_append_ms(title, stats->p99);
    g_string_append_printf(title, " %s  (%u frames", info->unit, stats->n);
    if (missing > 0)
        g_string_append_printf(title, "; %u %s", missing,
                               frames->marks->undecoded ? "never decoded" : "lost or dropped");
    g_string_append_c(title, ')');
    g_string_append_printf(gp, "'%s' using 1:2 with steps ls %u lw 2.5 title ", data, channel + 1);
    plots_script_append_quoted(gp, title->str);
}

/* The script of the CDF chart of metric (transfer full). */
char *plots_script_cdf(const char *stem, const char *data_stem, const PlotsFrames *frames,
                       PlotsMetric metric, const PlotsStats stats[LC_CHAN_KINDS],
                       const PlotsRun *run)
{
    const PlotsMetricInfo *info = plots_metric_get_info(metric);
    g_autoptr(GString) gp = g_string_new(NULL);
    g_autofree char *channels = plots_script_format_channels(frames);
    g_autofree char *heading =
        g_strdup_printf("Distribution (CDF) of the %s per frame: %s", info->name, channels);
    PlotsAxis x = plots_script_get_cdf_axis(stats);
    guint n_clauses = 0;

    plots_script_begin(gp, stem, heading);
    plots_script_append_title(gp, heading, run);
    g_string_append_printf(gp, "set xlabel '%s (%s%s)'\n", info->name, info->unit,
                           x.log ? ", log scale" : "");
    g_string_append_printf(gp, "set ylabel 'fraction of %s with %s <= x'\n", info->sample,
                           info->name);
    /* The legends carry the percentiles and are long: one row per channel. */
    plots_script_append_key(gp, plots_script_count_channels(frames));
    g_string_append(gp, "set rmargin 6\n"
                        "set yrange [0:1]\n"
                        "set ytics 0.1\n");
    plots_script_append_axis(gp, "x", &x);
    plots_script_append_tics(gp, "x", &x);
    plots_script_append_percentiles(gp, stats);
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (!plots_frames_has_channel(frames, c))
            continue;
        g_autofree char *data = plots_data_get_name(data_stem, c);
        plots_script_append_cdf_curve(gp, data, c, info, &stats[c], frames, &frames->channels[c],
                                      &n_clauses);
    }
    g_string_append(gp, "\n");
    return g_string_free(g_steal_pointer(&gp), FALSE);
}
