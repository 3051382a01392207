/* chan_dgram.h: the UDP video channel's datagram format (docs/PROTOCOL.md,
 * "UDP datagrams"), encoding and decoding.
 *
 * Pure code: no I/O. Every datagram starts with a 20-byte header (magic "LV",
 * version, type, stream id, token, viewer id); a fragment adds its frame's
 * fields and carries at most FRAG_PAYLOAD_MAX bytes of the frame. All integers
 * are big-endian. Errors are LC_WIRE_ERROR codes, as for TCP frames.
 */
#pragma once

#include <gio/gio.h>

#include "net/wire/frag.h"

#define DGRAM_MAGIC_0 0x4C /* 'L' */
#define DGRAM_MAGIC_1 0x56 /* 'V' */
#define DGRAM_VERSION 1
#define DGRAM_VERSION_SEALED                                                                       \
    2 /* sealed (net/io/dgram_crypt.h): the header in clear, the rest encrypted */
#define DGRAM_HEADER_SIZE      20
#define DGRAM_FRAG_HEADER_SIZE 55
#define DGRAM_ACK_SIZE         52
#define DGRAM_HELLO_SIZE       29
#define DGRAM_HELLO_ACK_SIZE   37
#define DGRAM_MAX_SIZE         (DGRAM_FRAG_HEADER_SIZE + FRAG_PAYLOAD_MAX)

typedef enum {
    DGRAM_FRAG = 1,      /* one fragment of a video frame */
    DGRAM_ACK = 2,       /* a complete frame acknowledged */
    DGRAM_HELLO = 3,     /* registration and keepalive: here is my address */
    DGRAM_HELLO_ACK = 4, /* the relay's answer to HELLO */
} LcDgramType;

/* One datagram, decoded or to encode. For DGRAM_FRAG, frag.stream_id equals
 * stream_id and frag.payload is borrowed from the datagram. */
typedef struct {
    guint8 type;
    guint32 stream_id;
    guint64 token;
    guint32 viewer_id; /* 0: the camera's side (sender, or the relay's own ACK) */
    union {
        LcFragment frag;
        struct {
            guint64 seq;
            gint64 first_us;        /* receiver's clock: first datagram of the frame */
            gint64 last_us;         /* receiver's clock: the datagram that completed it */
            gint64 clock_offset_us; /* relay minus receiver (0 when the relay acks) */
        } ack;
        struct {
            guint8 role; /* WIRE_VIDEO_ROLE_SENDER or _VIEWER */
            gint64 t1;   /* the client's clock when it sent HELLO; echoed */
            gint64 t2;   /* HELLO_ACK: the relay's clock when it answered */
        } hello;
    };
} LcDgram;

/* Reads the 20-byte header of a datagram, sealed or not (type, stream id,
 * token, viewer id into out; *sealed: version 2), without looking further:
 * what a receiver needs to find the datagram's key. */
gboolean chan_dgram_peek(const guint8 *buf, gsize len, LcDgram *out, gboolean *sealed);

/* Decodes a datagram of len bytes. A fragment is checked with frag_check
 * against frame_max. */
gboolean chan_dgram_parse(const guint8 *buf, gsize len, guint32 frame_max, LcDgram *out,
                          GError **error);

/* Writes a datagram into buf (at least DGRAM_FRAG_HEADER_SIZE bytes) and
 * returns its length; for DGRAM_FRAG only the header is written, the payload
 * follows it on the wire. */
gsize chan_dgram_write(const LcDgram *dgram, guint8 *buf);

/* Fragment index of data as a datagram, ready for a gathered send: sets
 * d->frag's index, count, frame_size and meta.stream_id (the caller fills
 * the rest of d: ids, and frag.meta), writes the header into head and points vec[0]
 * at it and vec[1] at the fragment's bytes. Returns the vectors in use (1 for
 * an empty frame, else 2). The one fragment writer of the client and the relay. */
/* Bytes on the wire (header and payload) of fragment index of a frame_size-byte frame. */
gsize chan_dgram_fragment_size(gsize frame_size, guint index);
guint chan_dgram_fragment(LcDgram *d, GBytes *data, guint index,
                          guint8 head[DGRAM_FRAG_HEADER_SIZE], GOutputVector vec[2]);
