/* Tests of the screen layout (ui-tui/layout.c). */
#include "tui-test-util.h"
#include "ui-tui/layout.h"

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
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/layout/rows", test_layout);
    return g_test_run();
}
