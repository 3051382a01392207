/* tiles.c: where camera tiles go. */
#include "ui-tui/tiles.h"

/* Places n tiles in the top of area. */
int tiles_place(guint n, const LcRect *area, GArray *rects)
{
    g_array_set_size(rects, 0);
    if (n == 0)
        return 0;
    int budget = area->h / TILES_MAX_SHARE;
    int per_row = CLAMP((area->w + 1) / (TILES_MIN_W + 1), 1, (int)n);
    int grid_rows = ((int)n + per_row - 1) / per_row;
    int w = (area->w - (per_row - 1)) / per_row;
    /* A 4:3 picture w cells wide is w * 3/8 rows tall, plus the caption. */
    int h = MIN(w * 3 / 8 + 1, grid_rows > 0 ? budget / grid_rows : 0);
    gboolean fits = w >= TILES_MIN_W && h >= TILES_MIN_H;
    int rows_fit = fits ? grid_rows : 0;
    if (!fits && w >= TILES_MIN_W && budget >= TILES_MIN_H) {
        /* Too many rows: as many as fit, the rest left out. */
        h = TILES_MIN_H;
        rows_fit = budget / h;
        fits = rows_fit > 0;
    }
    for (guint i = 0; i < n; i++) {
        int row = (int)i / per_row, col = (int)i % per_row;
        LcRect r = {0};
        if (fits && row < rows_fit)
            r = (LcRect){area->y + row * h, area->x + col * (w + 1), h, w};
        g_array_append_val(rects, r);
    }
    return fits ? MIN(rows_fit, grid_rows) * h : 0;
}
