/* chan_stream.c: one framed, non-blocking TCP connection, chat and media. */
#include "net/io/chan_stream_private.h"
#include "net/io/source.h"

#include "net/wire/clock.h"

#include <string.h>

static gboolean chan_stream_on_readable(GSocket *socket, GIOCondition cond, gpointer data);
static gboolean chan_stream_on_writable(GSocket *socket, GIOCondition cond, gpointer data);
static void chan_stream_on_soon_write(gpointer data);

/* Changes the largest payload accepted. */
void chan_stream_set_max_payload(LcChanStream *stream, gsize max_payload)
{
    stream->limits.max_payload = max_payload;
}

/* Changes the media queue's limits. */
void chan_stream_set_queue_limits(LcChanStream *stream, guint frames, gsize bytes)
{
    stream->limits.queue_frames = MAX(frames, 1);
    stream->limits.queue_bytes = bytes;
}

/* Sets the low-water mark of the drained event. */
void chan_stream_set_low_water(LcChanStream *stream, gsize bytes)
{
    stream->low_water = bytes;
}

/* Starts reading. */
void chan_stream_start(LcChanStream *stream)
{
    if (stream->read_src != NULL || stream->closing)
        return;
    stream->read_src = watch_add_socket(stream->socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                        chan_stream_on_readable, stream);
}

/* Releases what a queued item holds (it stays in the ring). */
static void chan_stream_item_clear(gpointer data)
{
    LcStreamItem *item = data;
    g_clear_pointer(&item->head, g_bytes_unref);
    g_clear_pointer(&item->data, g_bytes_unref);
    g_clear_pointer(&item->stamped, g_bytes_unref);
    item->size = 0;
}

/* Closes the socket and reports closed once. */
static void chan_stream_finish(LcChanStream *stream, const GError *error)
{
    if (stream->closed)
        return;
    stream->closed = TRUE;
    stream->closing = TRUE;
    watch_drop(&stream->read_src);
    watch_drop(&stream->write_src);
    watch_soon_cancel(&stream->soon_write);
    watch_soon_cancel(&stream->soon_read);
    source_drop(&stream->flush_timer);
    source_drop(&stream->fail_src);
    ring_clear(&stream->out, chan_stream_item_clear);
    stream->out_bytes = stream->wait_bytes = stream->control_bytes = 0;
    stream->wait_frames = 0;
    /* TLS ends with the socket, without a close_notify: a closing stream
     * never waits on a peer that does not read. */
    if (stream->handed_over) {
        /* Another stream reads and writes the transport now. */
    } else if (stream->connection != NULL && stream->tls == NULL) {
        g_io_stream_close(stream->connection, NULL, NULL);
    } else {
        g_socket_close(stream->socket, NULL);
    }
    if (stream->events.closed)
        stream->events.closed(stream, error, stream->user_data);
}

/* Stops reading and reports a broken framing. */
static void chan_stream_bad_frame(LcChanStream *stream, const GError *error)
{
    watch_drop(&stream->read_src);
    if (stream->events.bad_frame)
        stream->events.bad_frame(stream, error, stream->user_data);
    else
        chan_stream_finish(stream, error);
}

/* Parses and checks the header at buf into stream->header. */
static gboolean chan_stream_check_header(LcChanStream *stream, const guint8 *buf)
{
    g_autoptr(GError) error = NULL;
    if (!wire_header_parse(buf, &stream->header, &error)) {
        chan_stream_bad_frame(stream, error);
        return FALSE;
    }
    if (stream->header.length > stream->limits.max_payload) {
        g_set_error(&error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                    "%s payload of %u bytes exceeds this channel's limit of %zu",
                    wire_type_name(stream->header.type), stream->header.length,
                    stream->limits.max_payload);
        chan_stream_bad_frame(stream, error);
        return FALSE;
    }
    return TRUE;
}

/* Hands a whole frame to the owner; owned (may be NULL) is the assembled
 * buffer behind payload, freed afterwards unless the owner kept it. */
