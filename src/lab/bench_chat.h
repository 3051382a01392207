/* bench_chat.h: `lanconf-bench chat`: chat fan-out throughput and latency,
 * for the lanconf relay and, as the anchor, the mosquitto MQTT broker. */
#pragma once

#include "net/stats/stats_dist.h"

#include <gio/gio.h>

typedef struct {
    guint clients;     /* receiving clients */
    guint messages;    /* messages the one sender sends */
    guint size;        /* bytes of text per message */
    guint window;      /* most messages in flight (sent, not yet at every receiver) */
    const char *relay; /* HOST:PORT of a running relay, or NULL to start one in-process */
    guint timeout_s;
    guint stuck;       /* members that join and never read (slow consumers) */
    gboolean insecure; /* --insecure: plaintext, as mosquitto's MQTT (default: TLS) */
} LcBenchChatConfig;

/* What one run measured. */
typedef struct {
    const char *system;      /* "lanconf-relay" or "mosquitto" */
    guint64 deliveries;      /* messages printed by receivers, summed */
    guint64 expected;        /* messages x clients */
    double elapsed_s;        /* first send to last delivery */
    double msgs_per_s;       /* deliveries / elapsed_s */
    LcStatsDist *latency_ms; /* send to delivery, per delivery */
} LcBenchChatResult;

/* Runs the fan-out through lanconf's relay. */
gboolean bench_chat_run_lanconf(const LcBenchChatConfig *config, LcBenchChatResult *result,
                                GError **error);

/* Runs the same fan-out through a mosquitto broker started on loopback. */
gboolean bench_chat_run_mqtt(const LcBenchChatConfig *config, LcBenchChatResult *result,
                             GError **error);

/* Joins the relay as stuck member i (sends HELLO, never reads). */
GSocket *bench_stuck_join_lanconf(guint16 port, guint i, GError **error);
/* Subscribes to topic as stuck client i of an MQTT broker (never reads). */
GSocket *bench_stuck_join_mqtt(guint16 port, guint i, const char *topic, GError **error);

/* With stuck members: lets the server take their joins in before the run (200 ms of the loop). */
void bench_chat_settle(const LcBenchChatConfig *config);

/* Frees what a result owns. */
void bench_chat_result_clear(LcBenchChatResult *result);

/* The message text for sequence number seq: "SEQ TIME_US " then padding to
 * size bytes (at least what the numbers need). */
char *bench_chat_make_text(guint64 seq, gint64 time_us, guint size);

/* Reads back the send time of a bench message; FALSE if it is not one. */
gboolean bench_chat_parse_text(const char *text, guint64 *seq, gint64 *time_us);

typedef struct _LcBenchWindow LcBenchWindow;

/* Counts one delivery of a bench message to receiver i (latency, flow
 * control, time of the last delivery); FALSE for a message that is not a
 * bench message. */
gboolean bench_chat_count_delivery(LcBenchChatResult *result, LcBenchWindow *window, guint i,
                                   const char *text, gint64 *last_delivery_us);

/* Tracks the slowest receiver so the sender keeps at most `window` messages
 * in flight, in O(1) amortised per delivery. */
struct _LcBenchWindow {
    guint n;
    guint64 *delivered; /* per receiver */
    guint64 min;        /* min over receivers */
    guint at_min;       /* receivers whose count is min */
};

void bench_window_init(LcBenchWindow *w, guint receivers);
void bench_window_clear(LcBenchWindow *w);
/* Receiver i got one more message. */
void bench_window_deliver(LcBenchWindow *w, guint i);
