/*
 * The data files beside the gnuplot scripts: plain whitespace-separated
 * columns, one file per channel and series, numbers always with a '.' so
 * that gnuplot reads them in any locale. Each writer makes one pass over its
 * samples; the only sort is the one a CDF and its percentiles need.
 */
#include <math.h>
#include <stdlib.h>

#include "src/run/frame_record.h"
#include "src/report/plots_private.h"

/*
 * A CDF of a long run is thinned to about this many points: at 1280 pixels
 * wide more cannot be told apart, and the file stays small. The first and
 * the last sample are always kept, so the tails are exact.
 */
#define PLOTS_CDF_MAX_POINTS 4000

/* "STEM_CHANNEL.dat", e.g. "latency_tcp.dat" (transfer full). */
char *plots_data_get_name(const char *stem, LcChanKind channel)
{
    return g_strdup_printf("%s_%s.dat", stem, chan_kind_name(channel));
}

/* Orders doubles ascending. */
static int plots_data_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The p-th percentile of n sorted values by nearest rank: the value at rank ceil(p/100 x n). */
static double plots_data_percentile(const double *sorted, guint n, double p)
{
    double rank = ceil(p / 100.0 * (double)n);
    guint index = rank < 1.0 ? 0 : (guint)rank - 1;

    return sorted[MIN(index, n - 1)];
}

/* Summarises samples (PlotsSample); sorted, if not NULL, gets the latencies sorted (double). */
void plots_data_get_stats(const GArray *samples, PlotsStats *stats, GArray **sorted)
{
    GArray *values = g_array_sized_new(FALSE, FALSE, sizeof(double), samples->len);

    for (guint i = 0; i < samples->len; i++)
        g_array_append_val(values, g_array_index(samples, PlotsSample, i).ms);
    if (values->len > 1)
        qsort(values->data, values->len, sizeof(double), plots_data_compare_doubles);

    const double *v = (const double *)values->data;
    stats->n = values->len;
    stats->min = stats->n > 0 ? v[0] : NAN;
    stats->max = stats->n > 0 ? v[stats->n - 1] : NAN;
    stats->p50 = stats->n > 0 ? plots_data_percentile(v, stats->n, 50.0) : NAN;
    stats->p99 = stats->n > 0 ? plots_data_percentile(v, stats->n, 99.0) : NAN;
    if (sorted != NULL)
        *sorted = values;
    else
        g_array_unref(values);
}

/*
 * A log axis when the samples of all channels together span more than two
 * decades (say 0.1 ms on loopback against a 50 ms stall): on a linear axis
 * the small values would be a flat line at the bottom. Zero or negative
 * values (a clock offset can make an end-to-end delay negative) rule it out.
 */
gboolean plots_data_wants_log(const PlotsStats stats[LC_CHAN_KINDS])
{
    double lo = INFINITY, hi = -INFINITY;

    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (stats[c].n == 0)
            continue;
        lo = MIN(lo, stats[c].min);
        hi = MAX(hi, stats[c].max);
    }
    return isfinite(lo) && lo > 0.0 && hi / lo > 100.0;
}

/* Appends value with the given decimals (at most 6), always with a '.' whatever the locale. */
void plots_data_append_number(GString *out, double value, guint decimals)
{
    static const char *const formats[] = {"%.0f", "%.1f", "%.2f", "%.3f", "%.4f", "%.5f", "%.6f"};
    char text[G_ASCII_DTOSTR_BUF_SIZE];

    g_string_append(out, g_ascii_formatd(text, sizeof(text),
                                         formats[MIN(decimals, G_N_ELEMENTS(formats) - 1)], value));
}

/* Appends a latency for people with three significant digits: "0.123", "1.23", "12.3", "123". */
void plots_data_append_ms(GString *out, double ms)
{
    double size = fabs(ms);
    guint decimals = size < 1.0 ? 3 : size < 10.0 ? 2 : size < 100.0 ? 1 : 0;

    plots_data_append_number(out, ms, decimals);
}

