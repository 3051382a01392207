/* chan_private.h: what the transports of net/client/chan.h share: the common part
 * of a channel and the helpers that raise its events. */
#pragma once

#include "net/client/chan.h"

struct _LcChan {
    const LcChanOps *ops;
    LcChanConfig config; /* relay_ip is a reference held here */
    LcChanEvents events;
    gpointer user_data;
    gboolean ready;
    gboolean closed; /* closed by itself; `closed` was reported */
};

extern const LcChanOps chan_tcp_ops;
extern const LcChanOps chan_udp_ops;

/* The channel is accepted by the relay. */
void chan_emit_ready(LcChan *chan);
void chan_emit_sent(LcChan *chan, guint64 seq, gsize bytes, gint64 send_us);
void chan_emit_dropped(LcChan *chan, guint64 seq, LcChanDropReason reason);
void chan_emit_ack(LcChan *chan, const LcChanAck *ack);
void chan_emit_frame(LcChan *chan, LcFrame *frame, gint64 first_us, gint64 last_us);
void chan_emit_lost(LcChan *chan, guint64 seq);

/* The channel failed or the relay closed it: its transport is closed and
 * `closed` reported, once. */
void chan_fail(LcChan *chan, const GError *error);
