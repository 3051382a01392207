/*
 * The charts of a comparison run: from a synthetic run written by the real
 * frame log, plots_write() draws latency.png, latency_cdf.png,
 * end_to_end.png, transfer.png and rate.png with their scripts and data files, and each
 * script draws its PNG again when run by hand with gnuplot in the folder.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "plots-test-util.h"
#include "net/wire/chan_kind.h"
#include "src/report/plots.h"

/* A PNG of 1280x720 with axes, text and data is well over this; a blank one is far under. */
#define MIN_PNG_BYTES 20000

static const char *const sender_charts[] = {"latency", "latency_cdf", "end_to_end", "transfer",
                                            "rate"};

/* Skips the test when gnuplot is not installed; TRUE when it may go on. */
static gboolean need_gnuplot(void)
{
    if (plots_test_have_gnuplot())
        return TRUE;
    g_test_skip("gnuplot is not installed (scripts/install-deps.sh)");
    return FALSE;
}

/* Runs plots_write() on dir and asserts it succeeded; returns the paths written. */
static GPtrArray *write_plots(const char *dir, const LcPlotsOptions *opts)
{
    g_autoptr(GError) error = NULL;
    GPtrArray *written = NULL;

    gboolean ok = plots_write(dir, opts, &written, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_nonnull(written);
    return written;
}

/* Whether written lists dir/name. */
static gboolean lists(const GPtrArray *written, const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    for (guint i = 0; i < written->len; i++) {
        if (strcmp(g_ptr_array_index(written, i), path) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Asserts every 'NAME.dat' a script names is in dir, and that it names nothing outside dir. */
static void assert_script_self_contained(const char *dir, const char *script)
{
    g_autofree char *text = plots_test_read(dir, script);
    g_autoptr(GRegex) files = g_regex_new("'([^'/]+\\.dat)'", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;
    guint n = 0;

    g_assert_null(strstr(text, dir));
    g_regex_match(files, text, 0, &match);
    for (; g_match_info_matches(match); g_match_info_next(match, NULL), n++) {
        g_autofree char *name = g_match_info_fetch(match, 1);
        g_test_message("%s reads %s", script, name);
        g_assert_true(plots_test_exists(dir, name));
    }
    g_assert_cmpuint(n, >, 0);
}

/* Asserts each chart of stems is a PNG, then that its script draws it again by hand. */
static void assert_charts_redraw(const char *dir, const char *const *stems, guint n)
{
    for (guint i = 0; i < n; i++) {
        g_autofree char *png = g_strdup_printf("%s.png", stems[i]);
        g_autofree char *gp = g_strdup_printf("%s.gp", stems[i]);
        g_autofree char *png_path = g_build_filename(dir, png, NULL);
        g_test_message("chart %s", stems[i]);
        g_assert_true(plots_test_is_png(png_path, MIN_PNG_BYTES));
        assert_script_self_contained(dir, gp);
        g_assert_cmpint(g_remove(png_path), ==, 0);
        plots_test_run_gnuplot(dir, gp);
        g_assert_true(plots_test_is_png(png_path, MIN_PNG_BYTES));
    }
}

/* The latency legends' number format: three significant digits. */
static char *format_ms(double ms)
{
    const char *format = ms < 1.0 ? "%.3f" : ms < 10.0 ? "%.2f" : ms < 100.0 ? "%.1f" : "%.0f";
    char text[G_ASCII_DTOSTR_BUF_SIZE];

    return g_strdup(g_ascii_formatd(text, sizeof(text), format, ms));
}

/* channels.NAME.rtt_ms.KEY of dir/summary.json. */
static double summary_rtt(const char *dir, const char *channel, const char *key)
{
    g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;

    g_assert_true(json_parser_load_from_file(parser, path, &error));
    g_assert_no_error(error);
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *channels = json_object_get_object_member(root, "channels");
    JsonObject *rtt =
        json_object_get_object_member(json_object_get_object_member(channels, channel), "rtt_ms");
    return json_object_get_double_member(rtt, key);
}

/* A sender's run on both channels with a stall: four charts, each redrawn by its script. */
static void test_sender_run(void)
{
    g_autofree char *dir = plots_test_make_dir();
    PlotsTestRun spec = {.frames = 300, .viewer_acks = TRUE, .spike = TRUE};
    LcPlotsOptions opts = {.impairment = "delay=20ms loss=2%"};

    if (!need_gnuplot())
        return;
    plots_test_write_run(dir, &spec);
    g_autoptr(GPtrArray) written = write_plots(dir, &opts);
    for (guint i = 0; i < G_N_ELEMENTS(sender_charts); i++) {
        g_autofree char *png = g_strdup_printf("%s.png", sender_charts[i]);
        g_autofree char *gp = g_strdup_printf("%s.gp", sender_charts[i]);
        g_assert_true(lists(written, dir, png));
        g_assert_true(lists(written, dir, gp));
    }
    g_assert_true(lists(written, dir, "latency_tcp.dat"));
    g_assert_true(lists(written, dir, "lost_udp.dat"));
    g_assert_true(lists(written, dir, "dropped_tcp.dat"));
    assert_charts_redraw(dir, sender_charts, G_N_ELEMENTS(sender_charts));

    /* The titles name the run; the legends name both channels and the frames that never came. */
    g_autofree char *latency = plots_test_read(dir, "latency.gp");
    g_assert_nonnull(strstr(latency, "'640x480 @ 30 fps, JPEG (turbojpeg), impairment delay=20ms loss=2%'"));
    g_assert_nonnull(strstr(latency, "set ylabel 'RTT (ms"));
    /* The transfer rate per frame, in MB/s; end to end says where it ends
     * (a sender's log has no decode times). */
    g_autofree char *transfer = plots_test_read(dir, "transfer.gp");
    g_assert_nonnull(strstr(transfer, "set ylabel 'transfer rate (MB/s"));
    g_assert_nonnull(strstr(transfer, "Transfer rate per frame (bytes / (relay ACK - send))"));
    g_autofree char *e2e = plots_test_read(dir, "end_to_end.gp");
    g_assert_nonnull(strstr(e2e, "capture to the whole frame at the viewer"));
    g_assert_nonnull(strstr(latency, "'TCP RTT (298 frames)'"));
    g_assert_nonnull(strstr(latency, "'TCP dropped before sending (2)'"));
    g_assert_nonnull(strstr(latency, "'UDP lost ("));
    g_assert_nonnull(strstr(latency, "set xlabel 'time since the run started (s)'"));

    /* The CDF's legend carries the same nearest-rank percentiles as the summary. */
    g_autofree char *cdf = plots_test_read(dir, "latency_cdf.gp");
    const char *const channels[] = {"tcp", "udp"};
    const char *const labels[] = {"TCP", "UDP"};
    for (guint c = 0; c < G_N_ELEMENTS(channels); c++) {
        g_autofree char *p50 = format_ms(summary_rtt(dir, channels[c], "p50"));
        g_autofree char *p99 = format_ms(summary_rtt(dir, channels[c], "p99"));
        g_autofree char *legend = g_strdup_printf("'%s  p50 %s ms  p99 %s ms", labels[c], p50, p99);
        g_test_message("looking for %s", legend);
        g_assert_nonnull(strstr(cdf, legend));
    }
    /* 1 ms against a 120 ms stall: more than two decades, so the axis is logarithmic. */
    g_assert_nonnull(strstr(cdf, "set logscale x 10"));
    g_assert_nonnull(strstr(latency, "set logscale y 10"));
    plots_test_remove_dir(dir);
}

/* Runs plots_write() on a synthetic run of spec in a new folder; returns the folder. */
static char *write_run(const PlotsTestRun *spec, const LcPlotsOptions *opts)
{
    char *dir = plots_test_make_dir();

    plots_test_write_run(dir, spec);
    g_ptr_array_unref(write_plots(dir, opts));
    return dir;
}

/* Writes and draws a run with three charts (latency, its CDF, rate), checks
 * that gnuplot redraws each from its script, and returns the folder; NULL
 * when gnuplot is missing (the test then has nothing to check). */
static char *write_three_charts(const PlotsTestRun *spec)
{
    static const char *const charts[] = {"latency", "latency_cdf", "rate"};

    if (!need_gnuplot())
        return NULL;
    char *dir = write_run(spec, NULL);
    assert_charts_redraw(dir, charts, G_N_ELEMENTS(charts));
    return dir;
}

/* A run on TCP only: its charts name TCP alone, and no UDP data is written. */
static void test_one_channel(void)
{
    PlotsTestRun spec = {.frames = 300, .channels = 1u << LC_CHAN_TCP, .spike = TRUE};
    g_autofree char *dir = write_three_charts(&spec);
    if (dir == NULL)
        return;
    g_autofree char *latency = plots_test_read(dir, "latency.gp");
    g_assert_null(strstr(latency, "'UDP"));
    g_assert_null(strstr(latency, "_udp.dat"));
    g_assert_nonnull(strstr(latency, "per frame (send to relay ACK): TCP'"));
    g_assert_false(plots_test_exists(dir, "latency_udp.dat"));
    g_assert_false(plots_test_exists(dir, "end_to_end.png"));
    plots_test_remove_dir(dir);
}

/* A channel whose frames were all lost is still on the charts, its legend saying so. */
static void test_channel_without_acks(void)
{
    PlotsTestRun spec = {.frames = 300, .udp_all_lost = TRUE};
    g_autofree char *dir = write_three_charts(&spec);
    if (dir == NULL)
        return;
    g_autofree char *latency = plots_test_read(dir, "latency.gp");
    g_autofree char *cdf = plots_test_read(dir, "latency_cdf.gp");
    g_assert_nonnull(strstr(latency, "title 'UDP: no frame acknowledged'"));
    g_assert_nonnull(strstr(latency, "title 'UDP lost (300)'"));
    g_assert_nonnull(strstr(cdf, "title 'UDP: no frame acknowledged'"));
    g_assert_false(plots_test_exists(dir, "latency_udp.dat"));
    plots_test_remove_dir(dir);
}

/* A viewer's log has no RTT: latency.png shows the end-to-end delay instead. */
static void test_viewer_run(void)
{
    PlotsTestRun spec = {.frames = 300, .viewer = TRUE};
    g_autofree char *dir = write_three_charts(&spec);
    if (dir == NULL)
        return;
    g_autofree char *latency = plots_test_read(dir, "latency.gp");
    g_autofree char *rate = plots_test_read(dir, "rate.gp");
    g_assert_nonnull(strstr(latency, "set ylabel 'end-to-end delay (ms"));
    g_assert_nonnull(strstr(latency, "'end_to_end_tcp.dat'"));
    g_assert_nonnull(strstr(rate, "set ylabel 'frames/s decoded'"));
    g_assert_false(plots_test_exists(dir, "end_to_end.png"));
    plots_test_remove_dir(dir);
}

/* Latencies within two decades keep linear axes. */
static void test_linear_axes(void)
{
    PlotsTestRun spec = {.frames = 300};
    LcPlotsOptions opts = {.scripts_only = TRUE};
    g_autofree char *dir = write_run(&spec, &opts);
    g_autofree char *latency = plots_test_read(dir, "latency.gp");
    g_autofree char *cdf = plots_test_read(dir, "latency_cdf.gp");

    g_assert_null(strstr(latency, "logscale"));
    g_assert_null(strstr(cdf, "logscale"));
    g_assert_nonnull(strstr(cdf, "set ylabel 'fraction of acknowledged frames with RTT <= x'"));
    plots_test_remove_dir(dir);
}

/* scripts_only writes data and scripts and leaves drawing to the user. */
static void test_scripts_only(void)
{
    PlotsTestRun spec = {.frames = 60, .viewer_acks = TRUE};
    LcPlotsOptions opts = {.scripts_only = TRUE};
    g_autofree char *dir = write_run(&spec, &opts);

    for (guint i = 0; i < G_N_ELEMENTS(sender_charts); i++) {
        g_autofree char *png = g_strdup_printf("%s.png", sender_charts[i]);
        g_autofree char *gp = g_strdup_printf("%s.gp", sender_charts[i]);
        g_assert_true(plots_test_exists(dir, gp));
        g_assert_false(plots_test_exists(dir, png));
    }
    plots_test_remove_dir(dir);
}

/*
 * Text from the caller reaches the scripts only inside single quotes: a
 * quote, a backquoted command and a macro are shown as they are, not run.
 */
static void test_title_quoting(void)
{
    PlotsTestRun spec = {.frames = 60};
    LcPlotsOptions opts = {.impairment = "it's `touch injected` @foo \\n \"x\"",
                           .label = "line\nbreak"};

    if (!need_gnuplot())
        return;
    g_autofree char *dir = write_run(&spec, &opts);
    g_autofree char *latency = plots_test_read(dir, "latency.gp");
    g_assert_nonnull(strstr(latency, "'640x480 @ 30 fps, JPEG (turbojpeg), impairment it''s `touch injected` "
                                     "@foo \\n \"x\", line break'"));
    g_assert_false(plots_test_exists(dir, "injected"));
    g_assert_true(plots_test_exists(dir, "latency.png"));
    plots_test_remove_dir(dir);
}

/* frames.csv columns are found by name: reordered and extra columns still read. */
static void test_columns_by_name(void)
{
    g_autofree char *dir = plots_test_make_dir();
    g_autofree char *csv = g_build_filename(dir, "frames.csv", NULL);
    LcPlotsOptions opts = {.scripts_only = TRUE};
    const char *text = "note,rtt_ms,channel,lost,capture_us,seq\n"
                       "a,1.500,udp,0,1000000,1\n"
                       "b,,udp,1,1033333,2\n"
                       "c,2.250,udp,0,1066666,3\n";

    g_assert_true(g_file_set_contents(csv, text, -1, NULL));
    g_ptr_array_unref(write_plots(dir, &opts));
    g_autofree char *series = plots_test_read(dir, "latency_udp.dat");
    g_autofree char *lost = plots_test_read(dir, "lost_udp.dat");
    /* Frame 2 is missing from the series: a blank line lifts the pen there. */
    g_assert_nonnull(strstr(series, "\n0.000000 1.500 1\n\n0.066666 2.250 3\n"));
    g_assert_nonnull(strstr(lost, "\n0.033333\n"));
    g_assert_false(plots_test_exists(dir, "latency_tcp.dat"));
    plots_test_remove_dir(dir);
}

/*
 * Every chart counts time from the run's start (summary.json), and rate.png
 * ends with the last interval that saw frames: the empty intervals after it
 * (the wait for late ACKs) are cut, while an interval where the channel only
 * dropped frames (a stall) stays, at 0 fps.
 */
static void test_time_axes(void)
{
    g_autofree char *dir = plots_test_make_dir();
    g_autofree char *csv = g_build_filename(dir, "frames.csv", NULL);
    g_autofree char *ndjson = g_build_filename(dir, "intervals.ndjson", NULL);
    g_autofree char *summary = g_build_filename(dir, "summary.json", NULL);
    LcPlotsOptions opts = {.scripts_only = TRUE};
    /* The run started at 1700000000.000 s; the first frame came 0.5 s later. */
    const char *frames = "seq,channel,capture_us,rtt_ms\n"
                         "1,tcp,1700000000500000,1.000\n"
                         "2,tcp,1700000001500000,2.000\n";
    const char *iv =
        "{\"role\":\"sender\",\"channel\":\"tcp\",\"start\":0,\"end\":1,\"frames_sent\":30,"
        "\"frames_acked\":30,\"fps_acked\":30,\"goodput_mbps\":2}\n"
        "{\"role\":\"sender\",\"channel\":\"tcp\",\"start\":1,\"end\":2,\"frames_sent\":0,"
        "\"frames_dropped\":30,\"frames_acked\":0,\"fps_acked\":0,\"goodput_mbps\":0}\n"
        "{\"role\":\"sender\",\"channel\":\"tcp\",\"start\":2,\"end\":3,\"frames_sent\":30,"
        "\"frames_acked\":30,\"fps_acked\":30,\"goodput_mbps\":2}\n"
        "{\"role\":\"sender\",\"channel\":\"tcp\",\"start\":3,\"end\":4.5,\"frames_sent\":0,"
        "\"frames_acked\":0,\"fps_acked\":0,\"goodput_mbps\":0}\n";
    const char *sum = "{\"run\":{\"start\":\"2023-11-14T22:13:20.000Z\",\"fps\":30}}";

    g_assert_true(g_file_set_contents(csv, frames, -1, NULL));
    g_assert_true(g_file_set_contents(ndjson, iv, -1, NULL));
    g_assert_true(g_file_set_contents(summary, sum, -1, NULL));
    g_ptr_array_unref(write_plots(dir, &opts));
    g_autofree char *series = plots_test_read(dir, "latency_tcp.dat");
    g_autofree char *latency = plots_test_read(dir, "latency.gp");
    g_autofree char *rate = plots_test_read(dir, "rate_tcp.dat");
    g_autofree char *rate_gp = plots_test_read(dir, "rate.gp");
    g_assert_nonnull(strstr(series, "\n0.500000 1.000 1\n"));
    g_assert_nonnull(strstr(latency, "time since the run started (s)"));
    g_assert_nonnull(strstr(rate_gp, "time since the run started (s)"));
    g_assert_nonnull(strstr(rate, "\n1.500 0.000 0.000000\n2.500 30.000 2.000000\n"));
    g_assert_null(strstr(rate, "3.750"));
    g_assert_nonnull(strstr(rate_gp, "set xrange [0:3"));
    plots_test_remove_dir(dir);
}

/* Where the file knows decode times, end_to_end.png shows capture to
 * decoded only: a frame that arrived and was not decoded is left out. */
static void test_end_to_end_decoded_only(void)
{
    g_autofree char *dir = plots_test_make_dir();
    g_autofree char *csv = g_build_filename(dir, "frames.csv", NULL);
    LcPlotsOptions opts = {.scripts_only = TRUE};
    const char *text = "seq,channel,capture_us,decoded_us,rtt_ms,end_to_end_ms\n"
                       "1,tcp,1000000,1030000,1.000,30.000\n"
                       "2,tcp,1033333,,1.000,12.000\n"
                       "3,tcp,1066666,1100000,1.000,33.334\n";

    g_assert_true(g_file_set_contents(csv, text, -1, NULL));
    g_ptr_array_unref(write_plots(dir, &opts));
    g_autofree char *series = plots_test_read(dir, "end_to_end_tcp.dat");
    g_assert_nonnull(strstr(series, " 30.000 1\n"));
    g_assert_null(strstr(series, " 12.000 2"));
    g_assert_nonnull(strstr(series, " 33.334 3\n"));
    g_autofree char *gp = plots_test_read(dir, "end_to_end.gp");
    g_assert_nonnull(strstr(gp, "capture to decoded at the viewer"));
    plots_test_remove_dir(dir);
}

/*
 * 100 000 frames on each channel: one pass to read, one sort per channel;
 * the CDF is thinned to a few thousand points, the series keep every frame.
 */
static void test_long_run(void)
{
    PlotsTestRun spec = {.frames = 100000, .spike = TRUE};
    static const char *const charts[] = {"latency", "latency_cdf", "rate"};
    LcPlotsOptions opts = {.scripts_only = !plots_test_have_gnuplot()};
    g_autofree char *dir = write_run(&spec, &opts);
    g_autofree char *cdf = plots_test_read(dir, "latency_cdf_tcp.dat");
    g_autofree char *series = plots_test_read(dir, "latency_tcp.dat");
    g_auto(GStrv) cdf_lines = g_strsplit(cdf, "\n", -1);

    g_assert_cmpuint(g_strv_length(cdf_lines), <=, 4100);
    g_assert_cmpuint(g_strv_length(cdf_lines), >=, 3000);
    g_assert_nonnull(strstr(series, " 100000\n"));
    if (!opts.scripts_only) {
        for (guint i = 0; i < G_N_ELEMENTS(charts); i++) {
            g_autofree char *png = g_strdup_printf("%s.png", charts[i]);
            g_autofree char *path = g_build_filename(dir, png, NULL);
            g_assert_true(plots_test_is_png(path, MIN_PNG_BYTES));
        }
    }
    plots_test_remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plots/write/sender-run", test_sender_run);
    g_test_add_func("/plots/write/one-channel", test_one_channel);
    g_test_add_func("/plots/write/channel-without-acks", test_channel_without_acks);
    g_test_add_func("/plots/write/viewer-run", test_viewer_run);
    g_test_add_func("/plots/write/linear-axes", test_linear_axes);
    g_test_add_func("/plots/write/scripts-only", test_scripts_only);
    g_test_add_func("/plots/write/title-quoting", test_title_quoting);
    g_test_add_func("/plots/write/columns-by-name", test_columns_by_name);
    g_test_add_func("/plots/write/long-run", test_long_run);
    g_test_add_func("/plots/write/time-axes", test_time_axes);
    g_test_add_func("/plots/write/end-to-end-decoded-only", test_end_to_end_decoded_only);
    return g_test_run();
}
