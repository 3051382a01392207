/* chan_mux.c: one viewer video TCP connection and one UDP socket shared by
 * many views (see chan_mux.h). */
#include "net/client/chan_mux.h"
#include "net/secure/tls_client.h"

#include "net/client/chan_private.h"
#include "net/io/chan_defaults.h"
#include "net/io/dgram_crypt.h"
#include "net/io/source.h"
#include "net/io/watch.h"
#include "net/wire/chan_dgram.h"

#include <string.h>

#define CHAN_MUX_ACKS 32 /* ACK datagrams sent a system call */

struct _LcChanMux {
    gint refs;
    LcChanMux **weak;
    GInetAddress *relay_ip;
    char *fingerprint; /* the relay's (TLS), or NULL: plaintext */
    guint16 tcp_port;
    gboolean closed;
    GSource *free_src;
    /* TCP */
    GCancellable *cancel;
    LcChanStream *stream; /* once connected (it owns the connection) */
    GPtrArray *dead;      /* LcChanStream closed inside their callbacks, freed from an idle */
    GSource *reap_src;
    GHashTable *tcp_views;  /* viewer id -> LcChan */
    GHashTable *tcp_stream; /* stream id -> LcChan: frames name their stream */
    gsize frame_max;        /* the largest frame any view may get */
    gboolean tcp_broken;    /* the connection failed or closed: no more views on it */
    gboolean tcp_ready;     /* the first VIDEO_READY came: more views may attach */
    LcChan *first;          /* the channel whose VIDEO_HELLO opened it, while attached */
    /* UDP */
    GSocket *udp;
    LcWatch *udp_src;
    LcUdpReader reader;
    GHashTable *udp_views; /* viewer id -> LcChan */
    /* ACKs made while reading, sent together once the datagrams read are
     * handled: a listener acknowledges every packet of every speaker. */
    gboolean reading;
    guint n_acks;
    guint8 acks[CHAN_MUX_ACKS][DGRAM_ACK_SIZE + DGRAM_SEAL_OVERHEAD];
    gsize ack_len[CHAN_MUX_ACKS];
    guint64 ack_errors;
    guint64 bad_datagrams; /* not naming a view on the socket */
};

static const LcChanStreamEvents chan_mux_events;

/* A mux to the relay. */
LcChanMux *chan_mux_new(GInetAddress *relay_ip, guint16 tcp_port, const char *fingerprint,
                        LcChanMux **weak)
{
    LcChanMux *mux = g_new0(LcChanMux, 1);
    mux->fingerprint = g_strdup(fingerprint);
    mux->weak = weak;
    mux->relay_ip = g_object_ref(relay_ip);
    mux->tcp_port = tcp_port;
    mux->tcp_views = g_hash_table_new(g_direct_hash, g_direct_equal);
    mux->tcp_stream = g_hash_table_new(g_direct_hash, g_direct_equal);
    mux->udp_views = g_hash_table_new(g_direct_hash, g_direct_equal);
    mux->dead = g_ptr_array_new_with_free_func((GDestroyNotify)chan_stream_free);
    return mux;
}

LcChanMux *chan_mux_ref(LcChanMux *mux)
{
    mux->refs++;
    return mux;
}

static void chan_mux_close(LcChanMux *mux);

/* Stops handing the mux out; one that no channel holds closes. */
void chan_mux_forget(LcChanMux *mux)
{
    if (mux->weak != NULL && *mux->weak == mux)
        *mux->weak = NULL;
    mux->weak = NULL;
    if (mux->refs == 0)
        chan_mux_close(mux);
}

/* Frees what is left, from an idle. */
static void chan_mux_on_free(gpointer data)
{
    LcChanMux *mux = data;
    source_drop(&mux->reap_src);
    chan_stream_free(mux->stream);
    g_ptr_array_unref(mux->dead);
    g_clear_object(&mux->cancel);
    g_clear_object(&mux->udp);
    chan_udp_reader_clear(&mux->reader);
    g_hash_table_unref(mux->tcp_views);
    g_hash_table_unref(mux->tcp_stream);
    g_hash_table_unref(mux->udp_views);
    g_object_unref(mux->relay_ip);
    g_free(mux->fingerprint);
    g_free(mux);
}

/* The last channel is gone. */
void chan_mux_unref(LcChanMux *mux)
{
    if (mux == NULL || --mux->refs > 0)
        return;
    chan_mux_forget(mux);
}

/* Closes the connection and the socket now and frees the rest from an idle
 * (this may run inside one of the mux's callbacks). */
