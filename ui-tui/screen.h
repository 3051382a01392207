/* screen.h: the terminal: starts and stops ncursesw, lays the views out and
 * draws the dirty ones in one pass. */
#pragma once

#include "ui-tui/chatlog.h"
#include "ui-tui/inputline.h"
#include "ui-tui/members.h"
#include "ui-tui/statspane.h"
#include "ui-tui/status.h"

#include <gio/gio.h>

typedef struct _LcScreen LcScreen;

/* What the screen draws; the screen only reads it. */
typedef struct {
    const LcChatLog *chatlog;
    const LcMembers *members;
    const char *self; /* own nick, highlighted in the member list */
    const LcStatus *status;
    const LcInputLine *input;
    const char *prompt;
    gboolean secret;          /* the input is a password: drawn as stars */
    const LcStatsPane *stats; /* drawn below the chat log; NULL when hidden */
    const GPtrArray *tiles;   /* LcTile: cameras drawn above the chat log; NULL or empty: none */
} LcScreenModels;

/* Takes over the terminal (raw keys, no echo, keypad on, no waiting). */
LcScreen *screen_new(GError **error);

/* Gives the terminal back as it was. */
void screen_free(LcScreen *screen);

/* Reads the terminal's new size after SIGWINCH. */
void screen_resize(LcScreen *screen);

/* Rings the terminal's bell (or flashes it where it has none). */
void screen_bell(LcScreen *screen);

/* Repaints every cell on the next draw (Ctrl-L). */
void screen_force_repaint(LcScreen *screen);

/* Width and height of the chat log area as last laid out (less the stats
 * pane and the camera tiles). */
void screen_get_chat_size(LcScreen *screen, int *width, int *height);

/* Lays the views out for the current size; returns LcViewFlags to add to
 * the dirty set (everything when the layout changed). */
guint screen_update_layout(LcScreen *screen, const LcScreenModels *models);

/* Draws the dirty views (LcViewFlags) and puts the cursor in the input line. */
void screen_draw(LcScreen *screen, const LcScreenModels *models, guint dirty);
