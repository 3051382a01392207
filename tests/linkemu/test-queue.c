/* Tests of linkemu_queue: delay, loss, rate, FIFO order under jitter, and queue limits. */
#include "net/linkemu/linkemu_queue.h"

#include <string.h>

/* A fixed seed, so that loss and jitter tests see the same draws on every run. */
#define TEST_SEED 42u

/* Returns an engine for spec_text with TEST_SEED. */
static LcLinkQueue *queue_new_from_text(const char *spec_text)
{
    LcLinkSpec spec;
    g_autoptr(GError) error = NULL;

    g_assert_true(linkemu_spec_parse(spec_text, &spec, &error));
    g_assert_no_error(error);
    return linkemu_queue_new(&spec, TEST_SEED);
}

/* Returns a packet of size bytes whose first four bytes hold seq. */
static GBytes *packet_new(gsize size, guint32 seq)
{
    guint8 *data = g_malloc0(MAX(size, sizeof seq));
    memcpy(data, &seq, sizeof seq);
    return g_bytes_new_take(data, size);
}

/* Returns the sequence number written by packet_new(). */
static guint32 packet_seq(GBytes *packet)
{
    guint32 seq;
    memcpy(&seq, g_bytes_get_data(packet, NULL), sizeof seq);
    return seq;
}

/* Pushes a packet of size bytes at now_us and returns the verdict. */
static LcLinkVerdict queue_push_sized(LcLinkQueue *queue, gsize size, guint32 seq, gint64 now_us)
{
    g_autoptr(GBytes) packet = packet_new(size, seq);
    return linkemu_queue_push(queue, packet, now_us);
}

/* Pops every packet due by now_us; returns how many. */
static guint queue_drain(LcLinkQueue *queue, gint64 now_us)
{
    GBytes *packet;
    guint n = 0;

    while ((packet = linkemu_queue_pop_due(queue, now_us)) != NULL) {
        g_bytes_unref(packet);
        n++;
    }
    return n;
}

/* The delay is applied exactly: due at arrival + delay, not a microsecond before. */
static void test_queue_delay(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("delay=20ms");
    g_autoptr(GBytes) packet = packet_new(100, 7);

    g_assert_cmpint(linkemu_queue_next_due(queue), ==, -1);
    g_assert_cmpint(linkemu_queue_push(queue, packet, 1000), ==, LINKEMU_VERDICT_QUEUED);
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, 21000);
    g_assert_null(linkemu_queue_pop_due(queue, 20999));
    g_autoptr(GBytes) out = linkemu_queue_pop_due(queue, 21000);
    g_assert_nonnull(out);
    g_assert_true(g_bytes_equal(out, packet));
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, -1);
}

/* A perfect link hands a packet over at once. */
static void test_queue_none(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("none");

    g_assert_cmpint(queue_push_sized(queue, 1500, 0, 500), ==, LINKEMU_VERDICT_QUEUED);
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, 500);
    g_assert_cmpuint(queue_drain(queue, 500), ==, 1);
}

/* Returns how many of n packets loss_text drops, with TEST_SEED. */
static guint queue_count_lost(const char *spec_text, guint n)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text(spec_text);
    guint lost = 0;

    for (guint i = 0; i < n; i++) {
        if (queue_push_sized(queue, 64, i, i) == LINKEMU_VERDICT_LOST)
            lost++;
        queue_drain(queue, i);
    }
    queue_drain(queue, (gint64)n + G_USEC_PER_SEC);
    LcLinkCounters counters;
    linkemu_queue_get_counters(queue, &counters);
    g_assert_cmpuint(counters.dropped_loss, ==, lost);
    g_assert_cmpuint(counters.packets_out, ==, n - lost);
    return lost;
}

/* Over 100k packets the loss fraction is within 0.3 points of the spec for a fixed seed. */
static void test_queue_loss_fraction(void)
{
    static const struct {
        const char *spec;
        double fraction;
    } cases[] = {{"loss=10%", 0.10}, {"loss=2%", 0.02}, {"loss=0.5", 0.5}, {"loss=0.1%", 0.001}};
    const guint n = 100000;

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        double measured = (double)queue_count_lost(cases[i].spec, n) / n;
        g_test_message("%s: %.4f of %u packets lost", cases[i].spec, measured, n);
        g_assert_cmpfloat_with_epsilon(measured, cases[i].fraction, 0.003);
    }
    g_assert_cmpuint(queue_count_lost("loss=100%", 1000), ==, 1000);
    g_assert_cmpuint(queue_count_lost("delay=1ms", 1000), ==, 0);
}