static void chan_stream_deliver(LcChanStream *stream, const guint8 *payload, guint8 *owned,
                                gint64 now)
{
    LcWireHeader header = stream->header;
    stream->deliver_data = payload;
    stream->deliver_owned = owned;
    stream->events.frame(stream, &header, payload, stream->first_us, now, stream->user_data);
    stream->deliver_data = NULL;
    g_clear_pointer(&stream->deliver_owned, g_free);
    g_clear_pointer(&stream->deliver_bytes, g_bytes_unref);
}

/* A reference to the payload being delivered. */
GBytes *chan_stream_ref_payload(LcChanStream *stream)
{
    g_return_val_if_fail(stream->deliver_data != NULL, NULL);
    if (stream->deliver_bytes == NULL) {
        gsize length = stream->header.length;
        if (stream->deliver_owned != NULL)
            stream->deliver_bytes =
                g_bytes_new_take(g_steal_pointer(&stream->deliver_owned), length);
        else
            stream->deliver_bytes = g_bytes_new(stream->deliver_data, length);
    }
    return g_bytes_ref(stream->deliver_bytes);
}

/* Decodes the frame being delivered; only a frame with a data field needs
 * the payload as GBytes. */
gboolean chan_stream_decode(LcChanStream *stream, const LcWireHeader *header, LcWireMsg *msg,
                            GError **error)
{
    g_return_val_if_fail(stream->deliver_data != NULL, FALSE);
    if (header->type != WIRE_VIDEO_FRAME && header->type != WIRE_FILE_DATA)
        return wire_msg_decode(header, stream->deliver_data, msg, error);
    g_autoptr(GBytes) payload = chan_stream_ref_payload(stream);
    return wire_msg_decode_bytes(header, payload, msg, error);
}

/* Takes the header bytes at p into the frame being assembled; returns how
 * many it took, or -1 once reading must stop. */
static gssize chan_stream_take_head(LcChanStream *stream, const guint8 *p, gsize n, gint64 now)
{
    if (stream->head_have == 0)
        stream->first_us = now;
    gsize take = MIN(n, WIRE_HEADER_SIZE - stream->head_have);
    memcpy(stream->head + stream->head_have, p, take);
    stream->head_have += take;
    if (stream->head_have == WIRE_HEADER_SIZE) {
        if (!chan_stream_check_header(stream, stream->head))
            return -1;
        stream->payload = g_malloc(MAX(stream->header.length, 1));
        stream->payload_have = 0;
    }
    return (gssize)take;
}

/* Takes received bytes: whole frames are delivered in place, the rest is
 * assembled. FALSE once reading must stop (bad framing, or the owner closed
 * the stream). */
static gboolean chan_stream_consume_input(LcChanStream *stream, const guint8 *p, gsize n,
                                          gint64 now)
{
    while (n > 0 && !stream->closing) {
        if (stream->head_have == 0 && n >= WIRE_HEADER_SIZE) {
            if (!chan_stream_check_header(stream, p))
                return FALSE;
            gsize whole = WIRE_HEADER_SIZE + stream->header.length;
            if (n >= whole) {
                stream->first_us = now;
                chan_stream_deliver(stream, p + WIRE_HEADER_SIZE, NULL, now);
                p += whole;
                n -= whole;
                continue;
            }
        }
        if (stream->head_have < WIRE_HEADER_SIZE) {
            gssize took = chan_stream_take_head(stream, p, n, now);
            if (took < 0)
                return FALSE;
            p += took;
            n -= (gsize)took;
            if (stream->head_have < WIRE_HEADER_SIZE)
                continue;
        }
        gsize take = MIN(n, stream->header.length - stream->payload_have);
        memcpy(stream->payload + stream->payload_have, p, take);
        stream->payload_have += take;
        p += take;
        n -= take;
        if (stream->payload_have == stream->header.length) {
            stream->head_have = 0;
            guint8 *owned = g_steal_pointer(&stream->payload);
            chan_stream_deliver(stream, owned, owned, now);
        }
    }
    return !stream->closing && stream->read_src != NULL;
}

/* Bytes of the frame being assembled still to come, when enough of them
 * are that reading them straight into its buffer pays; else 0. */
static gsize chan_stream_direct_want(const LcChanStream *stream)
{
    if (stream->payload == NULL || stream->head_have < WIRE_HEADER_SIZE)
        return 0;
    gsize left = stream->header.length - stream->payload_have;
    return left >= CHAN_STREAM_DIRECT_MIN ? left : 0;
}

