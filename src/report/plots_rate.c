/*
 * rate.png: frames per second and goodput of every channel, one point per
 * interval of intervals.ndjson (docs/STATS.md), in two panels that share the
 * time axis. A sender's intervals count frames acknowledged by the relay, a
 * viewer's frames decoded; the role member of each line says which.
 */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "src/report/plots_private.h"

/* What intervals.ndjson says, per channel. */
typedef struct {
    GString *rows[LC_CHAN_KINDS]; /* "mid_s fps mbps" lines; NULL: no interval */
    guint n_rows[LC_CHAN_KINDS];
    /* Where each channel's rows end after its last interval with frames in
     * it: the empty ones after (the wait for late ACKs once the camera
     * stopped, a viewer staying after the stream) are cut, so that the chart
     * neither plunges to zero at the end nor runs past the stream. */
    gsize kept_len[LC_CHAN_KINDS];
    guint kept_rows[LC_CHAN_KINDS];
    double kept_end[LC_CHAN_KINDS];
    double end_s;     /* the latest kept interval end */
    gboolean viewer;  /* the intervals are a viewer's */
    const char *path; /* for messages */
    guint line;
} PlotsRates;

/* Appends a number of a data row, "NaN" when it is not known (gnuplot leaves a gap). */
static void plots_rate_append(GString *out, double value, guint decimals)
{
    if (isfinite(value))
        plots_data_append_number(out, value, decimals);
    else
        g_string_append(out, "NaN");
}

/* Whether an interval saw frames: sent, dropped or acknowledged at a
 * sender (a stalled channel still tries), received at a viewer. */
static gboolean plots_rate_has_frames(JsonObject *object, gboolean viewer)
{
    static const char *const sender_keys[] = {"frames_sent", "frames_dropped", "frames_acked",
                                              "frames_lost"};
    static const char *const viewer_keys[] = {"frames_received", "frames_decoded"};
    const char *const *keys = viewer ? viewer_keys : sender_keys;
    guint n = viewer ? G_N_ELEMENTS(viewer_keys) : G_N_ELEMENTS(sender_keys);
    for (guint i = 0; i < n; i++) {
        double v = plots_json_get_double(object, keys[i]);
        if (isfinite(v) && v > 0)
            return TRUE;
    }
    return FALSE;
}

/* Adds one interval object to rates. */
static gboolean plots_rate_add(PlotsRates *rates, JsonObject *object, GError **error)
{
    LcChanKind channel;
    const char *name = plots_json_get_string(object, "channel", "");
    double start = plots_json_get_double(object, "start");
    double end = plots_json_get_double(object, "end");

    if (!chan_kind_from_name(name, &channel) || !isfinite(start) || !isfinite(end)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s line %u: no known channel, start or end", rates->path, rates->line);
        return FALSE;
    }
    rates->viewer = strcmp(plots_json_get_string(object, "role", ""), "viewer") == 0;
    double fps = plots_json_get_double(object, rates->viewer ? "fps_decoded" : "fps_acked");
    double mbps = plots_json_get_double(object, "goodput_mbps");
    if (rates->rows[channel] == NULL)
        rates->rows[channel] = g_string_new("# mid_s fps mbps: interval middle, frames/s, "
                                            "goodput Mbit/s\n");
    GString *out = rates->rows[channel];
    plots_rate_append(out, (start + end) / 2.0, 3);
    g_string_append_c(out, ' ');
    plots_rate_append(out, fps, 3);
    g_string_append_c(out, ' ');
    plots_rate_append(out, mbps, 6);
    g_string_append_c(out, '\n');
    rates->n_rows[channel]++;
    if (plots_rate_has_frames(object, rates->viewer)) {
        rates->kept_len[channel] = out->len;
        rates->kept_rows[channel] = rates->n_rows[channel];
        rates->kept_end[channel] = end;
    }
    return TRUE;
}

/* Cuts every channel's trailing empty intervals; end_s is the latest kept end. */
static void plots_rate_trim(PlotsRates *rates)
{
    rates->end_s = 0;
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (rates->rows[c] == NULL)
            continue;
        if (rates->kept_rows[c] == 0) {
            g_string_free(g_steal_pointer(&rates->rows[c]), TRUE);
            continue;
        }
        g_string_truncate(rates->rows[c], rates->kept_len[c]);
        rates->n_rows[c] = rates->kept_rows[c];
        rates->end_s = MAX(rates->end_s, rates->kept_end[c]);
    }
}

/* Reads every line of text (intervals.ndjson) into rates; text is cut into lines in place. */
static gboolean plots_rate_parse(PlotsRates *rates, char *text, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    char *next = text;

    rates->line = 0;
    while (next != NULL && *next != '\0') {
        g_autoptr(GError) json_error = NULL;
        char *line = next;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        rates->line++;
        if (*g_strstrip(line) == '\0')
            continue;
        if (!json_parser_load_from_data(parser, line, -1, &json_error) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s line %u: %s", rates->path,
                        rates->line, json_error != NULL ? json_error->message : "not an object");
            return FALSE;
        }
        if (!plots_rate_add(rates, json_node_get_object(json_parser_get_root(parser)), error))
            return FALSE;
    }
    return TRUE;
}

/*
 * Appends one panel's plot command: column of every channel, and a dashed
 * line at asked_fps when it is > 0. Past a few minutes of intervals the
 * points would merge into a blot, so long runs get lines alone.
 */
