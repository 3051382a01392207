/* ring.c: a growable ring buffer of fixed-size elements held by value. */
#include "net/io/ring.h"

#include <string.h>

/* Doubles the capacity, moving the elements to start at index 0. */
static void ring_grow(LcRing *ring)
{
    guint capacity = ring->capacity ? ring->capacity * 2 : 16;
    guint8 *items = g_malloc_n(capacity, ring->elem_size);
    for (guint i = 0; i < ring->length; i++)
        memcpy(items + i * ring->elem_size, ring_peek(ring, i), ring->elem_size);
    g_free(ring->items);
    ring->items = items;
    ring->capacity = capacity;
    ring->head = 0;
}

/* Appends a zeroed element at the tail. */
gpointer ring_push_tail(LcRing *ring)
{
    if (ring->length == ring->capacity)
        ring_grow(ring);
    ring->length++;
    gpointer elem = ring_peek(ring, ring->length - 1);
    memset(elem, 0, ring->elem_size);
    return elem;
}

/* Removes the oldest element. */
void ring_pop_head(LcRing *ring)
{
    g_assert(ring->length > 0);
    ring->head = (ring->head + 1) & (ring->capacity - 1);
    ring->length--;
}

/* Frees every element and the ring's memory. */
void ring_clear(LcRing *ring, GDestroyNotify free_elem)
{
    while (ring->length > 0) {
        if (free_elem)
            free_elem(ring_peek(ring, 0));
        ring_pop_head(ring);
    }
    g_clear_pointer(&ring->items, g_free);
    ring->capacity = 0;
    ring->head = 0;
}
