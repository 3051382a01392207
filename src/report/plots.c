/*
 * The plots of a comparison run: reads the run's folder, writes every data
 * file and script first, then has gnuplot draw each script in that folder.
 * Writing everything before drawing means a machine without gnuplot still
 * gets complete scripts, which can be drawn later by hand or elsewhere.
 */
#include <gio/gio.h>
#include <string.h>

#include "src/report/plots.h"
#include "src/report/plots_private.h"
#include "src/run/frame_record.h"

/* The latency charts of one metric: its samples per channel, summarised. */
typedef struct {
    PlotsMetric metric;
    PlotsStats stats[LC_CHAN_KINDS];
    GArray *sorted[LC_CHAN_KINDS]; /* double ms, for the CDF */
} PlotsMetricData;

/* Frees the sorted samples of data. */
static void plots_metric_data_clear(PlotsMetricData *data)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        g_clear_pointer(&data->sorted[c], g_array_unref);
}

/* Summarises metric on every channel of frames into data. */
static void plots_metric_data_fill(PlotsMetricData *data, const PlotsFrames *frames,
                                   PlotsMetric metric)
{
    data->metric = metric;
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        plots_data_get_stats(frames->channels[c].samples[metric], &data->stats[c],
                             &data->sorted[c]);
}

/* Writes script text as dir/stem.gp and lists stem for drawing. */
static gboolean plots_write_script(const char *dir, const char *stem, const char *text,
                                   GPtrArray *written, GPtrArray *stems, GError **error)
{
    g_autofree char *name = g_strdup_printf("%s.gp", stem);

    if (!plots_data_write_file(dir, name, text, written, error))
        return FALSE;
    g_ptr_array_add(stems, g_strdup(stem));
    return TRUE;
}

/* Writes the lost and dropped frame times of every channel that has any. */
static gboolean plots_write_markers(const char *dir, const PlotsFrames *frames, GPtrArray *written,
                                    GError **error)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        const PlotsChannel *chan = &frames->channels[c];
        g_autofree char *lost = plots_data_get_name("lost", c);
        g_autofree char *dropped = plots_data_get_name("dropped", c);
        if (chan->lost->len > 0 &&
            !plots_data_write_times(dir, lost, chan->lost, frames->t0_us, written, error))
            return FALSE;
        if (chan->dropped->len > 0 &&
            !plots_data_write_times(dir, dropped, chan->dropped, frames->t0_us, written, error))
            return FALSE;
        g_autofree char *undecoded = plots_data_get_name("undecoded", c);
        if (frames->has_decoded && chan->undecoded->len > 0 &&
            !plots_data_write_times(dir, undecoded, chan->undecoded, frames->t0_us, written, error))
            return FALSE;
    }
    return TRUE;
}

/* Writes the samples of data's metric over time and the chart's script stem.gp. */
static gboolean plots_write_latency(const char *dir, const char *stem, const PlotsFrames *frames,
                                    const PlotsMetricData *data, const PlotsRun *run,
                                    GPtrArray *written, GPtrArray *stems, GError **error)
{
    const PlotsMetricInfo *info = plots_metric_get_info(data->metric);

    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        const GArray *samples = frames->channels[c].samples[data->metric];
        if (samples->len == 0)
            continue;
        g_autofree char *name = plots_data_get_name(info->stem, c);
        if (!plots_data_write_series(dir, name, samples, frames->t0_us, written, error))
            return FALSE;
    }
    g_autofree char *script = plots_script_latency(stem, frames, data->metric, data->stats, run);
    return plots_write_script(dir, stem, script, written, stems, error);
}

/* Writes the CDF of data's metric and its script stem.gp. */
static gboolean plots_write_cdf(const char *dir, const char *stem, const PlotsFrames *frames,
                                const PlotsMetricData *data, const PlotsRun *run,
                                GPtrArray *written, GPtrArray *stems, GError **error)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (data->sorted[c]->len == 0)
            continue;
        g_autofree char *name = plots_data_get_name(stem, c);
        if (!plots_data_write_cdf(dir, name, data->sorted[c], written, error))
            return FALSE;
    }
    g_autofree char *script = plots_script_cdf(stem, stem, frames, data->metric, data->stats, run);
    return plots_write_script(dir, stem, script, written, stems, error);
}

/*
 * Writes every data file and script; stems gets the charts to draw. The
 * main latency is the RTT; a viewer's log has none, and end to end takes
 * its place. A sender's log with viewer ACKs also gets end_to_end.png.
 */
