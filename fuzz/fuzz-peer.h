/* fuzz-peer.h: a client of the relay for the fuzz harnesses, on the main loop.
 *
 * A peer is a non-blocking loopback TCP socket with a read and a write watch
 * on the thread-default main context, so that one loop drives both the relay
 * and its clients. Everything the relay sends to a peer is checked as it
 * arrives: each frame must decode, must be one a relay may send, and nothing
 * may follow a fatal ERROR. A broken check aborts (libFuzzer keeps the input).
 */
#pragma once

#include <gio/gio.h>

#include "net/wire/wire.h"

typedef enum {
    FUZZ_PEER_KEEP_OPEN,  /* after the last byte is sent, keep sending open */
    FUZZ_PEER_HALF_CLOSE, /* then shut down sending and keep reading until EOF */
    FUZZ_PEER_CLOSE,      /* then close at once, reading nothing */
} FuzzPeerEnd;

typedef struct {
    char *name;
    GSocket *socket;
    GSource *read_src;
    GSource *write_src;
    GByteArray *in;  /* received, not yet a whole frame */
    GByteArray *out; /* to send */
    gsize out_sent;
    FuzzPeerEnd end;
    gboolean closed;      /* EOF or reset from the relay, or closed here */
    gboolean fatal;       /* a fatal ERROR arrived */
    gboolean welcomed;    /* WELCOME arrived */
    guint64 last_ack;     /* client_id of the latest CHAT_ACK */
    guint64 last_refused; /* ref of the latest RATE_LIMITED */
    guint64 frames;       /* frames received */
} FuzzPeer;

/* Reports a broken expectation and aborts. */
G_NORETURN void fuzz_peer_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Connects to the relay on 127.0.0.1:port and starts reading. */
FuzzPeer *fuzz_peer_connect(const char *name, guint16 port);

/* Queues bytes to send and says what to do once they are all sent. */
void fuzz_peer_send(FuzzPeer *peer, const guint8 *bytes, gsize size, FuzzPeerEnd end);

/* Ends the connection as asked once everything queued is sent. */
void fuzz_peer_end(FuzzPeer *peer, FuzzPeerEnd end);

/* Encodes a message and queues it, keeping the connection open. */
void fuzz_peer_send_msg(FuzzPeer *peer, const LcWireMsg *msg);

/* Closes the socket (if still open) and frees the peer. */
void fuzz_peer_free(FuzzPeer *peer);
