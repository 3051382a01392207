/* logfile.h: the plain-text chat log written with --log FILE.
 *
 * One line per entry: "YYYY-MM-DD HH:MM:SS " (local time) and the entry as
 * it reads on screen. Appends to the file; each line is flushed as written.
 */
#pragma once

#include "ui-tui/chatlog.h"

#include <gio/gio.h> /* errors are G_IO_ERROR */

typedef struct _LcLogFile LcLogFile;

/* Opens (creates or appends to) a log file and writes an "opened" line. */
LcLogFile *logfile_open(const char *path, GError **error);

/* Writes one entry. */
gboolean logfile_write_entry(LcLogFile *file, const LcChatEntry *entry, GError **error);

/* Writes a "closed" line and closes the file; NULL is allowed. */
void logfile_close(LcLogFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcLogFile, logfile_close)
