/* logfile.c: the plain-text chat log written with --log FILE. */
#include "ui-tui/logfile.h"

#include "ui-tui/chatline.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>

struct _LcLogFile {
    FILE *fp;
    char *path;
};

/* Local date and time "YYYY-MM-DD HH:MM:SS" of a wire timestamp. */
static char *logfile_time(gint64 time_us)
{
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(time_us / G_USEC_PER_SEC);
    if (utc == NULL)
        return g_strdup("0000-00-00 00:00:00");
    g_autoptr(GDateTime) local = g_date_time_to_local(utc);
    return g_date_time_format(local, "%Y-%m-%d %H:%M:%S");
}

/* Writes one line with a time; reports errno as a GError. */
static gboolean logfile_write_line(LcLogFile *file, gint64 time_us, const char *text,
                                   GError **error)
{
    g_autofree char *when = logfile_time(time_us);
    if (fprintf(file->fp, "%s %s\n", when, text) < 0 || fflush(file->fp) != 0) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "log file %s: %s", file->path,
                    g_strerror(err));
        return FALSE;
    }
    return TRUE;
}

/* Opens a log file for appending. */
LcLogFile *logfile_open(const char *path, GError **error)
{
    FILE *fp = fopen(path, "a");
    if (fp == NULL) {
        int err = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(err), "cannot open log file %s: %s",
                    path, g_strerror(err));
        return NULL;
    }
    LcLogFile *file = g_new0(LcLogFile, 1);
    file->fp = fp;
    file->path = g_strdup(path);
    if (!logfile_write_line(file, g_get_real_time(), "--- log opened", error)) {
        logfile_close(file);
        return NULL;
    }
    return file;
}

/* Writes one entry. */
gboolean logfile_write_entry(LcLogFile *file, const LcChatEntry *entry, GError **error)
{
    g_autofree char *text = chatline_format_plain(entry);
    return logfile_write_line(file, entry->time_us, text, error);
}

/* Writes a closing line and closes the file. */
void logfile_close(LcLogFile *file)
{
    if (file == NULL)
        return;
    logfile_write_line(file, g_get_real_time(), "--- log closed", NULL);
    fclose(file->fp);
    g_free(file->path);
    g_free(file);
}
