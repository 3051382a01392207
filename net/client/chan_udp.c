/* chan_udp.c: the UDP video channel: datagrams to the relay's UDP port (the
 * TCP port's number), each carrying the stream id and token the relay handed
 * out (docs/PROTOCOL.md, "UDP datagrams").
 *
 * The socket is connected to the relay, so the kernel passes up only the
 * relay's datagrams and reports ICMP errors. HELLO datagrams register this
 * address with the relay (again every second, so that a NAT binding or a lost
 * HELLO heals); the first HELLO_ACK makes the channel ready. A sender splits
 * each frame into datagrams of at most FRAG_PAYLOAD_MAX bytes and paces them
 * with a token bucket; frames waiting to go are bounded, oldest dropped. A
 * viewer reassembles fragments (reordering and duplicates tolerated) and
 * abandons a frame that stays incomplete past the deadline: lost.
 */
#include "net/client/chan_private.h"
#include "net/client/chan_mux.h"
#include "net/io/dgram_batch.h"
#include "net/io/source.h"
#include "net/io/watch.h"

#include "net/wire/chan_dgram.h"
#include "net/io/dgram_crypt.h"
#include "net/io/token_bucket.h"
#include "net/io/chan_timer.h"
#include "net/wire/clock.h"
#include "net/wire/wire.h"

#include <sys/socket.h>

#define CHAN_UDP_HELLO_FAST_MS 200  /* HELLO interval until the relay answers */
#define CHAN_UDP_HELLO_MS      1000 /* HELLO interval afterwards: keepalive */
#define CHAN_UDP_EXPIRE_MS     20   /* how often incomplete frames are checked */

/* A frame waiting to go, or going out. */
typedef struct {
    LcFrameMeta meta; /* send_us: set as its first datagram goes */
    GBytes *data;
} LcUdpOut;

typedef struct {
    LcChan base;
    GSocket *socket;
    LcWatch *read_src;
    LcWatch *write_src; /* while the send buffer is full */
    LcChanTimer *pace;  /* armed while pacing holds the next datagram */
    GSource *hello_src;
    GSource *expire_src;
    GQueue out;       /* LcUdpOut, oldest first; the head may be going out */
    guint next_frag;  /* next fragment of the head */
    gsize wait_bytes; /* bytes of frames not started */
    LcTokenBucket bucket;
    LcFragReassembler *reasm;
    LcUdpReader reader; /* the socket of its own (none on a mux) */
    gboolean on_mux;    /* the socket is the mux's (chan_mux.h) */
    LcDgramKey key;     /* set: every datagram sealed both ways */
    guint8 open_buf[DGRAM_CRYPT_MAX_SIZE];
    LcChanStats counters;
} LcChanUdp;

static void chan_udp_pump(LcChanUdp *udp);

/* The pacing timer: the next datagram may go. */
static gboolean chan_udp_on_pace(gpointer data)
{
    chan_udp_pump(data);
    return G_SOURCE_CONTINUE;
}

/* Allocates a UDP channel. */
static LcChan *chan_udp_create(void)
{
    LcChanUdp *udp = g_new0(LcChanUdp, 1);
    g_queue_init(&udp->out);
    return &udp->base;
}

/* Frees a waiting frame. */
static void chan_udp_out_free(LcUdpOut *out)
{
    g_bytes_unref(out->data);
    g_free(out);
}

/* Sends one datagram to the relay (sealed when the channel has a key);
 * FALSE when the send buffer is full. */