/* Reads straight into the frame being assembled; delivers it once whole.
 * FALSE once reading must stop. */
static gboolean chan_stream_take_direct(LcChanStream *stream, gsize n, gint64 now)
{
    stream->payload_have += n;
    if (stream->payload_have < stream->header.length)
        return TRUE;
    stream->head_have = 0;
    guint8 *owned = g_steal_pointer(&stream->payload);
    chan_stream_deliver(stream, owned, owned, now);
    return !stream->closing && stream->read_src != NULL;
}

/* Reads from the socket, or through TLS. */
static gssize chan_stream_recv(LcChanStream *stream, guint8 *buf, gsize len, GError **error)
{
    if (stream->tls_in == NULL)
        return g_socket_receive(stream->socket, (char *)buf, len, NULL, error);
    GError *local = NULL;
    gssize n = g_pollable_input_stream_read_nonblocking(stream->tls_in, buf, len, NULL, &local);
    /* Neither end sends a close_notify (chan_stream_new_for_tls()): the
     * TCP end is the end, as in plaintext; frames delimit themselves. */
    if (g_error_matches(local, G_TLS_ERROR, G_TLS_ERROR_EOF)) {
        g_error_free(local);
        return 0;
    }
    if (local != NULL)
        g_propagate_error(error, local);
    return n;
}

static void chan_stream_on_soon_read(gpointer data);

/* Reads what the socket has (up to a budget). */
static gboolean chan_stream_on_readable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcChanStream *stream = data;
    gsize budget = stream->limits.read_budget;

    while (budget > 0) {
        g_autoptr(GError) error = NULL;
        gsize direct = MIN(chan_stream_direct_want(stream), budget);
        guint8 *into = direct > 0 ? stream->payload + stream->payload_have : stream->stage;
        gssize n =
            chan_stream_recv(stream, into, direct > 0 ? direct : CHAN_STREAM_READ_CHUNK, &error);
        if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
        if (n <= 0) {
            watch_unref(g_steal_pointer(&stream->read_src));
            chan_stream_finish(stream, error); /* n == 0: EOF, a clean close */
            return G_SOURCE_REMOVE;
        }
        stream->last_read = g_get_monotonic_time();
        budget -= MIN(budget, (gsize)n);
        gboolean go_on =
            direct > 0 ? chan_stream_take_direct(stream, (gsize)n, clock_now_us())
                       : chan_stream_consume_input(stream, stream->stage, (gsize)n, clock_now_us());
        if (!go_on)
            return G_SOURCE_REMOVE; /* the source was dropped by whoever stopped reading */
        /* Read on until the socket says it is empty, though a read that
         * returned less than asked for suggests it is: stopping there held
         * a TCP channel's frames up by tens of milliseconds each in the
         * default (-O2) build, 46 Mbit/s instead of 17 Gbit/s on loopback
         * (lanconf-bench transport). */
    }
    /* The budget ran out with a TLS record decrypted and not all taken:
     * the socket may show nothing more, so the rest is read soon. */
    if (stream->tls_in != NULL && g_pollable_input_stream_is_readable(stream->tls_in))
        watch_soon(&stream->soon_read, chan_stream_on_soon_read, stream);
    return G_SOURCE_CONTINUE;
}

/* Reads on what TLS still holds, while reading goes on. */
static void chan_stream_on_soon_read(gpointer data)
{
    LcChanStream *stream = data;
    if (stream->read_src != NULL && !stream->closing)
        chan_stream_on_readable(stream->socket, G_IO_IN, stream);
}

/* Writes what is queued at the end of this turn of the loop, with whatever
 * else is queued by then: most writes go at once, and a socket that is
 * full is watched until it drains. */
static void chan_stream_want_write(LcChanStream *stream)
{
    if (stream->write_src != NULL || stream->closed)
        return;
    watch_soon(&stream->soon_write, chan_stream_on_soon_write, stream);
}

/* Closes from an idle: a limit broken inside an owner's call is reported
 * after that call returns. */
