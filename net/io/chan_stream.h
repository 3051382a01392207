/* chan_stream.h: one framed, non-blocking TCP connection on the main loop,
 * for chat and for live media alike.
 *
 * Reading: every frame (header + payload) goes to a callback. A frame that
 * arrived whole in one read is handed over in place, without a copy (chat
 * runs at millions of frames a second); a frame that spans reads is assembled
 * in a buffer of its own. The callback learns when the frame's first and last
 * bytes arrived, and may keep the payload with chan_stream_ref_payload().
 *
 * Writing: frames are shared, refcounted GBytes, sent with one gathered write
 * whenever the socket is writable; sending never writes at once, so a relay
 * fanning one frame out to many connections never blocks on any of them.
 * There are two kinds of frame. A media frame (a camera frame, soon audio) is
 * queued as a shared head and shared data and may go stale: it is dropped,
 * oldest first, while it waits unsent beyond the queue limits. Every other
 * frame (chat, ACKs, control) is never dropped; a peer that lets more than
 * control_max bytes of them pile up is disconnected. TCP_NOTSENT_LOWAT keeps
 * the kernel's own backlog of unsent bytes small, so that waiting happens
 * here, where the oldest media frames can be dropped, rather than in the
 * socket buffer.
 */
#pragma once

#include <gio/gio.h>

#include "net/wire/wire.h"

typedef struct _LcChanStream LcChanStream;

typedef struct {
    guint queue_frames;  /* media frames waiting unsent; beyond, the oldest is dropped (>= 1) */
    gsize queue_bytes;   /* media bytes waiting unsent; beyond, the oldest is dropped */
    gsize control_max;   /* bytes of other frames queued; beyond, the peer is disconnected */
    gsize max_payload;   /* largest payload accepted from the peer */
    gsize read_budget;   /* bytes read per wake-up before other sockets get a turn */
    guint notsent_lowat; /* TCP_NOTSENT_LOWAT in bytes; 0 leaves the kernel's default */
    gint stamp_offset;   /* >= 0: the send time (u64 us, wall clock) is written at this
                            offset of a media frame's head as its first byte goes out */
} LcChanStreamLimits;

typedef struct {
    /* A whole frame arrived: payload holds header->length bytes and is valid
     * during the call only (chan_stream_ref_payload() keeps it); first_us and
     * last_us are the wall-clock times its first and last bytes were read.
     * The callback may close the stream. */
    void (*frame)(LcChanStream *stream, const LcWireHeader *header, const guint8 *payload,
                  gint64 first_us, gint64 last_us, gpointer user_data);
    /* The peer broke the framing; reading has stopped. Without this callback
     * the stream closes with the error. */
    void (*bad_frame)(LcChanStream *stream, const GError *error, gpointer user_data);
    /* The first byte of media frame `tag` (data_bytes of frame data) was
     * written at send_us (wall clock). */
    void (*started)(LcChanStream *stream, guint64 tag, gint64 send_us, gsize data_bytes,
                    gpointer user_data);
    /* The last byte of media frame `tag` was written. */
    void (*written)(LcChanStream *stream, guint64 tag, gpointer user_data);
    /* Media frame `tag` was dropped unsent to stay within the queue limits.
     * Called from within chan_stream_send_media(). */
    void (*dropped)(LcChanStream *stream, guint64 tag, gpointer user_data);
    /* The stream is closed (error NULL: clean close or EOF). Called once; the
     * owner frees the stream later, never inside a callback of its own. */
    void (*closed)(LcChanStream *stream, const GError *error, gpointer user_data);
    /* What is queued fell below the low-water mark (chan_stream_set_low_water):
     * room to queue more, for an owner that feeds the stream a page at a time. */
    void (*drained)(LcChanStream *stream, gpointer user_data);
} LcChanStreamEvents;

/* Fills limits for a stream of frames that are never dropped (chat): no cap
 * on what is queued (the owner applies its own), payloads up to
 * WIRE_MAX_PAYLOAD, the kernel's default send buffer, no send-time stamp. */
void chan_stream_limits_init(LcChanStreamLimits *limits);

/* Wraps a connected TCP socket (takes a reference); nothing happens until
 * chan_stream_start(). */
LcChanStream *chan_stream_new(GSocket *socket, const LcChanStreamLimits *limits,
                              const LcChanStreamEvents *events, gpointer user_data);

/* Like chan_stream_new() for the socket of a connection (takes a reference to
 * connection, which owns the socket, and closes it with the stream). */
LcChanStream *chan_stream_new_for_connection(GSocketConnection *connection,
                                             const LcChanStreamLimits *limits,
                                             const LcChanStreamEvents *events, gpointer user_data);

