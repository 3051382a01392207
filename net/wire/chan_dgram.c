/* chan_dgram.c: the UDP video channel's datagram format. */
#include "net/wire/chan_dgram.h"

#include "net/wire/wire.h"

#include <string.h>

/* Reads a big-endian integer of n bytes. */
static guint64 chan_dgram_get(const guint8 *p, guint n)
{
    guint64 v = 0;
    for (guint i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Writes a big-endian integer of n bytes. */
static void chan_dgram_put(guint8 *p, guint64 v, guint n)
{
    for (guint i = 0; i < n; i++)
        p[n - 1 - i] = (guint8)(v >> (8 * i));
}

/* The exact size of a datagram type without payload, or 0 if unknown. */
static gsize chan_dgram_size_of(guint8 type)
{
    switch (type) {
    case DGRAM_FRAG:
        return DGRAM_FRAG_HEADER_SIZE;
    case DGRAM_ACK:
        return DGRAM_ACK_SIZE;
    case DGRAM_HELLO:
        return DGRAM_HELLO_SIZE;
    case DGRAM_HELLO_ACK:
        return DGRAM_HELLO_ACK_SIZE;
    default:
        return 0;
    }
}

/* Checks the common header and the datagram's size for its type. */
static gboolean chan_dgram_check_header(const guint8 *buf, gsize len, GError **error)
{
    if (len < DGRAM_HEADER_SIZE || buf[0] != DGRAM_MAGIC_0 || buf[1] != DGRAM_MAGIC_1) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME,
                    "not a lanconf video datagram (%zu bytes)", len);
        return FALSE;
    }
    if (buf[2] != DGRAM_VERSION) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_UNSUPPORTED_VERSION,
                    "datagram version %u is not supported", buf[2]);
        return FALSE;
    }
    gsize want = chan_dgram_size_of(buf[3]);
    if (want == 0) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_UNKNOWN_TYPE, "unknown datagram type %u",
                    buf[3]);
        return FALSE;
    }
    if (len > DGRAM_MAX_SIZE) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                    "datagram of %zu bytes is over the limit of %d", len, DGRAM_MAX_SIZE);
        return FALSE;
    }
    if (buf[3] == DGRAM_FRAG ? len < want : len != want) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME,
                    "datagram type %u of %zu bytes (expected %s%zu)", buf[3], len,
                    buf[3] == DGRAM_FRAG ? "at least " : "", want);
        return FALSE;
    }
    return TRUE;
}

/* Decodes a fragment's fields and checks it. */
static gboolean chan_dgram_parse_frag(const guint8 *buf, gsize len, guint32 frame_max, LcDgram *out,
                                      GError **error)
{
    LcFragment *f = &out->frag;
    f->meta.stream_id = out->stream_id;
    f->meta.seq = chan_dgram_get(buf + 20, 8);
    f->index = (guint16)chan_dgram_get(buf + 28, 2);
    f->count = (guint16)chan_dgram_get(buf + 30, 2);
    f->frame_size = (guint32)chan_dgram_get(buf + 32, 4);
    f->meta.capture_us = (gint64)chan_dgram_get(buf + 36, 8);
    f->meta.send_us = (gint64)chan_dgram_get(buf + 44, 8);
    f->meta.codec = buf[52];
    f->meta.flags = (guint16)chan_dgram_get(buf + 53, 2);
    f->payload = buf + DGRAM_FRAG_HEADER_SIZE;
    f->payload_len = len - DGRAM_FRAG_HEADER_SIZE;
    return frag_check(f, frame_max, error);
}

/* Reads a datagram's header, sealed or not. */
gboolean chan_dgram_peek(const guint8 *buf, gsize len, LcDgram *out, gboolean *sealed)
{
    memset(out, 0, sizeof(*out));
    if (len < DGRAM_HEADER_SIZE || buf[0] != DGRAM_MAGIC_0 || buf[1] != DGRAM_MAGIC_1 ||
        (buf[2] != DGRAM_VERSION && buf[2] != DGRAM_VERSION_SEALED))
        return FALSE;
    *sealed = buf[2] == DGRAM_VERSION_SEALED;
    out->type = buf[3];
    out->stream_id = (guint32)chan_dgram_get(buf + 4, 4);
    out->token = chan_dgram_get(buf + 8, 8);
    out->viewer_id = (guint32)chan_dgram_get(buf + 16, 4);
    return TRUE;
}

