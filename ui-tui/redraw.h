/* redraw.h: dirty flags and the one redraw per main loop turn (tmux habit).
 *
 * Events change models and mark views dirty here; nothing draws at once. The
 * source is ready whenever something is dirty, so the main loop dispatches
 * it once per turn, after the events of the turn before, and it draws
 * everything that turn made dirty in one pass. At the default priority it is
 * never starved by a busy network.
 */
#pragma once

#include <glib.h>

typedef enum {
    VIEW_CHAT = 1 << 0,
    VIEW_MEMBERS = 1 << 1,
    VIEW_STATUS = 1 << 2,
    VIEW_INPUT = 1 << 3,
    VIEW_RESIZE = 1 << 4, /* the terminal changed size: clear and draw all */
    VIEW_TILES = 1 << 5,  /* a camera tile has a new frame (VIEW_CHAT draws them too) */
    VIEW_ALL = 0x3F,
} LcViewFlags;

/* Draws the views in dirty (LcViewFlags). */
typedef void (*LcRedrawFunc)(guint dirty, gpointer user_data);

/* Creates the redraw source (attach it to the main context). */
GSource *redraw_source_new(LcRedrawFunc func, gpointer user_data);

/* Marks views dirty; they are drawn on the next loop turn. */
void redraw_mark(GSource *source, guint flags);
