/* bench_files.c: `lanconf-bench files`: the seeds' experiment measured
 * (bench_files.h). The sender's session runs on this thread inside the
 * sender's namespace; the relay runs on a thread of its own and the
 * receivers on another, both in the far namespace, so that every byte the
 * sender uploads crosses the emulated link and nothing else does. */
#include "src/lab/bench_files.h"

#include "core/byte_size.h"
#include "core/option_number.h"
#include "net/client/files.h"
#include "net/linkemu/linkemu.h"
#include "net/linkemu/netns.h"
#include "src/lab/bench_compare.h"
#include "src/lab/bench_files_report.h"
#include "src/lab/impair.h"
#include "src/lab/loop_thread.h"
#include "src/lab/relay_thread.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define FILES_BENCH_POLL_MS 20

/* One member: a session and its files, on the sender's thread or the
 * receivers'. */
typedef struct {
    struct _FilesBench *bench;
    LcSession *session;
    LcFiles *files;
    char *dir;
    gint joined;    /* atomic */
    gint done;      /* atomic: its file is whole and checked (or failed); done_us is set */
    gint64 done_us; /* monotonic time it was done, written before done */
    gint failed;    /* atomic */
} FilesMember;

typedef struct _FilesBench {
    const LcBenchFilesConfig *config;
    LcImpair *impair;
    LcRelayThread *relay;
    LcLoopThread *rx_thread;
    LcNetnsSaved *saved;    /* this thread's way back from the sender's namespace */
    LcNetnsSaved *rx_saved; /* the receivers' thread's, from the far one */
    guint16 port;
    char *dir;  /* the output folder */
    char *work; /* scratch: the file sent and the receivers' folders */
    char *path; /* the file sent */
    FilesMember sender;
    FilesMember *rx;
    guint n_rx;
    gint64 t0_us;
    guint run_no;
    gboolean offer_done;
    GError *error;
} FilesBench;

/* Notes a member's join. */
static void files_bench_on_state(LcSession *session, LcSessionState state, const GError *error,
                                 gpointer data)
{
    FilesMember *m = data;
    g_atomic_int_set(&m->joined, state == SESSION_JOINED);
}

/* A receiver's file arrived (or failed): its time. */
static void files_bench_on_finished(LcFiles *files, const LcFilesProgress *p, const GError *error,
                                    gpointer data)
{
    FilesMember *m = data;
    if (p->sending)
        return;
    if (error != NULL) {
        g_printerr("lanconf-bench files: %s\n", error->message);
        g_atomic_int_set(&m->failed, 1);
    }
    m->done_us = g_get_monotonic_time();
    g_atomic_int_set(&m->done, 1); /* a full barrier: done_us is seen before done */
}

/* The sender's offer went out: the clock starts. */
static void files_bench_on_announced(LcFiles *files, guint offer, gpointer data)
{
    FilesMember *m = data;
    m->bench->t0_us = g_get_monotonic_time();
}

/* The sender's offer is over. */
static void files_bench_on_offer_done(LcFiles *files, guint offer, guint n_ok, guint n_failed,
                                      gpointer data)
{
    FilesMember *m = data;
    m->bench->offer_done = TRUE;
}

/* Joins a member (on the calling thread: its namespace and context). */
static void files_bench_member_start(FilesBench *b, FilesMember *m, const char *nick,
                                     const char *dir)
{
    m->bench = b;
    m->dir = g_strdup(dir);
    LcSessionConfig sc = {.host = LINKEMU_ADDR_B,
                          .port = b->port,
                          .nick = nick,
                          .history_limit = 0,
                          .fingerprint = relay_thread_get_fingerprint(b->relay),
                          .files = TRUE};
    LcSessionEvents events = {.state = files_bench_on_state};
    m->session = session_new(&sc, &events, m);
    /* The bench measures the link, not the media-first limit. */
    LcFilesConfig fc = {.dir = dir, .auto_accept = dir != NULL, .media_rate = -1};
    LcFilesEvents fe = {.finished = files_bench_on_finished,
                        .offer_done = files_bench_on_offer_done,
                        .announced = files_bench_on_announced};
    m->files = files_new(m->session, &fc, &fe, m);
    session_start(m->session);
}

/* Leaves and frees a member. */
static void files_bench_member_stop(FilesMember *m)
{
    g_clear_pointer(&m->files, files_free);
    g_clear_pointer(&m->session, session_free);
    g_clear_pointer(&m->dir, g_free);
}

