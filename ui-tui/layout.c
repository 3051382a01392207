/* layout.c: where each view goes on a terminal of a given size. */
#include "ui-tui/layout.h"

#include <string.h>

/* Computes the layout. */
void layout_compute(int rows, int cols, int members_w, LcLayout *l)
{
    memset(l, 0, sizeof(*l));
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        l->too_small = TRUE;
        return;
    }
    int mw = cols >= LAYOUT_MEMBERS_MIN_COLS ? CLAMP(members_w, 10, LAYOUT_MEMBERS_MAX_W) : 0;
    l->chat = (LcRect){0, 0, rows - 2, cols - mw};
    l->members = (LcRect){0, cols - mw, mw ? rows - 2 : 0, mw};
    l->status = (LcRect){rows - 2, 0, 1, cols};
    l->input = (LcRect){rows - 1, 0, 1, cols};
}

/* Compares two layouts. */
gboolean layout_equal(const LcLayout *a, const LcLayout *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}
