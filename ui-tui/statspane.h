/* statspane.h: the stats pane model: per-second figures of the streams the
 * user sends or views, formatted as lines of fixed columns.
 *
 * Plain C, no curses. Each stream has a TCP and a UDP column group: frames
 * per second, Mbit/s, latency p50/p99 (round-trip to the relay for the
 * user's camera, capture to decode for a viewed one), frames lost and
 * dropped in the last second.
 */
#pragma once

#include <glib.h>

#define STATSPANE_WIDE_COLS 86 /* narrower widths put TCP and UDP on rows of their own */

typedef struct {
    gboolean active; /* the channel is in use; otherwise its columns show "-" */
    double fps;      /* NAN: no data */
    double mbps;
    double p50_ms;
    double p99_ms;
    guint64 lost;
    guint64 dropped;
} LcStatsPaneChannel;

typedef struct {
    char *label; /* "you → relay", "view bob" */
    LcStatsPaneChannel tcp;
    LcStatsPaneChannel udp;
} LcStatsPaneStream;

typedef struct _LcStatsPane LcStatsPane;

LcStatsPane *statspane_new(void);
void statspane_free(LcStatsPane *pane);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcStatsPane, statspane_free)

/* Removes every stream (before a refresh). */
void statspane_clear(LcStatsPane *pane);
/* Adds a stream; the label is copied. */
void statspane_add(LcStatsPane *pane, const char *label, const LcStatsPaneChannel *tcp,
                   const LcStatsPaneChannel *udp);
guint statspane_get_count(const LcStatsPane *pane);

/* Appends the pane's lines (newly allocated strings) for width columns to
 * lines: a title, a header and the streams' rows, each at most width
 * columns wide. Returns the number of lines appended. */
guint statspane_format(const LcStatsPane *pane, int width, GPtrArray *lines);
