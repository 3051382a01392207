/* file_chan.c: one file channel: FILE_HELLO and FILE_READY, then the
 * receiver's FILE_GETs and the sender's FILE_DATA (file_chan.h). */
#include "net/files/file_chan.h"

#include <errno.h>
#include <string.h>

#include "net/io/chan_stream.h"
#include "net/io/source.h"
#include "net/io/token_bucket.h"

#include <linux/pkt_sched.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

/* What a channel may have queued unsent: a window of FILE_DATA and more. */
#define FILE_CHAN_CONTROL_MAX (4 * FILE_CHAN_WINDOW)
/* The largest frame a sender's end takes: FILE_HELLO, FILE_READY, FILE_GET. */
#define FILE_CHAN_SMALL_PAYLOAD 64
#define FILE_CHAN_CHECK_MS      1000
/* A sender held to a rate sends in pieces this large, and at most two at
 * once, so that a file never lands on a link in bursts that would queue
 * live media behind it. */
#define FILE_CHAN_PIECE (16 * 1024)
#define FILE_CHAN_BURST (2 * FILE_CHAN_PIECE)

typedef struct {
    guint64 offset;
    guint32 length;
} LcFileChanGet;

struct _LcFileChan {
    LcFileChanConfig config;
    LcFileChanEvents events;
    gpointer user_data;
    LcChanStream *stream;
    LcFileSource *source;
    gboolean ready;    /* paired: GET and DATA flow */
    gboolean complete; /* receiver: every byte is in */
    gboolean closed;
    guint64 asked;   /* receiver: the end of what it asked for */
    guint64 got;     /* receiver: the end of what arrived */
    guint64 moved;   /* bytes of file data sent or received here */
    GQueue gets;     /* sender: FILE_GETs not answered yet (LcFileChanGet) */
    GQueue asks;     /* swarm receiver: ranges asked for, not yet received (LcFileChanGet) */
    guint64 pending; /* swarm receiver: their bytes */
    LcTokenBucket rate;
    GSource *pump_src; /* sender: waits for the rate to allow the next answer */
    GSource *check_src;
    gint64 last_move_us; /* monotonic: the last frame in or out */
};

static const LcChanStreamEvents file_chan_stream_events;

/* Queues a message (never dropped). */
static void file_chan_send(LcFileChan *chan, const LcWireMsg *msg)
{
    if (chan->closed)
        return;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, NULL);
    if (frame != NULL)
        chan_stream_send(chan->stream, frame);
}

/* Ends the channel with a reason (the peer sees the connection close). */
static void file_chan_fail(LcFileChan *chan, GQuark domain, gint code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void file_chan_fail(LcFileChan *chan, GQuark domain, gint code, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, args);
    va_end(args);
    g_autoptr(GError) error = g_error_new_literal(domain, code, text);
    file_chan_close(chan, error);
}

/* Receiver: asks for more while the window has room. */
static void file_chan_ask(LcFileChan *chan)
{
    gsize window = chan->config.window > 0 ? chan->config.window : FILE_CHAN_WINDOW;
    while (chan->asked < chan->config.size && chan->asked - chan->got < window) {
        guint64 left = chan->config.size - chan->asked;
        LcWireMsg get = {.type = WIRE_FILE_GET};
        get.file_get.offset = chan->asked;
        get.file_get.length = (guint32)MIN(left, (guint64)FILE_CHAN_DATA_MAX);
        file_chan_send(chan, &get);
        chan->asked += get.file_get.length;
    }
}

/* Receiver: paired; asks from where the part file ends. */
static void file_chan_start_receiving(LcFileChan *chan)
{
    chan->got = file_sink_get_offset(chan->config.sink);
    chan->asked = chan->got;
    if (chan->got >= chan->config.size) {
        chan->complete = TRUE;
        if (chan->events.complete)
            chan->events.complete(chan, chan->user_data);
        return;
    }
    file_chan_ask(chan);
}

/* Swarm receiver: FILE_DATA; the bytes must be the next ones asked for,
 * and go to the owner. */
static void file_chan_on_swarm_data(LcFileChan *chan, const LcWireMsg *msg)
{
    gsize len = g_bytes_get_size(msg->file_data.data);
    LcFileChanGet *head = g_queue_peek_head(&chan->asks);
    if (head == NULL || msg->file_data.offset != head->offset || len == 0 || len > head->length) {
        file_chan_fail(chan, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL,
                       "the peer sent bytes %" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT
                       " that were not asked for",
                       msg->file_data.offset, len);
        return;
    }
    head->offset += len;
    head->length -= (guint32)len;
    if (head->length == 0)
        g_free(g_queue_pop_head(&chan->asks));
    chan->pending -= len;
    chan->moved += len;
    if (chan->events.data)
        chan->events.data(chan, msg->file_data.offset, msg->file_data.data, chan->user_data);
}

