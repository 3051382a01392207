/* ring.h: a growable ring buffer of pointers, a FIFO queue that allocates
 * only when it grows (a GQueue allocates a list node per element). */
#pragma once

#include <glib.h>

typedef struct {
    gpointer *items;
    guint capacity; /* a power of two, or 0 */
    guint head;     /* index of the oldest item */
    guint length;
} LcRing;

/* An empty ring; no memory until the first push. */
#define LC_RING_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

/* Appends an item at the tail. */
void ring_push_tail(LcRing *ring, gpointer item);

/* Removes and returns the oldest item (the ring must not be empty). */
gpointer ring_pop_head(LcRing *ring);

/* The i-th item from the head (i < length). */
static inline gpointer ring_peek(const LcRing *ring, guint i)
{
    return ring->items[(ring->head + i) & (ring->capacity - 1)];
}

/* Frees every item with free_func (may be NULL) and the ring's memory. */
void ring_clear(LcRing *ring, GDestroyNotify free_func);