static void chan_mux_close(LcChanMux *mux)
{
    if (mux->closed)
        return;
    mux->closed = TRUE;
    if (mux->cancel != NULL)
        g_cancellable_cancel(mux->cancel);
    if (mux->stream != NULL)
        chan_stream_close(mux->stream, NULL);
    watch_drop(&mux->udp_src);
    mux->reader.socket = NULL;
    if (mux->udp != NULL)
        g_socket_close(mux->udp, NULL);
    source_once(&mux->free_src, 0, chan_mux_on_free, mux);
}

/* Frees the streams closed so far. */
static void chan_mux_on_reap(gpointer data)
{
    g_ptr_array_set_size(((LcChanMux *)data)->dead, 0);
}

/* The views on a table, their ids copied: a channel's event may detach,
 * even free, others, so each is looked up again before it is used. */
static GArray *chan_mux_snapshot(GHashTable *views)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, views);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        guint32 id = GPOINTER_TO_UINT(key);
        g_array_append_val(ids, id);
    }
    return ids;
}

/* The channel of the i-th view of a snapshot, if it is still attached. */
static LcChan *chan_mux_snapshot_chan(GHashTable *views, GArray *ids, guint i)
{
    return g_hash_table_lookup(views, GUINT_TO_POINTER(g_array_index(ids, guint32, i)));
}

/* The TCP connection is gone: every TCP channel on it fails. */
static void chan_mux_fail_tcp(LcChanMux *mux, const GError *error)
{
    g_autoptr(GArray) ids = chan_mux_snapshot(mux->tcp_views);
    for (guint i = 0; i < ids->len; i++) {
        LcChan *chan = chan_mux_snapshot_chan(mux->tcp_views, ids, i);
        if (chan == NULL)
            continue;
        chan_tcp_mux_detached(chan);
        chan_fail(chan, error);
    }
}

/* Lets go of the connection (closed, or with no view left) from inside one
 * of its callbacks: it is freed from an idle. */
static void chan_mux_drop_stream(LcChanMux *mux)
{
    if (mux->stream == NULL)
        return;
    chan_stream_close(mux->stream, NULL);
    g_ptr_array_add(mux->dead, g_steal_pointer(&mux->stream));
    source_once(&mux->reap_src, 0, chan_mux_on_reap, mux);
    mux->tcp_ready = FALSE;
    mux->first = NULL;
}

/* Connected: reads the connection and attaches every view so far. */
static void chan_mux_on_connected(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GIOStream) connection = tls_client_connect_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return; /* the mux is closing */
    LcChanMux *mux = data;
    if (connection == NULL) {
        g_prefix_error(&error, "shared video TCP channel: ");
        mux->tcp_broken = TRUE;
        chan_mux_forget(mux);
        chan_mux_fail_tcp(mux, error);
        return;
    }
    g_clear_object(&mux->cancel);
    /* The relay sends frames and VIDEO_READY; this end only ACKs. */
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    limits.queue_frames = 1;
    limits.control_max = LC_CHAN_DEFAULT_CONTROL_MAX;
    limits.max_payload = WIRE_VIDEO_FRAME_HEAD + mux->frame_max;
    mux->stream = chan_stream_new_for_io(connection, &limits, &chan_mux_events, mux);
    chan_stream_start(mux->stream);
    /* Nothing follows the first VIDEO_HELLO until its VIDEO_READY: until
     * then the relay reads the connection as a new one. */
    GHashTableIter iter;
    gpointer value = NULL;
    g_hash_table_iter_init(&iter, mux->tcp_views);
    if (!g_hash_table_iter_next(&iter, NULL, &value)) {
        chan_mux_drop_stream(mux); /* every TCP view left while it connected */
        return;
    }
    mux->first = value;
    chan_tcp_mux_attached(mux->first, mux->stream);
}

/* The first VIDEO_READY: the views attached meanwhile say VIDEO_HELLO. */
static void chan_mux_on_first_ready(LcChanMux *mux)
{
    mux->tcp_ready = TRUE;
    g_autoptr(GArray) ids = chan_mux_snapshot(mux->tcp_views);
    for (guint i = 0; i < ids->len; i++) {
        LcChan *chan = chan_mux_snapshot_chan(mux->tcp_views, ids, i);
        if (chan != NULL && chan != mux->first && mux->stream != NULL)
            chan_tcp_mux_attached(chan, mux->stream);
    }
}

