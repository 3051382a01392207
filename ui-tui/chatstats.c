/* chatstats.c: chat statistics of one session, for /stats. */
#include "ui-tui/chatstats.h"

#include <string.h>

/* Zeroes the counters. */
void chatstats_init(LcChatStats *stats, gint64 now_us)
{
    memset(stats, 0, sizeof(*stats));
    stats->started_us = now_us;
}

/* Adds a round-trip sample. */
void chatstats_add_rtt(LcChatStats *stats, double rtt_ms)
{
    if (stats->rtt_samples == 0 || rtt_ms < stats->rtt_min_ms)
        stats->rtt_min_ms = rtt_ms;
    if (stats->rtt_samples == 0 || rtt_ms > stats->rtt_max_ms)
        stats->rtt_max_ms = rtt_ms;
    stats->rtt_last_ms = rtt_ms;
    stats->rtt_sum_ms += rtt_ms;
    stats->rtt_samples++;
}

/* A duration in seconds as "1h02m03s", "2m03s" or "3s". */
static char *chatstats_duration(gint64 us)
{
    gint64 s = MAX(us, 0) / G_USEC_PER_SEC;
    if (s >= 3600)
        return g_strdup_printf("%" G_GINT64_FORMAT "h%02dm%02ds", s / 3600, (int)(s / 60 % 60),
                               (int)(s % 60));
    if (s >= 60)
        return g_strdup_printf("%dm%02ds", (int)(s / 60), (int)(s % 60));
    return g_strdup_printf("%ds", (int)s);
}

/* Appends the report lines. */
void chatstats_format(const LcChatStats *st, gint64 now_us, GPtrArray *lines)
{
    g_autofree char *up = chatstats_duration(now_us - st->started_us);
    g_autofree char *joined =
        st->joined_us ? chatstats_duration(now_us - st->joined_us) : g_strdup("not joined");
    g_ptr_array_add(lines, g_strdup_printf("chat: running %s, connected %s, %u connection%s "
                                           "(%u reconnect%s)",
                                           up, joined, st->connects, st->connects == 1 ? "" : "s",
                                           st->connects ? st->connects - 1 : 0,
                                           st->connects == 2 ? "" : "s"));
    g_ptr_array_add(lines,
                    g_strdup_printf("chat: sent %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
                                    " bytes), stored %" G_GUINT64_FORMAT
                                    ", refused %" G_GUINT64_FORMAT ", waiting %u",
                                    st->sent, st->bytes_sent, st->acked, st->refused, st->pending));
    g_ptr_array_add(lines,
                    g_strdup_printf("chat: received %" G_GUINT64_FORMAT " live (%" G_GUINT64_FORMAT
                                    " bytes), %" G_GUINT64_FORMAT " from history",
                                    st->received, st->bytes_received, st->history));
    if (st->rtt_samples == 0) {
        g_ptr_array_add(lines, g_strdup("chat: relay round-trip not measured yet"));
        return;
    }
    g_ptr_array_add(
        lines, g_strdup_printf("chat: relay round-trip %.2f ms (min %.2f, avg %.2f, max "
                               "%.2f over %u), relay clock %+.3f ms from ours",
                               st->rtt_last_ms, st->rtt_min_ms, st->rtt_sum_ms / st->rtt_samples,
                               st->rtt_max_ms, st->rtt_samples, (double)st->offset_us / 1000.0));
}