/* Like chan_stream_new() for a TLS connection over socket whose handshake
 * is done: every byte is read and written through it (GIO's pollable
 * streams), the socket only watched. Takes a reference to tls. Closing
 * closes the socket without a close_notify, so that closing never waits
 * on the peer. */
LcChanStream *chan_stream_new_for_tls(GTlsConnection *tls, GSocket *socket,
                                      const LcChanStreamLimits *limits,
                                      const LcChanStreamEvents *events, gpointer user_data);

/* Like chan_stream_new_for_connection() or chan_stream_new_for_tls() for
 * io: a GSocketConnection, or a GTlsConnection (handshake done) over one. */
LcChanStream *chan_stream_new_for_io(GIOStream *io, const LcChanStreamLimits *limits,
                                     const LcChanStreamEvents *events, gpointer user_data);

/* A stream over from's transport (its socket, and connection or TLS), with
 * other limits and events: a connection changing hands (the relay's video
 * channels start as control connections). from stops being its owner:
 * closing and freeing it leave the transport open. What from has read and
 * not delivered is not carried over: the peer must wait for an answer. */
LcChanStream *chan_stream_new_from(LcChanStream *from, const LcChanStreamLimits *limits,
                                   const LcChanStreamEvents *events, gpointer user_data);

/* Changes the largest payload accepted from the peer, from the next header
 * on (a connection's allowance grows or shrinks with its state). */
void chan_stream_set_max_payload(LcChanStream *stream, gsize max_payload);

/* Changes the media queue's limits (frames at least 1); frames already
 * queued beyond them wait for the next frame queued to be dropped. */
void chan_stream_set_queue_limits(LcChanStream *stream, guint frames, gsize bytes);

/* Sets the low-water mark of the drained event (0: no event). */
void chan_stream_set_low_water(LcChanStream *stream, gsize bytes);

/* Starts reading on the thread-default main context. */
void chan_stream_start(LcChanStream *stream);

/* During a frame callback only: a reference to the frame's payload, to keep
 * it beyond the call (a slice of it may be handed on without a copy). */
GBytes *chan_stream_ref_payload(LcChanStream *stream);

/* During a frame callback only: decodes the frame into msg; a data field
 * (VIDEO_FRAME's data) is a reference to the payload, not a copy. */
gboolean chan_stream_decode(LcChanStream *stream, const LcWireHeader *header, LcWireMsg *msg,
                            GError **error);

/* Queues a frame that must not be dropped (takes a new reference). */
void chan_stream_send(LcChanStream *stream, GBytes *frame);

/* Queues a media frame as head + data (new references to both); `tag` names
 * it in the events. May drop older unsent media frames first. */
void chan_stream_send_media(LcChanStream *stream, GBytes *head, GBytes *data, guint64 tag);

/* Drops every queued frame that has not started going out (a frame half
 * written stays, so the framing holds); returns the bytes dropped. For a
 * peer about to be told why it is cut off: what it was not reading anyway
 * goes, the last word does not wait behind it. */
gsize chan_stream_discard_unsent(LcChanStream *stream);

/* Media frames queued and not yet started. */
guint chan_stream_get_queued_frames(LcChanStream *stream);

/* Bytes queued and not yet written. */
gsize chan_stream_get_queued_bytes(LcChanStream *stream);

/* Whether the stream runs over TLS. */
gboolean chan_stream_is_tls(LcChanStream *stream);

/* The socket, for options such as TCP_INFO. */
GSocket *chan_stream_get_socket(LcChanStream *stream);

/* The peer's address, "ip:port". */
const char *chan_stream_get_peer(LcChanStream *stream);

/* Monotonic time (us) of the last byte received (or of creation). */
gint64 chan_stream_get_last_read(LcChanStream *stream);

/* Bytes of a frame begun and not yet whole (held in memory), or 0. */
gsize chan_stream_get_partial_bytes(LcChanStream *stream);

/* Stops reading, sends what is queued (for at most timeout_ms), then closes
 * and reports closed with error (may be NULL). */
void chan_stream_close_after_flush(LcChanStream *stream, const GError *error, guint timeout_ms);

/* Closes at once, dropping what is queued, and reports closed. */
void chan_stream_close(LcChanStream *stream, const GError *error);

/* Whether the stream is closed or closing. */
gboolean chan_stream_is_closing(LcChanStream *stream);

/* Whether the stream is closed (a flush before the close is over). */
gboolean chan_stream_is_closed(LcChanStream *stream);

/* Frees a stream (closing it silently if still open). */
void chan_stream_free(LcChanStream *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcChanStream, chan_stream_free)