/* The same seed drops the same packets. */
static void test_queue_loss_reproducible(void)
{
    g_autoptr(LcLinkQueue) first = queue_new_from_text("loss=30%");
    g_autoptr(LcLinkQueue) second = queue_new_from_text("loss=30%");

    for (guint i = 0; i < 1000; i++) {
        LcLinkVerdict a = queue_push_sized(first, 100, i, i);
        LcLinkVerdict b = queue_push_sized(second, 100, i, i);
        g_assert_cmpint(a, ==, b);
    }
}

/* 1000 packets of 1250 bytes at 10 Mbit/s take exactly one second, one millisecond each. */
static void test_queue_rate(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("rate=10mbit,queue=2000");

    for (guint i = 0; i < 1000; i++)
        g_assert_cmpint(queue_push_sized(queue, 1250, i, 0), ==, LINKEMU_VERDICT_QUEUED);
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, 1000);
    g_assert_cmpuint(queue_drain(queue, 500000), ==, 500);
    g_assert_cmpuint(queue_drain(queue, 999999), ==, 499);
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, 1000000);
    g_assert_cmpuint(queue_drain(queue, 1000000), ==, 1);
}

/* A packet waits for the bottleneck first and then for the propagation delay. */
static void test_queue_rate_then_delay(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("delay=20ms,rate=10mbit");

    queue_push_sized(queue, 1250, 0, 0);
    queue_push_sized(queue, 1250, 1, 0);
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, 21000);
    g_assert_cmpuint(queue_drain(queue, 21000), ==, 1);
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, 22000);
    /* An idle link sends a late packet at once. */
    queue_drain(queue, 22000);
    queue_push_sized(queue, 1250, 2, 100000);
    g_assert_cmpint(linkemu_queue_next_due(queue), ==, 121000);
}

/* Sends count packets interval_us apart on a jittery link; checks order, gives the delay range. */
static void queue_run_jitter(guint count, gint64 interval_us, gint64 *min_delay, gint64 *max_delay)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("delay=10ms,jitter=5ms");
    guint32 expected = 0;
    gint64 last_due = 0;
    gint64 end = (gint64)count * interval_us + 20000;

    *min_delay = G_MAXINT64;
    *max_delay = 0;
    for (gint64 now = 0; now <= end; now += 10) {
        if (now % interval_us == 0 && now / interval_us < count)
            queue_push_sized(queue, 200, (guint32)(now / interval_us), now);
        GBytes *packet;
        while ((packet = linkemu_queue_pop_due(queue, now)) != NULL) {
            g_assert_cmpuint(packet_seq(packet), ==, expected);
            gint64 delay = now - (gint64)expected * interval_us;
            *min_delay = MIN(*min_delay, delay);
            *max_delay = MAX(*max_delay, delay);
            g_bytes_unref(packet);
            expected++;
        }
        gint64 due = linkemu_queue_next_due(queue);
        g_assert_true(due == -1 || due >= last_due);
        last_due = MAX(last_due, due);
    }
    g_assert_cmpuint(expected, ==, count);
}

/* Jitter spreads the delay over [delay - jitter, delay + jitter] and never reorders packets. */
static void test_queue_jitter_fifo(void)
{
    gint64 min_delay;
    gint64 max_delay;

    /* Packets further apart than the jitter range: each keeps its own draw. */
    queue_run_jitter(2000, 20000, &min_delay, &max_delay);
    g_test_message("sparse: delay %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " us", min_delay,
                   max_delay);
    g_assert_cmpint(min_delay, >=, 5000);
    g_assert_cmpint(min_delay, <, 5100);
    g_assert_cmpint(max_delay, <=, 15000);
    g_assert_cmpint(max_delay, >, 14900);
    /* Dense packets: holding one back behind its predecessor only adds delay, within range. */
    queue_run_jitter(20000, 50, &min_delay, &max_delay);
    g_test_message("dense: delay %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " us", min_delay,
                   max_delay);
    g_assert_cmpint(min_delay, >=, 5000);
    g_assert_cmpint(max_delay, <=, 15000);
}

/* A full packet queue drops at the tail, and takes packets again once the bottleneck sent some. */
static void test_queue_limit_packets(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("rate=1mbit,queue=10");
    LcLinkCounters counters;

    for (guint i = 0; i < 20; i++) {
        LcLinkVerdict want = i < 10 ? LINKEMU_VERDICT_QUEUED : LINKEMU_VERDICT_QUEUE_FULL;
        g_assert_cmpint(queue_push_sized(queue, 1000, i, 0), ==, want);
    }
    /* 1000 bytes at 1 Mbit/s take 8 ms: at 8 ms one place is free, not two. */
    g_assert_cmpint(queue_push_sized(queue, 1000, 20, 7999), ==, LINKEMU_VERDICT_QUEUE_FULL);
    g_assert_cmpint(queue_push_sized(queue, 1000, 21, 8000), ==, LINKEMU_VERDICT_QUEUED);
    g_assert_cmpint(queue_push_sized(queue, 1000, 22, 8000), ==, LINKEMU_VERDICT_QUEUE_FULL);
    linkemu_queue_get_counters(queue, &counters);
    g_assert_cmpuint(counters.packets_in, ==, 23);
    g_assert_cmpuint(counters.dropped_queue, ==, 12);
    /* Ten wait for the bottleneck; the first one is sent and due, but not popped yet. */
    g_assert_cmpuint(linkemu_queue_get_length(queue), ==, 11);
}

