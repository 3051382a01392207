/* tui_tiles.c: viewed cameras drawn in the terminal: one tile per camera
 * with a frame on show, captioned with the nick, the channel on show and the
 * frame rate, redrawn at most TUI_TILES_FPS times a second whatever the
 * camera's rate, and not while the terminal has not taken the last drawing,
 * so that a slow terminal (or SSH link) shows fewer frames rather than
 * holding up chat and sound. */
#include "ui-tui/tui_private.h"

#include "net/wire/chan_kind.h"
#include "net/wire/clock.h"
#include "src/run/av_viewer.h"
#include "ui-tui/tiles.h"

#include <poll.h>
#include <unistd.h>

#define TUI_TILES_FPS 10

typedef struct {
    LcTui *tui;
    LcAvViewer *viewer; /* not owned */
    gint channel;       /* the channel it shows apart (LcChanKind), or -1: the newest of any */
    LcTtyPicture *picture;
    char *caption;
    guint frames;     /* shown since the last caption */
    gint64 since_us;  /* when the last caption was made */
    gboolean showing; /* the picture has a frame: the tile is on screen */
    guint ended;      /* the viewer's stream count when its camera stopped, else 0 */
} LcTuiTile;

struct _LcTuiTiles {
    GPtrArray *tiles; /* LcTuiTile */
    GPtrArray *drawn; /* LcTile: what the screen draws, rebuilt on change */
    gint64 drawn_us;  /* the last frame redraw */
    guint timer;      /* a frame redraw held back by the rate cap */
};

/* Frees a tile. */
static void tui_tiles_tile_free(gpointer data)
{
    LcTuiTile *t = data;
    g_free(t->caption);
    g_free(t);
}

/* Creates the tiles' state. */
void tui_tiles_init(LcTui *tui)
{
    LcTuiTiles *s = g_new0(LcTuiTiles, 1);
    s->tiles = g_ptr_array_new_with_free_func(tui_tiles_tile_free);
    s->drawn = g_ptr_array_new_with_free_func(g_free);
    tui->tiles = s;
}

/* Frees the tiles' state. */
void tui_tiles_clear(LcTui *tui)
{
    LcTuiTiles *s = tui->tiles;
    if (s == NULL)
        return;
    g_clear_handle_id(&s->timer, g_source_remove);
    g_ptr_array_unref(s->tiles);
    g_ptr_array_unref(s->drawn);
    g_free(s);
    tui->tiles = NULL;
}

/* The caption: nick, channel on show, frames a second over the last one. */
static void tui_tiles_caption(LcTuiTile *t, gint64 now)
{
    const char *channel = t->channel >= 0 ? chan_kind_name((LcChanKind)t->channel)
                                          : av_viewer_get_shown_channel(t->viewer);
    g_free(t->caption);
    double seconds = (double)(now - t->since_us) / G_USEC_PER_SEC;
    if (t->since_us == 0 || seconds <= 0)
        t->caption =
            g_strdup_printf(" %s · %s", av_viewer_get_nick(t->viewer), channel ? channel : "-");
    else
        t->caption = g_strdup_printf(" %s · %s · %.0f fps", av_viewer_get_nick(t->viewer),
                                     channel ? channel : "-", t->frames / seconds);
    t->frames = 0;
    t->since_us = now;
}

/* Rebuilds what the screen draws: the tiles with a frame, in view order. */
static void tui_tiles_rebuild(LcTui *tui)
{
    LcTuiTiles *s = tui->tiles;
    g_ptr_array_set_size(s->drawn, 0);
    for (guint i = 0; i < s->tiles->len; i++) {
        LcTuiTile *t = g_ptr_array_index(s->tiles, i);
        if (!t->showing)
            continue;
        LcTile *tile = g_new(LcTile, 1);
        *tile = (LcTile){t->caption, t->picture};
        g_ptr_array_add(s->drawn, tile);
    }
    tui_mark(tui, VIEW_CHAT); /* the chat log gives up or gets back rows */
}

/* Whether the terminal takes output now. Over a slow link the last
 * drawing may still be on its way: drawing more would only make the program
 * wait on the terminal, with chat and sound held up behind it. */
static gboolean tui_tiles_terminal_ready(void)
{
    struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
}

static gboolean tui_tiles_on_timer(gpointer data);

/* Redraws the tiles now, or when the rate cap and the terminal allow. */
static void tui_tiles_redraw(LcTui *tui)
{
    LcTuiTiles *s = tui->tiles;
    if (s->timer != 0)
        return;
    gint64 now = clock_now_us(), gap = G_USEC_PER_SEC / TUI_TILES_FPS;
    if (now - s->drawn_us >= gap && tui_tiles_terminal_ready()) {
        s->drawn_us = now;
        tui_mark(tui, VIEW_TILES);
        return;
    }
    gint64 wait_us = MAX(gap - (now - s->drawn_us), gap / 4);
    s->timer = g_timeout_add((guint)(wait_us / 1000 + 1), tui_tiles_on_timer, tui);
}

