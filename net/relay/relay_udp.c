/* relay_udp.c: the relay's UDP socket for the camera channels.
 *
 * One non-blocking socket, bound on the TCP listener's address and port
 * number, carries every stream's datagrams. A datagram is accepted only when
 * its stream (or viewer) id and token match; anything else is dropped without
 * an answer and counted, so that guessing costs the guesser and tells it
 * nothing. Each sender's fragments are reassembled per stream; a complete
 * frame is acknowledged to the address it came from and queued to each
 * viewer's UDP address. A viewer's queue is paced by a token bucket so that a
 * frame's datagrams do not leave in one burst, and drops its oldest waiting
 * frames beyond the queue limit.
 */
#include "net/relay/relay_video_private.h"
#include "net/io/dgram_batch.h"
#include "net/io/udp_offload.h"
#include "net/io/source.h"
#include "net/io/watch.h"

#include "net/wire/chan_dgram.h"
#include "net/wire/clock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* Datagrams handled per wake-up, for fairness; checked between reads, so a
 * read of RELAY_UDP_BATCH GRO runs may pass it (by at most 64 each). */
#define RELAY_UDP_READ_BUDGET 512
#define RELAY_UDP_BATCH       32 /* datagrams read per system call (recvmmsg) */
#define RELAY_UDP_SLOT        (DGRAM_CRYPT_MAX_SIZE + 1) /* one more: an oversized one shows */
#define RELAY_UDP_EXPIRE_MS   50 /* how often incomplete frames are checked */

static void relay_udp_pump_all(LcRelayVideo *video);
static void relay_udp_pump_stream(LcRelayStream *stream);

/*
 * Replies (the relay's ACK of each frame, a viewer's ACK passed on to the
 * sender, HELLO_ACK) are made while a batch of datagrams is handled and sent
 * together after it, in one system call (sendmmsg(2)): in a room of 20
 * speakers and 20 listeners each packet brings 20 viewer ACKs to pass on,
 * and one system call each was the largest part of the relay's time.
 */
#define RELAY_UDP_REPLIES 64

typedef struct _LcRelayReplies {
    guint8 bufs[RELAY_UDP_REPLIES][DGRAM_FRAG_HEADER_SIZE + DGRAM_SEAL_OVERHEAD];
    GOutputVector vecs[RELAY_UDP_REPLIES];
    GOutputMessage msgs[RELAY_UDP_REPLIES];
    GSocketAddress *to[RELAY_UDP_REPLIES]; /* referenced: a peer may move before the send */
    guint n;
} LcRelayReplies;

/* Sends the replies made so far. What the socket's full buffer refuses is
 * dropped, as on a lossy network, and counted with any other error. */
static void relay_udp_flush_replies(LcRelayVideo *video)
{
    LcRelayReplies *r = video->replies;
    for (guint off = 0; off < r->n;) {
        g_autoptr(GError) error = NULL;
        gint sent = g_socket_send_messages(video->udp, r->msgs + off, r->n - off, 0, NULL, &error);
        if (sent < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
            video->udp_send_errors += r->n - off;
            break;
        }
        if (sent < 0) {
            video->udp_send_errors++; /* that one is gone; the others still go */
            off++;
            continue;
        }
        off += (guint)MAX(sent, 1);
    }
    for (guint i = 0; i < r->n; i++)
        g_clear_object(&r->to[i]);
    r->n = 0;
}

/* Queues a datagram without payload (ACK, HELLO_ACK) to go with the other
 * replies once the datagrams read are handled, sealed with the key of the
 * stream or view it goes to when that is set. */
static void relay_udp_send_small(LcRelayVideo *video, GSocketAddress *to, const LcDgram *dgram,
                                 LcDgramKey *key)
{
    LcRelayReplies *r = video->replies;
    if (r->n == RELAY_UDP_REPLIES)
        relay_udp_flush_replies(video);
    guint i = r->n;
    guint8 plain[DGRAM_FRAG_HEADER_SIZE];
    GOutputVector vec = {plain, chan_dgram_write(dgram, plain)};
    gsize len = vec.size;
    if (dgram_crypt_key_is_set(key))
        len = dgram_crypt_seal(key, &vec, 1, r->bufs[i]);
    else
        memcpy(r->bufs[i], plain, vec.size);
    if (len == 0)
        return; /* the key's counter is used up: the reply cannot go */
    r->n++;
    r->vecs[i] = (GOutputVector){r->bufs[i], len};
    r->to[i] = g_object_ref(to);
    r->msgs[i] = (GOutputMessage){.address = to, .vectors = &r->vecs[i], .num_vectors = 1};
}

