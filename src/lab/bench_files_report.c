/* bench_files_report.c: `lanconf-bench files`'s table, data files, plots
 * and anchor (bench_files_report.h). */
#include "src/lab/bench_files_report.h"

#include "core/byte_size.h"
#include "net/client/files.h"
#include "net/linkemu/linkemu.h"
#include "net/linkemu/linkemu_spec.h"
#include "net/linkemu/netns.h"

#include <json-glib/json-glib.h>
#include <math.h>

#define FILES_ANCHOR_PORT "5301"

/* Runs iperf3 across the link: the server where the receivers are. */
gboolean bench_files_anchor_run(const char *from_ns, const char *to_ns, guint64 size,
                                LcBenchFilesAnchor *anchor, GError **error)
{
    const char *server[] = {"iperf3",          "-s", "-1", "-B", LINKEMU_ADDR_B, "-p",
                            FILES_ANCHOR_PORT, NULL};
    g_autoptr(GSubprocess) s =
        netns_spawn(to_ns, server,
                    G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, error);
    if (s == NULL) {
        g_prefix_error(error, "cannot start iperf3 (scripts/install-deps.sh installs it): ");
        return FALSE;
    }
    g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT, size);
    const char *client[] = {"iperf3", "-c",  LINKEMU_ADDR_B, "-p", FILES_ANCHOR_PORT,
                            "-n",     bytes, "-J",           NULL};
    g_autofree char *out = NULL;
    g_autoptr(GError) last = NULL;
    for (guint attempt = 0; attempt < 20; attempt++) {
        g_usleep(100000); /* the server's socket opens */
        g_clear_pointer(&out, g_free);
        g_clear_error(&last);
        if (netns_run(from_ns, client, &out, &last))
            break;
    }
    g_subprocess_force_exit(s);
    g_subprocess_wait(s, NULL, NULL);
    if (last != NULL) {
        g_propagate_error(error, g_steal_pointer(&last));
        return FALSE;
    }
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, out, -1, error))
        return FALSE;
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *end = root ? json_object_get_object_member(root, "end") : NULL;
    JsonObject *recv = end ? json_object_get_object_member(end, "sum_received") : NULL;
    if (recv == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "iperf3 gave no sum_received");
        return FALSE;
    }
    anchor->seconds = json_object_get_double_member(recv, "seconds");
    anchor->mbps = json_object_get_double_member(recv, "bits_per_second") / 1e6;
    return anchor->seconds > 0;
}

/* The spec's rate, or 1 Gbit/s for a link without one. */
double bench_files_nominal_bps(const char *link)
{
    LcLinkSpec spec;
    linkemu_spec_init(&spec);
    if (!linkemu_spec_parse(link, &spec, NULL) || spec.rate_bps == 0)
        return 1e9;
    return (double)spec.rate_bps;
}

/* The header: what runs, over what link, and the anchor. */
void bench_files_report_header(const LcBenchFilesConfig *c, const LcBenchFilesAnchor *anchor,
                               double link_bps, const char *spec)
{
    g_autofree char *size = byte_size_format((double)c->size);
    printf("lanconf-bench files: one %s file to 1..%u receivers; the sender alone behind the "
           "link %s\n",
           size, c->receivers, spec);
    if (anchor->seconds > 0)
        printf("anchor: iperf3 carries one copy over that link in %.2f s (%.1f Mbit/s); the "
               "model uses that rate\n",
               anchor->seconds, anchor->mbps);
    else
        printf("anchor: none; the model uses the link's nominal %.1f Mbit/s\n", link_bps / 1e6);
    printf("model: through the relay or directly the sender uploads N copies (N x one copy's "
           "time); a swarm, one\n\n");
    printf("%-7s %3s %10s %9s %8s %13s %14s %24s\n", "way", "N", "all have", "model", "x iperf3",
           "sender upload", "receivers' up", "per receiver Mbit/s");
    printf("%-7s %3s %10s %9s %8s %13s %14s %24s\n", "", "", "it (s)", "(s)", "", "(copies)",
           "(copies)", "min / mean / max");
}

/* One run's row. */
void bench_files_report_row(const LcBenchFilesRun *r, const LcBenchFilesAnchor *anchor)
{
    g_autofree char *ratio =
        anchor->seconds > 0 ? g_strdup_printf("%.2f", r->time_s / anchor->seconds) : g_strdup("-");
    printf("%-7s %3u %10.2f %9.2f %8s %13.2f %14.2f %8.1f / %5.1f / %5.1f%s\n",
           files_way_name(r->way), r->receivers, r->time_s, r->model_s, ratio, r->sender_copies,
           r->traded_copies, r->rate_min_mbps, r->rate_mean_mbps, r->rate_max_mbps,
           r->failed ? "  FAILED" : "");
    fflush(stdout);
}