/* On the receivers' thread: enters the far namespace. */
static void files_bench_rx_enter(gpointer data)
{
    FilesBench *b = data;
    g_autoptr(GError) error = NULL;
    if ((b->rx_saved = netns_enter(impair_get_relay_netns(b->impair), &error)) == NULL)
        g_printerr("lanconf-bench files: receivers: %s\n", error->message);
}

/* On the receivers' thread: back where it came from. */
static void files_bench_rx_leave(gpointer data)
{
    FilesBench *b = data;
    if (b->rx_saved != NULL)
        netns_leave(g_steal_pointer(&b->rx_saved));
}

/* On the receivers' thread: joins n receivers, each with a folder. */
static void files_bench_rx_start(gpointer data)
{
    FilesBench *b = data;
    b->run_no++;
    for (guint i = 0; i < b->n_rx; i++) {
        /* Nicks of their own: a last run's may still be held by the relay
         * for a client that might come back. */
        g_autofree char *nick = g_strdup_printf("r%u-%u", b->run_no, i + 1);
        g_autofree char *dir = g_build_filename(b->work, nick, NULL);
        g_mkdir_with_parents(dir, 0700);
        files_bench_member_start(b, &b->rx[i], nick, dir);
    }
}

/* Removes a folder's files, and the folder. */
static void files_bench_rmdir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_unlink(path);
    }
    g_rmdir(dir);
}

/* On the receivers' thread: the receivers leave; their folders go. */
static void files_bench_rx_stop(gpointer data)
{
    FilesBench *b = data;
    for (guint i = 0; i < b->n_rx; i++) {
        g_autofree char *dir = g_strdup(b->rx[i].dir);
        files_bench_member_stop(&b->rx[i]);
        if (dir != NULL)
            files_bench_rmdir(dir);
    }
}

/* Wakes the loop to look at the receivers (they run on their own thread). */
static gboolean files_bench_on_poll(gpointer data)
{
    return G_SOURCE_CONTINUE;
}

/* Runs this thread's loop until cond holds or the time is up. */
static gboolean files_bench_wait(FilesBench *b, gboolean (*cond)(FilesBench *), guint timeout_s)
{
    gint64 until = g_get_monotonic_time() + (gint64)timeout_s * G_USEC_PER_SEC;
    guint poll = g_timeout_add(FILES_BENCH_POLL_MS, files_bench_on_poll, NULL);
    gboolean ok = TRUE;
    while (ok && !cond(b)) {
        ok = g_get_monotonic_time() <= until;
        g_main_context_iteration(NULL, TRUE);
    }
    g_source_remove(poll);
    return ok && cond(b);
}

/* Every receiver has joined. */
static gboolean files_bench_all_joined(FilesBench *b)
{
    for (guint i = 0; i < b->n_rx; i++)
        if (!g_atomic_int_get(&b->rx[i].joined))
            return FALSE;
    return TRUE;
}

/* Every receiver is done, and the sender knows. */
static gboolean files_bench_all_done(FilesBench *b)
{
    for (guint i = 0; i < b->n_rx; i++)
        if (!g_atomic_int_get(&b->rx[i].done))
            return FALSE;
    return b->offer_done;
}

/* The sender has joined. */
static gboolean files_bench_sender_joined(FilesBench *b)
{
    return g_atomic_int_get(&b->sender.joined);
}