static void chan_stream_on_fail(gpointer data)
{
    LcChanStream *stream = data;
    g_autoptr(GError) error =
        g_error_new(LC_WIRE_ERROR, WIRE_ERR_SLOW_CONSUMER,
                    "the peer is not reading (over %zu bytes queued)", stream->limits.control_max);
    chan_stream_finish(stream, error);
}

/* Appends an item to the output queue and accounts for it. */
static void chan_stream_push(LcChanStream *stream, GBytes *head, GBytes *data, guint64 tag)
{
    LcStreamItem *item = ring_push_tail(&stream->out);
    item->head = g_bytes_ref(head);
    item->data = data ? g_bytes_ref(data) : NULL;
    item->size = g_bytes_get_size(head) + (data ? g_bytes_get_size(data) : 0);
    item->tag = tag;
    item->media = data != NULL;
    stream->out_bytes += item->size;
    if (item->media) {
        stream->wait_frames++;
        stream->wait_bytes += item->size;
    } else {
        stream->control_bytes += item->size;
    }
    chan_stream_want_write(stream);
}

/* Queues a frame that must not be dropped. */
void chan_stream_send(LcChanStream *stream, GBytes *frame)
{
    if (stream->closing)
        return;
    chan_stream_push(stream, frame, NULL, 0);
    if (stream->control_bytes > stream->limits.control_max)
        source_once(&stream->fail_src, 0, chan_stream_on_fail, stream);
}

/* Drops the oldest media frame that has not started going out. It stays in
 * the ring, empty, until the writer reaches it: removing from the middle of
 * a ring would mean moving the rest. */
static gboolean chan_stream_drop_oldest(LcChanStream *stream)
{
    for (guint i = 0; i < stream->out.length; i++) {
        LcStreamItem *item = ring_peek(&stream->out, i);
        if (!item->media || item->started || item->size == 0)
            continue;
        stream->out_bytes -= item->size;
        stream->wait_frames--;
        stream->wait_bytes -= item->size;
        guint64 tag = item->tag;
        chan_stream_item_clear(item);
        if (stream->events.dropped)
            stream->events.dropped(stream, tag, stream->user_data);
        return TRUE;
    }
    return FALSE;
}

/* Queues a media frame, dropping the oldest waiting ones beyond the limits.
 * The new frame always stays: it is the freshest. */
void chan_stream_send_media(LcChanStream *stream, GBytes *head, GBytes *data, guint64 tag)
{
    if (stream->closing)
        return;
    gsize size = g_bytes_get_size(head) + g_bytes_get_size(data);
    while (stream->wait_frames > 0 && (stream->wait_frames + 1 > stream->limits.queue_frames ||
                                       stream->wait_bytes + size > stream->limits.queue_bytes))
        if (!chan_stream_drop_oldest(stream) || stream->closing)
            break;
    if (!stream->closing)
        chan_stream_push(stream, head, data, tag);
}

/* Drops every queued item that has not started going out. */
gsize chan_stream_discard_unsent(LcChanStream *stream)
{
    gsize dropped = 0;
    for (guint i = 0; i < stream->out.length; i++) {
        LcStreamItem *item = ring_peek(&stream->out, i);
        if (item->size == 0 || item->started || (i == 0 && stream->out_offset > 0))
            continue;
        dropped += item->size;
        stream->out_bytes -= item->size;
        if (item->media) {
            stream->wait_frames--;
            stream->wait_bytes -= item->size;
        } else {
            stream->control_bytes -= item->size;
        }
        chan_stream_item_clear(item);
    }
    return dropped;
}

/* Prepares an item's head for writing: the send time goes in now. */
static GBytes *chan_stream_item_head(LcChanStream *stream, LcStreamItem *item, gint64 now)
{
    gint offset = stream->limits.stamp_offset;
    if (!item->media || item->started || offset < 0 ||
        (gsize)offset + 8 > g_bytes_get_size(item->head)) {
        if (!item->started)
            item->send_us = now;
        return item->stamped ? item->stamped : item->head;
    }
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(item->head, &size);
    guint8 *copy = g_memdup2(bytes, size);
    for (guint i = 0; i < 8; i++)
        copy[offset + i] = (guint8)((guint64)now >> (8 * (7 - i)));
    g_clear_pointer(&item->stamped, g_bytes_unref);
    item->stamped = g_bytes_new_take(copy, size);
    item->send_us = now;
    return item->stamped;
}

