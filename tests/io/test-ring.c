/* test-ring.c: the ring buffer behind every connection's output queue. */
#include "net/io/ring.h"

/* An element wider than a pointer, so that the element size is exercised. */
typedef struct {
    guint value;
    guint check;
    char *text;
} TestElem;

/* Pushes one element numbered n. */
static void test_ring_push(LcRing *ring, guint n)
{
    TestElem *e = ring_push_tail(ring);
    g_assert_cmpuint(e->value, ==, 0); /* pushed elements start zeroed */
    e->value = n;
    e->check = ~n;
}

/* FIFO order survives growth and wrap-around. */
static void test_fifo_wrap(void)
{
    LcRing ring = LC_RING_INIT(TestElem);
    guint next_in = 1, next_out = 1;
    /* Push and pop unevenly so head wraps while the ring grows several times. */
    for (guint round = 0; round < 50; round++) {
        for (guint i = 0; i < round + 3; i++)
            test_ring_push(&ring, next_in++);
        for (guint i = 0; i < round + 1; i++) {
            TestElem *e = ring_peek(&ring, 0);
            g_assert_cmpuint(e->value, ==, next_out);
            g_assert_cmpuint(e->check, ==, ~next_out);
            next_out++;
            ring_pop_head(&ring);
        }
        for (guint i = 0; i < ring.length; i++)
            g_assert_cmpuint(((TestElem *)ring_peek(&ring, i))->value, ==, next_out + i);
    }
    g_assert_cmpuint(ring.length, ==, next_in - next_out);
    g_assert_cmpuint(ring.capacity & (ring.capacity - 1), ==, 0);
    ring_clear(&ring, NULL);
    g_assert_cmpuint(ring.length, ==, 0);
    g_assert_null(ring.items);
}

/* Frees the text an element owns. */
static void test_elem_clear(gpointer data)
{
    TestElem *e = data;
    g_free(e->text);
}

/* Clearing hands every remaining element to the free function. */
static void test_clear_frees(void)
{
    LcRing ring = LC_RING_INIT(TestElem);
    for (guint i = 0; i < 40; i++) {
        TestElem *e = ring_push_tail(&ring);
        e->text = g_strdup_printf("item %u", i);
    }
    test_elem_clear(ring_peek(&ring, 0));
    ring_pop_head(&ring);
    ring_clear(&ring, test_elem_clear); /* LeakSanitizer checks the rest are freed */
    g_assert_cmpuint(ring.length, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ring/fifo-wrap", test_fifo_wrap);
    g_test_add_func("/ring/clear-frees", test_clear_frees);
    return g_test_run();
}