/* Receiver: FILE_DATA; the bytes must be the next ones asked for. */
static void file_chan_on_data(LcFileChan *chan, const LcWireMsg *msg)
{
    if (chan->config.swarm) {
        file_chan_on_swarm_data(chan, msg);
        return;
    }
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(msg->file_data.data, &len);
    if (msg->file_data.offset != chan->got || len == 0 || len > chan->asked - chan->got) {
        file_chan_fail(chan, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL,
                       "the sender sent bytes %" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT
                       ", not the ones asked for (%" G_GUINT64_FORMAT ")",
                       msg->file_data.offset, len, chan->got);
        return;
    }
    g_autoptr(GError) error = NULL;
    if (!file_sink_write(chan->config.sink, data, len, &error)) {
        file_chan_close(chan, error);
        return;
    }
    chan->got += len;
    chan->moved += len;
    if (chan->events.progress)
        chan->events.progress(chan, chan->got, chan->user_data);
    if (chan->closed)
        return;
    if (chan->got == chan->config.size) {
        chan->complete = TRUE;
        if (chan->events.complete)
            chan->events.complete(chan, chan->user_data);
        return;
    }
    file_chan_ask(chan);
}

static void file_chan_pump(LcFileChan *chan);

/* The rate allows the next answer now. */
static void file_chan_on_pump(gpointer data)
{
    file_chan_pump(data);
}

/* Sender: answers the FILE_GETs waiting, as fast as the rate allows. Held
 * to a rate, an answer goes in pieces of FILE_CHAN_PIECE, so that the link
 * never gets more of the file at once than a piece or two: a camera's
 * frame waits behind no more than that. */
static void file_chan_pump(LcFileChan *chan)
{
    gboolean paced = chan->rate.rate_per_us > 0;
    while (!chan->closed && !g_queue_is_empty(&chan->gets)) {
        LcFileChanGet *get = g_queue_peek_head(&chan->gets);
        guint32 len = paced ? MIN(get->length, (guint32)FILE_CHAN_PIECE) : get->length;
        gint64 wait = token_bucket_take(&chan->rate, len, g_get_monotonic_time());
        if (wait > 0) {
            source_once(&chan->pump_src, (guint)MAX(1, (wait + 999) / 1000), file_chan_on_pump,
                        chan);
            return;
        }
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = file_source_read(chan->source, get->offset, len, &error);
        if (bytes == NULL) {
            file_chan_close(chan, error);
            return;
        }
        LcWireMsg msg = {.type = WIRE_FILE_DATA};
        msg.file_data.offset = get->offset;
        msg.file_data.data = bytes;
        file_chan_send(chan, &msg);
        chan->moved += len;
        if (chan->config.count_sent != NULL)
            *chan->config.count_sent += len;
        chan->last_move_us = g_get_monotonic_time();
        get->offset += len;
        get->length -= len;
        guint64 end = get->offset;
        if (get->length == 0)
            g_free(g_queue_pop_head(&chan->gets));
        if (chan->events.progress)
            chan->events.progress(chan, end, chan->user_data);
    }
}

/* Sender: FILE_GET; a range beyond the file or too large ends the channel. */
static void file_chan_on_get(LcFileChan *chan, const LcWireMsg *msg)
{
    guint64 size = file_source_get_size(chan->source);
    guint64 offset = msg->file_get.offset;
    guint32 length = msg->file_get.length;
    if (length == 0 || length > FILE_CHAN_DATA_MAX || offset > size || length > size - offset ||
        g_queue_get_length(&chan->gets) * FILE_CHAN_DATA_MAX > FILE_CHAN_CONTROL_MAX) {
        file_chan_fail(chan, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL,
                       "FILE_GET of bytes %" G_GUINT64_FORMAT "+%u of a %" G_GUINT64_FORMAT
                       "-byte file, or too many at once",
                       offset, length, size);
        return;
    }
    LcFileChanGet *get = g_new(LcFileChanGet, 1);
    get->offset = offset;
    get->length = length;
    g_queue_push_tail(&chan->gets, get);
    file_chan_pump(chan);
}

