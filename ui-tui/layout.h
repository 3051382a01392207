/* layout.h: where each view goes on a terminal of a given size.
 *
 * Plain C. From the top: the chat log (with the member list in a column on
 * the right when the terminal is wide enough), the status line on the
 * second-to-last row, the input line on the last row.
 */
#pragma once

#include <glib.h>

#define LAYOUT_MIN_COLS         20
#define LAYOUT_MIN_ROWS         4
#define LAYOUT_MEMBERS_MIN_COLS 70 /* narrower terminals hide the member list */
#define LAYOUT_MEMBERS_MAX_W    20

typedef struct {
    int y, x, h, w;
} LcRect;

typedef struct {
    gboolean too_small; /* below LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS: nothing fits */
    LcRect chat;
    LcRect members; /* w == 0 when hidden; its first column is the separator */
    LcRect status;
    LcRect input;
} LcLayout;

/* Computes the layout for rows x cols; members_w is the width the member
 * list would like (its longest nick plus margins). */
void layout_compute(int rows, int cols, int members_w, LcLayout *layout);

/* Whether two layouts place every view the same. */
gboolean layout_equal(const LcLayout *a, const LcLayout *b);
