/* view_tiles.c: draws the camera tiles: a caption row, then the picture's
 * cells, each character in its two colours. */
#include "ui-tui/view.h"

#include <string.h>

static GHashTable *view_tiles_pairs; /* (fg + 1) << 16 | (bg + 1) -> pair */
static int view_tiles_next_pair;     /* 0: not started; pairs come after the views' own */

/*
 * The pair of a cell's colours, made on first use. When the terminal's pairs
 * run out they are all handed out again from the start: the tiles are drawn
 * again whole at their next frame, so a cell in stale colours lasts a frame.
 */
static int view_tiles_pair(int fg, int bg)
{
    if (view_tiles_pairs == NULL)
        view_tiles_pairs = g_hash_table_new(g_direct_hash, g_direct_equal);
    guint key = ((guint)(fg + 1) << 16) | (guint)(bg + 1);
    gpointer pair = g_hash_table_lookup(view_tiles_pairs, GUINT_TO_POINTER(key));
    if (pair != NULL)
        return GPOINTER_TO_INT(pair);
    int limit = MIN(COLOR_PAIRS, 32767);
    if (view_tiles_next_pair == 0 || view_tiles_next_pair >= limit) {
        g_hash_table_remove_all(view_tiles_pairs);
        view_tiles_next_pair = view_first_free_pair();
    }
    if (view_tiles_next_pair >= limit)
        return 0;
    int made = view_tiles_next_pair++;
    init_pair((short)made, (short)fg, (short)bg);
    g_hash_table_insert(view_tiles_pairs, GUINT_TO_POINTER(key), GINT_TO_POINTER(made));
    return made;
}

/* The colours this terminal gives a picture. */
static LcTtyColors view_tiles_colors(void)
{
    if (!has_colors())
        return TTY_COLORS_NONE;
    /* Pairs cost one a colour combination: 240 colours need plenty. */
    if (COLORS >= 256 && COLOR_PAIRS >= 4096)
        return TTY_COLORS_240;
    return tty_picture_colors_for(MIN(COLORS, 16));
}

/* Draws one tile. */
static void view_tiles_draw_one(WINDOW *win, const LcRect *r, const LcTile *tile,
                                LcTtyColors colors)
{
    view_blank(win, r->y, r->x, r->w, A_REVERSE);
    view_put(win, r->y, r->x, tile->caption, strlen(tile->caption), r->w, A_REVERSE | A_BOLD);
    for (int y = 1; y < r->h; y++)
        view_blank(win, r->y + y, r->x, r->w, A_NORMAL);
    int cols = 0, rows = 0;
    if (!tty_picture_render(tile->picture, r->w, r->h - 1, colors, &cols, &rows))
        return;
    int left = r->x + (r->w - cols) / 2;
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
            int fg, bg;
            gunichar c = tty_picture_get_cell(tile->picture, x, y, &fg, &bg);
            char utf8[8];
            int len = g_unichar_to_utf8(c, utf8);
            int pair = colors == TTY_COLORS_NONE ? 0 : view_tiles_pair(fg, bg);
            /* COLOR_PAIR() holds 256 pairs; wattr_set() takes them all. */
            wattr_set(win, A_NORMAL, (short)pair, NULL);
            mvwaddnstr(win, r->y + 1 + y, left + x, utf8, len);
        }
    }
    wattrset(win, A_NORMAL);
}

/* Draws every tile into its place (rects from tiles_place()). */
void view_tiles_draw(WINDOW *win, const GPtrArray *tiles, const GArray *rects)
{
    LcTtyColors colors = view_tiles_colors();
    for (guint i = 0; i < tiles->len && i < rects->len; i++) {
        const LcRect *r = &g_array_index(rects, LcRect, i);
        if (r->h > 0)
            view_tiles_draw_one(win, r, g_ptr_array_index(tiles, i), colors);
    }
}
