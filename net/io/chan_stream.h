/* chan_stream.h: a framed, non-blocking TCP connection for live video.
 *
 * Like conn.h, but made for big frames that may go stale: each frame is read
 * straight into its own buffer, with the time its first and its last byte
 * arrived; a video frame is queued as a shared head and shared data (one
 * gathered write, no copy) and is dropped, oldest first, while it waits unsent
 * beyond the queue limits; other frames (ACKs, control) are never dropped, and
 * a peer that lets them pile up is disconnected. TCP_NOTSENT_LOWAT keeps the
 * kernel's own backlog of unsent bytes small, so that waiting happens here,
 * where the oldest frames can be dropped, rather than in the socket buffer.
 */
#pragma once

#include <gio/gio.h>

#include "net/wire/wire.h"

typedef struct _LcChanStream LcChanStream;

typedef struct {
    guint queue_frames;  /* video frames waiting unsent; beyond, the oldest is dropped (>= 1) */
    gsize queue_bytes;   /* video bytes waiting unsent; beyond, the oldest is dropped */
    gsize control_max;   /* bytes of other frames queued; beyond, the peer is disconnected */
    gsize max_payload;   /* largest payload accepted from the peer */
    guint notsent_lowat; /* TCP_NOTSENT_LOWAT in bytes; 0 leaves the kernel's default */
    gint stamp_offset;   /* >= 0: the send time (u64 us, wall clock) is written at this
                            offset of a video frame's head as its first byte goes out */
} LcChanStreamLimits;

typedef struct {
    /* A whole frame arrived: payload holds header->length bytes; first_us and
     * last_us are the wall-clock times its first and last bytes were read.
     * The callback may close the stream. */
    void (*frame)(LcChanStream *stream, const LcWireHeader *header, GBytes *payload,
                  gint64 first_us, gint64 last_us, gpointer user_data);
    /* The peer broke the framing; reading has stopped. */
    void (*bad_frame)(LcChanStream *stream, const GError *error, gpointer user_data);
    /* The first byte of video frame `tag` (data_bytes of frame data) was
     * written at send_us (wall clock). */
    void (*started)(LcChanStream *stream, guint64 tag, gint64 send_us, gsize data_bytes,
                    gpointer user_data);
    /* The last byte of video frame `tag` was written. */
    void (*written)(LcChanStream *stream, guint64 tag, gpointer user_data);
    /* Video frame `tag` was dropped unsent to stay within the queue limits.
     * Called from within chan_stream_send_video(). */
    void (*dropped)(LcChanStream *stream, guint64 tag, gpointer user_data);
    /* The stream is closed (error NULL: clean close or EOF). Called once; the
     * owner frees the stream later, never inside a callback of its own. */
    void (*closed)(LcChanStream *stream, const GError *error, gpointer user_data);
} LcChanStreamEvents;

/* Wraps a connected TCP socket (takes a reference); nothing happens until
 * chan_stream_start(). */
LcChanStream *chan_stream_new(GSocket *socket, const LcChanStreamLimits *limits,
                              const LcChanStreamEvents *events, gpointer user_data);

/* Starts reading on the thread-default main context. */
void chan_stream_start(LcChanStream *stream);

/* Queues a frame that must not be dropped (takes a new reference). */
void chan_stream_send(LcChanStream *stream, GBytes *frame);

/* Queues a video frame as head + data (new references to both); `tag` names it
 * in the events. May drop older unsent video frames first. */
void chan_stream_send_video(LcChanStream *stream, GBytes *head, GBytes *data, guint64 tag);

/* Video frames queued and not yet started. */
guint chan_stream_get_queued_frames(LcChanStream *stream);

/* Bytes queued and not yet written. */
gsize chan_stream_get_queued_bytes(LcChanStream *stream);

/* The socket, for options such as TCP_INFO. */
GSocket *chan_stream_get_socket(LcChanStream *stream);

/* The peer's address, "ip:port". */
const char *chan_stream_get_peer(LcChanStream *stream);

/* Stops reading, sends what is queued (for at most timeout_ms), then closes
 * and reports closed with error (may be NULL). */
void chan_stream_close_after_flush(LcChanStream *stream, const GError *error, guint timeout_ms);

/* Closes at once, dropping what is queued, and reports closed. */
void chan_stream_close(LcChanStream *stream, const GError *error);

/* Whether the stream is closed or closing. */
gboolean chan_stream_is_closing(LcChanStream *stream);

/* Frees a stream (closing it silently if still open). */
void chan_stream_free(LcChanStream *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcChanStream, chan_stream_free)
