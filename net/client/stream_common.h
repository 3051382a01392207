/* stream_common.h: what the stream sender and viewer (net/client/stream_sender.c,
 * net/client/stream_viewer.c) share. */
#pragma once

#include "net/client/chan.h"
#include "net/client/session.h"

/* Creates and opens a channel of a kind to the relay of a joined session:
 * config's relay_ip and tcp_port are taken from the control connection.
 * NULL when the session is not connected. */
LcChan *stream_common_open_channel(LcSession *session, LcChanKind kind, const LcChanConfig *config,
                                   const LcChanEvents *events, gpointer user_data);

/* The error a VIDEO_REFUSED message carries (LC_WIRE_ERROR, its code). */
GError *stream_common_refusal(const LcWireMsg *msg);
