/* relay_files.h: files in the room, as the relay sees them
 * (docs/PROTOCOL.md, "Files").
 *
 * The relay brokers: it hands a member's FILE_OFFER to the member it names
 * (or to every member that takes files), takes each receiver's answer,
 * and pairs the two sides with a one-time token (FILE_START): for a direct
 * transfer the receiver connects to the sender's own port, for a transfer
 * through the relay both connect here and the relay passes the receiver's
 * FILE_GETs and the sender's FILE_DATA on, holding no more than the
 * receiver's window (relay_files_chan.c). It stores nothing: an offer
 * lives as long as its sender's connection.
 */
#pragma once

#include "net/relay/relay_private.h"

/* Offers one member may have open at once, and the relay in all. */
#define RELAY_FILES_OFFERS_PER_CLIENT 16
#define RELAY_FILES_OFFERS_MAX        1024
/* FILE_OFFER, FILE_ANSWER and FILE_END a member may send: a burst, then
 * this many a second. */
#define RELAY_FILES_BURST 64
#define RELAY_FILES_RATE  10
/* Bytes a receiver may have asked for and not received through the relay:
 * the bound of what the relay holds for one transfer. */
#define RELAY_FILES_WINDOW_MAX (2 * 1024 * 1024)
/* The other receivers a swarm's newcomer is told of (and they of it). */
#define RELAY_FILES_SWARM_PEERS 8
/* A file channel that is not paired within this long is closed. */
#define RELAY_FILES_PAIR_TIMEOUT_S 30

typedef struct _LcRelayFiles LcRelayFiles;

LcRelayFiles *relay_files_new(LcRelay *relay);
void relay_files_free(LcRelayFiles *files);

/* FILE_OFFER, FILE_ANSWER, FILE_END from a joined member. */
void relay_files_handle_control(LcRelayFiles *files, LcRelayClient *client, const LcWireMsg *msg);
/* A member joined: the offers open for it are handed to it (again). */
void relay_files_joined(LcRelayFiles *files, LcRelayClient *client);
/* A member left: its offers end, and their senders learn it is gone. */
void relay_files_client_gone(LcRelayFiles *files, LcRelayClient *client);

/* FILE_HELLO as the first frame of a connection: it becomes a file
 * channel, or is refused. */
void relay_files_adopt(LcRelayFiles *files, LcRelayClient *client, const LcWireMsg *hello);

/* Bytes of files passed through the relay so far. */
guint64 relay_files_get_bytes(LcRelayFiles *files);