/* Fills vectors from the queue; returns how many. */
static guint chan_stream_fill_vectors(LcChanStream *stream, GOutputVector *vec, gint64 now)
{
    guint n = 0;
    gsize skip = stream->out_offset;
    for (guint i = 0; i < stream->out.length && n + 2 <= CHAN_STREAM_WRITE_VECTORS; i++) {
        LcStreamItem *item = ring_peek(&stream->out, i);
        if (item->size == 0)
            continue; /* dropped */
        GBytes *parts[2] = {chan_stream_item_head(stream, item, now), item->data};
        for (guint j = 0; j < 2 && parts[j] != NULL; j++) {
            gsize size = 0;
            const guint8 *bytes = g_bytes_get_data(parts[j], &size);
            if (skip >= size) {
                skip -= size;
                continue;
            }
            vec[n].buffer = bytes + skip;
            vec[n].size = size - skip;
            skip = 0;
            n++;
        }
    }
    return n;
}

/* Marks the head item started and reports it; FALSE if the owner closed the
 * stream meanwhile. */
static gboolean chan_stream_start_item(LcChanStream *stream, LcStreamItem *item)
{
    item->started = TRUE;
    stream->wait_frames--;
    stream->wait_bytes -= item->size;
    if (stream->events.started)
        stream->events.started(stream, item->tag, item->send_us, g_bytes_get_size(item->data),
                               stream->user_data);
    return !stream->closed;
}

/* Accounts for n written bytes: items started and items finished. Items are
 * peeked again after every callback: the owner may queue more, which can
 * move the ring's elements. */
static void chan_stream_consume_output(LcChanStream *stream, gsize n)
{
    stream->out_bytes -= n;
    while (stream->out.length > 0) {
        LcStreamItem *item = ring_peek(&stream->out, 0);
        if (item->size == 0) { /* dropped while waiting */
            ring_pop_head(&stream->out);
            continue;
        }
        if (n == 0)
            return;
        if (item->media && !item->started && !chan_stream_start_item(stream, item))
            return;
        item = ring_peek(&stream->out, 0);
        gsize left = item->size - stream->out_offset;
        if (n < left) {
            stream->out_offset += n;
            return;
        }
        n -= left;
        stream->out_offset = 0;
        LcStreamItem done = *item;
        ring_pop_head(&stream->out);
        if (!done.media)
            stream->control_bytes -= done.size;
        chan_stream_item_clear(&done);
        if (done.media && stream->events.written) {
            stream->events.written(stream, done.tag, stream->user_data);
            if (stream->closed)
                return;
        }
    }
}

/* Writes vectors to the socket, or through TLS; -1 with WOULD_BLOCK when
 * nothing can go now. */
static gssize chan_stream_send_vectors(LcChanStream *stream, GOutputVector *vec, guint n,
                                       GError **error)
{
    if (stream->tls_out == NULL)
        return g_socket_send_message(stream->socket, NULL, vec, (gint)n, NULL, 0, 0, NULL, error);
    gsize written = 0;
    GPollableReturn r =
        g_pollable_output_stream_writev_nonblocking(stream->tls_out, vec, n, &written, NULL, error);
    if (r == G_POLLABLE_RETURN_OK)
        return (gssize)written;
    if (r == G_POLLABLE_RETURN_WOULD_BLOCK)
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "would block");
    return -1;
}

/* Sends as much of the queue as the socket takes, in one gathered write;
 * FALSE when the stream closed meanwhile. */
static gboolean chan_stream_write_some(LcChanStream *stream)
{
    GOutputVector vec[CHAN_STREAM_WRITE_VECTORS];
    guint n = chan_stream_fill_vectors(stream, vec, clock_now_us());
    if (n == 0)
        return TRUE;
    g_autoptr(GError) error = NULL;
    gssize sent = chan_stream_send_vectors(stream, vec, n, &error);
    if (sent < 0 && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        chan_stream_finish(stream, error);
        return FALSE;
    }
    gsize before = stream->out_bytes;
    if (sent > 0)
        chan_stream_consume_output(stream, (gsize)sent);
    if (stream->closed)
        return FALSE;
    if (stream->low_water > 0 && before >= stream->low_water &&
        stream->out_bytes < stream->low_water && stream->events.drained != NULL &&
        !stream->closing) {
        stream->events.drained(stream, stream->user_data);
        if (stream->closed)
            return FALSE;
    }
    return TRUE;
}

