/* relay_defaults.h: every default of the relay's settings, in one place
 * (relay_config_init() applies them; configs/lanconf.conf documents them). */
#pragma once

#include "net/io/chan_defaults.h"
#include "net/wire/wire.h"

#define RELAY_DEFAULT_PORT               WIRE_DEFAULT_PORT
#define RELAY_DEFAULT_SYNCHRONOUS        "normal" /* SQLite PRAGMA synchronous */
#define RELAY_DEFAULT_HISTORY_ON_JOIN    50       /* messages replayed to a newcomer */
#define RELAY_DEFAULT_HISTORY_RETAIN     100000   /* messages kept */
#define RELAY_DEFAULT_RATE_LIMIT         1        /* chat messages per second per client */
#define RELAY_DEFAULT_RATE_BURST         5
#define RELAY_DEFAULT_KEEPALIVE_INTERVAL 10 /* s of silence before a PING */
#define RELAY_DEFAULT_KEEPALIVE_TIMEOUT  30 /* s of silence before a disconnect */
#define RELAY_DEFAULT_HELLO_TIMEOUT      10 /* s to send HELLO */
#define RELAY_DEFAULT_MAX_CLIENTS        1024
#define RELAY_DEFAULT_MAX_CLIENTS_PER_IP 64
#define RELAY_DEFAULT_CHAT_QUEUE_HARD    (4 * 1024 * 1024)
#define RELAY_DEFAULT_CHAT_QUEUE_SOFT    (1024 * 1024)
#define RELAY_DEFAULT_CHAT_QUEUE_SOFT_S  10
#define RELAY_DEFAULT_NICK_HOLD          120 /* s a nick waits for its member to reconnect */
#define RELAY_CHAT_READ_BUDGET           (256 * 1024) /* bytes read from one client per turn */
/* Stream requests (STREAM_OPEN, VIEW) a client may make: a burst, then a
 * rate per second. Each one sends VIEW_END and VIEW_READY to every viewer. */
#define RELAY_STREAM_REQUEST_BURST 10
#define RELAY_STREAM_REQUEST_RATE  2
/* Nicks one member may allow to view its private streams, and CAMERA_ACL
 * messages a second (after a burst of twice that: a client sends its
 * whole list again after a reconnect). */
#define RELAY_ACL_MAX  64
#define RELAY_ACL_RATE 10
/* KEYFRAME_REQUESTs for one stream closer together than this are one: the
 * keyframe the first brings serves every viewer that lost a reference. */
#define RELAY_KEYFRAME_REQUEST_GAP_US (100 * 1000)

#define RELAY_DEFAULT_VIDEO_FRAME_MAX (4 * 1024 * 1024)
/* An audio stream's largest frame: Opus packs at most 120 ms in a packet
 * of 7.6 KB; a bigger "voice" would hold the other speakers back on a
 * listener's shared channel. */
#define RELAY_AUDIO_FRAME_MAX            (16 * 1024)
#define RELAY_DEFAULT_VIDEO_QUEUE_FRAMES 8
#define RELAY_DEFAULT_VIDEO_QUEUE_BYTES  (16 * 1024 * 1024)
#define RELAY_DEFAULT_VIDEO_MAX_VIEWS    16
/* A member of a room of 65 hears the other 64 (conference semantics). */
#define RELAY_DEFAULT_AUDIO_MAX_VIEWS 64
