/* stream_log.c: a stream sender's events recorded in a frame log. */
#include "src/run/stream_log.h"

/* A frame went out on a channel. */
void stream_log_sent(LcFramelog *log, const LcStreamFrameEvent *ev)
{
    framelog_add_sent(log, ev->channel, ev->seq, ev->bytes, ev->capture_us, ev->send_us);
}

/* The relay acknowledged a frame. */
void stream_log_relay_ack(LcFramelog *log, LcStreamSender *sender, const LcStreamRelayAck *ack)
{
    framelog_set_relay_offset(log, stream_sender_get_clock_offset_us(sender));
    framelog_add_relay_ack(log, ack->channel, ack->seq, ack->relay_first_us, ack->relay_last_us,
                           ack->arrival_us);
}

/* A viewer acknowledged a frame: its whole arrival, on this host's clock. */
void stream_log_viewer_ack(LcFramelog *log, LcStreamSender *sender, const LcStreamViewerAck *ack)
{
    gint64 at =
        stream_sender_viewer_to_local_us(sender, ack->viewer_last_us, ack->viewer_offset_us);
    framelog_add_viewer_ack(log, ack->channel, ack->seq, at);
}

/* The frame log's name for why a channel dropped a frame unsent. */
static LcFramelogDrop stream_log_drop_reason(LcChanDropReason reason)
{
    switch (reason) {
    case LC_CHAN_DROP_QUEUE:
        return FRAMELOG_DROP_QUEUE;
    case LC_CHAN_DROP_WAIT_ACK:
        return FRAMELOG_DROP_WAIT_ACK;
    default:
        return FRAMELOG_DROP_NOT_READY;
    }
}

/* A frame was dropped unsent or given up on. */
void stream_log_dropped(LcFramelog *log, const LcStreamFrameEvent *ev)
{
    if (ev->reason == LC_CHAN_DROP_LOST)
        framelog_add_lost(log, ev->channel, ev->seq);
    else
        framelog_add_dropped(log, ev->channel, ev->seq, ev->bytes, ev->capture_us,
                             stream_log_drop_reason(ev->reason));
}

/* Copies the TCP channel's TCP_INFO into the log. */
void stream_log_socket_stats(LcFramelog *log, LcStreamSender *sender)
{
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        LcStreamSenderStats stats;
        if (stream_sender_get_stats(sender, (LcChanKind)ch, &stats) && stats.chan.has_tcp_info)
            framelog_set_tcp_info(log, (LcChanKind)ch, &stats.chan.tcp_info);
    }
}