/* Accepting side: FILE_HELLO; the owner says which file it names. */
static void file_chan_on_hello(LcFileChan *chan, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    LcFileSource *source = NULL;
    if (msg->file_hello.role == WIRE_FILE_ROLE_RECEIVER && chan->events.hello != NULL)
        source = chan->events.hello(chan, msg, &error, chan->user_data);
    else
        g_set_error_literal(&error, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL,
                            "only a receiver says FILE_HELLO here");
    if (chan->closed) {
        g_clear_pointer(&source, file_source_unref);
        return;
    }
    if (source == NULL) {
        file_chan_close(chan, error);
        return;
    }
    chan->config.transfer_id = msg->file_hello.transfer_id;
    chan->config.token = msg->file_hello.token;
    chan->source = source;
    chan->ready = TRUE;
    chan_stream_set_max_payload(chan->stream, FILE_CHAN_SMALL_PAYLOAD);
    LcWireMsg ready = {.type = WIRE_FILE_READY};
    ready.file_ready.transfer_id = chan->config.transfer_id;
    file_chan_send(chan, &ready);
    if (chan->events.ready)
        chan->events.ready(chan, chan->user_data);
}

/* Dispatches one frame by the channel's role and state. */
static void file_chan_dispatch(LcFileChan *chan, const LcWireMsg *msg)
{
    gboolean sender = chan->config.role == FILE_CHAN_SENDER;
    if (!chan->ready && !chan->config.greet && msg->type == WIRE_FILE_HELLO)
        file_chan_on_hello(chan, msg);
    else if (!chan->ready && chan->config.greet && msg->type == WIRE_FILE_READY) {
        chan->ready = TRUE;
        if (!sender && !chan->config.swarm)
            file_chan_start_receiving(chan);
        if (chan->events.ready && !chan->closed)
            chan->events.ready(chan, chan->user_data);
    } else if (chan->ready && chan->config.swarm &&
               (msg->type == WIRE_FILE_HAVE || msg->type == WIRE_FILE_HASHES)) {
        if (chan->events.message)
            chan->events.message(chan, msg, chan->user_data);
    } else if (chan->ready && sender && msg->type == WIRE_FILE_GET)
        file_chan_on_get(chan, msg);
    else if (chan->ready && !sender && msg->type == WIRE_FILE_DATA)
        file_chan_on_data(chan, msg);
    else if (msg->type == WIRE_ERROR)
        file_chan_fail(chan, LC_WIRE_ERROR, msg->error.code, "%s", msg->error.reason);
    else
        file_chan_fail(chan, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL, "%s out of place on a file channel",
                       wire_type_name(msg->type));
}

/* A frame arrived. */
static void file_chan_on_frame(LcChanStream *stream, const LcWireHeader *header,
                               const guint8 *payload, gint64 first_us, gint64 last_us,
                               gpointer data)
{
    LcFileChan *chan = data;
    LcWireMsg msg;
    g_autoptr(GError) error = NULL;
    if (!chan_stream_decode(stream, header, &msg, &error)) {
        file_chan_close(chan, error);
        return;
    }
    chan->last_move_us = g_get_monotonic_time();
    file_chan_dispatch(chan, &msg);
    wire_msg_clear(&msg);
}

/* The connection closed. */
static void file_chan_on_closed(LcChanStream *stream, const GError *error, gpointer data)
{
    LcFileChan *chan = data;
    if (chan->closed)
        return;
    chan->closed = TRUE;
    source_drop(&chan->pump_src);
    source_drop(&chan->check_src);
    if (chan->events.closed)
        chan->events.closed(chan, error, chan->user_data);
}

static const LcChanStreamEvents file_chan_stream_events = {
    .frame = file_chan_on_frame,
    .closed = file_chan_on_closed,
};

/* Ends a channel that has moved nothing for FILE_CHAN_IDLE_S while it
 * waits for something: a pairing, or bytes asked for. */
static gboolean file_chan_on_check(gpointer data)
{
    LcFileChan *chan = data;
    gboolean waiting =
        !chan->ready || (chan->config.role == FILE_CHAN_RECEIVER && !chan->complete &&
                         (chan->asked > chan->got || chan->pending > 0));
    if (waiting && g_get_monotonic_time() - chan->last_move_us > FILE_CHAN_IDLE_S * G_USEC_PER_SEC)
        file_chan_fail(chan, LC_WIRE_ERROR, WIRE_ERR_TIMEOUT,
                       "the file channel moved nothing for %d s", FILE_CHAN_IDLE_S);
    return G_SOURCE_CONTINUE;
}

/* Marks a socket as bulk traffic (file_chan.h); a failure only costs
 * the priority. */