/* One run: the file to n receivers by one way. */
static gboolean files_bench_run_one(FilesBench *b, guint8 way, guint n, double link_bps,
                                    LcBenchFilesRun *run)
{
    b->rx = g_new0(FilesMember, n);
    b->n_rx = n;
    b->offer_done = FALSE;
    b->t0_us = 0;
    loop_thread_call(b->rx_thread, files_bench_rx_start, b);
    gboolean ok = files_bench_wait(b, files_bench_all_joined, 20);
    if (!ok)
        g_set_error(&b->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                    "%u receivers could not all join the relay within 20 s", n);
    guint64 sent_before = files_get_uploaded(b->sender.files);
    if (ok && files_send(b->sender.files, b->path, NULL, way, &b->error) == 0)
        ok = FALSE;
    if (ok && !files_bench_wait(b, files_bench_all_done, b->config->timeout_s)) {
        g_set_error(&b->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                    "%s to %u receivers: not done within %u s", files_way_name(way), n,
                    b->config->timeout_s);
        ok = FALSE;
    }
    *run = (LcBenchFilesRun){.way = way, .receivers = n};
    if (ok) {
        double size = (double)b->config->size;
        gint64 last = 0;
        double sum = 0;
        run->rate_min_mbps = G_MAXDOUBLE;
        guint64 traded = 0;
        for (guint i = 0; i < n; i++) {
            gint64 done = b->rx[i].done_us;
            last = MAX(last, done);
            double mbps = size * 8 / ((double)(done - b->t0_us) / 1e6) / 1e6;
            run->rate_min_mbps = MIN(run->rate_min_mbps, mbps);
            run->rate_max_mbps = MAX(run->rate_max_mbps, mbps);
            sum += mbps;
            run->failed += (guint)g_atomic_int_get(&b->rx[i].failed);
            traded += files_get_uploaded(b->rx[i].files);
        }
        run->rate_mean_mbps = sum / n;
        run->time_s = (double)(last - b->t0_us) / 1e6;
        run->sender_copies = (double)(files_get_uploaded(b->sender.files) - sent_before) / size;
        run->traded_copies = (double)traded / size;
        /* Client/server: the sender's link carries n copies; a swarm: one. */
        run->model_s = (way == WIRE_FILE_WAY_SWARM ? 1.0 : (double)n) * size * 8 / link_bps;
    }
    loop_thread_call(b->rx_thread, files_bench_rx_stop, b);
    g_clear_pointer(&b->rx, g_free);
    b->n_rx = 0;
    /* Let the sender's side settle (closed channels freed) between runs. */
    gint64 settle = g_get_monotonic_time() + 200000;
    while (g_get_monotonic_time() < settle)
        g_main_context_iteration(NULL, FALSE);
    return ok;
}

/* A file of size pseudo-random bytes (what a compressed file looks like). */
static char *files_bench_make_file(const char *dir, guint64 size, GError **error)
{
    char *path = g_build_filename(dir, "payload.bin", NULL);
    FILE *f = g_fopen(path, "wb");
    if (f == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
        g_free(path);
        return NULL;
    }
    GRand *rand = g_rand_new_with_seed(7300);
    guint32 block[16384];
    for (guint64 at = 0; at < size; at += sizeof(block)) {
        for (guint i = 0; i < G_N_ELEMENTS(block); i++)
            block[i] = g_rand_int(rand);
        fwrite(block, 1, (size_t)MIN((guint64)sizeof(block), size - at), f);
    }
    g_rand_free(rand);
    fclose(f);
    return path;
}

/* The receiver counts of the runs: 1, 2, 4, ... and the most. */
static GArray *files_bench_counts(guint most)
{
    GArray *counts = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint n = 1; n < most; n *= 2)
        g_array_append_val(counts, n);
    g_array_append_val(counts, most);
    return counts;
}

/* Sets up the namespaces, the relay, the receivers' thread and the sender. */
static gboolean files_bench_setup(FilesBench *b, GError **error)
{
    const LcBenchFilesConfig *c = b->config;
    if ((b->dir = bench_compare_make_out_dir(c->out, "files", error)) == NULL)
        return FALSE;
    b->work = g_build_filename(b->dir, "work", NULL);
    g_mkdir_with_parents(b->work, 0700);
    if ((b->path = files_bench_make_file(b->work, c->size, error)) == NULL)
        return FALSE;
    if ((b->impair = impair_start(c->link, error)) == NULL)
        return FALSE;
    LcRelayConfig rc;
    relay_config_init(&rc);
    rc.listen = g_strdup(LINKEMU_ADDR_B);
    rc.port = 0;
    rc.rate_limit = 0;
    b->relay = relay_thread_start(&rc, impair_get_relay_netns(b->impair), error);
    relay_config_clear(&rc);
    if (b->relay == NULL)
        return FALSE;
    b->port = relay_thread_get_port(b->relay);
    b->rx_thread = loop_thread_new("receivers");
    loop_thread_call(b->rx_thread, files_bench_rx_enter, b);
    if ((b->saved = netns_enter(impair_get_client_netns(b->impair), error)) == NULL)
        return FALSE;
    files_bench_member_start(b, &b->sender, "sender", NULL);
    if (!files_bench_wait(b, files_bench_sender_joined, 20)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                    "the sender could not join the relay across the link");
        return FALSE;
    }
    return TRUE;
}

/* Stops everything the bench started. */
static void files_bench_teardown(FilesBench *b)
{
    files_bench_member_stop(&b->sender);
    if (b->saved != NULL)
        netns_leave(b->saved);
    if (b->rx_thread != NULL)
        loop_thread_call(b->rx_thread, files_bench_rx_leave, b);
    g_clear_pointer(&b->rx_thread, loop_thread_free);
    g_clear_pointer(&b->relay, relay_thread_stop);
    g_clear_pointer(&b->impair, impair_stop);
    if (b->path != NULL)
        g_unlink(b->path);
    if (b->work != NULL)
        g_rmdir(b->work);
    g_free(b->path);
    g_free(b->work);
    g_free(b->dir);
    g_clear_error(&b->error);
}

