/* ring.c: a growable ring buffer of pointers. */
#include "net/io/ring.h"

#include <string.h>

/* Doubles the capacity, moving the items to start at index 0. */
static void ring_grow(LcRing *ring)
{
    guint capacity = ring->capacity ? ring->capacity * 2 : 16;
    gpointer *items = g_new(gpointer, capacity);
    for (guint i = 0; i < ring->length; i++)
        items[i] = ring_peek(ring, i);
    g_free(ring->items);
    ring->items = items;
    ring->capacity = capacity;
    ring->head = 0;
}

/* Appends an item at the tail. */
void ring_push_tail(LcRing *ring, gpointer item)
{
    if (ring->length == ring->capacity)
        ring_grow(ring);
    ring->items[(ring->head + ring->length) & (ring->capacity - 1)] = item;
    ring->length++;
}

/* Removes and returns the oldest item. */
gpointer ring_pop_head(LcRing *ring)
{
    g_assert(ring->length > 0);
    gpointer item = ring->items[ring->head];
    ring->head = (ring->head + 1) & (ring->capacity - 1);
    ring->length--;
    return item;
}

/* Frees every item and the ring's memory. */
void ring_clear(LcRing *ring, GDestroyNotify free_func)
{
    while (ring->length > 0) {
        gpointer item = ring_pop_head(ring);
        if (free_func)
            free_func(item);
    }
    g_clear_pointer(&ring->items, g_free);
    ring->capacity = 0;
    ring->head = 0;
}
