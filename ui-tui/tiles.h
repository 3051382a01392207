/* tiles.h: cameras shown in the terminal, as tiles above the chat log: one
 * per viewed camera with a frame to show, each a caption row (the nick, the
 * channel on show, the frame rate) over the picture.
 *
 * Plain C: the tiles' model and where they go; view_tiles.c draws them.
 */
#pragma once

#include <glib.h>

#include "media/tty_picture.h"
#include "ui-tui/layout.h"

#define TILES_MIN_W     12 /* narrower tiles wrap into another row */
#define TILES_MIN_H     3  /* a caption and two rows of picture */
#define TILES_MAX_SHARE 2  /* tiles take at most 1/TILES_MAX_SHARE of the chat area's rows */

typedef struct {
    const char *caption;   /* "alice · udp · 10 fps" */
    LcTtyPicture *picture; /* has a frame */
} LcTile;

/*
 * Places n tiles in the top rows of area: as many side by side as stay
 * TILES_MIN_W wide, in as few rows as that takes, each tile as tall as its
 * width wants for a 4:3 picture (cells twice as tall as wide) and no taller
 * than the share of the area allows. rects gets n LcRect (tiles that do not
 * fit get h = 0); returns the rows taken (0: none fit).
 */
int tiles_place(guint n, const LcRect *area, GArray *rects);
