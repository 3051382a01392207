/* ring.h: a growable ring buffer of fixed-size elements held by value, a FIFO
 * queue that allocates only when it grows (a GQueue allocates a list node per
 * element, and a queue of pointers one block per element). */
#pragma once

#include <glib.h>

typedef struct {
    guint8 *items;
    gsize elem_size;
    guint capacity; /* a power of two, or 0 */
    guint head;     /* index of the oldest element */
    guint length;
} LcRing;

/* An empty ring of elements of type `type`; no memory until the first push. */
#define LC_RING_INIT(type)                                                                         \
    {                                                                                              \
        NULL, sizeof(type), 0, 0, 0                                                                \
    }

/* Appends a zeroed element at the tail and returns it for the caller to fill.
 * The pointer is valid until the next push (which may move the elements). */
gpointer ring_push_tail(LcRing *ring);

/* Removes the oldest element (the ring must not be empty); read it first with
 * ring_peek(ring, 0). */
void ring_pop_head(LcRing *ring);

/* The i-th element from the head (i < length), valid until the next push. */
static inline gpointer ring_peek(const LcRing *ring, guint i)
{
    return ring->items + ((ring->head + i) & (ring->capacity - 1)) * ring->elem_size;
}

/* Calls free_elem (may be NULL) on every element, oldest first, and frees the
 * ring's memory. */
void ring_clear(LcRing *ring, GDestroyNotify free_elem);
