/* linkemu_queue: the impairment engine for one direction of an emulated link.
 *
 * Pure: no clock, no I/O. The caller passes the current time (microseconds on
 * a monotonic clock, never going backwards) to every call, pushes packets as
 * they arrive and pops them when their departure time has come. A seeded PRNG
 * decides loss and jitter, so a run is reproducible.
 */
#pragma once

#include <glib.h>

#include "net/linkemu/linkemu_spec.h"

G_BEGIN_DECLS

/* The bottleneck buffer, in packets, when a rate is set without queue=. */
#define LINKEMU_QUEUE_DEFAULT_PACKETS 1000u
/* Packets held in all (waiting and in flight), whatever the spec says; bounds memory. */
#define LINKEMU_QUEUE_HARD_LIMIT 65536u

/* What happened to one direction's packets. */
typedef struct {
    guint64 packets_in;    /* packets offered to the link */
    guint64 bytes_in;      /* their bytes */
    guint64 packets_out;   /* packets that left the far end */
    guint64 bytes_out;     /* their bytes */
    guint64 dropped_loss;  /* packets dropped by random loss */
    guint64 dropped_queue; /* packets dropped because the queue was full */
    guint64 write_errors; /* packets the far end refused (counted by the emulator, not the queue) */
} LcLinkCounters;

/* The fate of a pushed packet. */
typedef enum {
    LINKEMU_VERDICT_QUEUED,     /* it will leave at linkemu_queue_next_due() or later */
    LINKEMU_VERDICT_LOST,       /* dropped by random loss */
    LINKEMU_VERDICT_QUEUE_FULL, /* dropped at the tail of a full queue */
} LcLinkVerdict;

typedef struct _LcLinkQueue LcLinkQueue;

/* Returns an empty engine applying spec, its PRNG seeded with seed. */
LcLinkQueue *linkemu_queue_new(const LcLinkSpec *spec, guint32 seed);

/* Frees queue and every packet it still holds. */
void linkemu_queue_free(LcLinkQueue *queue);

/* Offers packet (referenced if queued) arriving at now_us; says what became of it. */
LcLinkVerdict linkemu_queue_push(LcLinkQueue *queue, GBytes *packet, gint64 now_us);

/* Returns the oldest packet due at or before now_us (transfer full), or NULL. */
GBytes *linkemu_queue_pop_due(LcLinkQueue *queue, gint64 now_us);

/* Returns the departure time of the next packet, or -1 when the queue is empty. */
gint64 linkemu_queue_next_due(const LcLinkQueue *queue);

/* Returns how many packets the queue holds. */
guint linkemu_queue_get_length(const LcLinkQueue *queue);

/* Copies the counters of queue into counters. */
void linkemu_queue_get_counters(const LcLinkQueue *queue, LcLinkCounters *counters);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcLinkQueue, linkemu_queue_free)

G_END_DECLS
