/* Tests of the redraw source: one redraw per main loop turn (ui-tui/redraw.c). */
#include "tui-test-util.h"
#include "ui-tui/redraw.h"

/* Records each redraw's flags. */
static void on_redraw(guint dirty, gpointer data)
{
    g_array_append_val((GArray *)data, dirty);
}

/* Marks made during one loop turn are drawn once, together, next turn. */
static void test_redraw_once(void)
{
    g_autoptr(GArray) draws = g_array_new(FALSE, FALSE, sizeof(guint));
    GSource *src = redraw_source_new(on_redraw, draws);
    g_source_attach(src, NULL);
    g_assert_false(g_main_context_iteration(NULL, FALSE));
    redraw_mark(src, VIEW_CHAT);
    redraw_mark(src, VIEW_STATUS);
    redraw_mark(src, VIEW_CHAT);
    g_assert_true(g_main_context_iteration(NULL, FALSE));
    g_assert_cmpuint(draws->len, ==, 1);
    g_assert_cmpuint(g_array_index(draws, guint, 0), ==, VIEW_CHAT | VIEW_STATUS);
    g_assert_false(g_main_context_iteration(NULL, FALSE));
    g_assert_cmpuint(draws->len, ==, 1);
    g_source_destroy(src);
    g_source_unref(src);
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/redraw/once-per-turn", test_redraw_once);
    return g_test_run();
}