static gboolean plots_write_scripts(const char *dir, const PlotsFrames *frames, const PlotsRun *run,
                                    GPtrArray *written, GPtrArray *stems, GError **error)
{
    gboolean has_rtt = plots_frames_has_metric(frames, PLOTS_METRIC_RTT);
    gboolean has_e2e = plots_frames_has_metric(frames, PLOTS_METRIC_END_TO_END);
    PlotsMetricData primary = {0}, e2e = {0}, transfer = {0};
    gboolean ok, wrote_rate = FALSE;

    plots_metric_data_fill(&primary, frames,
                           has_rtt || !has_e2e ? PLOTS_METRIC_RTT : PLOTS_METRIC_END_TO_END);
    ok = plots_write_markers(dir, frames, written, error) &&
         plots_write_latency(dir, "latency", frames, &primary, run, written, stems, error) &&
         plots_write_cdf(dir, "latency_cdf", frames, &primary, run, written, stems, error);
    if (ok && has_rtt && has_e2e) {
        /* Capture to decoded: it marks the frames never decoded, whatever
         * stopped them (the RTT chart marks those lost before the relay). */
        PlotsFrames marked = *frames;
        if (frames->has_decoded)
            marked.marks = &plots_marks_undecoded;
        plots_metric_data_fill(&e2e, frames, PLOTS_METRIC_END_TO_END);
        ok = plots_write_latency(dir, "end_to_end", &marked, &e2e, run, written, stems, error);
    }
    if (ok && plots_frames_has_metric(frames, PLOTS_METRIC_TRANSFER)) {
        plots_metric_data_fill(&transfer, frames, PLOTS_METRIC_TRANSFER);
        ok = plots_write_latency(dir, "transfer", frames, &transfer, run, written, stems, error);
    }
    plots_metric_data_clear(&primary);
    plots_metric_data_clear(&e2e);
    plots_metric_data_clear(&transfer);
    if (ok)
        ok = plots_rate_write(dir, run, written, &wrote_rate, error);
    if (ok && wrote_rate)
        g_ptr_array_add(stems, g_strdup("rate"));
    return ok;
}

/* The last lines of gnuplot's output, for an error message. */
static const char *plots_get_output_tail(const char *output)
{
    gsize length = output != NULL ? strlen(output) : 0;

    if (length == 0)
        return "(no output)";
    return length > 1500 ? output + length - 1500 : output;
}

/* Runs gnuplot on dir/stem.gp in dir; FALSE when it is missing or fails. */
static gboolean plots_draw(const char *dir, const char *gnuplot, const char *stem,
                           GPtrArray *written, GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_autofree char *script = g_strdup_printf("%s.gp", stem);
    g_autofree char *png = g_strdup_printf("%s.png", stem);
    g_autofree char *png_path = g_build_filename(dir, png, NULL);
    g_autofree char *output = NULL;
    g_autoptr(GError) spawn_error = NULL;
    const char *const argv[] = {gnuplot, script, NULL};

    g_subprocess_launcher_set_cwd(launcher, dir);
    g_autoptr(GSubprocess) child = g_subprocess_launcher_spawnv(launcher, argv, &spawn_error);
    if (child == NULL) {
        gint code = g_error_matches(spawn_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
                        ? G_IO_ERROR_NOT_FOUND
                        : G_IO_ERROR_FAILED;
        g_set_error(error, G_IO_ERROR, code,
                    "cannot run %s (%s): install gnuplot with scripts/install-deps.sh, then "
                    "run `gnuplot %s` (and the other .gp scripts) in %s",
                    gnuplot, spawn_error->message, script, dir);
        return FALSE;
    }
    if (!g_subprocess_communicate_utf8(child, NULL, NULL, &output, NULL, error))
        return FALSE;
    if (!g_subprocess_get_if_exited(child) || g_subprocess_get_exit_status(child) != 0 ||
        !g_file_test(png_path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed on %s in %s: %s", gnuplot,
                    script, dir, plots_get_output_tail(output));
        return FALSE;
    }
    g_ptr_array_add(written, g_steal_pointer(&png_path));
    return TRUE;
}

/* Everything plots_write() does, with the paths written appended to written. */
static gboolean plots_write_all(const char *dir, const LcPlotsOptions *opts, GPtrArray *written,
                                GError **error)
{
    g_autofree char *csv = g_build_filename(dir, "frames.csv", NULL);
    g_autoptr(GPtrArray) stems = g_ptr_array_new_with_free_func(g_free);
    const char *gnuplot = opts != NULL && opts->gnuplot != NULL ? opts->gnuplot : "gnuplot";
    PlotsFrames frames;
    PlotsRun run = {0};

    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such folder", dir);
        return FALSE;
    }
    gboolean ok = plots_frames_load(csv, &frames, error);
    if (ok) {
        plots_run_load(dir, opts, &run);
        /* Every chart counts time from the run's start, as rate.png's
         * intervals do, when the summary says when that was (to the ms). */
        if (frame_record_time_is_set(run.start_us) && frame_record_time_is_set(frames.t0_us) &&
            run.start_us <= frames.t0_us + 1000 &&
            frames.t0_us - run.start_us < (gint64)3600 * G_USEC_PER_SEC) {
            frames.t0_us = run.start_us;
            frames.origin = "the run started";
        }
        ok = plots_write_scripts(dir, &frames, &run, written, stems, error);
    }
    plots_frames_clear(&frames);
    plots_run_clear(&run);
    for (guint i = 0; ok && !(opts != NULL && opts->scripts_only) && i < stems->len; i++)
        ok = plots_draw(dir, gnuplot, g_ptr_array_index(stems, i), written, error);
    return ok;
}

/* Reads DIR's frames.csv and friends, writes data files and scripts, and draws them. */
gboolean plots_write(const char *dir, const LcPlotsOptions *opts, GPtrArray **written,
                     GError **error)
{
    g_return_val_if_fail(dir != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = plots_write_all(dir, opts, paths, error);
    if (written != NULL)
        *written = g_steal_pointer(&paths);
    return ok;
}