/* The stream a sender's datagram names, if its token matches. */
static LcRelayStream *relay_udp_sender_stream(LcRelayVideo *video, const LcDgram *d)
{
    LcRelayStream *stream = relay_video_find_stream(video, d->stream_id);
    if (stream != NULL && d->viewer_id == 0 && d->token == stream->token &&
        (stream->channels & WIRE_CHANNEL_UDP))
        return stream;
    video->unknown_token++;
    if (stream != NULL && d->viewer_id == 0)
        stream->stats.bad_token++;
    return NULL;
}

/* The viewer a viewer's datagram names, if its token matches. */
static LcRelayViewer *relay_udp_viewer(LcRelayVideo *video, const LcDgram *d)
{
    LcRelayViewer *viewer = relay_video_find_viewer(video, d->viewer_id);
    if (viewer != NULL && viewer->stream != NULL && viewer->token == d->token &&
        viewer->stream->id == d->stream_id && (viewer->channels & WIRE_CHANNEL_UDP))
        return viewer;
    video->unknown_token++;
    if (viewer != NULL)
        viewer->stats.bad_token++;
    return NULL;
}

/* A fragment from a sender: reassemble; a complete frame is acknowledged and
 * fanned out. */
static void relay_udp_on_frag(LcRelayVideo *video, const LcDgram *d, GSocketAddress *from,
                              gint64 mono_us, gint64 wall_us)
{
    LcRelayStream *stream = relay_udp_sender_stream(video, d);
    if (stream == NULL)
        return;
    g_set_object(&stream->udp_peer, from);
    LcFragResult result;
    LcFragFrame out;
    if (!frag_reassembler_add(stream->reasm, &d->frag, mono_us, wall_us, &result, &out, NULL) ||
        result != FRAG_COMPLETE)
        return;
    stream->stats.frames_in[LC_CHAN_UDP]++;
    stream->stats.bytes_in[LC_CHAN_UDP] += g_bytes_get_size(out.data);

    LcDgram ack = {.type = DGRAM_ACK, .stream_id = stream->id, .token = stream->token};
    ack.ack.seq = out.meta.seq;
    ack.ack.first_us = out.first_us;
    ack.ack.last_us = out.last_us;
    relay_udp_send_small(video, from, &ack, &stream->udp_key);

    g_autoptr(LcFrame) frame = frag_frame_take(&out);
    frame->meta.stream_id = stream->id;
    relay_video_fan_out(stream, frame, LC_CHAN_UDP);
    /* The replies so far (this frame's ACK among them) go before the
     * copies, which may fill the socket's buffer. */
    relay_udp_flush_replies(video);
    relay_udp_pump_stream(stream);
}

/* HELLO: a sender or viewer says where it is; the relay answers. */
static void relay_udp_on_hello(LcRelayVideo *video, const LcDgram *d, GSocketAddress *from,
                               gint64 wall_us)
{
    LcDgramKey *key = NULL;
    if (d->hello.role == WIRE_VIDEO_ROLE_SENDER) {
        LcRelayStream *stream = relay_udp_sender_stream(video, d);
        if (stream == NULL)
            return;
        g_set_object(&stream->udp_peer, from);
        key = &stream->udp_key;
    } else {
        LcRelayViewer *viewer = relay_udp_viewer(video, d);
        if (viewer == NULL)
            return;
        g_set_object(&viewer->udp_peer, from);
        key = &viewer->udp_key;
    }
    LcDgram answer = *d;
    answer.type = DGRAM_HELLO_ACK;
    answer.hello.t2 = wall_us;
    relay_udp_send_small(video, from, &answer, key);
}