/* One frame from the relay: to the channel it names. */
static void chan_mux_on_frame(LcChanStream *stream, const LcWireHeader *header,
                              const guint8 *payload, gint64 first_us, gint64 last_us,
                              gpointer user_data)
{
    LcChanMux *mux = user_data;
    g_autoptr(GError) error = NULL;
    LcWireMsg msg;
    if (!chan_stream_decode(stream, header, &msg, &error)) {
        g_prefix_error(&error, "relay sent a bad frame on the shared video channel: ");
        chan_stream_close(stream, error);
        return;
    }
    LcChan *chan = NULL;
    if (msg.type == WIRE_VIDEO_READY) {
        if (!mux->tcp_ready)
            chan_mux_on_first_ready(mux);
        chan = g_hash_table_lookup(mux->tcp_views, GUINT_TO_POINTER(msg.video_ready.viewer_id));
        if (chan != NULL && chan->config.stream_id == msg.video_ready.stream_id)
            chan_emit_ready(chan);
    } else if (msg.type == WIRE_VIDEO_FRAME) {
        /* A view that has just left may still have frames in flight. */
        chan = g_hash_table_lookup(mux->tcp_stream, GUINT_TO_POINTER(msg.video_frame.stream_id));
        if (chan != NULL)
            chan_tcp_take_frame(chan, &msg, first_us, last_us);
    } else if (msg.type == WIRE_ERROR) {
        g_set_error(&error, LC_WIRE_ERROR, msg.error.code, "relay closed the video channel: %s",
                    msg.error.reason);
        chan_stream_close(stream, error);
    }
    wire_msg_clear(&msg);
}

/* The relay broke the framing. */
static void chan_mux_on_bad_frame(LcChanStream *stream, const GError *error, gpointer data)
{
    g_autoptr(GError) copy = g_error_copy(error);
    g_prefix_error(&copy, "relay sent a bad frame on the shared video channel: ");
    chan_stream_close(stream, copy);
}

static void chan_mux_connect(LcChanMux *mux);

/*
 * The relay refused the view whose VIDEO_HELLO opened the connection: it
 * ended as the connection opened (its VIEW_END is on the way). That
 * channel fails; the others, which had said nothing yet, open a new
 * connection. Each try takes one view off, so this ends.
 */
static void chan_mux_retry(LcChanMux *mux, const GError *error)
{
    LcChan *first = mux->first;
    chan_mux_drop_stream(mux);
    if (first != NULL) {
        chan_tcp_mux_detached(first);
        chan_fail(first, error);
    }
    if (!mux->closed && g_hash_table_size(mux->tcp_views) > 0)
        chan_mux_connect(mux);
}

/* The connection closed: its channels fail; the next view opens another. */
static void chan_mux_on_closed(LcChanStream *stream, const GError *error, gpointer data)
{
    LcChanMux *mux = data;
    if (mux->closed)
        return;
    if (!mux->tcp_ready && g_error_matches(error, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL)) {
        chan_mux_retry(mux, error);
        return;
    }
    mux->tcp_broken = TRUE;
    chan_mux_forget(mux);
    g_autoptr(GError) why = NULL;
    if (error == NULL)
        why = g_error_new(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                          "relay closed the shared video TCP channel");
    chan_mux_fail_tcp(mux, error ? error : why);
}

static const LcChanStreamEvents chan_mux_events = {
    .frame = chan_mux_on_frame,
    .bad_frame = chan_mux_on_bad_frame,
    .closed = chan_mux_on_closed,
};

/* Starts connecting to the relay's port. */
static void chan_mux_connect(LcChanMux *mux)
{
    mux->cancel = g_cancellable_new();
    chan_tcp_connect(mux->relay_ip, mux->tcp_port, mux->fingerprint, mux->cancel,
                     chan_mux_on_connected, mux);
}

/* A TCP viewer channel attaches. */
void chan_mux_attach_tcp(LcChanMux *mux, LcChan *chan)
{
    g_hash_table_insert(mux->tcp_views, GUINT_TO_POINTER(chan->config.viewer_id), chan);
    g_hash_table_insert(mux->tcp_stream, GUINT_TO_POINTER(chan->config.stream_id), chan);
    mux->frame_max = MAX(mux->frame_max, chan->config.frame_max);
    if (mux->tcp_broken || mux->closed) {
        g_autoptr(GError) error = g_error_new(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                              "the shared video TCP channel is closed");
        chan_fail(chan, error);
        return;
    }
    if (mux->stream != NULL) {
        chan_stream_set_max_payload(mux->stream, WIRE_VIDEO_FRAME_HEAD + mux->frame_max);
        if (mux->tcp_ready)
            chan_tcp_mux_attached(chan, mux->stream);
        return; /* else it says VIDEO_HELLO after the first one's VIDEO_READY */
    }
    if (mux->cancel == NULL)
        chan_mux_connect(mux);
    /* else connecting: attached once connected */
}

