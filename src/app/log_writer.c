/* log_writer.c: GLib's structured log writer for the programs: a local time
 * to the millisecond, the program, the level where it matters, the text.
 * GLib's own ("** Message: 15:31:58.244: ...") says neither the date nor
 * who speaks, and reads like a crash. */
#include "src/app/log_writer.h"

#include <stdio.h>

static char *log_writer_program;

/* The level's word, or NULL where the line is information. */
static const char *log_writer_level(GLogLevelFlags level)
{
    if (level & G_LOG_LEVEL_ERROR)
        return "error";
    if (level & G_LOG_LEVEL_CRITICAL)
        return "critical";
    if (level & G_LOG_LEVEL_WARNING)
        return "warning";
    return NULL; /* information, and the details --verbose asks for */
}

/* Writes one log line to stderr. */
static GLogWriterOutput log_writer_write(GLogLevelFlags level, const GLogField *fields,
                                         gsize n_fields, gpointer data)
{
    if (g_log_writer_default_would_drop(level, NULL))
        return G_LOG_WRITER_HANDLED;
    const char *message = NULL;
    const char *domain = NULL;
    for (gsize i = 0; i < n_fields; i++) {
        if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
            message = fields[i].value;
        else if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
            domain = fields[i].value;
    }
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
    const char *word = log_writer_level(level);
    /* A library's message (GLib, GStreamer) says whose it is. */
    g_autofree char *who = domain != NULL ? g_strdup_printf(" [%s]", domain) : g_strdup("");
    fprintf(stderr, "%s.%03d %s:%s %s%s%s\n", stamp, g_date_time_get_microsecond(now) / 1000,
            log_writer_program, who, word ? word : "", word ? ": " : "",
            message ? message : "(no message)");
    fflush(stderr);
    return G_LOG_WRITER_HANDLED;
}

/* Installs the writer; see the header. */
void log_writer_install(const char *program)
{
    g_free(log_writer_program);
    log_writer_program = g_strdup(program);
    g_log_set_writer_func(log_writer_write, NULL, NULL);
}