/* ACK from a viewer: pass it back to the sender's UDP address. */
static void relay_udp_on_ack(LcRelayVideo *video, const LcDgram *d)
{
    if (d->viewer_id == 0) {
        video->bad_datagrams++; /* only viewers send ACKs to the relay */
        return;
    }
    LcRelayViewer *viewer = relay_udp_viewer(video, d);
    if (viewer == NULL)
        return;
    viewer->stats.acks[LC_CHAN_UDP]++;
    LcRelayStream *stream = viewer->stream;
    if (stream->udp_peer == NULL)
        return;
    LcDgram ack = *d;
    ack.token = stream->token;
    relay_udp_send_small(video, stream->udp_peer, &ack, &stream->udp_key);
}

/* Whether a header's token field names the owner of key: its token in a
 * plain datagram, its key's id in a sealed one. */
static gboolean relay_udp_names(const LcDgram *h, gboolean sealed, LcDgramKey *key, guint64 token)
{
    return sealed ? dgram_crypt_key_is_set(key) && h->token == key->udp_id : h->token == token;
}

/* The key of the stream or view a datagram's header names, token (or key
 * id) and all; NULL when it names none. */
static LcDgramKey *relay_udp_key_of(LcRelayVideo *video, const LcDgram *h, gboolean sealed)
{
    if (h->viewer_id == 0) {
        LcRelayStream *stream = relay_video_find_stream(video, h->stream_id);
        return stream != NULL && relay_udp_names(h, sealed, &stream->udp_key, stream->token)
                   ? &stream->udp_key
                   : NULL;
    }
    LcRelayViewer *viewer = relay_video_find_viewer(video, h->viewer_id);
    return viewer != NULL && relay_udp_names(h, sealed, &viewer->udp_key, viewer->token)
               ? &viewer->udp_key
               : NULL;
}

/*
 * Opens a sealed datagram in place of buf, or checks that a plain one may
 * be plain: the stream or view it names decides. A datagram with a bad tag,
 * a replay, or a plain one for a sealed stream or view (a downgrade) is
 * dropped and counted; one naming nothing goes on to be counted as such.
 */
static gboolean relay_udp_unseal(LcRelayVideo *video, const guint8 **buf, gsize *len)
{
    LcDgram h;
    gboolean sealed = FALSE;
    if (!chan_dgram_peek(*buf, *len, &h, &sealed))
        return TRUE; /* the parser says what is wrong */
    LcDgramKey *key = relay_udp_key_of(video, &h, sealed);
    if (key == NULL) {
        if (!sealed)
            return TRUE;
        video->unknown_token++;
        return FALSE;
    }
    if (!sealed && !dgram_crypt_key_is_set(key))
        return TRUE;
    gsize plain_len = 0;
    if (!sealed || !dgram_crypt_key_is_set(key) ||
        dgram_crypt_open(key, *buf, *len, video->open_buf, DGRAM_CRYPT_MAX_SIZE, &plain_len) !=
            DGRAM_SEAL_OK) {
        video->bad_seal++;
        return FALSE;
    }
    *buf = video->open_buf;
    *len = plain_len;
    return TRUE;
}

/* Checks one datagram and hands it to its handler. */
static void relay_udp_dispatch(LcRelayVideo *video, GSocketAddress *from, const guint8 *buf,
                               gsize len)
{
    LcDgram d;
    if (!relay_udp_unseal(video, &buf, &len))
        return;
    if (!chan_dgram_parse(buf, len, video->relay->config.video_frame_max, &d, NULL)) {
        video->bad_datagrams++;
        return;
    }
    switch (d.type) {
    case DGRAM_FRAG:
        relay_udp_on_frag(video, &d, from, g_get_monotonic_time(), clock_now_us());
        break;
    case DGRAM_HELLO:
        relay_udp_on_hello(video, &d, from, clock_now_us());
        break;
    case DGRAM_ACK:
        relay_udp_on_ack(video, &d);
        break;
    default:
        video->bad_datagrams++; /* HELLO_ACK is the relay's own */
        break;
    }
}

/* The sender's address of a datagram as an object: the cached one when it
 * is the same as the last datagram's, else a new one (which is cached). */
