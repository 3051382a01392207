/*
 * Bad input and a missing gnuplot: each gives a clear error, and what could
 * be written is written (a machine without gnuplot still gets the scripts).
 */
#include <gio/gio.h>
#include <string.h>

#include "plots-test-util.h"
#include "src/report/plots.h"

/* Runs plots_write() on dir expecting it to fail with code; returns the message. */
static char *expect_failure(const char *dir, const LcPlotsOptions *opts, gint code)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) written = NULL;

    g_assert_false(plots_write(dir, opts, &written, &error));
    g_assert_error(error, G_IO_ERROR, code);
    g_assert_nonnull(written);
    g_test_message("error: %s", error->message);
    return g_strdup(error->message);
}

/* Writes text as dir/frames.csv. */
static void write_csv(const char *dir, const char *text)
{
    g_autofree char *path = g_build_filename(dir, "frames.csv", NULL);

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* A folder that does not exist is named in the error. */
static void test_missing_dir(void)
{
    g_autofree char *message =
        expect_failure("/nonexistent/lanconf-plots", NULL, G_IO_ERROR_NOT_FOUND);

    g_assert_nonnull(strstr(message, "/nonexistent/lanconf-plots"));
}

/* A folder without frames.csv: the file is named in the error. */
static void test_missing_csv(void)
{
    g_autofree char *dir = plots_test_make_dir();
    g_autofree char *message = expect_failure(dir, NULL, G_IO_ERROR_NOT_FOUND);

    g_assert_nonnull(strstr(message, "frames.csv"));
    plots_test_remove_dir(dir);
}

/* An empty frames.csv, and one with a header but no rows, have nothing to plot. */
static void test_empty_csv(void)
{
    static const char *const texts[] = {"", "\n", "seq,channel,capture_us,rtt_ms\n"};

    for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
        g_autofree char *dir = plots_test_make_dir();
        write_csv(dir, texts[i]);
        g_autofree char *message = expect_failure(dir, NULL, G_IO_ERROR_INVALID_DATA);
        g_assert_nonnull(strstr(message, "no frames"));
        g_assert_false(plots_test_exists(dir, "latency.gp"));
        plots_test_remove_dir(dir);
    }
}

/* A header without the columns the charts need, and a malformed row, are named precisely. */
static void test_malformed_csv(void)
{
    static const struct {
        const char *text;
        const char *says;
    } cases[] = {
        {"seq,bytes\n1,100\n", "header names no channel"},
        {"seq,channel,capture_us,rtt_ms\n1,tcp,1000,1.5\n2,tcp,2000,fast\n",
         "line 3, column rtt_ms: invalid value \"fast\""},
        {"seq,channel,capture_us,rtt_ms\n1,sctp,1000,1.5\n", "column channel"},
        {"seq,channel,capture_us,rtt_ms\n1,tcp,1000\n", "line 2: fewer fields"},
        {"seq,channel,capture_us,rtt_ms,lost\n1,tcp,1000,1.5,2\n", "column lost"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *dir = plots_test_make_dir();
        write_csv(dir, cases[i].text);
        g_autofree char *message = expect_failure(dir, NULL, G_IO_ERROR_INVALID_DATA);
        g_assert_nonnull(strstr(message, cases[i].says));
        plots_test_remove_dir(dir);
    }
}

/* A broken intervals.ndjson is an error naming its line; the latency charts are written. */
static void test_malformed_intervals(void)
{
    g_autofree char *dir = plots_test_make_dir();
    g_autofree char *path = g_build_filename(dir, "intervals.ndjson", NULL);
    PlotsTestRun spec = {.frames = 30};
    LcPlotsOptions opts = {.scripts_only = TRUE};

    plots_test_write_run(dir, &spec);
    g_assert_true(g_file_set_contents(
        path, "{\"event\":\"interval\",\"channel\":\"tcp\",\"start\":0,\"end\":1}\n\n{oops\n", -1,
        NULL));
    g_autofree char *message = expect_failure(dir, &opts, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull(strstr(message, "intervals.ndjson line 3"));
    g_assert_true(plots_test_exists(dir, "latency.gp"));
    plots_test_remove_dir(dir);
}

/*
 * Without gnuplot every script and data file is still written and listed,
 * and the error says how to install gnuplot and draw the charts by hand.
 */
static void test_missing_gnuplot(void)
{
    g_autofree char *dir = plots_test_make_dir();
    PlotsTestRun spec = {.frames = 90, .viewer_acks = TRUE};
    LcPlotsOptions opts = {.gnuplot = "/nonexistent/gnuplot"};
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) written = NULL;
    static const char *const scripts[] = {"latency.gp", "latency_cdf.gp",  "end_to_end.gp",
                                          "rate.gp",    "latency_tcp.dat", "latency_cdf_udp.dat"};

    plots_test_write_run(dir, &spec);
    g_assert_false(plots_write(dir, &opts, &written, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "scripts/install-deps.sh"));
    g_assert_nonnull(strstr(error->message, "gnuplot latency.gp"));
    for (guint i = 0; i < G_N_ELEMENTS(scripts); i++) {
        g_autofree char *path = g_build_filename(dir, scripts[i], NULL);
        gboolean listed = FALSE;
        for (guint j = 0; j < written->len; j++)
            listed = listed || strcmp(g_ptr_array_index(written, j), path) == 0;
        g_assert_true(listed);
        g_assert_true(plots_test_exists(dir, scripts[i]));
    }
    g_assert_false(plots_test_exists(dir, "latency.png"));
    plots_test_remove_dir(dir);
}

/* A gnuplot that fails is reported as such, not as success. */
static void test_failing_gnuplot(void)
{
    g_autofree char *dir = plots_test_make_dir();
    PlotsTestRun spec = {.frames = 30};
    LcPlotsOptions opts = {.gnuplot = "false"};

    plots_test_write_run(dir, &spec);
    g_autofree char *message = expect_failure(dir, &opts, G_IO_ERROR_FAILED);
    g_assert_nonnull(strstr(message, "false failed on latency.gp"));
    plots_test_remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plots/errors/missing-dir", test_missing_dir);
    g_test_add_func("/plots/errors/missing-csv", test_missing_csv);
    g_test_add_func("/plots/errors/empty-csv", test_empty_csv);
    g_test_add_func("/plots/errors/malformed-csv", test_malformed_csv);
    g_test_add_func("/plots/errors/malformed-intervals", test_malformed_intervals);
    g_test_add_func("/plots/errors/missing-gnuplot", test_missing_gnuplot);
    g_test_add_func("/plots/errors/failing-gnuplot", test_failing_gnuplot);
    return g_test_run();
}
