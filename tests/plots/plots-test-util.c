/* Helpers shared by the plot tests: synthetic comparison runs written by the real frame log. */
#include "plots-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include <gio/gio.h>

#include "src/run/framelog.h"
#include "tests/app/app-test-util.h"
#include "src/report/framelog_report.h"

#define T0        G_GINT64_CONSTANT(1700000000000000)
#define FRAME_US  33333 /* 30 fps */
#define ENCODE_US 2000  /* capture to send */
#define SECOND_US G_GINT64_CONSTANT(1000000)

/* The RTT of frame i on channel (us): a steady base with noise, a TCP stall in the spike. */
static gint64 plots_test_rtt_us(const PlotsTestRun *spec, LcChanKind channel, guint i, GRand *rand)
{
    double base = channel == LC_CHAN_TCP ? 1400.0 : 1000.0;
    double us = base + g_rand_double_range(rand, 0.0, 600.0);
    guint spike_at = spec->frames / 3;

    /* TCP retransmits and holds the frames behind the loss: a stall that drains. */
    if (spec->spike && channel == LC_CHAN_TCP && i >= spike_at && i < spike_at + 20)
        us += 120000.0 * (1.0 - (double)(i - spike_at) / 20.0);
    return (gint64)us;
}

/* Whether frame i is lost on channel: UDP loses about 2 %, more in the spike. */
static gboolean plots_test_is_lost(const PlotsTestRun *spec, LcChanKind channel, guint i,
                                   GRand *rand)
{
    guint spike_at = spec->frames / 3;

    if (channel != LC_CHAN_UDP)
        return FALSE;
    if (spec->udp_all_lost)
        return TRUE;
    if (spec->spike && i >= spike_at && i < spike_at + 6)
        return TRUE;
    return g_rand_double(rand) < 0.02;
}

/* Sender: frame i on channel, sent and acknowledged, lost, or dropped behind the stall. */
static void plots_test_add_sender_frame(LcFramelog *log, const PlotsTestRun *spec,
                                        LcChanKind channel, guint i, GRand *rand)
{
    guint64 seq = i + 1;
    guint64 bytes = 20000 + (guint64)g_rand_int_range(rand, 0, 4000);
    gint64 capture = T0 + (gint64)i * FRAME_US;
    gint64 send = capture + ENCODE_US;
    gint64 rtt = plots_test_rtt_us(spec, channel, i, rand);
    guint spike_at = spec->frames / 3;

    if (spec->spike && channel == LC_CHAN_TCP && (i == spike_at + 3 || i == spike_at + 5)) {
        g_assert_true(framelog_add_dropped(log, channel, seq, bytes, capture, FRAMELOG_DROP_QUEUE));
        return;
    }
    g_assert_true(framelog_add_sent(log, channel, seq, bytes, capture, send));
    if (plots_test_is_lost(spec, channel, i, rand)) {
        g_assert_true(framelog_add_lost(log, channel, seq));
        return;
    }
    g_assert_true(framelog_add_relay_ack(log, channel, seq, send + rtt / 2, send + rtt / 2 + 100,
                                         send + rtt));
    if (spec->viewer_acks)
        g_assert_true(framelog_add_viewer_ack(log, channel, seq, send + rtt + 3000));
}

/* Viewer: frame i on channel, received and decoded, unless it is lost on the way. */
static void plots_test_add_viewer_frame(LcFramelog *log, const PlotsTestRun *spec,
                                        LcChanKind channel, guint i, GRand *rand)
{
    guint64 seq = i + 1;
    gint64 capture = T0 + (gint64)i * FRAME_US;
    gint64 recv = capture + ENCODE_US + 20000 + plots_test_rtt_us(spec, channel, i, rand);

    if (plots_test_is_lost(spec, channel, i, rand))
        return;
    g_assert_true(framelog_add_received(log, channel, seq, 21000, capture, recv));
    g_assert_true(framelog_add_decoded(log, channel, seq, recv + 1500, 1500));
}

