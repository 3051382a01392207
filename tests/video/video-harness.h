/* video-harness.h: helpers for the camera-channel tests: the real relay on
 * 127.0.0.1 port 0 in its own thread (with its video statistics), raw UDP
 * sockets speaking datagrams by hand, and joined control sessions. */
#pragma once

#include "net/wire/chan_dgram.h"
#include "net/relay/relay_video.h"
#include "net/client/session.h"
#include "tests/net/harness.h"

/* Reads the relay's video statistics on its thread (clear them after). */
void test_relay_video_stats(TestRelay *relay, LcRelayVideoStats *stats);

/* A blocking UDP socket on 127.0.0.1, port 0. */
GSocket *video_udp_socket(void);
/* Sends a datagram (with payload for a fragment) to the relay's port. */
void video_udp_send(GSocket *socket, guint16 port, const LcDgram *dgram, const guint8 *payload,
                    gsize payload_len);
/* Sends raw bytes to the relay's port. */
void video_udp_send_raw(GSocket *socket, guint16 port, const void *bytes, gsize len);
/* Receives and parses one datagram within timeout_ms; buf keeps a fragment's
 * payload (DGRAM_MAX_SIZE bytes). FALSE on timeout. */
gboolean video_udp_recv(GSocket *socket, LcDgram *dgram, guint8 *buf, guint timeout_ms);

/* Joins with a raw control socket and asks for a stream; fills ready. */
GSocket *video_raw_open_stream(guint16 port, const char *nick, guint8 channels, LcWireMsg *ready);

/* A control session on the main context, joined (asserted). */
LcSession *video_session_join(guint16 port, const char *nick);

/* Runs the main context for ms milliseconds. */
void video_run_for(guint ms);
