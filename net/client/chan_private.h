/* chan_private.h: what the transports of net/client/chan.h share: the common part
 * of a channel and the helpers that raise its events. */
#pragma once

#include "net/client/chan.h"

#include "net/io/chan_stream.h"
#include "net/wire/wire.h"

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

/* chan_tcp.c: connects to the relay's port: with TLS, the relay showing
 * the certificate fingerprint names, when given; plaintext otherwise
 * (tls_client_connect_finish() gives the connection). */
void chan_tcp_connect(GInetAddress *relay_ip, guint16 port, const char *fingerprint,
                      GCancellable *cancel, GAsyncReadyCallback callback, gpointer data);

/* chan_tcp.c: the mux's connection is up: the channel, attached to it,
 * says VIDEO_HELLO on it (chan_mux.h). */
void chan_tcp_mux_attached(LcChan *chan, LcChanStream *stream);
/* chan_tcp.c: the mux's connection is gone (the channel fails next). */
void chan_tcp_mux_detached(LcChan *chan);
/* chan_tcp.c: a VIDEO_FRAME of the channel's stream, read by the mux. */
void chan_tcp_take_frame(LcChan *chan, const LcWireMsg *msg, gint64 first_us, gint64 last_us);
/* chan_udp.c: a datagram naming the channel's view, read by the mux. */
void chan_udp_take_datagram(LcChan *chan, const guint8 *buf, gsize len);

/* chan_udp_read.c: reading a UDP socket, a batch a system call. */
#define CHAN_UDP_BATCH 32 /* datagrams read per system call */

typedef void (*LcUdpReaderFunc)(const guint8 *buf, gsize len, gpointer data);

typedef struct {
    GSocket *socket; /* borrowed; set to NULL by an owner that closes it: reading stops */
    guint8 *buf;     /* CHAN_UDP_BATCH buffers' room */
    gsize slot;      /* room for one: a datagram, or a GRO run of them */
    gboolean gro;    /* UDP GRO is on: control messages give run sizes */
    LcUdpReaderFunc func;
    gpointer data;
    guint64 *bad; /* counts what cannot be split safely */
} LcUdpReader;

/* Gets a reader ready for a socket; runs: take UDP GRO runs where the
 * kernel has them (a viewer's socket). Each datagram goes to func. */
void chan_udp_reader_init(LcUdpReader *reader, GSocket *socket, gboolean runs, LcUdpReaderFunc func,
                          gpointer data, guint64 *bad);
/* The watch callback (data: the reader): reads what the socket has. */
gboolean chan_udp_reader_on_readable(GSocket *socket, GIOCondition cond, gpointer data);
void chan_udp_reader_clear(LcUdpReader *reader);
/* A non-blocking UDP socket connected to the relay, with the buffers asked
 * for (0: the kernel's); *rcvbuf and *sndbuf get what was granted. */
GSocket *chan_udp_open_socket(GInetAddress *relay_ip, guint16 port, gsize buffer, gsize *rcvbuf,
                              gsize *sndbuf, GError **error);
/* The socket buffers the kernel granted a socket. */
void chan_udp_get_buffers(GSocket *socket, gsize *rcvbuf, gsize *sndbuf);