/* Writes text to dir/name and appends its path to written. */
gboolean plots_data_write_file(const char *dir, const char *name, const char *text,
                               GPtrArray *written, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    if (!g_file_set_contents(path, text, -1, error))
        return FALSE;
    g_ptr_array_add(written, g_steal_pointer(&path));
    return TRUE;
}

/* Writes "t_s ms seq" rows of samples relative to t0_us, a blank line at each gap in seq. */
gboolean plots_data_write_series(const char *dir, const char *name, const GArray *samples,
                                 gint64 t0_us, GPtrArray *written, GError **error)
{
    g_autoptr(GString) out = g_string_sized_new(32 * (gsize)samples->len + 64);
    guint64 previous = 0;

    /*
     * A blank line makes gnuplot lift the pen: a line drawn through the
     * samples breaks where frames are missing instead of bridging them.
     * Without sequence numbers (seq 0) there is no telling, and no break.
     */
    g_string_append(
        out, "# t_s value seq: seconds on the chart's time axis, the value (ms or MB/s), frame\n");
    for (guint i = 0; i < samples->len; i++) {
        const PlotsSample *sample = &g_array_index(samples, PlotsSample, i);
        if (!frame_record_time_is_set(sample->t_us))
            continue;
        if (i > 0 && sample->seq != 0 && sample->seq != previous + 1)
            g_string_append_c(out, '\n');
        previous = sample->seq;
        plots_data_append_number(out, (double)(sample->t_us - t0_us) / 1e6, 6);
        g_string_append_c(out, ' ');
        plots_data_append_number(out, sample->ms, 3);
        g_string_append_printf(out, " %" G_GUINT64_FORMAT "\n", sample->seq);
    }
    return plots_data_write_file(dir, name, out->str, written, error);
}

/* Writes one "t_s" row per time (gint64 us) relative to t0_us. */
gboolean plots_data_write_times(const char *dir, const char *name, const GArray *times,
                                gint64 t0_us, GPtrArray *written, GError **error)
{
    g_autoptr(GString) out = g_string_sized_new(16 * (gsize)times->len + 64);

    g_string_append(out, "# t_s: seconds on the chart's time axis\n");
    for (guint i = 0; i < times->len; i++) {
        plots_data_append_number(out, (double)(g_array_index(times, gint64, i) - t0_us) / 1e6, 6);
        g_string_append_c(out, '\n');
    }
    return plots_data_write_file(dir, name, out->str, written, error);
}

/* Appends one "ms fraction" row. */
static void plots_data_append_cdf_row(GString *out, double ms, double fraction)
{
    plots_data_append_number(out, ms, 3);
    g_string_append_c(out, ' ');
    plots_data_append_number(out, fraction, 6);
    g_string_append_c(out, '\n');
}

/* Writes the CDF of sorted latencies (double ms) as "ms fraction" rows. */
gboolean plots_data_write_cdf(const char *dir, const char *name, const GArray *sorted,
                              GPtrArray *written, GError **error)
{
    g_autoptr(GString) out = g_string_new("# ms fraction: latency, share of frames at most that\n");
    const double *v = (const double *)sorted->data;
    guint n = sorted->len;
    guint step = MAX(1u, (n + PLOTS_CDF_MAX_POINTS - 1) / PLOTS_CDF_MAX_POINTS);

    /* The curve starts at 0 on the smallest sample, so `with steps` rises there. */
    if (n > 0)
        plots_data_append_cdf_row(out, v[0], 0.0);
    for (guint i = 0; i < n; i++) {
        if (i == 0 || i == n - 1 || (i + 1) % step == 0)
            plots_data_append_cdf_row(out, v[i], (double)(i + 1) / (double)n);
    }
    return plots_data_write_file(dir, name, out->str, written, error);
}
