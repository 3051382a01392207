/* Viewer-side playback: decoded frames go to a window (appsrc ! videoconvert
 * ! autovideosink) when a display is available, else they are only counted
 * and timed (headless). No sockets here. */
#pragma once

#include <glib.h>

#include "media/frame.h"

G_BEGIN_DECLS

/* Frames the window pipeline queues before it drops the oldest. */
#define DISPLAY_MAX_QUEUED 2

#define DISPLAY_ERROR (display_error_quark())

typedef enum {
    DISPLAY_ERROR_WINDOW,        /* a window was wanted but cannot be opened */
    DISPLAY_ERROR_INVALID_FRAME, /* a frame without planes or size */
    DISPLAY_ERROR_CLOSED,        /* the window pipeline stopped accepting frames */
} DisplayError;

/* Counters and timings since display_new(). Times are wall clock (g_get_real_time()). */
typedef struct {
    guint64 frames_shown; /* frames accepted by display_push() */
    gint64 first_time_us; /* when the first frame was pushed; 0 before */
    gint64 last_time_us;  /* when the latest frame was pushed */
    gdouble fps;          /* frames per second between the first and latest push */
    /* Push time minus capture time: end-to-end latency when the sender's and
     * this machine's clocks agree (same host, or synchronised). */
    gint64 last_latency_us;
    gint64 max_latency_us;
    gdouble mean_latency_us;
} LcDisplayStats;

typedef struct LcDisplay LcDisplay;

GQuark display_error_quark(void);

/*
 * Opens a window when $DISPLAY or $WAYLAND_DISPLAY is set and headless_forced
 * is FALSE, titled title and showing it on the picture until a label is set; fails with
 * DISPLAY_ERROR_WINDOW if that window cannot be opened. The bus watch runs on the thread-default
 * GMainContext of the caller; if the window later fails or is closed, the display goes on headless.
 * Call the display_* functions on the thread that runs that context.
 */
LcDisplay *display_new(gboolean headless_forced, const char *title, GError **error);
/* The window's title and the label drawn on its picture (whose camera it
 * is, and on which channel its frames come): title is set by display_new()
 * (NULL: none), the label may change. Nothing happens headless. */
void display_set_label(LcDisplay *display, const char *label);
/* Shows (or, headless, counts) one frame; the frame is copied, not taken. */
gboolean display_push(LcDisplay *display, const LcRawFrame *frame, GError **error);
/* Whether frames are only counted. */
gboolean display_is_headless(LcDisplay *display);
/* One line on the mode, e.g. "headless: neither $DISPLAY nor $WAYLAND_DISPLAY is set". */
const char *display_get_description(LcDisplay *display);
/* Copies the counters and timings. */
void display_get_stats(LcDisplay *display, LcDisplayStats *stats);
/* Closes the window (if any) and frees. NULL is ignored. */
void display_free(LcDisplay *display);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcDisplay, display_free)

G_END_DECLS