/* Decodes a datagram. */
gboolean chan_dgram_parse(const guint8 *buf, gsize len, guint32 frame_max, LcDgram *out,
                          GError **error)
{
    memset(out, 0, sizeof(*out));
    if (!chan_dgram_check_header(buf, len, error))
        return FALSE;
    out->type = buf[3];
    out->stream_id = (guint32)chan_dgram_get(buf + 4, 4);
    out->token = chan_dgram_get(buf + 8, 8);
    out->viewer_id = (guint32)chan_dgram_get(buf + 16, 4);
    switch (out->type) {
    case DGRAM_FRAG:
        return chan_dgram_parse_frag(buf, len, frame_max, out, error);
    case DGRAM_ACK:
        out->ack.seq = chan_dgram_get(buf + 20, 8);
        out->ack.first_us = (gint64)chan_dgram_get(buf + 28, 8);
        out->ack.last_us = (gint64)chan_dgram_get(buf + 36, 8);
        out->ack.clock_offset_us = (gint64)chan_dgram_get(buf + 44, 8);
        return TRUE;
    default: /* HELLO, HELLO_ACK */
        out->hello.role = buf[20];
        out->hello.t1 = (gint64)chan_dgram_get(buf + 21, 8);
        if (out->type == DGRAM_HELLO_ACK)
            out->hello.t2 = (gint64)chan_dgram_get(buf + 29, 8);
        if (out->hello.role != WIRE_VIDEO_ROLE_SENDER &&
            out->hello.role != WIRE_VIDEO_ROLE_VIEWER) {
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "datagram role %u is unknown",
                        out->hello.role);
            return FALSE;
        }
        return TRUE;
    }
}

/* Writes a datagram (a fragment's header only) and returns its length. */
gsize chan_dgram_write(const LcDgram *d, guint8 *buf)
{
    buf[0] = DGRAM_MAGIC_0;
    buf[1] = DGRAM_MAGIC_1;
    buf[2] = DGRAM_VERSION;
    buf[3] = d->type;
    chan_dgram_put(buf + 4, d->stream_id, 4);
    chan_dgram_put(buf + 8, d->token, 8);
    chan_dgram_put(buf + 16, d->viewer_id, 4);
    switch (d->type) {
    case DGRAM_FRAG:
        chan_dgram_put(buf + 20, d->frag.meta.seq, 8);
        chan_dgram_put(buf + 28, d->frag.index, 2);
        chan_dgram_put(buf + 30, d->frag.count, 2);
        chan_dgram_put(buf + 32, d->frag.frame_size, 4);
        chan_dgram_put(buf + 36, (guint64)d->frag.meta.capture_us, 8);
        chan_dgram_put(buf + 44, (guint64)d->frag.meta.send_us, 8);
        buf[52] = d->frag.meta.codec;
        chan_dgram_put(buf + 53, d->frag.meta.flags, 2);
        return DGRAM_FRAG_HEADER_SIZE;
    case DGRAM_ACK:
        chan_dgram_put(buf + 20, d->ack.seq, 8);
        chan_dgram_put(buf + 28, (guint64)d->ack.first_us, 8);
        chan_dgram_put(buf + 36, (guint64)d->ack.last_us, 8);
        chan_dgram_put(buf + 44, (guint64)d->ack.clock_offset_us, 8);
        return DGRAM_ACK_SIZE;
    default: /* HELLO, HELLO_ACK */
        buf[20] = d->hello.role;
        chan_dgram_put(buf + 21, (guint64)d->hello.t1, 8);
        if (d->type != DGRAM_HELLO_ACK)
            return DGRAM_HELLO_SIZE;
        chan_dgram_put(buf + 29, (guint64)d->hello.t2, 8);
        return DGRAM_HELLO_ACK_SIZE;
    }
}

/* Builds the vectors of one fragment datagram. */
guint chan_dgram_fragment(LcDgram *d, GBytes *data, guint index,
                          guint8 head[DGRAM_FRAG_HEADER_SIZE], GOutputVector vec[2])
{
    gsize size = g_bytes_get_size(data), offset = 0, length = 0;
    frag_slice(size, index, &offset, &length);
    d->type = DGRAM_FRAG;
    d->frag.meta.stream_id = d->stream_id;
    d->frag.index = (guint16)index;
    d->frag.count = (guint16)frag_count_for_size(size);
    d->frag.frame_size = (guint32)size;
    vec[0] = (GOutputVector){head, chan_dgram_write(d, head)};
    vec[1] = (GOutputVector){(const guint8 *)g_bytes_get_data(data, NULL) + offset, length};
    return length > 0 ? 2 : 1;
}

/* A fragment datagram's size, for pacing. */
gsize chan_dgram_fragment_size(gsize frame_size, guint index)
{
    gsize offset = 0, length = 0;
    frag_slice(frame_size, index, &offset, &length);
    return DGRAM_FRAG_HEADER_SIZE + length;
}
