/*
 * The viewer's media glue: received JPEG and H.264 frames are decoded on a
 * worker thread (media/decoder.h; one decoder per channel, as an H.264
 * stream's frames refer to each other), shown (media/display.h, headless without a
 * display) and reported per frame, with decode time and the time decoding
 * finished, to a callback on the main context. A frame that will not decode
 * (a damaged or truncated UDP frame) is counted and reported, never fatal.
 * No sockets here.
 *
 * The same frame usually arrives on several channels; every copy is decoded
 * (each channel's delay is measured) but only the newest frame so far is
 * shown, so the picture never steps back.
 */
#pragma once

#include "core/frame.h"
#include "media/tty_picture.h"

#include <glib.h>

G_BEGIN_DECLS

/* Channels a viewer can show apart (viewer_media_split()): indexes as pushed. */
#define VIEWER_MEDIA_CHANNELS 2

/* Received frames allowed to wait for the decoder; older ones are dropped and counted. */
#define VIEWER_MEDIA_MAX_PENDING 4
/* The same once H.264 frames come: one dropped unseen costs every frame up
 * to the next keyframe, and the start of each channel's H.264 decoder
 * (170 to 300 ms on a small machine, one after the other on the decode
 * thread) must not cost that: 0.8 s of both channels at 30 fps. */
#define VIEWER_MEDIA_MAX_PENDING_H264 48
/* Once each channel's decoder runs: two frames of each of two channels,
 * so that a hiccup of the decoder does not cost a keyframe wait. */
#define VIEWER_MEDIA_MAX_PENDING_H264_STEADY 8

/* One frame's outcome. Times are wall clock (g_get_real_time()) unless said otherwise. */
typedef struct {
    guint channel;          /* the caller's channel index, as pushed */
    guint64 seq;            /* as pushed */
    gsize bytes;            /* encoded size */
    gint64 capture_time_us; /* as pushed: the sender's clock */
    gint64 decoded_us;      /* when decoding finished, local clock; 0 if it failed */
    gint64 decode_time_us;  /* how long decoding took (a duration); 0 if it failed */
    gint width;             /* decoded picture, pixels; 0 if it failed */
    gint height;
    gboolean shown; /* handed to the display: newer than every frame shown before */
    /* H.264: this channel's decoder waits for a keyframe (a reference was
     * lost): the caller may ask the sender for one. */
    gboolean want_keyframe;
} LcViewerFrame;

/* Counters since viewer_media_new(). */
typedef struct {
    guint64 frames_pushed;  /* given to viewer_media_push() */
    guint64 frames_dropped; /* discarded unseen because the decoder fell behind */
    guint64 frames_decoded;
    guint64 frames_corrupt; /* could not be decoded */
    guint64
        frames_unreferenced; /* H.264: refused, a frame they refer to was lost (in corrupt too) */
    guint64 frames_shown;    /* handed to the display */
    guint64 frames_stale;    /* decoded, not shown: a frame as new was shown already */
} LcViewerMediaStats;

typedef struct LcViewerMedia LcViewerMedia;

/*
 * Receives each decoded or undecodable frame, on the context given at
 * creation: error is NULL for a decoded frame, else why it could not be
 * decoded (DECODER_ERROR_CORRUPT for damaged data). The callback may free
 * the viewer.
 */
typedef void (*LcViewerMediaFunc)(LcViewerMedia *viewer, const LcViewerFrame *frame,
                                  const GError *error, gpointer user_data);

/*
 * Creates the decoder thread and the display (a window titled title when a
 * display exists and headless is FALSE). Results go to func on the GMainContext
 * that is thread-default now. Call viewer_media_* on that context's thread.
 */
LcViewerMedia *viewer_media_new(gboolean headless, const char *title, LcViewerMediaFunc func,
                                gpointer user_data, GError **error);
/* The label drawn on the window's picture (display_set_label()). */
void viewer_media_set_label(LcViewerMedia *viewer, const char *label);
/* Shows channels 0 and 1 apart, side by side: each gets a display of its
 * own (a window titled "title · names[i]", labelled so; headless as asked or
 * as the machine has it) showing the newest frame of that channel alone, in
 * place of the one display of both; a frame is "shown" when it is the
 * newest of its channel. Calling it again does nothing. */
gboolean viewer_media_split(LcViewerMedia *viewer, gboolean headless, const char *title,
                            const char *const names[VIEWER_MEDIA_CHANNELS], GError **error);
/* With channels apart: a channel's picture for a terminal, made on first
 * call (owned by the viewer); each frame shown on that channel is kept in it
 * before the frame's callback runs. */
LcTtyPicture *viewer_media_get_channel_picture(LcViewerMedia *viewer, guint channel);
/* The picture for a terminal (media/tty_picture.h), made on first call:
 * from then on every frame shown is kept in it too, before the frame's
 * callback runs. Owned by the viewer. */
LcTtyPicture *viewer_media_get_picture(LcViewerMedia *viewer);
/* Queues a received frame that arrived on channel (a reference is taken, no
 * copy) for decoding; never blocks. seq is its place in the viewer's order:
 * a frame is shown only if newer than every frame shown so far, and a
 * viewer that follows a restarted stream (numbered from 1 again) numbers
 * on from where the last one stopped. */
void viewer_media_push(LcViewerMedia *viewer, guint channel, guint64 seq, LcFrame *frame);
/* Copies the counters. */
void viewer_media_get_stats(LcViewerMedia *viewer, LcViewerMediaStats *stats);
/* Whether frames are only counted, not shown in a window. */
gboolean viewer_media_is_headless(LcViewerMedia *viewer);
/* One line on the display mode, e.g. "headless: requested". */
const char *viewer_media_get_display_description(LcViewerMedia *viewer);
/* Stops the thread and frees; queued and undelivered frames are dropped unreported. NULL is
 * ignored. */
void viewer_media_free(LcViewerMedia *viewer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcViewerMedia, viewer_media_free)

G_END_DECLS
