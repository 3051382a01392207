/* Tests of the screen layout (ui-tui/layout.c). */
#include "tui-test-util.h"
#include "ui-tui/layout.h"
#include "ui-tui/tiles.h"

/* Status and input take the last two rows; the member list needs width. */
static void test_layout(void)
{
    LcLayout l;
    layout_compute(30, 100, 12, &l);
    g_assert_false(l.too_small);
    g_assert_cmpint(l.status.y, ==, 28);
    g_assert_cmpint(l.input.y, ==, 29);
    g_assert_cmpint(l.input.w, ==, 100);
    g_assert_cmpint(l.chat.h, ==, 28);
    g_assert_cmpint(l.members.w, ==, 12);
    g_assert_cmpint(l.chat.w + l.members.w, ==, 100);
    layout_compute(20, 60, 12, &l);
    g_assert_cmpint(l.members.w, ==, 0);
    g_assert_cmpint(l.chat.w, ==, 60);
    g_assert_cmpint(l.status.y, ==, 18);
    LcLayout l2;
    layout_compute(20, 60, 30, &l2);
    g_assert_true(layout_equal(&l, &l2));
    layout_compute(3, 60, 12, &l);
    g_assert_true(l.too_small);
    layout_compute(30, 200, 99, &l);
    g_assert_cmpint(l.members.w, ==, LAYOUT_MEMBERS_MAX_W);
}

/* Runs the tests. */
/* Camera tiles: side by side while they stay TILES_MIN_W wide, then in
 * rows; 4:3 in height (w * 3/8 + a caption) up to half the area; none when
 * even one does not fit. */
static void test_tiles(void)
{
    static const struct {
        guint n;
        int w, h;
        int rows;           /* rows taken */
        int tile_w, tile_h; /* of the first tile */
        int last_y;         /* of the last tile (-1: left out) */
    } cases[] = {
        {0, 80, 30, 0, 0, 0, 0},
        {1, 80, 60, 30, 80, 30, 0}, /* 80 * 3/8 + 1 = 31, half the area: 30 */
        {1, 40, 60, 16, 40, 16, 0}, /* 40 * 3/8 + 1 */
        {2, 81, 60, 16, 40, 16, 0}, /* side by side, a column between */
        {7, 80, 60, 10, 12, 5, 5},  /* 6 a row of 12 x 5, 2 rows */
        {3, 80, 5, 0, 0, 0, -1},    /* 2 rows of room: nothing fits */
        {1, 11, 30, 0, 0, 0, -1},   /* narrower than a tile */
        {20, 26, 12, 6, 12, 3, -1}, /* 2 a row, 10 rows wanted, 2 fit */
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        LcRect area = {2, 0, cases[i].h, cases[i].w};
        g_autoptr(GArray) rects = g_array_new(FALSE, TRUE, sizeof(LcRect));
        int rows = tiles_place(cases[i].n, &area, rects);
        g_test_message("case %u: %u tiles in %dx%d: %d rows", i, cases[i].n, cases[i].w, cases[i].h,
                       rows);
        g_assert_cmpint(rows, ==, cases[i].rows);
        g_assert_cmpuint(rects->len, ==, cases[i].n);
        if (cases[i].n == 0)
            continue;
        LcRect first = g_array_index(rects, LcRect, 0);
        g_assert_cmpint(first.w, ==, cases[i].tile_w);
        g_assert_cmpint(first.h, ==, cases[i].tile_h);
        LcRect last = g_array_index(rects, LcRect, rects->len - 1);
        if (cases[i].last_y < 0)
            g_assert_cmpint(last.h, ==, 0);
        else
            g_assert_cmpint(last.y, ==, area.y + cases[i].last_y);
        for (guint t = 0; t < rects->len; t++) {
            LcRect r = g_array_index(rects, LcRect, t);
            if (r.h == 0)
                continue;
            g_assert_cmpint(r.x + r.w, <=, area.x + area.w);
            g_assert_cmpint(r.y + r.h, <=, area.y + rows);
        }
    }
}

int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/layout/rows", test_layout);
    g_test_add_func("/tui/layout/tiles", test_tiles);
    return g_test_run();
}