static gboolean chan_udp_send(LcChanUdp *udp, GOutputVector *vec, guint n)
{
    g_autoptr(GError) error = NULL;
    if (udp->socket == NULL)
        return TRUE;
    guint8 sealed[DGRAM_CRYPT_MAX_SIZE];
    GOutputVector one;
    if (dgram_crypt_key_is_set(&udp->key)) {
        one = (GOutputVector){sealed, dgram_crypt_seal(&udp->key, vec, n, sealed)};
        if (one.size == 0)
            return TRUE; /* the key's counter is used up: gone, as on a lossy network */
        vec = &one;
        n = 1;
    }
    gssize sent = g_socket_send_message(udp->socket, NULL, vec, (gint)n, NULL, 0, 0, NULL, &error);
    if (sent >= 0)
        return TRUE;
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
    udp->counters.send_errors++; /* e.g. an ICMP error reported late: the datagram is gone */
    return TRUE;
}

/* The common header fields of this channel's datagrams. */
static void chan_udp_header(LcChanUdp *udp, LcDgram *d, guint8 type)
{
    const LcChanConfig *cfg = &udp->base.config;
    d->type = type;
    d->stream_id = cfg->stream_id;
    d->token = cfg->token;
    d->viewer_id = cfg->role == LC_CHAN_ROLE_VIEWER ? cfg->viewer_id : 0;
}

/* Sends a HELLO: here is this channel's address. */
static gboolean chan_udp_on_hello(gpointer data)
{
    LcChanUdp *udp = data;
    LcDgram d = {0};
    chan_udp_header(udp, &d, DGRAM_HELLO);
    d.hello.role = (guint8)udp->base.config.role;
    d.hello.t1 = clock_now_us();
    guint8 buf[DGRAM_FRAG_HEADER_SIZE];
    GOutputVector vec = {buf, chan_dgram_write(&d, buf)};
    chan_udp_send(udp, &vec, 1);
    return G_SOURCE_CONTINUE;
}

/* Whether a datagram from the relay carries this channel's identity. */
static gboolean chan_udp_is_mine(LcChanUdp *udp, const LcDgram *d)
{
    const LcChanConfig *cfg = &udp->base.config;
    if (d->stream_id != cfg->stream_id || d->token != cfg->token)
        return FALSE;
    return cfg->role == LC_CHAN_ROLE_SENDER || d->viewer_id == cfg->viewer_id;
}

static gboolean chan_udp_on_expire(gpointer data);

/* A fragment for a viewer: reassemble; a complete frame is reported. The
 * expiry timer runs only while a frame is incomplete: a listener has a
 * channel per speaker, and a voice packet is one datagram, never pending. */
static void chan_udp_on_frag(LcChanUdp *udp, const LcDgram *d)
{
    LcFragResult result;
    LcFragFrame out;
    if (!frag_reassembler_add(udp->reasm, &d->frag, g_get_monotonic_time(), clock_now_us(), &result,
                              &out, NULL)) {
        udp->counters.bad_datagrams++;
        return;
    }
    if (result == FRAG_DUPLICATE || result == FRAG_LATE)
        udp->counters.duplicates++;
    if (udp->expire_src == NULL && frag_reassembler_get_pending(udp->reasm) > 0)
        udp->expire_src = source_add_timeout(CHAN_UDP_EXPIRE_MS, chan_udp_on_expire, udp);
    if (result != FRAG_COMPLETE)
        return;
    gint64 first_us = out.first_us, last_us = out.last_us;
    g_autoptr(LcFrame) frame = frag_frame_take(&out);
    udp->counters.frames_received++;
    udp->counters.bytes_received += frame_get_size(frame);
    chan_emit_frame(&udp->base, frame, first_us, last_us);
}

/* An ACK for a sender, from the relay or a viewer through it. */
static void chan_udp_on_ack(LcChanUdp *udp, const LcDgram *d)
{
    LcChanAck ack = {
        .viewer_id = d->viewer_id,
        .seq = d->ack.seq,
        .first_us = d->ack.first_us,
        .last_us = d->ack.last_us,
        .clock_offset_us = d->ack.clock_offset_us,
        .arrival_us = clock_now_us(),
    };
    udp->counters.acks++;
    chan_emit_ack(&udp->base, &ack);
}