/* The run of a way at a count, or NULL. */
static const LcBenchFilesRun *files_report_find(const LcBenchFilesRun *runs, guint n, guint8 way,
                                                guint receivers)
{
    for (guint i = 0; i < n; i++)
        if (runs[i].way == way && runs[i].receivers == receivers)
            return &runs[i];
    return NULL;
}

/* The footer: swarm against relay at the most receivers, and where the
 * files went. */
void bench_files_report_footer(const char *dir, const LcBenchFilesRun *runs, guint n,
                               gboolean plots)
{
    guint most = 0;
    for (guint i = 0; i < n; i++)
        most = MAX(most, runs[i].receivers);
    const LcBenchFilesRun *relay = files_report_find(runs, n, WIRE_FILE_WAY_RELAY, most);
    const LcBenchFilesRun *swarm = files_report_find(runs, n, WIRE_FILE_WAY_SWARM, most);
    if (relay != NULL && swarm != NULL && swarm->time_s > 0)
        printf("\nat N=%u the swarm has every receiver done %.1fx sooner than the relay; the "
               "sender uploaded %.2f copies instead of %.2f\n",
               most, relay->time_s / swarm->time_s, swarm->sender_copies, relay->sender_copies);
    printf("\n%s/files.csv, %s/summary.json%s\n", dir, dir,
           plots ? " and the plots time_to_all.png and uploaded.png" : "");
}

/* A gnuplot script that draws one figure from files.dat. */
static char *files_report_script(const char *png, const char *title, const char *ylabel,
                                 guint column, gboolean model)
{
    GString *gp = g_string_new(NULL);
    g_string_append_printf(gp,
                           "set terminal pngcairo size 900,540\nset output '%s'\n"
                           "set title \"%s\"\nset xlabel 'receivers'\nset ylabel '%s'\n"
                           "set key top left\nset grid\nset yrange [0:*]\nset xtics 1\n"
                           "plot 'files.dat' index 0 using 1:%u with linespoints lw 2 pt 7 "
                           "title 'relay', \\\n"
                           "     'files.dat' index 1 using 1:%u with linespoints lw 2 pt 5 "
                           "title 'direct', \\\n"
                           "     'files.dat' index 2 using 1:%u with linespoints lw 2 pt 9 "
                           "title 'swarm'",
                           png, title, ylabel, column, column, column);
    if (model)
        g_string_append(gp, ", \\\n     'files.dat' index 0 using 1:3 with lines dt 2 lc 'gray' "
                            "title 'model: N copies', \\\n"
                            "     'files.dat' index 2 using 1:3 with lines dt 3 lc 'black' "
                            "title 'model: swarm, one copy'");
    g_string_append(gp, "\n");
    return g_string_free(gp, FALSE);
}

/* Runs gnuplot on a script in dir. */
static gboolean files_report_draw(const char *dir, const char *script, GError **error)
{
    const char *argv[] = {"gnuplot", script, NULL};
    g_autofree char *err = NULL;
    gint status = 0;
    if (!g_spawn_sync(dir, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err,
                      &status, error)) {
        g_prefix_error(error, "gnuplot (scripts/install-deps.sh installs it): ");
        return FALSE;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "gnuplot %s: %s", script,
                    err ? err : "failed");
        return FALSE;
    }
    return TRUE;
}

