/* linkemu_queue: loss, bottleneck rate, queue limit and delay for one direction.
 *
 * The model is a router's output port followed by a wire. A packet first
 * meets random loss (as netem decides loss on entry, a lost packet uses no
 * capacity). It then joins the bottleneck buffer; if the buffer is full it
 * is dropped at the tail. The bottleneck sends packets one after another at
 * the rate, so a packet finishes transmission at
 *
 *     tx_end = max(arrival, previous tx_end) + size * 8 / rate
 *
 * and then travels for the propagation delay, drawn uniformly from
 * [delay - jitter, delay + jitter]:
 *
 *     departure = max(tx_end + delay + jitter sample, previous departure)
 *
 * The max with the previous departure keeps packets in FIFO order: jitter
 * never reorders packets, as on a single real path; a packet drawn a short
 * delay waits behind its predecessor instead of overtaking it. Without a rate
 * tx_end is the arrival time and the formula is arrival + delay + jitter.
 *
 * The queue limit counts the packets (or bytes) still waiting for or in
 * transmission at the bottleneck, not those on the wire.
 */
#include "net/linkemu/linkemu_queue.h"

#define QUEUE_NS_PER_US 1000
#define QUEUE_NS_PER_S  G_GINT64_CONSTANT(1000000000)
/* Mixed into the seed so that the jitter stream differs from the loss stream. */
#define QUEUE_JITTER_SEED_MIX 0x9e3779b9u

/* One packet held by the engine. */
typedef struct {
    GBytes *packet;
    gint64 tx_end_ns; /* when the bottleneck has sent its last bit */
    gint64 depart_us; /* when it leaves the far end */
} QueueEntry;

struct _LcLinkQueue {
    LcLinkSpec spec;
    GRand *loss_rand;      /* decides loss, one draw per packet when loss > 0 */
    GRand *jitter_rand;    /* draws jitter, one draw per queued packet when jitter > 0 */
    GQueue held;           /* QueueEntry *, departure times non-decreasing */
    GList *backlog_first;  /* first held entry not yet sent by the bottleneck, or NULL */
    guint backlog_packets; /* entries from backlog_first to the tail */
    guint64 backlog_bytes; /* their bytes */
    gint64 link_free_ns;   /* when the bottleneck finishes its last packet */
    gint64 last_depart_us; /* departure of the newest entry */
    gint64 last_now_us;    /* latest time seen, so time never runs backwards */
    LcLinkCounters counters;
};

/* Returns an empty engine applying spec, its PRNG seeded with seed. */
LcLinkQueue *linkemu_queue_new(const LcLinkSpec *spec, guint32 seed)
{
    LcLinkQueue *queue = g_new0(LcLinkQueue, 1);
    queue->spec = *spec;
    queue->loss_rand = g_rand_new_with_seed(seed);
    queue->jitter_rand = g_rand_new_with_seed(seed ^ QUEUE_JITTER_SEED_MIX);
    g_queue_init(&queue->held);
    return queue;
}

/* Frees one held entry and its packet. */
static void queue_entry_free(gpointer data)
{
    QueueEntry *entry = data;
    g_bytes_unref(entry->packet);
    g_free(entry);
}

/* Frees queue and every packet it still holds. */
void linkemu_queue_free(LcLinkQueue *queue)
{
    if (queue == NULL)
        return;
    g_queue_clear_full(&queue->held, queue_entry_free);
    g_rand_free(queue->loss_rand);
    g_rand_free(queue->jitter_rand);
    g_free(queue);
}

/* Clamps now_us so that time never runs backwards, and returns it. */
static gint64 queue_clock(LcLinkQueue *queue, gint64 now_us)
{
    queue->last_now_us = MAX(queue->last_now_us, now_us);
    return queue->last_now_us;
}

/* Forgets backlog entries that the bottleneck has finished sending by now_us. */
static void queue_backlog_drain(LcLinkQueue *queue, gint64 now_us)
{
    while (queue->backlog_first != NULL) {
        QueueEntry *entry = queue->backlog_first->data;
        if (entry->tx_end_ns > now_us * QUEUE_NS_PER_US)
            break;
        queue->backlog_packets--;
        queue->backlog_bytes -= g_bytes_get_size(entry->packet);
        queue->backlog_first = queue->backlog_first->next;
    }
}

/* Whether a packet of size bytes finds the bottleneck buffer full. */
static gboolean queue_is_full(const LcLinkQueue *queue, gsize size)
{
    guint32 limit_packets = queue->spec.queue_packets;

    if (queue->held.length >= LINKEMU_QUEUE_HARD_LIMIT)
        return TRUE;
    if (queue->spec.rate_bps == 0)
        return FALSE;
    if (limit_packets == 0 && queue->spec.queue_bytes == 0)
        limit_packets = LINKEMU_QUEUE_DEFAULT_PACKETS;
    if (limit_packets > 0 && queue->backlog_packets >= limit_packets)
        return TRUE;
    return queue->spec.queue_bytes > 0 && queue->backlog_bytes + size > queue->spec.queue_bytes;
}