/* The relay answered HELLO: the channel is registered; slow down. */
static void chan_udp_on_hello_ack(LcChanUdp *udp)
{
    if (udp->base.ready)
        return;
    source_reset_timeout(&udp->hello_src, CHAN_UDP_HELLO_MS, chan_udp_on_hello, udp);
    chan_emit_ready(&udp->base);
}

/* Opens a sealed datagram in place of buf when the channel has a key; a
 * plain one then, a forged or a replayed one, is dropped and counted. */
static gboolean chan_udp_unseal(LcChanUdp *udp, const guint8 **buf, gsize *len)
{
    LcDgram h;
    gboolean sealed = FALSE;
    if (!dgram_crypt_key_is_set(&udp->key) || !chan_dgram_peek(*buf, *len, &h, &sealed))
        return TRUE; /* the parser says what is wrong */
    gsize plain_len = 0;
    if (!sealed || dgram_crypt_open(&udp->key, *buf, *len, udp->open_buf, sizeof(udp->open_buf),
                                    &plain_len) != DGRAM_SEAL_OK) {
        udp->counters.bad_seal++;
        return FALSE;
    }
    *buf = udp->open_buf;
    *len = plain_len;
    return TRUE;
}

/* One datagram from the relay. */
static void chan_udp_dispatch(LcChanUdp *udp, const guint8 *buf, gsize len)
{
    LcDgram d;
    gboolean sender = udp->base.config.role == LC_CHAN_ROLE_SENDER;
    if (!chan_udp_unseal(udp, &buf, &len))
        return;
    if (!chan_dgram_parse(buf, len, udp->base.config.frame_max, &d, NULL) ||
        !chan_udp_is_mine(udp, &d)) {
        udp->counters.bad_datagrams++;
        return;
    }
    if (d.type == DGRAM_HELLO_ACK)
        chan_udp_on_hello_ack(udp);
    else if (d.type == DGRAM_ACK && sender)
        chan_udp_on_ack(udp, &d);
    else if (d.type == DGRAM_FRAG && !sender && udp->base.ready)
        chan_udp_on_frag(udp, &d);
    else
        udp->counters.bad_datagrams++;
}

/* One datagram read from the channel's own socket. */
static void chan_udp_on_datagram(const guint8 *buf, gsize len, gpointer data)
{
    chan_udp_dispatch(data, buf, len);
}

/* A datagram naming this channel's view, read by the shared socket. */
void chan_udp_take_datagram(LcChan *chan, const guint8 *buf, gsize len)
{
    chan_udp_dispatch((LcChanUdp *)chan, buf, len);
}

/* Abandons incomplete frames past the deadline: lost. The timer stops
 * once none is left. */
static gboolean chan_udp_on_expire(gpointer data)
{
    LcChanUdp *udp = data;
    frag_reassembler_expire(udp->reasm, g_get_monotonic_time());
    if (udp->reasm != NULL && frag_reassembler_get_pending(udp->reasm) > 0)
        return G_SOURCE_CONTINUE;
    g_clear_pointer(&udp->expire_src, g_source_unref);
    return G_SOURCE_REMOVE;
}

/* The reassembler gave up on a frame. */
static void chan_udp_on_lost(guint32 stream_id, guint64 seq, guint received, guint count,
                             gpointer data)
{
    LcChanUdp *udp = data;
    udp->counters.frames_lost++;
    chan_emit_lost(&udp->base, seq);
}

/* Opens the channel's socket, or attaches to its mux's, and starts
 * registering. */
