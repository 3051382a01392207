/* cli_relay_stats.h: lanconf-cli --relay-stats: asks the relay for its
 * camera-channel statistics (STATS_REQUEST) and prints the answer. */
#pragma once

#include <glib.h>

typedef struct {
    const char *host;
    guint16 port;
    const char *nick;
    gboolean json;        /* one JSON document instead of a text table */
    double timeout_s;     /* give up after this long; 0 = 10 s */
    gboolean insecure;    /* plaintext, without TLS */
    const char *password; /* the room password, or NULL */
} LcCliRelayStatsOptions;

/* Joins the relay, sends STATS_REQUEST, collects the STATS_STREAM and
 * STATS_VIEWER answers until STATS_END and prints them on stdout. Returns the
 * exit status: 0, or 1 after one line on stderr (timeout, refusal, no
 * connection). */
int cli_relay_stats_run(const LcCliRelayStatsOptions *options);
