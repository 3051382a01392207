/* relay_files_private.h: what relay_files.c (offers and answers) and
 * relay_files_chan.c (file channels, paired and passed on) share. */
#pragma once

#include "net/io/token_bucket.h"
#include "net/relay/relay_files.h"

typedef struct _LcRelayFilePair LcRelayFilePair;

/* One connection that said FILE_HELLO. */
typedef struct {
    LcRelayFiles *files;
    LcChanStream *stream;
    char *ip;
    guint8 role; /* WIRE_FILE_ROLE_* */
    LcRelayFilePair *pair;
    GSource *timeout; /* until paired */
} LcRelayFileChan;

/* A sender and a receiver of one transfer through the relay, each side
 * with a token of its own (a receiver cannot take the sender's side). */
struct _LcRelayFilePair {
    guint64 token;        /* the receiver's, and the pair's name */
    guint64 sender_token; /* the sender's */
    guint64 transfer_id;
    LcRelayFileChan *side[2]; /* [role - 1] */
    guint64 asked;            /* bytes the receiver asked for and has not received */
};

struct _LcRelayFiles {
    LcRelay *relay;
    GHashTable *offers; /* transfer id (guint64*) -> LcRelayFileOffer */
    GHashTable *pairs;  /* either side's token (guint64*) -> LcRelayFilePair */
    GHashTable *chans;  /* every file channel (a set) */
    GPtrArray *dead;    /* closed channels, freed from an idle */
    GSource *reap_src;
    guint64 next_id;
    guint64 bytes; /* passed on through the relay */
};

/* relay_files_chan.c: a pair for a transfer through the relay, with a
 * fresh token. */
LcRelayFilePair *relay_files_pair_new(LcRelayFiles *files, guint64 transfer_id);
/* Ends a pair: its channels are closed. */
void relay_files_pair_end(LcRelayFiles *files, guint64 token);
/* Frees every channel and pair (the relay stops). */
void relay_files_chan_free_all(LcRelayFiles *files);