static gboolean chan_udp_start(LcChanUdp *udp, GError **error)
{
    LcChan *chan = &udp->base;
    if (chan->config.udp_key != NULL &&
        (g_bytes_get_size(chan->config.udp_key) != WIRE_UDP_KEY_SIZE ||
         !dgram_crypt_key_init(&udp->key, g_bytes_get_data(chan->config.udp_key, NULL), FALSE,
                               chan->config.token, error))) {
        if (error != NULL && *error == NULL)
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL,
                        "the relay gave a UDP key of %zu bytes, not %d",
                        g_bytes_get_size(chan->config.udp_key), WIRE_UDP_KEY_SIZE);
        return FALSE;
    }
    if (chan->config.mux != NULL && chan->config.role == LC_CHAN_ROLE_VIEWER) {
        udp->socket = chan_mux_attach_udp(chan->config.mux, chan, error);
        if (udp->socket == NULL)
            return FALSE;
        udp->on_mux = TRUE;
        chan_udp_get_buffers(udp->socket, &udp->counters.rcvbuf, &udp->counters.sndbuf);
    } else {
        /* Big enough for a frame's burst of datagrams. */
        udp->socket = chan_udp_open_socket(chan->config.relay_ip, chan->config.udp_port,
                                           chan->config.socket_buffer, &udp->counters.rcvbuf,
                                           &udp->counters.sndbuf, error);
        if (udp->socket == NULL)
            return FALSE;
        /* A viewer reads runs of fragments: with GRO a buffer may hold up
         * to 64 KiB of them. A sender reads small ACKs only. */
        chan_udp_reader_init(&udp->reader, udp->socket, chan->config.role == LC_CHAN_ROLE_VIEWER,
                             chan_udp_on_datagram, udp, &udp->counters.bad_datagrams);
        udp->read_src =
            watch_add_socket(udp->socket, G_IO_IN, chan_udp_reader_on_readable, &udp->reader);
    }
    token_bucket_init(&udp->bucket, chan->config.udp_pace_bps / 8.0, chan->config.udp_pace_burst,
                      g_get_monotonic_time());
    /* Only a sender paces; a viewer sends HELLOs and ACKs only. */
    if (chan->config.role == LC_CHAN_ROLE_SENDER) {
        udp->pace = chan_timer_new(chan_udp_on_pace, udp, error);
        if (udp->pace == NULL)
            return FALSE;
    }
    if (chan->config.role == LC_CHAN_ROLE_VIEWER) {
        LcFragLimits limits = {
            .frame_max = chan->config.frame_max,
            .max_frames = MAX(chan->config.reassembly_frames, 1),
            .max_bytes = 4 * (gsize)chan->config.frame_max,
            .deadline_us = (gint64)chan->config.reassembly_ms * 1000,
        };
        udp->reasm = frag_reassembler_new(&limits, chan_udp_on_lost, udp);
    }
    source_reset_timeout(&udp->hello_src, CHAN_UDP_HELLO_FAST_MS, chan_udp_on_hello, udp);
    chan_udp_on_hello(udp);
    return TRUE;
}

/* Opens the channel; a failure is reported as closed. */
static void chan_udp_open(LcChan *chan)
{
    g_autoptr(GError) error = NULL;
    if (!chan_udp_start((LcChanUdp *)chan, &error)) {
        g_prefix_error(&error, "video UDP channel: ");
        chan_fail(chan, error);
    }
}

/* Frames waiting, not counting the head once it started going out. */
static guint chan_udp_waiting(LcChanUdp *udp)
{
    return udp->out.length - (udp->next_frag > 0 ? 1 : 0);
}

/* Drops the oldest frame that has not started going out. */
static void chan_udp_drop_oldest(LcChanUdp *udp)
{
    LcUdpOut *out = g_queue_pop_nth(&udp->out, udp->next_frag > 0 ? 1 : 0);
    udp->wait_bytes -= g_bytes_get_size(out->data);
    udp->counters.frames_dropped++;
    guint64 seq = out->meta.seq;
    chan_udp_out_free(out);
    chan_emit_dropped(&udp->base, seq, LC_CHAN_DROP_QUEUE);
}

