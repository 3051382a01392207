/* chan_stream_private.h: what chan_stream.c (framing, reading, writing)
 * and chan_stream_transport.c (the transports a stream is made over)
 * share: the stream itself. */
#pragma once

#include "net/io/chan_stream.h"
#include "net/io/ring.h"
#include "net/io/watch.h"

#define CHAN_STREAM_READ_CHUNK 65536
/* A frame being assembled with at least this much to come is read straight
 * into its own buffer, as much as the socket has, not a chunk at a time
 * through the staging buffer and a copy. */
#define CHAN_STREAM_DIRECT_MIN    16384
#define CHAN_STREAM_READ_BUDGET   (1024 * 1024) /* default bytes read per wake-up */
#define CHAN_STREAM_WRITE_VECTORS 64

/* One queued frame, held by value in the output ring. */
typedef struct {
    GBytes *head;    /* NULL once dropped */
    GBytes *data;    /* media frames only; NULL otherwise */
    GBytes *stamped; /* head with the send time written in, once prepared */
    gsize size;      /* 0 once dropped: the item only waits to be popped */
    guint64 tag;
    gint64 send_us;
    gboolean media;
    gboolean started; /* its first byte has been written: it can no longer be dropped */
} LcStreamItem;

struct _LcChanStream {
    GSocket *socket;
    GIOStream *connection; /* owns the socket, where the stream was made from one */
    /* TLS (chan_stream_new_for_tls): every byte goes through it. */
    GIOStream *tls;
    GPollableInputStream *tls_in;
    GPollableOutputStream *tls_out;
    LcWatchSoon soon_read; /* TLS holds decrypted bytes the socket no longer shows */
    LcChanStreamLimits limits;
    LcChanStreamEvents events;
    gpointer user_data;
    char *peer;

    guint8 *stage; /* bytes just received */
    guint8 head[WIRE_HEADER_SIZE];
    gsize head_have;
    LcWireHeader header;
    guint8 *payload; /* header.length bytes being assembled */
    gsize payload_have;
    gint64 first_us;
    gint64 last_read;
    LcWatch *read_src;

    /* The frame being delivered: its payload, the assembled buffer behind it
     * (if any), and the GBytes made of it on request. */
    const guint8 *deliver_data;
    guint8 *deliver_owned;
    GBytes *deliver_bytes;

    LcRing out;             /* LcStreamItem, oldest first */
    gsize out_offset;       /* bytes of the head item already written */
    gsize out_bytes;        /* queued bytes not yet written */
    guint wait_frames;      /* media items not started */
    gsize wait_bytes;       /* their bytes */
    gsize control_bytes;    /* bytes of other items queued */
    gsize low_water;        /* drained fires when out_bytes falls below it */
    LcWatch *write_src;     /* while the socket's buffer is full */
    LcWatchSoon soon_write; /* queued frames go at the end of this turn */
    GSource *flush_timer;
    GSource *fail_src;
    GError *close_error;
    gboolean closing;
    gboolean closed;
    gboolean handed_over; /* the transport is another stream's now (chan_stream_new_from) */
};