/* A TCP viewer channel leaves (the relay took its view off already, or
 * will on VIEW_CLOSE). */
void chan_mux_detach_tcp(LcChanMux *mux, LcChan *chan)
{
    gpointer id = GUINT_TO_POINTER(chan->config.viewer_id);
    if (mux->first == chan)
        mux->first = NULL;
    if (g_hash_table_lookup(mux->tcp_views, id) == chan)
        g_hash_table_remove(mux->tcp_views, id);
    id = GUINT_TO_POINTER(chan->config.stream_id);
    if (g_hash_table_lookup(mux->tcp_stream, id) == chan)
        g_hash_table_remove(mux->tcp_stream, id);
}

/* A datagram read from the shared socket: to the view it names. */
static void chan_mux_on_datagram(const guint8 *buf, gsize len, gpointer data)
{
    LcChanMux *mux = data;
    if (len < DGRAM_HEADER_SIZE) {
        mux->bad_datagrams++;
        return;
    }
    guint32 viewer_id =
        (guint32)buf[16] << 24 | (guint32)buf[17] << 16 | (guint32)buf[18] << 8 | (guint32)buf[19];
    LcChan *chan = g_hash_table_lookup(mux->udp_views, GUINT_TO_POINTER(viewer_id));
    if (chan == NULL) {
        mux->bad_datagrams++; /* a view that has just left, or none */
        return;
    }
    chan_udp_take_datagram(chan, buf, len);
}

/* Sends the ACKs gathered, one system call (sendmmsg(2)). An ACK the
 * socket does not take is gone, as on a lossy network, and counted. */
static void chan_mux_flush_acks(LcChanMux *mux)
{
    GOutputVector vecs[CHAN_MUX_ACKS];
    GOutputMessage msgs[CHAN_MUX_ACKS];
    guint n = mux->n_acks;
    mux->n_acks = 0;
    if (n == 0 || mux->closed)
        return;
    for (guint i = 0; i < n; i++) {
        vecs[i] = (GOutputVector){mux->acks[i], mux->ack_len[i]};
        msgs[i] = (GOutputMessage){.vectors = &vecs[i], .num_vectors = 1};
    }
    g_autoptr(GError) error = NULL;
    gint sent = g_socket_send_messages(mux->udp, msgs, n, 0, NULL, &error);
    mux->ack_errors += n - (guint)MAX(sent, 0);
}

/* Sends a view's ACK on the shared socket: gathered while the socket is
 * read, at once otherwise. */
void chan_mux_send_ack(LcChanMux *mux, const guint8 *ack, gsize len)
{
    g_return_if_fail(len <= sizeof(mux->acks[0]));
    mux->ack_len[mux->n_acks] = len;
    memcpy(mux->acks[mux->n_acks++], ack, len);
    if (!mux->reading || mux->n_acks == CHAN_MUX_ACKS)
        chan_mux_flush_acks(mux);
}

/* The shared socket is readable: reads it, then sends the ACKs made. */
static gboolean chan_mux_on_readable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcChanMux *mux = data;
    mux->reading = TRUE;
    chan_udp_reader_on_readable(socket, cond, &mux->reader);
    mux->reading = FALSE;
    chan_mux_flush_acks(mux);
    return G_SOURCE_CONTINUE;
}

/* A UDP viewer channel attaches: the shared socket, opened on first use. */
GSocket *chan_mux_attach_udp(LcChanMux *mux, LcChan *chan, GError **error)
{
    if (mux->closed) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the shared UDP socket is closed");
        return NULL;
    }
    if (mux->udp == NULL) {
        gsize rcvbuf = 0, sndbuf = 0; /* each channel reads them for its counters */
        mux->udp = chan_udp_open_socket(mux->relay_ip, chan->config.udp_port,
                                        chan->config.socket_buffer, &rcvbuf, &sndbuf, error);
        if (mux->udp == NULL)
            return NULL;
        chan_udp_reader_init(&mux->reader, mux->udp, TRUE, chan_mux_on_datagram, mux,
                             &mux->bad_datagrams);
        mux->udp_src = watch_add_socket(mux->udp, G_IO_IN, chan_mux_on_readable, mux);
    }
    g_hash_table_insert(mux->udp_views, GUINT_TO_POINTER(chan->config.viewer_id), chan);
    return g_object_ref(mux->udp);
}

/* A UDP viewer channel leaves. */
void chan_mux_detach_udp(LcChanMux *mux, LcChan *chan)
{
    gpointer id = GUINT_TO_POINTER(chan->config.viewer_id);
    if (g_hash_table_lookup(mux->udp_views, id) == chan)
        g_hash_table_remove(mux->udp_views, id);
}