/* Writes frames.csv, intervals.ndjson and summary.json of a 30 fps run into dir. */
void plots_test_write_run(const char *dir, const PlotsTestRun *spec)
{
    LcFramelogRun run;
    app_test_framelog_run(&run);
    run.channels = spec->channels;
    g_autoptr(LcFramelog) log =
        framelog_new(spec->viewer ? FRAMELOG_ROLE_VIEWER : FRAMELOG_ROLE_SENDER, &run, T0);
    g_autoptr(GRand) rand = g_rand_new_with_seed(42);
    g_autoptr(GError) error = NULL;
    LcChannelInterval intervals[LC_CHAN_KINDS];
    gint64 next_interval = T0 + SECOND_US;
    gint64 end = T0 + (gint64)spec->frames * FRAME_US + 200000;

    for (guint i = 0; i < spec->frames; i++) {
        gint64 capture = T0 + (gint64)i * FRAME_US;
        for (; capture >= next_interval; next_interval += SECOND_US)
            framelog_close_interval(log, next_interval, intervals);
        for (LcChanKind c = 0; c < LC_CHAN_KINDS; c++) {
            if (!framelog_has_channel(log, c))
                continue;
            if (spec->viewer)
                plots_test_add_viewer_frame(log, spec, c, i, rand);
            else
                plots_test_add_sender_frame(log, spec, c, i, rand);
        }
    }
    framelog_close_interval(log, end, intervals);

    g_autofree char *csv = g_build_filename(dir, "frames.csv", NULL);
    g_autofree char *ndjson = g_build_filename(dir, "intervals.ndjson", NULL);
    g_autofree char *summary = g_build_filename(dir, "summary.json", NULL);
    g_assert_true(framelog_write_csv(log, csv, &error));
    g_assert_no_error(error);
    g_assert_true(framelog_write_intervals(log, ndjson, &error));
    g_assert_no_error(error);
    g_assert_true(framelog_write_summary(log, end, summary, &error));
    g_assert_no_error(error);
}

/* A new empty folder under the temporary directory (transfer full). */
char *plots_test_make_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("lanconf-plots-XXXXXX", &error);

    g_assert_no_error(error);
    return dir;
}

/* Removes dir and the files in it, unless LANCONF_PLOTS_KEEP is set (to look at the plots). */
void plots_test_remove_dir(const char *dir)
{
    g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
    const char *name;

    if (g_getenv("LANCONF_PLOTS_KEEP") != NULL) {
        g_printerr("# kept %s\n", dir);
        return;
    }
    if (handle == NULL)
        return;
    while ((name = g_dir_read_name(handle)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_remove(path);
    }
    g_rmdir(dir);
}

/* Whether path is a PNG (its signature) of at least min_bytes. */
gboolean plots_test_is_png(const char *path, gsize min_bytes)
{
    static const guint8 signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    g_autofree char *data = NULL;
    gsize length = 0;

    if (!g_file_get_contents(path, &data, &length, NULL))
        return FALSE;
    return length >= min_bytes && length >= sizeof(signature) &&
           memcmp(data, signature, sizeof(signature)) == 0;
}

/* Whether a gnuplot program is on PATH. */
gboolean plots_test_have_gnuplot(void)
{
    g_autofree char *path = g_find_program_in_path("gnuplot");

    return path != NULL;
}

/* Reads dir/name whole (transfer full); fails the test when it cannot. */
char *plots_test_read(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) error = NULL;
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, &error));
    g_assert_no_error(error);
    return text;
}

/* Runs `gnuplot script` in dir, as a user would by hand; fails the test when gnuplot does. */
void plots_test_run_gnuplot(const char *dir, const char *script)
{
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_autoptr(GError) error = NULL;
    g_autofree char *output = NULL;

    g_subprocess_launcher_set_cwd(launcher, dir);
    g_autoptr(GSubprocess) child =
        g_subprocess_launcher_spawn(launcher, &error, "gnuplot", script, NULL);
    g_assert_no_error(error);
    g_assert_true(g_subprocess_communicate_utf8(child, NULL, NULL, &output, NULL, &error));
    g_assert_no_error(error);
    if (!g_subprocess_get_successful(child))
        g_test_message("gnuplot %s: %s", script, output);
    g_assert_true(g_subprocess_get_successful(child));
}

/* Whether dir/name exists. */
gboolean plots_test_exists(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}