/* Whether random loss takes the next packet. */
static gboolean queue_draw_loss(LcLinkQueue *queue)
{
    if (queue->spec.loss_ppm == 0)
        return FALSE;
    return (guint32)g_rand_int_range(queue->loss_rand, 0, (gint32)LINKEMU_SPEC_PPM) <
           queue->spec.loss_ppm;
}

/* Returns the propagation delay of the next packet, jitter included. */
static gint64 queue_draw_delay(LcLinkQueue *queue)
{
    gint64 delay = (gint64)queue->spec.delay_us;
    gint32 jitter = (gint32)queue->spec.jitter_us; /* at most 60 s, see linkemu_spec.h */

    if (jitter > 0)
        delay += g_rand_int_range(queue->jitter_rand, -jitter, jitter + 1);
    return delay;
}

/* Books the bottleneck for size bytes arriving at now_us; returns when it has sent them. */
static gint64 queue_transmit(LcLinkQueue *queue, gsize size, gint64 now_us)
{
    gint64 now_ns = now_us * QUEUE_NS_PER_US;

    if (queue->spec.rate_bps == 0)
        return now_ns;
    gint64 start_ns = MAX(now_ns, queue->link_free_ns);
    gint64 bits = (gint64)size * 8;
    queue->link_free_ns = start_ns + bits * QUEUE_NS_PER_S / (gint64)queue->spec.rate_bps;
    return queue->link_free_ns;
}

/* Appends packet to the held FIFO with its transmission end and departure. */
static void queue_hold(LcLinkQueue *queue, GBytes *packet, gint64 tx_end_ns, gint64 now_us)
{
    QueueEntry *entry = g_new(QueueEntry, 1);
    gint64 tx_end_us = (tx_end_ns + QUEUE_NS_PER_US - 1) / QUEUE_NS_PER_US;
    gint64 arrive_us = tx_end_us + queue_draw_delay(queue);

    entry->packet = g_bytes_ref(packet);
    entry->tx_end_ns = tx_end_ns;
    entry->depart_us = MAX(arrive_us, queue->last_depart_us);
    queue->last_depart_us = entry->depart_us;
    g_queue_push_tail(&queue->held, entry);
    if (tx_end_ns > now_us * QUEUE_NS_PER_US) {
        if (queue->backlog_first == NULL)
            queue->backlog_first = queue->held.tail;
        queue->backlog_packets++;
        queue->backlog_bytes += g_bytes_get_size(packet);
    }
}

/* Offers packet (referenced if queued) arriving at now_us; says what became of it. */
LcLinkVerdict linkemu_queue_push(LcLinkQueue *queue, GBytes *packet, gint64 now_us)
{
    gsize size = g_bytes_get_size(packet);

    now_us = queue_clock(queue, now_us);
    queue->counters.packets_in++;
    queue->counters.bytes_in += size;
    if (queue_draw_loss(queue)) {
        queue->counters.dropped_loss++;
        return LINKEMU_VERDICT_LOST;
    }
    queue_backlog_drain(queue, now_us);
    if (queue_is_full(queue, size)) {
        queue->counters.dropped_queue++;
        return LINKEMU_VERDICT_QUEUE_FULL;
    }
    queue_hold(queue, packet, queue_transmit(queue, size, now_us), now_us);
    return LINKEMU_VERDICT_QUEUED;
}

/* Returns the oldest packet due at or before now_us (transfer full), or NULL. */
GBytes *linkemu_queue_pop_due(LcLinkQueue *queue, gint64 now_us)
{
    now_us = queue_clock(queue, now_us);
    QueueEntry *entry = g_queue_peek_head(&queue->held);
    if (entry == NULL || entry->depart_us > now_us)
        return NULL;
    queue_backlog_drain(queue, now_us);
    /* departure >= tx_end, so a due packet has left the backlog. */
    g_assert(queue->backlog_first != queue->held.head);
    g_queue_pop_head(&queue->held);
    GBytes *packet = entry->packet;
    g_free(entry);
    queue->counters.packets_out++;
    queue->counters.bytes_out += g_bytes_get_size(packet);
    return packet;
}

/* Returns the departure time of the next packet, or -1 when the queue is empty. */
gint64 linkemu_queue_next_due(const LcLinkQueue *queue)
{
    if (queue->held.head == NULL)
        return -1;
    return ((const QueueEntry *)queue->held.head->data)->depart_us;
}

/* Returns how many packets the queue holds. */
guint linkemu_queue_get_length(const LcLinkQueue *queue)
{
    return queue->held.length;
}

/* Copies the counters of queue into counters. */
void linkemu_queue_get_counters(const LcLinkQueue *queue, LcLinkCounters *counters)
{
    *counters = queue->counters;
}