void file_chan_mark_bulk(GSocket *socket)
{
    int fd = g_socket_get_fd(socket);
    int priority = TC_PRIO_BULK;
    int tos = 0x20; /* DSCP CS1 (8) in the upper six bits */
    if (setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &priority, sizeof(priority)) != 0)
        g_debug("file channel: SO_PRIORITY not set: %s", g_strerror(errno));
    if (g_socket_get_family(socket) == G_SOCKET_FAMILY_IPV6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
    else
        (void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
}

/* Wraps the connection and says FILE_HELLO when this end connected. */
LcFileChan *file_chan_new(GIOStream *io, const LcFileChanConfig *config,
                          const LcFileChanEvents *events, gpointer user_data)
{
    LcFileChan *chan = g_new0(LcFileChan, 1);
    chan->config = *config;
    chan->events = *events;
    chan->user_data = user_data;
    chan->source = config->source ? file_source_ref(config->source) : NULL;
    g_queue_init(&chan->gets);
    g_queue_init(&chan->asks);
    token_bucket_init(&chan->rate, config->rate, FILE_CHAN_BURST, g_get_monotonic_time());
    chan->last_move_us = g_get_monotonic_time();
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    limits.control_max = FILE_CHAN_CONTROL_MAX;
    /* A receiver takes FILE_DATA (and, in a swarm, FILE_HASHES). */
    limits.max_payload =
        config->role == FILE_CHAN_RECEIVER ? 8 + FILE_CHAN_DATA_MAX : FILE_CHAN_SMALL_PAYLOAD;
    chan->stream = chan_stream_new_for_io(io, &limits, &file_chan_stream_events, chan);
    file_chan_mark_bulk(chan_stream_get_socket(chan->stream));
    chan_stream_start(chan->stream);
    chan->check_src = source_add_timeout(FILE_CHAN_CHECK_MS, file_chan_on_check, chan);
    if (config->greet) {
        LcWireMsg hello = {.type = WIRE_FILE_HELLO};
        hello.file_hello.role = (guint8)config->role;
        hello.file_hello.transfer_id = config->transfer_id;
        hello.file_hello.token = config->token;
        file_chan_send(chan, &hello);
    }
    return chan;
}

/* Swarm receiver: asks for a range. */
void file_chan_get(LcFileChan *chan, guint64 offset, guint32 length)
{
    if (chan->closed || length == 0)
        return;
    LcFileChanGet *get = g_new(LcFileChanGet, 1);
    get->offset = offset;
    get->length = MIN(length, (guint32)FILE_CHAN_DATA_MAX);
    g_queue_push_tail(&chan->asks, get);
    chan->pending += get->length;
    LcWireMsg msg = {.type = WIRE_FILE_GET};
    msg.file_get.offset = get->offset;
    msg.file_get.length = get->length;
    file_chan_send(chan, &msg);
}

guint64 file_chan_get_pending(LcFileChan *chan)
{
    return chan->pending;
}

/* Sends a swarm message. */
void file_chan_send_msg(LcFileChan *chan, const LcWireMsg *msg)
{
    if (chan->ready)
        file_chan_send(chan, msg);
}

gboolean file_chan_is_ready(LcFileChan *chan)
{
    return chan->ready && !chan->closed;
}

/* Changes a sender's rate. */
void file_chan_set_rate(LcFileChan *chan, double rate)
{
    if (chan->rate.rate_per_us * 1e6 == rate)
        return;
    token_bucket_init(&chan->rate, rate, FILE_CHAN_BURST, g_get_monotonic_time());
    source_drop(&chan->pump_src);
    file_chan_pump(chan);
}

guint64 file_chan_get_transfer(LcFileChan *chan)
{
    return chan->config.transfer_id;
}

guint64 file_chan_get_token(LcFileChan *chan)
{
    return chan->config.token;
}

guint64 file_chan_get_bytes(LcFileChan *chan)
{
    return chan->moved;
}

/* Silences the channel and closes its connection. */
void file_chan_detach(LcFileChan *chan)
{
    if (chan == NULL)
        return;
    memset(&chan->events, 0, sizeof(chan->events));
    chan->closed = TRUE;
    source_drop(&chan->pump_src);
    source_drop(&chan->check_src);
    chan_stream_close(chan->stream, NULL);
}

/* Closes the connection (after what is queued has gone, for a clean end)
 * and reports it. */
void file_chan_close(LcFileChan *chan, const GError *error)
{
    if (chan == NULL || chan->closed)
        return;
    if (error == NULL)
        chan_stream_close_after_flush(chan->stream, NULL, 2000);
    else
        chan_stream_close(chan->stream, error);
}

/* Frees the channel, closing it silently if it is still open. */
void file_chan_free(LcFileChan *chan)
{
    if (chan == NULL)
        return;
    chan->closed = TRUE;
    source_drop(&chan->pump_src);
    source_drop(&chan->check_src);
    chan_stream_free(chan->stream);
    g_queue_clear_full(&chan->gets, g_free);
    g_queue_clear_full(&chan->asks, g_free);
    g_clear_pointer(&chan->source, file_source_unref);
    g_free(chan);
}