/* files.csv, files.dat (a block per way), the scripts and the plots. */
gboolean bench_files_report_write(const char *dir, const LcBenchFilesConfig *c,
                                  const LcBenchFilesAnchor *anchor, double link_bps,
                                  const LcBenchFilesRun *runs, guint n,
                                  const LcBenchFilesMedia *media, gboolean plots, GError **error)
{
    GString *csv = g_string_new("way,receivers,time_s,model_s,sender_copies,receivers_copies,"
                                "rate_min_mbps,rate_mean_mbps,rate_max_mbps,failed\n");
    GString *dat = g_string_new(NULL);
    static const guint8 ways[] = {WIRE_FILE_WAY_RELAY, WIRE_FILE_WAY_DIRECT, WIRE_FILE_WAY_SWARM};
    for (guint w = 0; w < G_N_ELEMENTS(ways); w++) {
        g_string_append_printf(dat, "# %s: receivers time_s model_s sender_copies\n",
                               files_way_name(ways[w]));
        guint rows = 0;
        for (guint i = 0; i < n; i++) {
            const LcBenchFilesRun *r = &runs[i];
            if (r->way != ways[w])
                continue;
            rows++;
            g_string_append_printf(dat, "%u %.4f %.4f %.4f\n", r->receivers, r->time_s, r->model_s,
                                   r->sender_copies);
            g_string_append_printf(csv, "%s,%u,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f,%.3f,%u\n",
                                   files_way_name(r->way), r->receivers, r->time_s, r->model_s,
                                   r->sender_copies, r->traded_copies, r->rate_min_mbps,
                                   r->rate_mean_mbps, r->rate_max_mbps, r->failed);
        }
        if (rows == 0)
            g_string_append(dat, "NaN NaN NaN NaN\n"); /* an empty block keeps the indexes */
        g_string_append(dat, "\n\n");
    }
    g_autofree char *csv_path = g_build_filename(dir, "files.csv", NULL);
    g_autofree char *dat_path = g_build_filename(dir, "files.dat", NULL);
    g_autofree char *csv_text = g_string_free(csv, FALSE);
    g_autofree char *dat_text = g_string_free(dat, FALSE);
    if (!g_file_set_contents(csv_path, csv_text, -1, error) ||
        !g_file_set_contents(dat_path, dat_text, -1, error))
        return FALSE;
    g_autofree char *json_path = g_build_filename(dir, "summary.json", NULL);
    FILE *f = fopen(json_path, "w");
    if (f == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", json_path);
        return FALSE;
    }
    bench_files_report_json(f, c, anchor, link_bps, runs, n, media);
    fclose(f);
    g_autofree char *size = byte_size_format((double)c->size);
    g_autofree char *t1 = g_strdup_printf("Time until every receiver has a %s file (sender's "
                                          "link %.0f Mbit/s)",
                                          size, link_bps / 1e6);
    g_autofree char *gp1 = files_report_script("time_to_all.png", t1, "seconds", 2, TRUE);
    g_autofree char *gp2 = files_report_script("uploaded.png", "What the sender uploaded",
                                               "copies of the file", 4, FALSE);
    g_autofree char *p1 = g_build_filename(dir, "time_to_all.gp", NULL);
    g_autofree char *p2 = g_build_filename(dir, "uploaded.gp", NULL);
    if (!g_file_set_contents(p1, gp1, -1, error) || !g_file_set_contents(p2, gp2, -1, error))
        return FALSE;
    return !plots || (files_report_draw(dir, "time_to_all.gp", error) &&
                      files_report_draw(dir, "uploaded.gp", error));
}

/* The whole result as JSON. */
void bench_files_report_json(FILE *out, const LcBenchFilesConfig *c,
                             const LcBenchFilesAnchor *anchor, double link_bps,
                             const LcBenchFilesRun *runs, guint n, const LcBenchFilesMedia *media)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "params");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64)c->size);
    json_builder_set_member_name(b, "receivers");
    json_builder_add_int_value(b, c->receivers);
    json_builder_set_member_name(b, "link");
    json_builder_add_string_value(b, c->link);
    json_builder_set_member_name(b, "model_link_mbps");
    json_builder_add_double_value(b, link_bps / 1e6);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "anchor");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "iperf3_one_copy_s");
    if (anchor->seconds > 0)
        json_builder_add_double_value(b, anchor->seconds);
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "runs");
    json_builder_begin_array(b);
    for (guint i = 0; i < n; i++) {
        const LcBenchFilesRun *r = &runs[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "way");
        json_builder_add_string_value(b, files_way_name(r->way));
        json_builder_set_member_name(b, "receivers");
        json_builder_add_int_value(b, r->receivers);
        const char *names[] = {"time_s",           "model_s",       "sender_copies",
                               "receivers_copies", "rate_min_mbps", "rate_mean_mbps",
                               "rate_max_mbps"};
        double values[] = {r->time_s,        r->model_s,        r->sender_copies, r->traded_copies,
                           r->rate_min_mbps, r->rate_mean_mbps, r->rate_max_mbps};
        for (guint k = 0; k < G_N_ELEMENTS(names); k++) {
            json_builder_set_member_name(b, names[k]);
            json_builder_add_double_value(b, isfinite(values[k]) ? values[k] : 0);
        }
        json_builder_set_member_name(b, "x_iperf3");
        if (anchor->seconds > 0)
            json_builder_add_double_value(b, r->time_s / anchor->seconds);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "failed");
        json_builder_add_int_value(b, r->failed);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "media_first");
    if (media == NULL) {
        json_builder_add_null_value(b);
    } else {
        json_builder_begin_array(b);
        for (guint i = 0; i < 3; i++) {
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "phase");
            json_builder_add_string_value(b, media[i].name);
            json_builder_set_member_name(b, "fps");
            json_builder_add_double_value(b, media[i].fps);
            json_builder_set_member_name(b, "e2e_p50_ms");
            json_builder_add_double_value(b, media[i].e2e_p50_ms);
            json_builder_set_member_name(b, "e2e_p99_ms");
            json_builder_add_double_value(b, media[i].e2e_p99_ms);
            json_builder_set_member_name(b, "file_s");
            json_builder_add_double_value(b, media[i].file_s);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
    }
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *text = json_to_string(root, TRUE);
    fprintf(out, "%s\n", text);
}
