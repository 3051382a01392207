/* files_format.c: a transfer's progress as a line for people (files.h). */
#include "net/client/files.h"

#include "core/byte_size.h"

/* The way's name. */
const char *files_way_name(guint8 way)
{
    return way == WIRE_FILE_WAY_DIRECT  ? "direct"
           : way == WIRE_FILE_WAY_RELAY ? "relay"
           : way == WIRE_FILE_WAY_SWARM ? "swarm"
                                        : "";
}

/* "12 s", "3 min 5 s", "2 h 10 min". */
static char *files_format_eta(double s)
{
    guint64 t = (guint64)(s + 0.5);
    if (t < 60)
        return g_strdup_printf("%" G_GUINT64_FORMAT " s", t);
    if (t < 3600)
        return g_strdup_printf("%" G_GUINT64_FORMAT " min %" G_GUINT64_FORMAT " s", t / 60, t % 60);
    return g_strdup_printf("%" G_GUINT64_FORMAT " h %" G_GUINT64_FORMAT " min", t / 3600,
                           t / 60 % 60);
}

/* The progress line, with a bar of bar characters. */
char *files_format_progress(const LcFilesProgress *p, guint bar)
{
    double frac = p->size > 0 ? (double)MIN(p->done, p->size) / (double)p->size : 1.0;
    GString *line = g_string_new(NULL);
    g_string_append_printf(line, "%s %s %s", p->name, p->sending ? "to" : "from", p->nick);
    if (bar > 0) {
        guint full = (guint)(frac * bar + 0.5);
        g_string_append(line, " [");
        for (guint i = 0; i < bar; i++)
            g_string_append_c(line, i < full ? '#' : '-');
        g_string_append_c(line, ']');
    }
    g_autofree char *done = byte_size_format((double)p->done);
    g_autofree char *size = byte_size_format((double)p->size);
    g_string_append_printf(line, " %3.0f%% %s of %s", frac * 100, done, size);
    if (p->rate > 0) {
        g_autofree char *rate = byte_size_format(p->rate);
        g_string_append_printf(line, ", %s/s", rate);
    }
    if (p->eta_s >= 0 && p->done < p->size) {
        g_autofree char *eta = files_format_eta(p->eta_s);
        g_string_append_printf(line, ", %s left", eta);
    }
    if (p->way != 0)
        g_string_append_printf(line, " (%s)", files_way_name(p->way));
    return g_string_free(line, FALSE);
}
