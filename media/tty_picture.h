/* tty_picture.h: a picture drawn with characters, for a terminal without a
 * window (over SSH, or with no display at all). The newest frame is kept
 * small, in RGB; libchafa turns it into a grid of cells (half blocks and
 * other block symbols, each with a foreground and a background colour) at
 * whatever size the terminal gives it, keeping the picture's shape. The
 * cells can be drawn by a curses front end, or printed with escape
 * sequences for a plain terminal. No curses and no sockets here. */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

/* The largest picture kept: frames are scaled down to fit it (a cell
 * stands for 8 x 8 pixels at most, and terminals seldom pass 200 columns). */
#define TTY_PICTURE_MAX_W 320
#define TTY_PICTURE_MAX_H 240

/* The colours a terminal has. */
typedef enum {
    TTY_COLORS_NONE, /* foreground and background only: shapes in one colour */
    TTY_COLORS_8,
    TTY_COLORS_16,
    TTY_COLORS_240, /* the 256-colour palette less its 16 themeable colours */
    TTY_COLORS_TRUE,
} LcTtyColors;

typedef struct LcTtyPicture LcTtyPicture;

LcTtyPicture *tty_picture_new(void);
void tty_picture_free(LcTtyPicture *picture);

/* Keeps a frame: converted to RGB and scaled down to fit TTY_PICTURE_MAX_W x
 * TTY_PICTURE_MAX_H (the frame is not kept). */
void tty_picture_set_frame(LcTtyPicture *picture, const LcRawFrame *frame);
/* Whether a frame was kept. */
gboolean tty_picture_has_frame(const LcTtyPicture *picture);
/* Forgets the frame (a camera that stopped). */
void tty_picture_clear(LcTtyPicture *picture);
/* The colours a terminal of this many colours (curses' COLORS; 16777216 and
 * more: true colour) gets. */
LcTtyColors tty_picture_colors_for(gint colors);

/* The colours of the terminal the environment describes ($TERM,
 * $COLORTERM), as libchafa's terminal database knows it. */
LcTtyColors tty_picture_colors_from_env(void);

/* Draws the kept frame into at most cols x rows cells, its shape kept
 * (cells twice as tall as wide); the cells used go to *used_cols and
 * *used_rows. fg_only: every cell on the terminal's own background, only
 * the symbol coloured (a terminal with few colour pairs to spend). Drawing
 * the same frame the same way again costs nothing. FALSE without a frame
 * or room. */
gboolean tty_picture_render(LcTtyPicture *picture, gint cols, gint rows, LcTtyColors colors,
                            gboolean fg_only, gint *used_cols, gint *used_rows);
/* A cell of the last render: its character, and its colours (palette
 * indexes; 0xRRGGBB in true colour; -1 for the terminal's own). */
gunichar tty_picture_get_cell(LcTtyPicture *picture, gint x, gint y, gint *fg, gint *bg);
/* The last render as text with escape sequences for the terminal described
 * by the environment ($TERM, $COLORTERM): rows end with a reset, "\n"
 * and the rest of the line cleared (transfer full). */
GString *tty_picture_print(LcTtyPicture *picture);

/* Whether the terminal the environment describes shows sixel pictures. */
gboolean tty_picture_sixels_from_env(void);
/* The kept frame as a sixel picture (escape sequences, transfer full) over
 * at most cols x rows cells of cell_w x cell_h pixels, its shape kept; the
 * rows it covers go to *used_rows. NULL without a frame or room. */
GString *tty_picture_print_sixels(LcTtyPicture *picture, gint cols, gint rows, gint cell_w,
                                  gint cell_h, gint *used_rows);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcTtyPicture, tty_picture_free)

G_END_DECLS
