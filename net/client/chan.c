/* chan.c: one interface for the TCP and the UDP video channel: the dispatch
 * through each transport's table, and the events. */
#include "net/client/chan_private.h"
#include "net/client/chan_mux.h"

/* The table of a transport. */
const LcChanOps *chan_ops_for(LcChanKind kind)
{
    return kind == LC_CHAN_UDP ? &chan_udp_ops : &chan_tcp_ops;
}

/* Creates a channel of a kind. */
LcChan *chan_new(LcChanKind kind, const LcChanConfig *config, const LcChanEvents *events,
                 gpointer user_data)
{
    const LcChanOps *ops = chan_ops_for(kind);
    LcChan *chan = ops->create();
    chan->ops = ops;
    chan->config = *config;
    if (config->relay_ip != NULL)
        chan->config.relay_ip = g_object_ref(config->relay_ip);
    if (config->mux != NULL)
        chan->config.mux = chan_mux_ref(config->mux);
    chan->config.fingerprint = g_strdup(config->fingerprint);
    chan->config.udp_key = config->udp_key ? g_bytes_ref(config->udp_key) : NULL;
    chan->events = *events;
    chan->user_data = user_data;
    return chan;
}

/* Starts connecting. */
void chan_open(LcChan *chan)
{
    chan->ops->open(chan);
}

/* Sender: queues a frame; a channel not open drops it (counted by the caller). */
void chan_send_frame(LcChan *chan, LcFrame *frame)
{
    if (!chan->ready || chan->closed) {
        chan_emit_dropped(chan, frame->meta.seq, LC_CHAN_DROP_NOT_READY);
        return;
    }
    chan->ops->send_frame(chan, frame);
}

/* Viewer: acknowledges a frame. */
void chan_send_ack(LcChan *chan, const LcChanAck *ack)
{
    if (chan->ready && !chan->closed)
        chan->ops->send_ack(chan, ack);
}

/* What the channel has counted. */
void chan_get_stats(LcChan *chan, LcChanStats *stats)
{
    chan->ops->get_stats(chan, stats);
}

/* Whether frames may flow. */
gboolean chan_is_ready(LcChan *chan)
{
    return chan->ready && !chan->closed;
}

/* Closes and frees a channel. */
void chan_free(LcChan *chan)
{
    if (chan == NULL)
        return;
    chan->closed = TRUE; /* no event from here on */
    chan->ops->close(chan);
    g_clear_object(&chan->config.relay_ip);
    g_clear_pointer((char **)&chan->config.fingerprint, g_free);
    g_clear_pointer(&chan->config.udp_key, g_bytes_unref);
    LcChanMux *mux = g_steal_pointer(&chan->config.mux);
    chan->ops->free(chan);
    if (mux != NULL)
        chan_mux_unref(mux);
}

/* The channel is accepted by the relay. */
void chan_emit_ready(LcChan *chan)
{
    if (chan->ready)
        return;
    chan->ready = TRUE;
    if (chan->events.ready)
        chan->events.ready(chan, chan->user_data);
}

/* A frame started going out. */
void chan_emit_sent(LcChan *chan, guint64 seq, gsize bytes, gint64 send_us)
{
    if (chan->events.sent)
        chan->events.sent(chan, seq, bytes, send_us, chan->user_data);
}

/* A frame was dropped unsent. */
void chan_emit_dropped(LcChan *chan, guint64 seq, LcChanDropReason reason)
{
    if (chan->events.dropped)
        chan->events.dropped(chan, seq, reason, chan->user_data);
}

/* An ACK arrived. */
void chan_emit_ack(LcChan *chan, const LcChanAck *ack)
{
    if (chan->events.ack)
        chan->events.ack(chan, ack, chan->user_data);
}

/* A frame arrived. */
void chan_emit_frame(LcChan *chan, LcFrame *frame, gint64 first_us, gint64 last_us)
{
    if (chan->events.frame)
        chan->events.frame(chan, frame, first_us, last_us, chan->user_data);
}

/* A frame was abandoned incomplete. */
void chan_emit_lost(LcChan *chan, guint64 seq)
{
    if (chan->events.lost)
        chan->events.lost(chan, seq, chan->user_data);
}

/* The channel failed or was closed by the relay. */
void chan_fail(LcChan *chan, const GError *error)
{
    if (chan->closed)
        return;
    chan->closed = TRUE;
    chan->ops->close(chan);
    if (chan->events.closed)
        chan->events.closed(chan, error, chan->user_data);
}
