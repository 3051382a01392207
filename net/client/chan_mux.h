/* chan_mux.h: one viewer video TCP connection and one UDP socket shared by
 * many views of a session (docs/PROTOCOL.md, "Shared viewer channels").
 *
 * A conference listener hears every speaker: with a connection and a socket
 * per view, twenty speakers are forty descriptors to poll, forty reads and
 * forty ACK writes each 10 ms. Shared, the relay writes each listener the
 * packets of all its speakers in one gathered write, and the listener reads
 * them, and answers them, with one call a turn. Like Mumble's one TCP
 * connection and one UDP socket per client.
 *
 * The channels (chan_tcp.c, chan_udp.c) stay one per view and per kind:
 * their counters, events and ACKs are unchanged; a channel whose config
 * names a mux attaches to it instead of opening a connection or a socket of
 * its own. The TCP connection opens with the first view's VIDEO_HELLO (flag
 * SHARED) and attaches each further view with another; VIDEO_READY answers
 * each. Frames are handed to the channel of their stream, datagrams to the
 * channel of their view. When the mux breaks, every channel on it fails.
 *
 * The mux is counted by its channels (chan_new takes a reference); when the
 * last goes, it closes and is freed from an idle, never inside one of its
 * own callbacks. Everything runs on the thread-default main context.
 */
#pragma once

#include <gio/gio.h>

typedef struct _LcChanMux LcChanMux;
typedef struct _LcChan LcChan;

/* A mux to the relay at relay_ip (its TCP port; the UDP port comes with
 * the first UDP view), held by no one yet: the channels that attach hold
 * it. *weak, when given, is set to NULL when the mux closes or is
 * forgotten, so that its owner never hands out a closed one. fingerprint:
 * the relay's certificate (TLS), or NULL for plaintext. */
LcChanMux *chan_mux_new(GInetAddress *relay_ip, guint16 tcp_port, const char *fingerprint,
                        LcChanMux **weak);

LcChanMux *chan_mux_ref(LcChanMux *mux);
void chan_mux_unref(LcChanMux *mux);

/* Stops handing the mux out (its weak pointer is cleared): channels on it
 * go on until they close; new ones get a new mux. One that no channel
 * holds closes now. */
void chan_mux_forget(LcChanMux *mux);

/* A TCP viewer channel attaches: the connection opens if it is not open,
 * and chan_tcp_mux_attached() follows once it is (at once if it is). */
void chan_mux_attach_tcp(LcChanMux *mux, LcChan *chan);
void chan_mux_detach_tcp(LcChanMux *mux, LcChan *chan);

/* A UDP viewer channel attaches: returns the shared socket (a new
 * reference), opened on first use, or NULL with an error. */
GSocket *chan_mux_attach_udp(LcChanMux *mux, LcChan *chan, GError **error);
void chan_mux_detach_udp(LcChanMux *mux, LcChan *chan);
/* Sends a view's ACK datagram (DGRAM_ACK_SIZE bytes, and the seal's) on the shared socket:
 * those made while the socket is read go together, one system call. */
void chan_mux_send_ack(LcChanMux *mux, const guint8 *ack, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcChanMux, chan_mux_unref)