static GSocketAddress *relay_udp_from(LcRelayVideo *video, const struct sockaddr_storage *native,
                                      socklen_t len)
{
    if (video->from != NULL && len == video->from_len &&
        memcmp(native, &video->from_native, len) == 0)
        return video->from;
    GSocketAddress *from = g_socket_address_new_from_native((gpointer)native, len);
    if (from == NULL)
        return NULL;
    g_clear_object(&video->from);
    video->from = from;
    memcpy(&video->from_native, native, len);
    video->from_len = len;
    return from;
}

/* Hands on one buffer read: one datagram, or a run of datagrams of
 * `segment` bytes (the last may be shorter) that UDP GRO put together;
 * returns how many datagrams. */
static guint relay_udp_dispatch_run(LcRelayVideo *video, GSocketAddress *from, const guint8 *buf,
                                    gsize len, guint segment)
{
    if (segment == 0) {
        relay_udp_dispatch(video, from, buf, len);
        return 1;
    }
    guint count = 0;
    for (gsize off = 0; off < len; off += segment, count++)
        relay_udp_dispatch(video, from, buf + off, MIN((gsize)segment, len - off));
    return MAX(count, 1);
}

/*
 * Reads what the socket has (up to a budget), RELAY_UDP_BATCH buffers a
 * system call with recvmmsg(2): at a gigabit of camera frames a relay reads
 * about 100 000 datagrams a second, and one call each was most of its time.
 * Where the kernel has UDP GRO, a buffer may hold a run of a sender's
 * datagrams (net/io/udp_offload.h).
 */
static gboolean relay_udp_on_readable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcRelayVideo *video = data;
    struct mmsghdr msgs[RELAY_UDP_BATCH];
    struct iovec iov[RELAY_UDP_BATCH];
    struct sockaddr_storage addrs[RELAY_UDP_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctrl[RELAY_UDP_BATCH];
    for (guint done = 0; done < RELAY_UDP_READ_BUDGET;) {
        for (guint i = 0; i < RELAY_UDP_BATCH; i++) {
            iov[i] =
                (struct iovec){video->dgram_buf + (gsize)i * video->dgram_slot, video->dgram_slot};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &addrs[i],
                                                   .msg_namelen = sizeof(addrs[i]),
                                                   .msg_iov = &iov[i],
                                                   .msg_iovlen = 1,
                                                   .msg_control = ctrl[i].buf,
                                                   .msg_controllen = sizeof(ctrl[i].buf)}};
        }
        int n = recvmmsg(g_socket_get_fd(socket), msgs, RELAY_UDP_BATCH, MSG_DONTWAIT, NULL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            done++; /* e.g. an ICMP error for an earlier send: nothing to read */
            continue;
        }
        for (int i = 0; i < n; i++) {
            if (msgs[i].msg_hdr.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
                /* Over the slot, or a GRO run whose segment size was lost:
                 * cannot be split safely. Never with today's slot size. */
                video->bad_datagrams++;
                done++;
                continue;
            }
            GSocketAddress *from = relay_udp_from(video, &addrs[i], msgs[i].msg_hdr.msg_namelen);
            /* The budget counts datagrams, however the kernel grouped them. */
            done += from == NULL
                        ? 1
                        : relay_udp_dispatch_run(video, from, iov[i].iov_base, msgs[i].msg_len,
                                                 udp_offload_msghdr_gro_size(&msgs[i].msg_hdr));
        }
        if (n < RELAY_UDP_BATCH)
            break; /* the socket is empty */
    }
    relay_udp_flush_replies(video);
    return G_SOURCE_CONTINUE;
}

/* Abandons incomplete frames past their deadline, for every stream. */
static gboolean relay_udp_on_expire(gpointer data)
{
    LcRelayVideo *video = data;
    gint64 now = g_get_monotonic_time();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->streams);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        frag_reassembler_expire(((LcRelayStream *)value)->reasm, now);
    return G_SOURCE_CONTINUE;
}

/* The socket can take datagrams again. */
static void relay_udp_on_writable(gpointer data)
{
    relay_udp_pump_all(data);
}

/* The socket's send buffer is full: wait until it drains. */
static void relay_udp_block(LcRelayVideo *video)
{
    if (video->udp_write_src != NULL)
        return;
    watch_once_socket(&video->udp_write_src, video->udp, G_IO_OUT, relay_udp_on_writable, video);
}