/* Sender: queues a frame and drops the oldest waiting beyond the limits. */
static void chan_udp_send_frame(LcChan *chan, LcFrame *frame)
{
    LcChanUdp *udp = (LcChanUdp *)chan;
    if (udp->pace == NULL) { /* a viewer's channel sends no frames */
        chan_emit_dropped(chan, frame->meta.seq, LC_CHAN_DROP_NOT_READY);
        return;
    }
    LcUdpOut *out = g_new0(LcUdpOut, 1);
    out->data = g_bytes_ref(frame->data);
    out->meta = frame->meta; /* send_us is set as its first datagram goes */
    out->meta.stream_id = chan->config.stream_id;
    gsize size = g_bytes_get_size(frame->data);
    gsize limit = chan->config.queue_bytes > 0 ? chan->config.queue_bytes : G_MAXSIZE;
    while (chan_udp_waiting(udp) > 0 && (chan_udp_waiting(udp) + 1 > chan->config.queue_frames ||
                                         udp->wait_bytes + size > limit))
        chan_udp_drop_oldest(udp);
    g_queue_push_tail(&udp->out, out);
    udp->wait_bytes += size;
    /* Like the TCP channel, whose enqueue never writes, start sending from
     * the loop: neither channel gets a head start on the other. */
    if (!chan_timer_is_armed(udp->pace))
        chan_timer_arm(udp->pace, 1);
}

/* The send buffer has room again. */
static void chan_udp_on_writable(gpointer data)
{
    chan_udp_pump(data);
}

/* A frame's first datagram went out: it counts as sent, from send_us. */
static void chan_udp_frame_went(LcChanUdp *udp, LcUdpOut *out)
{
    gsize size = g_bytes_get_size(out->data);
    udp->wait_bytes -= size;
    udp->counters.frames_sent++;
    udp->counters.bytes_sent += size;
    chan_emit_sent(&udp->base, out->meta.seq, size, out->meta.send_us);
}

/* Gathers the next datagrams, as many as pacing allows now (up to a batch),
 * without taking them off the queue; a frame's send time is stamped as its
 * first datagram is gathered (it travels in every datagram's header).
 * Returns the microseconds to wait when pacing stopped the batch, else 0. */
static gint64 chan_udp_gather(LcChanUdp *udp, LcDgramBatch *b)
{
    gint64 now = g_get_monotonic_time();
    GList *link = udp->out.head;
    guint next = udp->next_frag;
    b->n = 0;
    while (link != NULL && b->n < DGRAM_BATCH) {
        LcUdpOut *out = link->data;
        if (next == 0)
            out->meta.send_us = clock_now_us();
        LcDgram d = {0};
        chan_udp_header(udp, &d, DGRAM_FRAG);
        d.frag.meta = out->meta;
        gint64 wait = dgram_batch_add(b, &udp->bucket, now, &d, out->data, next, NULL, &udp->key);
        if (wait > 0)
            return wait;
        if (++next >= frag_count_for_size(g_bytes_get_size(out->data))) {
            link = link->next;
            next = 0;
        }
    }
    return 0;
}

/* Takes count sent datagrams off the queue. */
static void chan_udp_advance(LcChanUdp *udp, guint count)
{
    /* The queue is brought up to date before the "sent" event, whose
     * handler may queue (and so drop) frames or close the channel. */
    for (guint i = 0; i < count && udp->socket != NULL; i++) {
        LcUdpOut *out = g_queue_peek_head(&udp->out);
        gboolean first = udp->next_frag == 0;
        gboolean last = ++udp->next_frag >= frag_count_for_size(g_bytes_get_size(out->data));
        if (last) {
            g_queue_pop_head(&udp->out);
            udp->next_frag = 0;
        }
        if (first)
            chan_udp_frame_went(udp, out);
        if (last)
            chan_udp_out_free(out);
    }
}

/* Sends queued datagrams as pacing and the socket allow, a batch a system
 * call (net/io/dgram_batch.h). */
