/* chan_timer.h: a one-shot timer with microsecond resolution on the main
 * loop, for pacing datagrams.
 *
 * GLib's timeouts wake in whole milliseconds (poll's unit): a frame whose
 * last datagrams wait for the pacer would wait at least a millisecond at the
 * sender and again at the relay, a bias against UDP in a TCP-vs-UDP lab. This
 * timer arms a Linux timerfd and watches its descriptor instead.
 */
#pragma once

#include <gio/gio.h>

typedef struct _LcChanTimer LcChanTimer;

/* Creates a disarmed timer on the thread-default main context; func runs
 * when it fires (its return value is ignored). */
LcChanTimer *chan_timer_new(GSourceFunc func, gpointer user_data, GError **error);

/* Arms (or re-arms) the timer to fire once after delay_us (at least 1 us). */
void chan_timer_arm(LcChanTimer *timer, gint64 delay_us);

/* Whether the timer is armed and has not fired yet. */
gboolean chan_timer_is_armed(LcChanTimer *timer);

/* Disarms and frees the timer (NULL is ignored). */
void chan_timer_free(LcChanTimer *timer);
