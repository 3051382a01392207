/* bench_chat_common.c: the message format and flow control shared by both
 * systems in `lanconf-bench chat`, so they run the same workload. */
#include "src/lab/bench_chat.h"

#include <stdlib.h>
#include <string.h>

/* Builds a bench message: "SEQ TIME_US " then 'x' padding up to size bytes. */
char *bench_chat_make_text(guint64 seq, gint64 time_us, guint size)
{
    g_autofree char *head =
        g_strdup_printf("%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " ", seq, time_us);
    gsize len = MAX(strlen(head), (gsize)size);
    char *text = g_malloc(len + 1);
    memset(text, 'x', len);
    memcpy(text, head, strlen(head));
    text[len] = '\0';
    return text;
}

/* Reads the sequence number and send time of a bench message. */
gboolean bench_chat_parse_text(const char *text, guint64 *seq, gint64 *time_us)
{
    char *end = NULL;
    *seq = g_ascii_strtoull(text, &end, 10);
    if (end == text || *end != ' ')
        return FALSE;
    const char *t = end + 1;
    *time_us = g_ascii_strtoll(t, &end, 10);
    return end != t && *end == ' ';
}

/* Starts every receiver at zero. */
void bench_window_init(LcBenchWindow *w, guint receivers)
{
    w->n = receivers;
    w->delivered = g_new0(guint64, receivers);
    w->min = 0;
    w->at_min = receivers;
}

/* Frees the per-receiver counts. */
void bench_window_clear(LcBenchWindow *w)
{
    g_clear_pointer(&w->delivered, g_free);
}

/* Counts a delivery; when the last receiver at the minimum moves on, the
 * minimum is found again by one scan (once per message, not per delivery). */
void bench_window_deliver(LcBenchWindow *w, guint i)
{
    if (w->delivered[i]++ != w->min)
        return;
    if (--w->at_min > 0)
        return;
    w->min = G_MAXUINT64;
    for (guint k = 0; k < w->n; k++) {
        if (w->delivered[k] < w->min) {
            w->min = w->delivered[k];
            w->at_min = 0;
        }
        if (w->delivered[k] == w->min)
            w->at_min++;
    }
}

/* Counts one delivery of a bench message to receiver i. */
gboolean bench_chat_count_delivery(LcBenchChatResult *result, LcBenchWindow *window, guint i,
                                   const char *text, gint64 *last_delivery_us)
{
    guint64 seq = 0;
    gint64 sent_us = 0;
    if (!bench_chat_parse_text(text, &seq, &sent_us))
        return FALSE;
    gint64 now = g_get_real_time();
    stats_dist_add(result->latency_ms, (double)(now - sent_us) / 1000.0);
    *last_delivery_us = now;
    result->deliveries++;
    bench_window_deliver(window, i);
    return TRUE;
}

/* Frees what a result owns. */
void bench_chat_result_clear(LcBenchChatResult *result)
{
    g_clear_pointer(&result->latency_ms, stats_dist_free);
}
