/* tui.h: the terminal chat client: session events in, models, views out.
 *
 * One GMainLoop runs everything: the relay session, stdin (a GLib fd source;
 * keys are read without waiting), SIGWINCH, a one-second tick for the status
 * line, and the redraw source that draws what the turn made dirty.
 */
#pragma once

#include <glib.h>

#include "src/run/av_sender.h"

typedef struct {
    const char *host;
    guint16 port;
    const char *nick;
    const char *log_path;   /* --log FILE, or NULL */
    guint ping_interval_ms; /* relay round-trip measurement; 0 = only /lag */
    guint reconnect_max_ms;
    guint history_limit;           /* backlog on first join (WIRE_HISTORY_DEFAULT: relay's) */
    gboolean bell_on_mention;      /* ring the bell when a message names you */
    const LcCameraOptions *camera; /* /cam on: --source (when /cam on names none), --size, --fps,
                                    * --quality, --encoder; NULL for the defaults */
    const char *found;             /* how the relay was found on the LAN (--server auto), or NULL */
    gboolean insecure;             /* plaintext, without TLS (--insecure) */
    const char *password;          /* the room password, or NULL: asked for if the relay wants it */
    const char *files_dir;         /* where files taken with /accept go */
    guint64 max_file_size;         /* the largest file taken; 0: no limit */
} LcTuiConfig;

/* Runs the client until the user quits. Returns the exit status: 0 after
 * /quit, 1 with error set when the relay could not be joined or the terminal
 * could not be used. */
int tui_run(const LcTuiConfig *config, GError **error);
