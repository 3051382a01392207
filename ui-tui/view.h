/* view.h: the views: each draws one model into its rectangle with ncursesw.
 *
 * Views only read models; they never change them (htop habit: the update
 * pass and the draw pass are separate). Text reaches the views already
 * printable (see textwidth_sanitize), so widths computed by the models are
 * the widths drawn. ncurses is used only here, in keys.c and in screen.c.
 */
#pragma once

#include <curses.h>

#include "ui-tui/chatline.h"
#include "ui-tui/chatlog.h"
#include "ui-tui/inputline.h"
#include "ui-tui/layout.h"
#include "ui-tui/members.h"
#include "ui-tui/status.h"
#include "ui-tui/tiles.h"

/* Sets up colour pairs when the terminal has colours. */
void view_colors_init(void);

/* The first colour pair not taken by view_colors_init(). */
int view_first_free_pair(void);

/* Attributes for a chat style (color: a nick colour for CHAT_STYLE_NICK). */
attr_t view_style_attr(LcChatStyle style, guint color);

/* Attributes of the status line and its scroll marker. */
attr_t view_status_attr(gboolean marker);

/* Draws at most max_cols columns of the first len bytes of text at (y, x);
 * returns the columns drawn. */
int view_put(WINDOW *win, int y, int x, const char *text, gsize len, int max_cols, attr_t attr);

/* Fills cols columns at (y, x) with spaces. */
void view_blank(WINDOW *win, int y, int x, int cols, attr_t attr);

/* Draws the chat log's visible rows. */
void view_chat_draw(WINDOW *win, const LcRect *rect, const LcChatLog *log);

/* Draws the stats pane's lines (already cut to the width), a separator rule first. */
void view_stats_draw(WINDOW *win, const LcRect *rect, const GPtrArray *lines);

/* Draws the camera tiles (LcTile) into their places (LcRect, tiles_place()). */
void view_tiles_draw(WINDOW *win, const GPtrArray *tiles, const GArray *rects);

/* Draws the member list with a separator in its first column. */
void view_members_draw(WINDOW *win, const LcRect *rect, const LcMembers *members, const char *self);

/* Draws the status line. */
void view_status_draw(WINDOW *win, const LcRect *rect, const LcStatus *status, gint64 now_us);

/* Draws the prompt and the input line; *start is the first byte shown (kept
 * by the caller between draws), *cursor_x gets the cursor column. A secret
 * line (a password) shows a star for each character, never the text. */
void view_input_draw(WINDOW *win, const LcRect *rect, const LcInputLine *line, const char *prompt,
                     gboolean secret, gsize *start, int *cursor_x);