/* Adds the viewer's next fragments to the batch, as many as pacing allows
 * now (up to a full batch), without taking them off its queue; returns the
 * microseconds to wait for the next one when pacing stopped it, else 0, and
 * sets *all when every queued fragment is in. */
static gint64 relay_udp_gather(LcRelayViewer *viewer, LcDgramBatch *b, gint64 now, gboolean *all)
{
    GList *link = viewer->udp_queue.head;
    guint next = viewer->udp_next;
    *all = FALSE;
    while (link != NULL && b->n < DGRAM_BATCH) {
        LcFrame *frame = link->data;
        LcDgram d = {
            .stream_id = frame->meta.stream_id, .token = viewer->token, .viewer_id = viewer->id};
        d.frag.meta = frame->meta;
        gint64 wait = dgram_batch_add(b, &viewer->pace, now, &d, frame->data, next,
                                      viewer->udp_peer, &viewer->udp_key);
        if (wait > 0)
            return wait;
        if (++next >= frag_count_for_size(g_bytes_get_size(frame->data))) {
            link = link->next;
            next = 0;
        }
    }
    *all = link == NULL;
    return 0;
}

/* Takes count sent fragments off the viewer's queue. */
static void relay_udp_advance(LcRelayViewer *viewer, guint count)
{
    for (guint i = 0; i < count; i++) {
        LcFrame *frame = g_queue_peek_head(&viewer->udp_queue);
        if (++viewer->udp_next >= frag_count_for_size(g_bytes_get_size(frame->data))) {
            frame_unref(g_queue_pop_head(&viewer->udp_queue));
            viewer->udp_next = 0;
            viewer->stats.frames_out[LC_CHAN_UDP]++;
        }
    }
}

/*
 * Sends the queued datagrams of several viewers as pacing allows, one batch
 * a system call for all of them: a frame fanned out to 20 listeners is one
 * sendmmsg(2), not 20. Returns the microseconds until the soonest paced
 * datagram may go, or 0.
 */
static gint64 relay_udp_pump_viewers(LcRelayVideo *video, LcRelayViewer **viewers, guint count,
                                     gint64 now)
{
    LcDgramBatch b;
    LcRelayViewer *owner[DGRAM_BATCH]; /* whose datagrams the batch holds, in order */
    guint owned[DGRAM_BATCH];
    gint64 soonest = 0;
    for (guint i = 0; i < count;) {
        if (video->udp_write_src != NULL)
            return soonest; /* the socket is full: it says when it drains */
        guint first = i, m = 0;
        b.n = 0;
        while (i < count && b.n < DGRAM_BATCH) {
            LcRelayViewer *viewer = viewers[i];
            if (viewer->udp_peer == NULL || g_queue_is_empty(&viewer->udp_queue)) {
                i++;
                continue;
            }
            guint before = b.n;
            gboolean all = FALSE;
            gint64 wait = relay_udp_gather(viewer, &b, now, &all);
            if (b.n > before) {
                owner[m] = viewer;
                owned[m++] = b.n - before;
            }
            if (wait > 0 && (soonest == 0 || wait < soonest))
                soonest = wait;
            if (wait > 0 || all)
                i++; /* else the batch is full: this viewer goes on in the next */
        }
        if (b.n == 0)
            break;
        gboolean blocked = FALSE;
        guint sent = dgram_batch_send(&b, video->udp, &blocked, &video->udp_send_errors);
        gboolean whole = sent == b.n;
        for (guint k = 0; k < m && sent > 0; k++) {
            guint n = MIN(sent, owned[k]);
            relay_udp_advance(owner[k], n);
            sent -= n;
        }
        if (blocked) {
            relay_udp_block(video);
            return soonest;
        }
        if (!whole)
            i = first; /* one was refused and is gone: the rest go again */
    }
    return soonest;
}

/* The pacing timer. */
static gboolean relay_udp_on_pace(gpointer data)
{
    relay_udp_pump_all(data);
    return G_SOURCE_CONTINUE;
}

/* Wakes up when the soonest paced datagram may go. */
static void relay_udp_schedule(LcRelayVideo *video, gint64 wait_us)
{
    if (wait_us > 0 && !chan_timer_is_armed(video->pace))
        chan_timer_arm(video->pace, wait_us);
}