/* The socket can take more: sends, and stops watching once all is sent. */
static gboolean chan_stream_on_writable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcChanStream *stream = data;
    if (!chan_stream_write_some(stream))
        return G_SOURCE_REMOVE;
    if (stream->out_bytes > 0)
        return G_SOURCE_CONTINUE;
    watch_unref(g_steal_pointer(&stream->write_src));
    if (stream->closing)
        chan_stream_finish(stream, stream->close_error);
    return G_SOURCE_REMOVE;
}

/* The end of the turn in which frames were queued: sends them; what the
 * socket does not take waits for it to drain. */
static void chan_stream_on_soon_write(gpointer data)
{
    LcChanStream *stream = data;
    if (stream->write_src != NULL || !chan_stream_write_some(stream))
        return;
    if (stream->out_bytes > 0)
        stream->write_src = watch_add_socket(stream->socket, G_IO_OUT | G_IO_ERR | G_IO_HUP,
                                             chan_stream_on_writable, stream);
    else if (stream->closing)
        chan_stream_finish(stream, stream->close_error);
}

/* Media frames queued and not yet started. */
guint chan_stream_get_queued_frames(LcChanStream *stream)
{
    return stream->wait_frames;
}

/* Bytes queued and not yet written. */
gsize chan_stream_get_queued_bytes(LcChanStream *stream)
{
    return stream->out_bytes;
}

/* The socket. */
GSocket *chan_stream_get_socket(LcChanStream *stream)
{
    return stream->socket;
}

/* The peer's address. */
const char *chan_stream_get_peer(LcChanStream *stream)
{
    return stream->peer;
}

/* Monotonic time of the last byte received. */
gint64 chan_stream_get_last_read(LcChanStream *stream)
{
    return stream->last_read;
}

/* Bytes of a frame begun and not yet whole. */
gsize chan_stream_get_partial_bytes(LcChanStream *stream)
{
    if (stream->head_have < WIRE_HEADER_SIZE)
        return stream->head_have;
    return WIRE_HEADER_SIZE + stream->payload_have;
}

/* Gives up on flushing and closes. */
static void chan_stream_on_flush_timeout(gpointer data)
{
    LcChanStream *stream = data;
    chan_stream_finish(stream, stream->close_error);
}

/* Stops reading, sends what is queued (bounded in time), then closes. */
void chan_stream_close_after_flush(LcChanStream *stream, const GError *error, guint timeout_ms)
{
    if (stream->closing)
        return;
    stream->closing = TRUE;
    stream->close_error = error ? g_error_copy(error) : NULL;
    watch_drop(&stream->read_src);
    if (stream->out_bytes == 0) {
        chan_stream_finish(stream, stream->close_error);
        return;
    }
    source_once(&stream->flush_timer, timeout_ms, chan_stream_on_flush_timeout, stream);
}

/* Closes at once. */
void chan_stream_close(LcChanStream *stream, const GError *error)
{
    chan_stream_finish(stream, error);
}

/* Whether the stream is closed or closing. */
gboolean chan_stream_is_closing(LcChanStream *stream)
{
    return stream->closing;
}

/* Whether the stream is closed. */
gboolean chan_stream_is_closed(LcChanStream *stream)
{
    return stream->closed;
}

/* Frees a stream. */
void chan_stream_free(LcChanStream *stream)
{
    if (stream == NULL)
        return;
    stream->events.closed = NULL;
    chan_stream_finish(stream, NULL);
    g_clear_error(&stream->close_error);
    g_free(stream->payload);
    g_free(stream->stage);
    g_clear_object(&stream->connection);
    g_clear_object(&stream->tls);
    g_object_unref(stream->socket);
    g_free(stream->peer);
    g_free(stream);
}
