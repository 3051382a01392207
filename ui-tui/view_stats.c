/* view_stats.c: draws the stats pane in the lower rows of the chat area. */
#include "ui-tui/view.h"

#include <string.h>

/* Draws the pane's lines; the first (the title) is bold, the header dim. */
void view_stats_draw(WINDOW *win, const LcRect *r, const GPtrArray *lines)
{
    for (int y = 0; y < r->h; y++) {
        view_blank(win, r->y + y, r->x, r->w, A_NORMAL);
        if ((guint)y >= lines->len)
            continue;
        const char *text = g_ptr_array_index(lines, (guint)y);
        attr_t attr = y == 0 ? A_BOLD : y == 1 ? A_UNDERLINE : A_NORMAL;
        view_put(win, r->y + y, r->x, text, strlen(text), r->w, attr);
    }
}