static void chan_udp_pump(LcChanUdp *udp)
{
    LcDgramBatch b;
    while (udp->socket != NULL && udp->write_src == NULL && !chan_timer_is_armed(udp->pace) &&
           !g_queue_is_empty(&udp->out)) {
        gint64 wait = chan_udp_gather(udp, &b);
        if (b.n > 0) {
            gboolean blocked = FALSE;
            guint sent = dgram_batch_send(&b, udp->socket, &blocked, &udp->counters.send_errors);
            chan_udp_advance(udp, sent);
            if (udp->socket == NULL)
                return; /* closed by a "sent" handler */
            if (blocked) {
                watch_once_socket(&udp->write_src, udp->socket, G_IO_OUT, chan_udp_on_writable,
                                  udp);
                return;
            }
        }
        if (wait > 0) {
            chan_timer_arm(udp->pace, wait);
            return;
        }
    }
}

/* Viewer: acknowledges a received frame (not paced: ACKs are small). */
static void chan_udp_send_ack(LcChan *chan, const LcChanAck *ack)
{
    LcChanUdp *udp = (LcChanUdp *)chan;
    LcDgram d = {0};
    chan_udp_header(udp, &d, DGRAM_ACK);
    d.ack.seq = ack->seq;
    d.ack.first_us = ack->first_us;
    d.ack.last_us = ack->last_us;
    d.ack.clock_offset_us = ack->clock_offset_us;
    guint8 buf[DGRAM_FRAG_HEADER_SIZE];
    GOutputVector vec = {buf, chan_dgram_write(&d, buf)};
    if (udp->on_mux) {
        guint8 sealed[DGRAM_CRYPT_MAX_SIZE];
        if (dgram_crypt_key_is_set(&udp->key))
            vec = (GOutputVector){sealed, dgram_crypt_seal(&udp->key, &vec, 1, sealed)};
        chan_mux_send_ack(chan->config.mux, vec.buffer, vec.size);
    } else if (!chan_udp_send(udp, &vec, 1)) {
        udp->counters.send_errors++;
    }
}

/* Counters and the queue now. */
static void chan_udp_get_stats(LcChan *chan, LcChanStats *stats)
{
    LcChanUdp *udp = (LcChanUdp *)chan;
    *stats = udp->counters;
    stats->queue_frames = chan_udp_waiting(udp);
    stats->queue_bytes = udp->wait_bytes;
    if (udp->reasm != NULL) {
        LcFragCounters frag;
        frag_reassembler_get_counters(udp->reasm, &frag);
        stats->duplicates = frag.duplicates + frag.late;
    }
}

/* Closes the socket and stops every timer. */
static void chan_udp_close(LcChan *chan)
{
    LcChanUdp *udp = (LcChanUdp *)chan;
    watch_drop(&udp->read_src);
    watch_drop(&udp->write_src);
    g_clear_pointer(&udp->pace, chan_timer_free);
    source_drop(&udp->hello_src);
    source_drop(&udp->expire_src);
    udp->reader.socket = NULL; /* a read in progress stops */
    if (udp->on_mux && udp->socket != NULL)
        chan_mux_detach_udp(chan->config.mux, chan); /* the socket is the mux's */
    else if (udp->socket != NULL)
        g_socket_close(udp->socket, NULL);
    g_clear_object(&udp->socket);
}

/* Frees the channel. */
static void chan_udp_free(LcChan *chan)
{
    LcChanUdp *udp = (LcChanUdp *)chan;
    g_queue_clear_full(&udp->out, (GDestroyNotify)chan_udp_out_free);
    g_clear_pointer(&udp->reasm, frag_reassembler_free);
    chan_udp_reader_clear(&udp->reader);
    dgram_crypt_key_clear(&udp->key);
    g_free(udp);
}

const LcChanOps chan_udp_ops = {
    .kind = LC_CHAN_UDP,
    .create = chan_udp_create,
    .open = chan_udp_open,
    .send_frame = chan_udp_send_frame,
    .send_ack = chan_udp_send_ack,
    .get_stats = chan_udp_get_stats,
    .close = chan_udp_close,
    .free = chan_udp_free,
};
