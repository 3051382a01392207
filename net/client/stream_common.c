/* stream_common.c: what the camera sender and viewer share. */
#include "net/client/stream_common.h"

#include "net/wire/wire.h"

/* Creates and opens a channel to the session's relay. */
LcChan *stream_common_open_channel(LcSession *session, LcChanKind kind, const LcChanConfig *config,
                                   const LcChanEvents *events, gpointer user_data)
{
    g_autoptr(GInetSocketAddress) relay = session_get_relay_address(session);
    if (relay == NULL)
        return NULL;
    LcChanConfig cfg = *config;
    cfg.relay_ip = g_inet_socket_address_get_address(relay);
    cfg.tcp_port = g_inet_socket_address_get_port(relay);
    cfg.fingerprint = session_get_fingerprint(session, NULL);
    LcChan *chan = chan_new(kind, &cfg, events, user_data);
    chan_open(chan);
    return chan;
}

/* The error a VIDEO_REFUSED message carries. */
GError *stream_common_refusal(const LcWireMsg *msg)
{
    return g_error_new(LC_WIRE_ERROR, msg->video_refused.code, "relay refused %s%s%s: %s",
                       wire_type_name(msg->video_refused.request),
                       *msg->video_refused.nick ? " " : "", msg->video_refused.nick,
                       msg->video_refused.reason);
}
