/* statspane.c: the stats pane model: streams' figures as fixed columns. */
#include "ui-tui/statspane.h"

#include "ui-tui/textwidth.h"

#include <math.h>
#include <string.h>

#define STATSPANE_LABEL_COLS 12

struct _LcStatsPane {
    GArray *streams; /* LcStatsPaneStream */
};

/* Frees what a stream owns (GArray clear function). */
static void statspane_stream_clear(gpointer data)
{
    LcStatsPaneStream *s = data;
    g_clear_pointer(&s->label, g_free);
}

/* Creates an empty pane. */
LcStatsPane *statspane_new(void)
{
    LcStatsPane *pane = g_new0(LcStatsPane, 1);
    pane->streams = g_array_new(FALSE, TRUE, sizeof(LcStatsPaneStream));
    g_array_set_clear_func(pane->streams, statspane_stream_clear);
    return pane;
}

/* Frees a pane. NULL is ignored. */
void statspane_free(LcStatsPane *pane)
{
    if (pane == NULL)
        return;
    g_array_unref(pane->streams);
    g_free(pane);
}

/* Removes every stream. */
void statspane_clear(LcStatsPane *pane)
{
    g_array_set_size(pane->streams, 0);
}

/* Adds a stream. */
void statspane_add(LcStatsPane *pane, const char *label, const LcStatsPaneChannel *tcp,
                   const LcStatsPaneChannel *udp)
{
    LcStatsPaneStream s = {.label = g_strdup(label), .tcp = *tcp, .udp = *udp};
    g_array_append_val(pane->streams, s);
}

/* The number of streams. */
guint statspane_get_count(const LcStatsPane *pane)
{
    return pane->streams->len;
}

/* A figure with one decimal below 100 and none above; "-" without data. */
static void statspane_number(char *buf, gsize size, double v)
{
    if (isnan(v) || isinf(v))
        g_strlcpy(buf, "-", size);
    else
        g_snprintf(buf, size, v < 99.95 ? "%.1f" : "%.0f", v);
}

/* A rate in Mbit/s: a voice's 0.03 shows, not 0.0. */
static void statspane_rate(char *buf, gsize size, double v)
{
    if (!isnan(v) && !isinf(v) && v < 0.995)
        g_snprintf(buf, size, "%.2f", v);
    else
        statspane_number(buf, size, v);
}

/* A channel's columns: fps, Mbit/s, p50/p99, lost, dropped. */
static char *statspane_channel_columns(const LcStatsPaneChannel *c)
{
    if (!c->active)
        return g_strdup_printf("%4s %6s %9s %4s %4s", "-", "-", "-", "-", "-");
    char fps[16], mbps[16], p50[16], p99[16];
    statspane_number(fps, sizeof(fps), c->fps);
    statspane_rate(mbps, sizeof(mbps), c->mbps);
    statspane_number(p50, sizeof(p50), c->p50_ms);
    statspane_number(p99, sizeof(p99), c->p99_ms);
    g_autofree char *lat = g_strdup_printf("%s/%s", p50, p99);
    return g_strdup_printf("%4s %6s %9s %4" G_GUINT64_FORMAT " %4" G_GUINT64_FORMAT, fps, mbps, lat,
                           c->lost, c->dropped);
}

/* The label cut or padded to the label column's width. */
static char *statspane_label(const char *label)
{
    gsize fit = textwidth_fit(label, strlen(label), STATSPANE_LABEL_COLS);
    int cols = textwidth_str(label, (gssize)fit);
    GString *s = g_string_new_len(label, (gssize)fit);
    for (int i = cols; i < STATSPANE_LABEL_COLS; i++)
        g_string_append_c(s, ' ');
    return g_string_free(s, FALSE);
}

/* Appends text cut to width columns (trailing spaces dropped). */
static void statspane_append(GPtrArray *lines, int width, const char *text)
{
    gsize fit = textwidth_fit(text, strlen(text), MAX(width, 0));
    char *line = g_strndup(text, fit);
    g_ptr_array_add(lines, g_strchomp(line));
}

/* One row per stream, TCP and UDP side by side. */
static void statspane_format_wide(const LcStatsPane *pane, int width, GPtrArray *lines)
{
    g_autofree char *head = statspane_label("stream");
    g_autofree char *cols =
        g_strdup_printf("%4s %6s %9s %4s %4s", "fps", "Mbit/s", "p50/p99ms", "lost", "drop");
    g_autofree char *header = g_strdup_printf("%s  tcp %s  udp %s", head, cols, cols);
    statspane_append(lines, width, header);
    for (guint i = 0; i < pane->streams->len; i++) {
        const LcStatsPaneStream *s = &g_array_index(pane->streams, LcStatsPaneStream, i);
        g_autofree char *label = statspane_label(s->label);
        g_autofree char *tcp = statspane_channel_columns(&s->tcp);
        g_autofree char *udp = statspane_channel_columns(&s->udp);
        g_autofree char *row = g_strdup_printf("%s      %s      %s", label, tcp, udp);
        statspane_append(lines, width, row);
    }
}

/* Two rows per stream, one for TCP and one for UDP. */
static void statspane_format_narrow(const LcStatsPane *pane, int width, GPtrArray *lines)
{
    g_autofree char *head = statspane_label("stream");
    g_autofree char *header = g_strdup_printf("%s %3s %4s %6s %9s %4s %4s", head, "ch", "fps",
                                              "Mbit/s", "p50/p99ms", "lost", "drop");
    statspane_append(lines, width, header);
    for (guint i = 0; i < pane->streams->len; i++) {
        const LcStatsPaneStream *s = &g_array_index(pane->streams, LcStatsPaneStream, i);
        g_autofree char *label = statspane_label(s->label);
        g_autofree char *blank = statspane_label("");
        g_autofree char *tcp = statspane_channel_columns(&s->tcp);
        g_autofree char *udp = statspane_channel_columns(&s->udp);
        g_autofree char *row1 = g_strdup_printf("%s tcp %s", label, tcp);
        g_autofree char *row2 = g_strdup_printf("%s udp %s", blank, udp);
        statspane_append(lines, width, row1);
        statspane_append(lines, width, row2);
    }
}

/* Appends the pane's lines for width columns. */
guint statspane_format(const LcStatsPane *pane, int width, GPtrArray *lines)
{
    guint before = lines->len;
    /* The heading says what the latency column measures; where it does not
     * fit one line, a second line says it rather than the edge cutting it. */
    static const char full[] = "-- stats, last second (F2 hides; latency: RTT sending or "
                               "talking, capture to decode viewing, to playout hearing) --";
    if (width >= (int)sizeof full - 1) {
        statspane_append(lines, width, full);
    } else {
        statspane_append(lines, width, "-- stats, last second (F2 hides) --");
        statspane_append(lines, width,
                         "latency: RTT sending/talking; capture to decode viewing, to playout "
                         "hearing");
    }
    if (pane->streams->len == 0) {
        statspane_append(lines, width,
                         "no streams: /cam on to send, /view NICK to watch, /audio on to talk, "
                         "/listen to hear");
        return lines->len - before;
    }
    if (width >= STATSPANE_WIDE_COLS)
        statspane_format_wide(pane, width, lines);
    else
        statspane_format_narrow(pane, width, lines);
    return lines->len - before;
}