static void plots_rate_append_panel(GString *gp, const PlotsRates *rates, guint column,
                                    const char *unit, gint asked_fps)
{
    guint n_clauses = 0;

    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (rates->rows[c] == NULL)
            continue;
        g_autofree char *data = plots_data_get_name("rate", c);
        gboolean few = rates->n_rows[c] <= 120;
        /* The second channel is dashed: where both carry the same rate,
         * the first still shows beneath it. */
        g_string_append_printf(gp, "%s'%s' using ($1/tscale):%u with %s ls %u %s%s title '%s'",
                               n_clauses++ == 0 ? "plot " : ", \\\n     ", data, column,
                               few ? "linespoints" : "lines", c + 1, few ? "lw 2 ps 0.8" : "lw 1.2",
                               c > 0 ? " dt 2" : "", plots_script_get_label(c));
    }
    if (asked_fps > 0)
        g_string_append_printf(gp,
                               ", \\\n     %d with lines lc rgb '#555555' dt 2 lw 1.5 title "
                               "'asked for: %d %s'",
                               asked_fps, asked_fps, unit);
    g_string_append_c(gp, '\n');
}

/*
 * The script of rate.png (transfer full). The two panels get the same
 * left and right margins in screen units, so their time axes line up, and
 * share one legend under the lower panel.
 */
static char *plots_rate_format_script(const PlotsRates *rates, const PlotsRun *run)
{
    g_autoptr(GString) gp = g_string_new(NULL);
    const char *heading =
        run->audio      ? (rates->viewer ? "Packets played per second and goodput, per interval"
                                         : "Packets acknowledged per second and goodput, per interval")
        : rates->viewer ? "Frames decoded per second and goodput, per interval"
                        : "Frames acknowledged per second and goodput, per interval";
    const char *unit = run->audio ? "packets/s" : "fps";
    gint asked = rates->viewer ? 0 : run->fps;

    plots_script_begin(gp, "rate", heading);
    g_string_append(gp, "set multiplot title ");
    plots_script_append_quoted(gp, heading);
    if (run->subtitle != NULL && *run->subtitle != '\0') {
        g_string_append(gp, " . \"\\n\" . ");
        plots_script_append_quoted(gp, run->subtitle);
    }
    g_string_append(gp, " font ',14'\n"
                        "set lmargin at screen 0.08\n"
                        "set rmargin at screen 0.97\n");
    g_autofree char *time_label =
        plots_script_append_time_axis(gp, rates->end_s, "the run started");
    g_string_append(gp, "set yrange [0:*]\n"
                        "set key at screen 0.5, screen 0.01 bottom center horizontal Left reverse "
                        "box opaque spacing 1.2 width 1\n"
                        "set tmargin at screen 0.86\n"
                        "set bmargin at screen 0.53\n"
                        "set format x ''\n");
    g_string_append_printf(gp, "set ylabel '%s %s'\n", run->audio ? "packets/s" : "frames/s",
                           rates->viewer ? (run->audio ? "played" : "decoded") : "acknowledged");
    plots_rate_append_panel(gp, rates, 2, unit, asked);
    /* The lower panel repeats no legend: the one under the chart serves both. */
    g_string_append(gp, "unset key\n"
                        "set tmargin at screen 0.47\n"
                        "set bmargin at screen 0.16\n"
                        "set format x '%g'\n"
                        "set ylabel 'goodput (Mbit/s)'\n");
    g_string_append_printf(gp, "set xlabel '%s'\n", time_label);
    plots_rate_append_panel(gp, rates, 3, unit, 0);
    g_string_append(gp, "unset multiplot\n");
    return g_string_free(g_steal_pointer(&gp), FALSE);
}

/* Writes the data files and the script of rates. */
static gboolean plots_rate_write_files(const char *dir, const PlotsRates *rates,
                                       const PlotsRun *run, GPtrArray *written, GError **error)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (rates->rows[c] == NULL)
            continue;
        g_autofree char *name = plots_data_get_name("rate", c);
        if (!plots_data_write_file(dir, name, rates->rows[c]->str, written, error))
            return FALSE;
    }
    g_autofree char *script = plots_rate_format_script(rates, run);
    return plots_data_write_file(dir, "rate.gp", script, written, error);
}

/*
 * Writes rate_CHANNEL.dat and rate.gp from dir/intervals.ndjson. Sets
 * *wrote to FALSE, and succeeds, when there is no such file or no interval.
 */
gboolean plots_rate_write(const char *dir, const PlotsRun *run, GPtrArray *written, gboolean *wrote,
                          GError **error)
{
    g_autofree char *path = g_build_filename(dir, "intervals.ndjson", NULL);
    g_autofree char *text = NULL;
    PlotsRates rates = {.path = path};
    gboolean ok = TRUE, any = FALSE;

    *wrote = FALSE;
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return TRUE;
    if (!g_file_get_contents(path, &text, NULL, error))
        return FALSE;
    ok = plots_rate_parse(&rates, text, error);
    plots_rate_trim(&rates);
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        any = any || rates.rows[c] != NULL;
    if (ok && any) {
        ok = plots_rate_write_files(dir, &rates, run, written, error);
        *wrote = ok;
    }
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (rates.rows[c] != NULL)
            g_string_free(rates.rows[c], TRUE);
    }
    return ok;
}