/* Runs every way at every count and reports. */
static int files_bench_run(const LcBenchFilesConfig *c)
{
    FilesBench b = {.config = c};
    g_autoptr(GError) error = NULL;
    int status = 1;
    g_autoptr(GArray) runs = g_array_new(FALSE, TRUE, sizeof(LcBenchFilesRun));
    g_autoptr(GArray) counts = files_bench_counts(c->receivers);
    LcBenchFilesAnchor anchor = {0};
    LcBenchFilesMedia media[3];
    double link_bps = 0;
    if (!files_bench_setup(&b, &error))
        goto out;
    /* The anchor: iperf3 carrying one copy over the same link, from the
     * sender's namespace to the far one. */
    if (!c->no_anchor &&
        !bench_files_anchor_run(impair_get_client_netns(b.impair), impair_get_relay_netns(b.impair),
                                c->size, &anchor, &error)) {
        g_printerr("lanconf-bench files: iperf3: %s (the model uses the link's nominal rate)\n",
                   error->message);
        g_clear_error(&error);
    }
    link_bps = anchor.seconds > 0 ? (double)c->size * 8 / anchor.seconds
                                  : bench_files_nominal_bps(c->link);
    if (!c->json)
        bench_files_report_header(c, &anchor, link_bps, impair_get_spec(b.impair));
    static const guint8 ways[] = {WIRE_FILE_WAY_RELAY, WIRE_FILE_WAY_DIRECT, WIRE_FILE_WAY_SWARM};
    for (guint w = 0; w < G_N_ELEMENTS(ways); w++) {
        if (!(c->ways & ways[w]))
            continue;
        for (guint i = 0; i < counts->len; i++) {
            LcBenchFilesRun run;
            if (!files_bench_run_one(&b, ways[w], g_array_index(counts, guint, i), link_bps,
                                     &run)) {
                g_propagate_error(&error, g_steal_pointer(&b.error));
                goto out;
            }
            g_array_append_val(runs, run);
            if (!c->json)
                bench_files_report_row(&run, &anchor);
        }
    }
    if (c->with_camera) {
        if (!bench_files_media_run(impair_get_client_netns(b.impair),
                                   impair_get_relay_netns(b.impair), b.port, b.path, c->size,
                                   c->held_rate, b.dir, media, &error))
            goto out;
        if (!c->json)
            bench_files_media_print(media, c->held_rate);
    }
    if (!bench_files_report_write(b.dir, c, &anchor, link_bps, (LcBenchFilesRun *)runs->data,
                                  runs->len, c->with_camera ? media : NULL, !c->no_plots, &error))
        goto out;
    if (c->json)
        bench_files_report_json(stdout, c, &anchor, link_bps, (LcBenchFilesRun *)runs->data,
                                runs->len, c->with_camera ? media : NULL);
    else
        bench_files_report_footer(b.dir, (LcBenchFilesRun *)runs->data, runs->len, !c->no_plots);
    status = 0;
out:
    if (error != NULL)
        fprintf(stderr, "lanconf-bench files: %s\n", error->message);
    files_bench_teardown(&b);
    return status;
}

/* Parses "relay,direct,swarm". */
static gboolean files_bench_parse_ways(const char *text, guint8 *ways, GError **error)
{
    *ways = 0;
    g_auto(GStrv) words = g_strsplit(text, ",", -1);
    for (guint i = 0; words[i] != NULL; i++) {
        const char *w = g_strstrip(words[i]);
        guint8 bit = g_strcmp0(w, "relay") == 0    ? WIRE_FILE_WAY_RELAY
                     : g_strcmp0(w, "direct") == 0 ? WIRE_FILE_WAY_DIRECT
                     : g_strcmp0(w, "swarm") == 0  ? WIRE_FILE_WAY_SWARM
                                                   : 0;
        if (bit == 0) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--ways: '%s' is not relay, direct or swarm", w);
            return FALSE;
        }
        *ways |= bit;
    }
    return *ways != 0;
}