/* A byte limit takes packets while their bytes fit. */
static void test_queue_limit_bytes(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("rate=1mbit,queue=3kb");

    for (guint i = 0; i < 3; i++)
        g_assert_cmpint(queue_push_sized(queue, 1000, i, 0), ==, LINKEMU_VERDICT_QUEUED);
    g_assert_cmpint(queue_push_sized(queue, 1000, 3, 0), ==, LINKEMU_VERDICT_QUEUE_FULL);
    g_assert_cmpint(queue_push_sized(queue, 72, 4, 0), ==, LINKEMU_VERDICT_QUEUED);
}

/* With a rate and no queue= the buffer holds LINKEMU_QUEUE_DEFAULT_PACKETS. */
static void test_queue_limit_default(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("rate=1mbit");

    for (guint i = 0; i < LINKEMU_QUEUE_DEFAULT_PACKETS; i++)
        g_assert_cmpint(queue_push_sized(queue, 100, i, 0), ==, LINKEMU_VERDICT_QUEUED);
    g_assert_cmpint(queue_push_sized(queue, 100, 0, 0), ==, LINKEMU_VERDICT_QUEUE_FULL);
}

/* Packets on the wire do not count against the queue limit. */
static void test_queue_limit_excludes_wire(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("delay=1s,rate=1mbit,queue=2");

    for (guint i = 0; i < 100; i++) {
        gint64 now = (gint64)i * 8000;
        g_assert_cmpint(queue_push_sized(queue, 1000, i, now), ==, LINKEMU_VERDICT_QUEUED);
    }
    g_assert_cmpuint(linkemu_queue_get_length(queue), ==, 100);
}

/* Whatever the spec, the engine holds at most LINKEMU_QUEUE_HARD_LIMIT packets. */
static void test_queue_limit_hard(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("delay=60s");

    for (guint i = 0; i < LINKEMU_QUEUE_HARD_LIMIT; i++)
        g_assert_cmpint(queue_push_sized(queue, 20, i, i), ==, LINKEMU_VERDICT_QUEUED);
    g_assert_cmpint(queue_push_sized(queue, 20, 0, LINKEMU_QUEUE_HARD_LIMIT), ==,
                    LINKEMU_VERDICT_QUEUE_FULL);
}

/* Counters add up packets and bytes in and out. */
static void test_queue_counters(void)
{
    g_autoptr(LcLinkQueue) queue = queue_new_from_text("delay=1ms");
    LcLinkCounters counters;

    queue_push_sized(queue, 100, 0, 0);
    queue_push_sized(queue, 300, 1, 10);
    queue_drain(queue, 1005);
    linkemu_queue_get_counters(queue, &counters);
    g_assert_cmpuint(counters.packets_in, ==, 2);
    g_assert_cmpuint(counters.bytes_in, ==, 400);
    g_assert_cmpuint(counters.packets_out, ==, 1);
    g_assert_cmpuint(counters.bytes_out, ==, 100);
    g_assert_cmpuint(counters.dropped_loss + counters.dropped_queue, ==, 0);
}

/* Registers the tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/linkemu/queue/delay", test_queue_delay);
    g_test_add_func("/linkemu/queue/none", test_queue_none);
    g_test_add_func("/linkemu/queue/loss-fraction", test_queue_loss_fraction);
    g_test_add_func("/linkemu/queue/loss-reproducible", test_queue_loss_reproducible);
    g_test_add_func("/linkemu/queue/rate", test_queue_rate);
    g_test_add_func("/linkemu/queue/rate-then-delay", test_queue_rate_then_delay);
    g_test_add_func("/linkemu/queue/jitter-fifo", test_queue_jitter_fifo);
    g_test_add_func("/linkemu/queue/limit-packets", test_queue_limit_packets);
    g_test_add_func("/linkemu/queue/limit-bytes", test_queue_limit_bytes);
    g_test_add_func("/linkemu/queue/limit-default", test_queue_limit_default);
    g_test_add_func("/linkemu/queue/limit-excludes-wire", test_queue_limit_excludes_wire);
    g_test_add_func("/linkemu/queue/limit-hard", test_queue_limit_hard);
    g_test_add_func("/linkemu/queue/counters", test_queue_counters);
    return g_test_run();
}
