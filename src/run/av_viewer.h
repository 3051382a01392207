/* av_viewer.h: a nick's camera stream received, decoded and measured:
 * net/client/stream_viewer.c feeds media/viewer_media.c (decode, display), and every
 * frame's arrival and decoding on every channel goes into a frame log. */
#pragma once

#include "net/client/session.h"
#include "net/client/stream_sender.h"
#include "net/client/stream_viewer.h"
#include "media/tty_picture.h"
#include "src/run/framelog.h"

typedef struct _LcAvViewer LcAvViewer;

/* Called once for a fatal problem (relay refusal, decoder set-up). */
typedef void (*LcAvViewerErrorFunc)(LcAvViewer *viewer, const GError *error, gpointer user_data);

/* Called when the stream ends (the sender stopped); the viewer waits for the
 * next one. */
typedef void (*LcAvViewerEndFunc)(LcAvViewer *viewer, const char *reason, gpointer user_data);

/* A new frame is on show in the terminal picture. */
typedef void (*LcAvViewerPictureFunc)(LcAvViewer *viewer, LcTtyPicture *picture,
                                      gpointer user_data);

/* Describes a viewing run for the summary: the channels and ACK mode asked
 * for and the planned length; the stream's size and codec fill in from its
 * frames (what the viewer cannot know, e.g. the JPEG quality, stays null). */
void av_viewer_describe_run(LcFramelogRun *run, guint channels, LcStreamAckMode ack_mode,
                            double duration_s);

/* Starts viewing nick's stream on a control session (which must outlive it).
 * headless: count and time frames without a window. sender_offset_us is the
 * sender's clock minus this host's, for end-to-end latency (0 when both run
 * on one host or keep synchronised clocks). */
LcAvViewer *av_viewer_new(LcSession *session, const char *nick, const LcStreamViewerConfig *config,
                          const LcFramelogRun *run, gboolean headless, gint64 sender_offset_us,
                          LcAvViewerErrorFunc error_func, LcAvViewerEndFunc end_func,
                          gpointer user_data, GError **error);

/* Shows the camera in a terminal as well (with or without a window): every
 * frame shown is kept in the picture returned (owned by the viewer), then
 * func is told. */
LcTtyPicture *av_viewer_show_in_terminal(LcAvViewer *viewer, LcAvViewerPictureFunc func,
                                         gpointer user_data);
/* The viewed member's nick, as it is now (it follows nick changes). */
const char *av_viewer_get_nick(LcAvViewer *viewer);
/* How many of the nick's streams began so far (a camera restarted counts
 * again): frames decoded after one ended belong to it while this stays. */
guint av_viewer_get_stream_count(LcAvViewer *viewer);
/* Whether frames are shown in a window (else only counted, or drawn in a
 * terminal). */
gboolean av_viewer_has_window(LcAvViewer *viewer);
/* Why no window opened ("neither $DISPLAY nor ... is set", "requested"),
 * for a message; the display note as it is when a window did open. */
const char *av_viewer_why_no_window(LcAvViewer *viewer);
/* Shows the TCP and the UDP channel apart, side by side: a window each
 * ("alice's camera · tcp"), or in a terminal a picture each
 * (av_viewer_get_channel_picture(), passed to the picture callback of
 * av_viewer_show_in_terminal() as each gets a frame), each with the newest
 * frame of its own channel. */
gboolean av_viewer_split_channels(LcAvViewer *viewer, GError **error);
/* With channels apart, a channel's picture for a terminal (owned by the
 * viewer); NULL otherwise. */
LcTtyPicture *av_viewer_get_channel_picture(LcAvViewer *viewer, LcChanKind channel);
/* The channel of the picture on show ("tcp", "udp"), or NULL before any. */
const char *av_viewer_get_shown_channel(LcAvViewer *viewer);

/* The frame log (records and per-channel statistics). */
LcFramelog *av_viewer_get_framelog(LcAvViewer *viewer);

/* One line on the display (a window, or headless and why). */
const char *av_viewer_get_display_note(LcAvViewer *viewer);

void av_viewer_free(LcAvViewer *viewer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAvViewer, av_viewer_free)
