/* stream_log.h: a stream sender's events (net/client/stream_sender.h)
 * recorded in a frame log (src/run/framelog.h): what every measured sender,
 * a camera's or a microphone's, does with them. */
#pragma once

#include "net/client/stream_sender.h"
#include "src/run/framelog.h"

/* A frame went out on a channel. */
void stream_log_sent(LcFramelog *log, const LcStreamFrameEvent *event);
/* The relay acknowledged a frame (the relay's clock offset is taken from
 * the sender). */
void stream_log_relay_ack(LcFramelog *log, LcStreamSender *sender, const LcStreamRelayAck *ack);
/* A viewer acknowledged a frame: its arrival, put on this host's clock. */
void stream_log_viewer_ack(LcFramelog *log, LcStreamSender *sender, const LcStreamViewerAck *ack);
/* A frame was dropped unsent, or given up on (lost). */
void stream_log_dropped(LcFramelog *log, const LcStreamFrameEvent *event);
/* Copies the TCP channel's TCP_INFO into the log. */
void stream_log_socket_stats(LcFramelog *log, LcStreamSender *sender);