/* Sends what every viewer may send now, a stream's viewers together. */
static void relay_udp_pump_all(LcRelayVideo *video)
{
    gint64 now = g_get_monotonic_time(), soonest = 0;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->streams);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        GPtrArray *viewers = ((LcRelayStream *)value)->viewers;
        gint64 wait =
            relay_udp_pump_viewers(video, (LcRelayViewer **)viewers->pdata, viewers->len, now);
        if (wait > 0 && (soonest == 0 || wait < soonest))
            soonest = wait;
    }
    relay_udp_schedule(video, soonest);
}

/* Sends what a stream's viewers may send now. */
static void relay_udp_pump_stream(LcRelayStream *stream)
{
    LcRelayVideo *video = stream->video;
    relay_udp_schedule(video,
                       relay_udp_pump_viewers(video, (LcRelayViewer **)stream->viewers->pdata,
                                              stream->viewers->len, g_get_monotonic_time()));
}

/* Drops a viewer's oldest waiting frame (the head is kept once it started). */
static void relay_udp_drop_oldest(LcRelayViewer *viewer)
{
    guint index = viewer->udp_next > 0 ? 1 : 0;
    LcFrame *frame = g_queue_pop_nth(&viewer->udp_queue, index);
    frame_unref(frame);
    viewer->stats.drops[LC_CHAN_UDP]++;
}

/* Frames and bytes waiting in a viewer's UDP queue (the started head aside). */
static guint relay_udp_waiting(LcRelayViewer *viewer, gsize *bytes)
{
    guint skip = viewer->udp_next > 0 ? 1 : 0, n = 0;
    *bytes = 0;
    for (GList *l = viewer->udp_queue.head; l != NULL; l = l->next) {
        if (skip > 0) {
            skip--;
            continue;
        }
        *bytes += g_bytes_get_size(((LcFrame *)l->data)->data);
        n++;
    }
    return n;
}

/* Queues a frame to a viewer's UDP address, dropping the oldest waiting
 * frames beyond the limits; it goes with the other viewers' copies once
 * the fan-out is done (relay_udp_pump_stream()). */
static void relay_udp_forward(LcRelayViewer *viewer, LcFrame *frame)
{
    const LcRelayConfig *cfg = &viewer->video->relay->config;
    g_queue_push_tail(&viewer->udp_queue, frame_ref(frame));
    gsize bytes = 0;
    guint waiting = relay_udp_waiting(viewer, &bytes);
    while (waiting > 1 && (waiting > cfg->video_queue_frames || bytes > cfg->video_queue_bytes)) {
        relay_udp_drop_oldest(viewer);
        waiting = relay_udp_waiting(viewer, &bytes);
    }
}

/* Forgets a viewer's UDP address and drops its queue. */
static void relay_udp_viewer_detach(LcRelayViewer *viewer)
{
    g_queue_clear_full(&viewer->udp_queue, (GDestroyNotify)frame_unref);
    viewer->udp_next = 0;
    g_clear_object(&viewer->udp_peer);
}

/* Asks for big socket buffers (a frame arrives as a burst of datagrams) and
 * notes what the kernel granted. */
static void relay_udp_set_buffers(LcRelayVideo *video, gsize size)
{
    gint got = 0;
    g_socket_set_option(video->udp, SOL_SOCKET, SO_RCVBUF, (gint)MIN(size, G_MAXINT), NULL);
    g_socket_set_option(video->udp, SOL_SOCKET, SO_SNDBUF, (gint)MIN(size, G_MAXINT), NULL);
    if (g_socket_get_option(video->udp, SOL_SOCKET, SO_RCVBUF, &got, NULL))
        video->udp_rcvbuf = (gsize)MAX(got, 0);
    if (g_socket_get_option(video->udp, SOL_SOCKET, SO_SNDBUF, &got, NULL))
        video->udp_sndbuf = (gsize)MAX(got, 0);
    if (video->udp_rcvbuf < size)
        g_info("UDP receive buffer: asked for %zu bytes, the kernel granted %zu (raise "
               "net.core.rmem_max for more)",
               size, video->udp_rcvbuf);
}