/* `lanconf-bench files`. */
int bench_files_main(int argc, char **argv)
{
    gint receivers = 4, timeout = 300;
    g_autofree char *size = NULL, *link = NULL, *ways_text = NULL, *out = NULL;
    gboolean json = FALSE, no_plots = FALSE, no_anchor = FALSE, with_camera = FALSE;
    g_autofree char *held = NULL;
    LcOptionNumber numbers[] = {
        OPTION_WHOLE("receivers", 'n', 1, 64, &receivers,
                     "The most receivers: runs go 1, 2, 4, ... up to N (default 4)", "N"),
        OPTION_WHOLE("timeout", 't', 1, 86400, &timeout,
                     "Give up on a run after S seconds (default 300)", "S"),
        OPTION_NUMBER_END};
    GOptionEntry entries[] = {
        {"size", 's', 0, G_OPTION_ARG_STRING, &size,
         "Bytes of the file, as 16M or 1G (default 16M)", "SIZE"},
        {"link", 'l', 0, G_OPTION_ARG_STRING, &link,
         "The sender's link, a lanconf-linkemu spec (default rate=50mbit,delay=1ms)", "SPEC"},
        {"ways", 'w', 0, G_OPTION_ARG_STRING, &ways_text,
         "The ways to run, of relay,direct,swarm (default all three)", "LIST"},
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
         "Folder for files.csv, summary.json and the plots (default runs/files-TIMESTAMP)", "DIR"},
        {"with-camera", 0, 0, G_OPTION_ARG_NONE, &with_camera,
         "Then media first, shown: a camera from the sender to a viewer across the link, alone, "
         "with a file held to --held while it runs (what lanconf does), and with a file not "
         "held; the viewer's frame rate and delay for each",
         NULL},
        {"held", 0, 0, G_OPTION_ARG_STRING, &held,
         "With --with-camera: the rate files are held to while media flows (default 1M, bytes a "
         "second)",
         "SIZE"},
        {"no-plots", 0, 0, G_OPTION_ARG_NONE, &no_plots, "Write the data, draw no plots", NULL},
        {"no-anchor", 0, 0, G_OPTION_ARG_NONE, &no_anchor, "Skip the iperf3 run", NULL},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON", NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx =
        g_option_context_new("- one file to N receivers: relay, direct and swarm");
    g_option_context_set_summary(
        ctx, "Sends one file from a sender whose link is the bottleneck (its own network "
             "namespace, behind lanconf-linkemu's rate limit) to 1, 2, 4, ... N receivers (the "
             "relay's namespace), through the relay, directly, and as a swarm, and prints the "
             "time until every receiver has it whole, what the sender uploaded, each receiver's "
             "rate, and the simple model beside them: client/server time grows with N, a "
             "swarm's stays near flat. iperf3 carrying one copy over the same link is the "
             "anchor. Needs root (network namespaces).");
    g_option_context_set_main_group(ctx, option_number_group_new(numbers, NULL, NULL, NULL));
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    LcBenchFilesConfig c = {
        .receivers = (guint)receivers, .json = json, .no_plots = no_plots, .no_anchor = no_anchor};
    gboolean ok = g_option_context_parse(ctx, &argc, &argv, &error) && argc <= 1;
    if (ok && size != NULL && (!byte_size_parse(size, &c.size, &error) || c.size == 0)) {
        if (error == NULL)
            g_set_error_literal(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                "give a size of 1 byte or more");
        g_prefix_error(&error, "--size: ");
        ok = FALSE;
    }
    if (ok && ways_text != NULL)
        ok = files_bench_parse_ways(ways_text, &c.ways, &error);
    if (!ok) {
        fprintf(stderr, "lanconf-bench files: %s\nTry 'lanconf-bench files --help'.\n",
                error ? error->message : "unexpected argument");
        return 2;
    }
    c.receivers = (guint)receivers;
    c.timeout_s = (guint)timeout;
    c.json = json;
    c.no_plots = no_plots;
    c.no_anchor = no_anchor;
    c.size = size ? c.size : 16ull * 1024 * 1024;
    c.ways = ways_text ? c.ways : WIRE_FILE_WAYS_ALL;
    c.link = link ? link : "rate=50mbit,delay=1ms";
    c.out = out;
    c.with_camera = with_camera;
    c.held_rate = held ? held : "1M";
    guint64 held_bytes = 0;
    if (!byte_size_parse(c.held_rate, &held_bytes, &error) || held_bytes == 0) {
        fprintf(stderr, "lanconf-bench files: --held: %s\nTry 'lanconf-bench files --help'.\n",
                error ? error->message : "a rate of 0 holds nothing back");
        return 2;
    }
    return files_bench_run(&c);
}
