/* test-source.c: the one-shot sources of net/io/source.c on a real loop. */
#include "net/io/source.h"

typedef struct {
    GSource *slot;
    guint fired;
    gboolean slot_was_empty; /* *slot was NULL when the callback ran */
    guint rearm;             /* times the callback arms itself again */
} Once;

/* Counts a firing and arms again while asked to. */
static void test_once_fire(gpointer data)
{
    Once *o = data;
    o->fired++;
    o->slot_was_empty = o->slot == NULL;
    if (o->rearm > 0) {
        o->rearm--;
        source_once(&o->slot, 1, test_once_fire, o);
    }
}

/* Runs the default context for ms milliseconds. */
static void test_run_for(guint ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (g_get_monotonic_time() < end)
        g_main_context_iteration(NULL, FALSE);
}

/* It fires once, with its slot already empty; arming an armed slot does
 * nothing; the callback may arm it again. */
static void test_once_fires_once(void)
{
    Once o = {0};
    source_once(&o.slot, 0, test_once_fire, &o);
    GSource *first = o.slot;
    source_once(&o.slot, 0, test_once_fire, &o); /* already armed: ignored */
    g_assert_true(o.slot == first);
    test_run_for(20);
    g_assert_cmpuint(o.fired, ==, 1);
    g_assert_true(o.slot_was_empty);
    g_assert_null(o.slot);

    o.rearm = 3;
    source_once(&o.slot, 1, test_once_fire, &o);
    test_run_for(100);
    g_assert_cmpuint(o.fired, ==, 5);
    g_assert_null(o.slot);
}

/* Dropping the slot cancels it (and frees what it held: LeakSanitizer). */
static void test_once_drop_cancels(void)
{
    Once o = {0};
    source_once(&o.slot, 5, test_once_fire, &o);
    source_drop(&o.slot);
    test_run_for(30);
    g_assert_cmpuint(o.fired, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/source/once/fires-once", test_once_fires_once);
    g_test_add_func("/source/once/drop-cancels", test_once_drop_cancels);
    return g_test_run();
}
