/* stream_viewer.h: the receiving side of a media stream (a camera viewer's
 * today; nothing here is video-specific).
 *
 * A viewer asks the relay for a nick's stream on a joined control session
 * (VIEW); it waits while that stream does not exist, and opens the channels
 * when VIEW_READY arrives. Every frame received is acknowledged to the relay
 * (which passes the ACK back to the sender) and reported through an event,
 * per channel; the same frame usually arrives twice, once on each channel,
 * with the same seq. When the stream ends (VIEW_END) the channels close and
 * the viewer waits for the nick's next stream.
 *
 * Clocks: capture_us and send_us are the sender's; first_us and last_us are
 * this host's wall clock. The relay-minus-local offset comes from the
 * session's PING/PONG exchanges.
 */
#pragma once

#include "net/client/chan.h"
#include "net/client/session.h"
#include "net/wire/media_kind.h"

typedef struct _LcStreamViewer LcStreamViewer;

typedef struct {
    LcMediaKind media;       /* the kind of the nick's stream to view */
    guint channels;          /* LC_CHAN_BIT(LC_CHAN_TCP) | LC_CHAN_BIT(LC_CHAN_UDP) */
    guint reassembly_ms;     /* UDP: an incomplete frame is lost after this */
    guint reassembly_frames; /* UDP: incomplete frames held at once */
    gsize socket_buffer;     /* UDP SO_RCVBUF/SO_SNDBUF asked for, bytes */
} LcStreamViewerConfig;

/* A frame received. */
typedef struct {
    LcChanKind channel;
    LcFrame *frame;  /* times on the sender's clock; frame_ref() to keep it */
    gint64 first_us; /* local clock: first byte or datagram arrived */
    gint64 last_us;  /* local clock: last byte or datagram arrived */
} LcStreamFrame;

typedef struct {
    /* The stream started (VIEW_READY); its channels are opening. */
    void (*stream)(LcStreamViewer *viewer, guint32 stream_id, guint32 viewer_id,
                   gpointer user_data);
    /* A channel is open. */
    void (*ready)(LcStreamViewer *viewer, LcChanKind channel, gpointer user_data);
    /* A frame arrived (and was acknowledged). */
    void (*frame)(LcStreamViewer *viewer, const LcStreamFrame *frame, gpointer user_data);
    /* A UDP frame stayed incomplete past the deadline. */
    void (*lost)(LcStreamViewer *viewer, LcChanKind channel, guint64 seq, gpointer user_data);
    /* The stream ended (VIEW_END); the viewer waits for the next one. */
    void (*ended)(LcStreamViewer *viewer, const char *reason, gpointer user_data);
    /* The relay refused the view (VIDEO_REFUSED). */
    void (*refused)(LcStreamViewer *viewer, const GError *error, gpointer user_data);
    /* A channel closed (the relay, the network). */
    void (*channel_closed)(LcStreamViewer *viewer, LcChanKind channel, const GError *error,
                           gpointer user_data);
    /* The viewed member changed its nick (PRESENCE): the viewer follows it,
     * and asks for the new nick's stream after a reconnect. */
    void (*renamed)(LcStreamViewer *viewer, const char *nick, gpointer user_data);
} LcStreamViewerEvents;

/* Fills a config with the defaults: both channels, 500 ms and 64 frames of
 * reassembly, 4 MiB UDP socket buffers. */
void stream_viewer_config_init(LcStreamViewerConfig *config);

/* Creates a viewer of nick's stream on a control session (which must outlive
 * it); VIEW is sent now if joined, else on joining, and again after a
 * reconnect. */
LcStreamViewer *stream_viewer_new(LcSession *session, const char *nick,
                                  const LcStreamViewerConfig *config,
                                  const LcStreamViewerEvents *events, gpointer user_data);

/* A channel's own counters (chan.h), FALSE when it is not open. */
gboolean stream_viewer_get_chan_stats(LcStreamViewer *viewer, LcChanKind channel,
                                      LcChanStats *stats);

/* Whether every channel granted is open. */
gboolean stream_viewer_is_ready(LcStreamViewer *viewer);

/* Asks the stream's sender, through the relay, for a keyframe: this
 * viewer's decoder lost a reference on `channel`. FALSE while no stream is
 * attached or the session is down. The caller limits how often. */
gboolean stream_viewer_request_keyframe(LcStreamViewer *viewer, LcChanKind channel);
/* Stops viewing (VIEW_CLOSE if still joined) and frees the viewer. */
void stream_viewer_free(LcStreamViewer *viewer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcStreamViewer, stream_viewer_free)
