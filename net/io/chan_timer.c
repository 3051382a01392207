/* chan_timer.c: a one-shot microsecond timer on the main loop (timerfd). */
#include "net/io/chan_timer.h"

#include "net/io/watch.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/timerfd.h>
#include <unistd.h>

struct _LcChanTimer {
    int fd;
    LcWatch *watch;
    GSourceFunc func;
    gpointer user_data;
    gboolean armed;
};

/* The descriptor is readable: the timer fired. */
static gboolean chan_timer_on_fire(gint fd, GIOCondition condition, gpointer data)
{
    LcChanTimer *timer = data;
    guint64 expirations = 0;
    if (read(fd, &expirations, sizeof(expirations)) != (gssize)sizeof(expirations))
        return G_SOURCE_CONTINUE; /* re-armed meanwhile: nothing to report */
    timer->armed = FALSE;
    timer->func(timer->user_data);
    return G_SOURCE_CONTINUE;
}

/* Creates a disarmed timer. */
LcChanTimer *chan_timer_new(GSourceFunc func, gpointer user_data, GError **error)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "timerfd_create: %s",
                    g_strerror(saved));
        return NULL;
    }
    LcChanTimer *timer = g_new0(LcChanTimer, 1);
    timer->fd = fd;
    timer->func = func;
    timer->user_data = user_data;
    timer->watch = watch_add_fd(fd, G_IO_IN, chan_timer_on_fire, timer);
    return timer;
}

/* Arms the timer to fire once after delay_us. */
void chan_timer_arm(LcChanTimer *timer, gint64 delay_us)
{
    delay_us = MAX(delay_us, 1);
    struct itimerspec spec = {
        .it_value = {.tv_sec = delay_us / G_USEC_PER_SEC,
                     .tv_nsec = (delay_us % G_USEC_PER_SEC) * 1000},
    };
    timerfd_settime(timer->fd, 0, &spec, NULL);
    timer->armed = TRUE;
}

/* Whether the timer is armed. */
gboolean chan_timer_is_armed(LcChanTimer *timer)
{
    return timer->armed;
}

/* Disarms and frees the timer. */
void chan_timer_free(LcChanTimer *timer)
{
    if (timer == NULL)
        return;
    watch_drop(&timer->watch);
    close(timer->fd);
    g_free(timer);
}
