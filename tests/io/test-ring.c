/* test-ring.c: the ring buffer behind every connection's output queue. */
#include "net/io/ring.h"

/* FIFO order survives growth and wrap-around. */
static void test_fifo_wrap(void)
{
    LcRing ring = LC_RING_INIT;
    guint next_in = 1, next_out = 1;
    /* Push and pop unevenly so head wraps while the ring grows several times. */
    for (guint round = 0; round < 50; round++) {
        for (guint i = 0; i < round + 3; i++)
            ring_push_tail(&ring, GUINT_TO_POINTER(next_in++));
        for (guint i = 0; i < round + 1; i++)
            g_assert_cmpuint(GPOINTER_TO_UINT(ring_pop_head(&ring)), ==, next_out++);
        for (guint i = 0; i < ring.length; i++)
            g_assert_cmpuint(GPOINTER_TO_UINT(ring_peek(&ring, i)), ==, next_out + i);
    }
    g_assert_cmpuint(ring.length, ==, next_in - next_out);
    g_assert_cmpuint(ring.capacity & (ring.capacity - 1), ==, 0);
    ring_clear(&ring, NULL);
    g_assert_cmpuint(ring.length, ==, 0);
    g_assert_null(ring.items);
}

/* Clearing frees every remaining item. */
static void test_clear_frees(void)
{
    LcRing ring = LC_RING_INIT;
    for (guint i = 0; i < 40; i++)
        ring_push_tail(&ring, g_strdup_printf("item %u", i));
    g_free(ring_pop_head(&ring));
    ring_clear(&ring, g_free); /* LeakSanitizer checks the rest are freed */
    g_assert_cmpuint(ring.length, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ring/fifo-wrap", test_fifo_wrap);
    g_test_add_func("/ring/clear-frees", test_clear_frees);
    return g_test_run();
}
