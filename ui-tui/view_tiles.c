/* view_tiles.c: draws the camera tiles: a caption row, then the picture's
 * cells, each character in its two colours. */
#include "ui-tui/view.h"

#include <string.h>

/* Full two-colour pictures need a pair per colour combination on screen:
 * only terminals with this many pairs to spare get them; others draw every
 * cell on their own background, a pair per colour. */
#define VIEW_TILES_FULL_PAIRS 4096

static GHashTable *view_tiles_pairs; /* (fg + 1) << 16 | (bg + 1) -> pair */
static int view_tiles_next_pair;     /* 0: not started; pairs come after the views' own */

/* The most pairs the tiles may use: curses' init_pair() takes a short. */
static int view_tiles_pair_limit(void)
{
    return MIN(COLOR_PAIRS, 32767);
}

/*
 * Hands out the pairs again from the first when this drawing could run out
 * of them (every cell a new combination). Done before any cell is drawn: a
 * pair redefined in the middle of a drawing would recolour the cells drawn
 * with it already, while at the start every cell that used it is drawn
 * again in this same pass (all tiles are redrawn whole), before the screen
 * is updated.
 */
static void view_tiles_reserve_pairs(int cells)
{
    if (view_tiles_pairs == NULL)
        view_tiles_pairs = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (view_tiles_next_pair == 0 || view_tiles_next_pair + cells > view_tiles_pair_limit()) {
        g_hash_table_remove_all(view_tiles_pairs);
        view_tiles_next_pair = view_first_free_pair();
    }
}

/* The pair of a cell's colours, made on first use; 0 (the terminal's
 * colours) when none is left. */
static int view_tiles_pair(int fg, int bg)
{
    guint key = ((guint)(fg + 1) << 16) | (guint)(bg + 1);
    gpointer pair = g_hash_table_lookup(view_tiles_pairs, GUINT_TO_POINTER(key));
    if (pair != NULL)
        return GPOINTER_TO_INT(pair);
    if (view_tiles_next_pair >= view_tiles_pair_limit())
        return 0;
    int made = view_tiles_next_pair++;
    init_pair((short)made, (short)fg, (short)bg);
    g_hash_table_insert(view_tiles_pairs, GUINT_TO_POINTER(key), GINT_TO_POINTER(made));
    return made;
}

/* The colours this terminal gives a picture, and whether on its own
 * background only (*fg_only). */
static LcTtyColors view_tiles_colors(gboolean *fg_only)
{
    int spare = view_tiles_pair_limit() - view_first_free_pair();
    *fg_only = spare < VIEW_TILES_FULL_PAIRS;
    if (!has_colors() || spare < 8)
        return TTY_COLORS_NONE;
    LcTtyColors colors = tty_picture_colors_for(COLORS);
    /* The 240-colour palette costs a pair a colour even on the terminal's
     * background: fewer colours where pairs are few. */
    if (colors > TTY_COLORS_16 && (*fg_only && spare < 240))
        colors = TTY_COLORS_16;
    if (colors > TTY_COLORS_8 && spare < 16)
        colors = TTY_COLORS_8;
    return MIN(colors, TTY_COLORS_240); /* curses draws palette colours only */
}

/* Draws one tile. */
static void view_tiles_draw_one(WINDOW *win, const LcRect *r, const LcTile *tile,
                                LcTtyColors colors, gboolean fg_only)
{
    view_blank(win, r->y, r->x, r->w, A_REVERSE);
    view_put(win, r->y, r->x, tile->caption, strlen(tile->caption), r->w, A_REVERSE | A_BOLD);
    for (int y = 1; y < r->h; y++)
        view_blank(win, r->y + y, r->x, r->w, A_NORMAL);
    int cols = 0, rows = 0;
    if (!tty_picture_render(tile->picture, r->w, r->h - 1, colors, fg_only, &cols, &rows))
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
    gboolean fg_only = FALSE;
    LcTtyColors colors = view_tiles_colors(&fg_only);
    int cells = 0;
    for (guint i = 0; i < rects->len; i++)
        cells += g_array_index(rects, LcRect, i).w * g_array_index(rects, LcRect, i).h;
    /* The combinations a drawing can use at most: each cell one, and no
     * more than the colours allow (the terminal's own counts as one). */
    int palette = colors == TTY_COLORS_240 ? 241 : colors == TTY_COLORS_16 ? 17 : 9;
    view_tiles_reserve_pairs(MIN(cells, fg_only ? palette : palette * palette));
    for (guint i = 0; i < tiles->len && i < rects->len; i++) {
        const LcRect *r = &g_array_index(rects, LcRect, i);
        if (r->h > 0)
            view_tiles_draw_one(win, r, g_ptr_array_index(tiles, i), colors, fg_only);
    }
}