/* The rate cap or a busy terminal held a redraw back. */
static gboolean tui_tiles_on_timer(gpointer data)
{
    LcTui *tui = data;
    tui->tiles->timer = 0;
    tui_tiles_redraw(tui);
    return G_SOURCE_REMOVE;
}

/* The tile showing a viewer's picture, or NULL. */
static LcTuiTile *tui_tiles_find(LcTuiTiles *s, LcAvViewer *viewer, LcTtyPicture *picture)
{
    for (guint i = 0; i < s->tiles->len; i++) {
        LcTuiTile *t = g_ptr_array_index(s->tiles, i);
        if (t->viewer == viewer && (picture == NULL || t->picture == picture))
            return t;
    }
    return NULL;
}

/* A new frame is on show in a tile's picture. */
static void tui_tiles_on_picture(LcAvViewer *viewer, LcTtyPicture *picture, gpointer data)
{
    LcTui *tui = data;
    LcTuiTile *t = tui_tiles_find(tui->tiles, viewer, picture);
    if (t == NULL)
        return;
    /* The stopped camera's last frames, decoded late, do not bring its tile
     * back; the next stream's first frame does. */
    if (t->ended != 0 && av_viewer_get_stream_count(viewer) == t->ended)
        return;
    t->ended = 0;
    t->frames++;
    if (!t->showing) {
        t->showing = TRUE;
        tui_tiles_caption(t, clock_now_us());
        t->since_us = clock_now_us();
        tui_tiles_rebuild(tui);
        return;
    }
    tui_tiles_redraw(tui);
}

/* Adds a tile for a picture of a viewer. */
static void tui_tiles_add_one(LcTui *tui, LcAvViewer *viewer, LcTtyPicture *picture, gint channel)
{
    LcTuiTile *t = g_new0(LcTuiTile, 1);
    t->tui = tui;
    t->viewer = viewer;
    t->picture = picture;
    t->channel = channel;
    g_ptr_array_add(tui->tiles->tiles, t);
}

/* Shows a viewer's camera in a tile from its next frame on: one tile, or
 * with its channels apart a tile each, side by side. */
void tui_tiles_add(LcTui *tui, LcAvViewer *viewer, gboolean apart)
{
    LcTtyPicture *merged = av_viewer_show_in_terminal(viewer, tui_tiles_on_picture, tui);
    if (!apart) {
        tui_tiles_add_one(tui, viewer, merged, -1);
        return;
    }
    for (gint ch = 0; ch < LC_CHAN_KINDS; ch++)
        tui_tiles_add_one(tui, viewer, av_viewer_get_channel_picture(viewer, (LcChanKind)ch), ch);
}

/* Removes a viewer's tiles (before the viewer goes). */
void tui_tiles_remove(LcTui *tui, LcAvViewer *viewer)
{
    gboolean showing = FALSE;
    for (guint i = tui->tiles->tiles->len; i > 0; i--) {
        LcTuiTile *t = g_ptr_array_index(tui->tiles->tiles, i - 1);
        if (t->viewer != viewer)
            continue;
        showing = showing || t->showing;
        g_ptr_array_remove_index(tui->tiles->tiles, i - 1);
    }
    if (showing)
        tui_tiles_rebuild(tui);
}

/* A viewed camera stopped: its tiles go until the next stream's first
 * frame. */
void tui_tiles_stream_ended(LcTui *tui, LcAvViewer *viewer)
{
    gboolean changed = FALSE;
    for (guint i = 0; i < tui->tiles->tiles->len; i++) {
        LcTuiTile *t = g_ptr_array_index(tui->tiles->tiles, i);
        if (t->viewer != viewer || !t->showing)
            continue;
        t->showing = FALSE;
        t->ended = MAX(av_viewer_get_stream_count(viewer), 1);
        tty_picture_clear(t->picture);
        changed = TRUE;
    }
    if (changed)
        tui_tiles_rebuild(tui);
}

/* Once a second: the captions' frame rates. */
void tui_tiles_tick(LcTui *tui)
{
    LcTuiTiles *s = tui->tiles;
    gint64 now = clock_now_us();
    gboolean any = FALSE;
    for (guint i = 0; i < s->tiles->len; i++) {
        LcTuiTile *t = g_ptr_array_index(s->tiles, i);
        if (t->showing) {
            tui_tiles_caption(t, now);
            any = TRUE;
        }
    }
    if (any)
        tui_tiles_rebuild(tui);
}

/* The tiles to draw (LcTile); empty when none. */
const GPtrArray *tui_tiles_get(LcTui *tui)
{
    return tui->tiles->drawn;
}