/* The address the TCP listener is bound to, with the port it got. */
static GSocketAddress *relay_udp_address(LcRelayVideo *video, GError **error)
{
    const char *listen = video->relay->config.listen;
    g_autoptr(GInetAddress) ip = NULL;
    if (listen == NULL || *listen == '\0')
        ip = g_inet_address_new_any(G_SOCKET_FAMILY_IPV6);
    else
        ip = g_inet_address_new_from_string(listen);
    if (ip == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--listen '%s' is not an IP address", listen);
        return NULL;
    }
    return g_inet_socket_address_new(ip, relay_get_port(video->relay));
}

/* Binds the UDP socket and starts reading. */
gboolean relay_udp_open(LcRelayVideo *video, GError **error)
{
    g_autoptr(GSocketAddress) address = relay_udp_address(video, error);
    if (address == NULL)
        return FALSE;
    g_autoptr(GError) local = NULL;
    video->udp = g_socket_new(g_socket_address_get_family(address), G_SOCKET_TYPE_DATAGRAM,
                              G_SOCKET_PROTOCOL_UDP, &local);
    if (video->udp == NULL || !g_socket_bind(video->udp, address, FALSE, &local)) {
        g_set_error(error, local->domain, local->code, "cannot bind UDP port %u: %s",
                    relay_get_port(video->relay), local->message);
        return FALSE;
    }
    g_socket_set_blocking(video->udp, FALSE);
    relay_udp_set_buffers(video, video->relay->config.video_socket_buffer);
    video->pace = chan_timer_new(relay_udp_on_pace, video, error);
    if (video->pace == NULL)
        return FALSE;
    /* With GRO a buffer read may hold a run of datagrams, up to 64 KiB. */
    video->dgram_slot = udp_offload_enable_gro(video->udp) ? UDP_OFFLOAD_GRO_SLOT : RELAY_UDP_SLOT;
    video->dgram_buf = g_malloc((gsize)RELAY_UDP_BATCH * video->dgram_slot);
    video->open_buf = g_malloc(DGRAM_CRYPT_MAX_SIZE);
    video->replies = g_new0(LcRelayReplies, 1);
    video->udp_read_src = watch_add_socket(video->udp, G_IO_IN, relay_udp_on_readable, video);
    video->expire_src = source_add_timeout(RELAY_UDP_EXPIRE_MS, relay_udp_on_expire, video);
    return TRUE;
}

/* Closes the UDP socket. */
void relay_udp_close(LcRelayVideo *video)
{
    watch_drop(&video->udp_read_src);
    watch_drop(&video->udp_write_src);
    g_clear_pointer(&video->pace, chan_timer_free);
    source_drop(&video->expire_src);
    if (video->replies != NULL) {
        for (guint i = 0; i < video->replies->n; i++)
            g_clear_object(&video->replies->to[i]);
        g_clear_pointer(&video->replies, g_free);
    }
    if (video->udp != NULL)
        g_socket_close(video->udp, NULL);
    g_clear_object(&video->udp);
    g_clear_pointer(&video->dgram_buf, g_free);
    g_clear_pointer(&video->open_buf, g_free);
    g_clear_object(&video->from);
}

/* Whether the viewer's UDP address is known (it has sent a datagram). */
static gboolean relay_udp_viewer_is_open(const LcRelayViewer *viewer)
{
    return viewer->udp_peer != NULL;
}

/* Frames waiting in the viewer's UDP queue (the one going out aside). */
static guint relay_udp_viewer_queued(const LcRelayViewer *viewer)
{
    return viewer->udp_queue.length - (viewer->udp_next > 0 ? 1 : 0);
}

/* Forgets the sender's UDP address. */
static void relay_udp_stream_detach(LcRelayStream *stream)
{
    g_clear_object(&stream->udp_peer);
}

const LcRelayTransportOps relay_udp_ops = {
    .kind = LC_CHAN_UDP,
    .viewer_is_open = relay_udp_viewer_is_open,
    .forward = relay_udp_forward,
    .viewer_queued = relay_udp_viewer_queued,
    .viewer_detach = relay_udp_viewer_detach,
    .stream_detach = relay_udp_stream_detach,
};
