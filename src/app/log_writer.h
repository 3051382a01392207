/* log_writer.h: how the programs' own log lines look on stderr: one line
 * each, "2026-12-06 15:31:58.244 lanconf-relay: TEXT", with "warning",
 * "critical" or "error" before the text where it is one. */
#pragma once

#include <glib.h>

/* Makes GLib's log messages of this process go out in that form, with the
 * program's name; debug messages only where GLib's debug output is on
 * (G_MESSAGES_DEBUG, g_log_set_debug_enabled()). */
void log_writer_install(const char *program);
