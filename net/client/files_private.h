/* files_private.h: what files.c (the shared part), files_send.c and
 * files_recv.c share. */
#pragma once

#include "net/client/files.h"
#include "net/files/file_chan.h"
#include "net/files/file_parts.h"

#define FILES_PROGRESS_MS 250
#define FILES_RETRIES     5 /* channels lost in a row, without progress, before giving up */
#define FILES_SWARM_AHEAD 2 /* swarm: chunks asked of one peer at once */

typedef struct _LcFilesSwarm LcFilesSwarm;

/* A rate measured over the last second or so. */
typedef struct {
    gint64 at_us;
    guint64 at_bytes;
    double rate;
} LcFilesRate;

/* One receiver of an offer this client sends. */
typedef struct {
    struct _LcFilesOffer *offer;
    char *nick;
    guint8 way;
    guint64 token;
    gboolean token_used; /* direct: a channel said FILE_HELLO with it */
    guint64 transfer_id;
    LcFileChan *chan; /* through the relay: this side's; direct: the one accepted */
    guint64 done;
    LcFilesRate rate;
    gint64 shown_us;
    gboolean ended;
    /* Swarm (files_seed.c): the chunks it has (it says so with FILE_HAVE)
     * and those this sender told it to ask for and it has not yet. */
    guint8 *has;
    GHashTable *given;
    guint32 n_have;   /* chunks it said it has */
    gboolean had_all; /* it said it has every chunk */
} LcFilesPeer;

/* A file this client offers. */
typedef struct _LcFilesOffer {
    LcFiles *files;
    guint id;
    char *to;
    guint8 ways;
    LcFileSource *source;
    gboolean hashed;
    GHashTable *peers; /* folded nick -> LcFilesPeer: the receivers the relay named */
    guint n_ok, n_failed;
    gboolean started; /* a receiver took it once: a later refusal for absence is a wait */
    gboolean waiting; /* refused for the receiver's absence: offered again when it joins */
    gboolean done;
    guint8 *handed;      /* swarm: how often each chunk was handed out (files_seed.c) */
    gboolean announced;  /* FILE_OFFER went out once */
    guint64 transfer_id; /* the relay's number for it (FILE_OFFERED's copies), or 0 */
} LcFilesOffer;

/* A file offered to this client. */
typedef struct {
    LcFiles *files;
    guint id;
    guint64 transfer_id; /* the relay's number, new after each re-offer */
    char *nick;
    char *name;
    guint64 size;
    guint8 ways;
    char *sha256_hex;
    enum {
        INCOMING_ASKED,
        INCOMING_ACCEPTED,
        INCOMING_WAITING,
        INCOMING_DONE,
        INCOMING_REFUSED,
        INCOMING_GONE /* withdrawn before it was answered: a new offer asks again */
    } state;
    guint8 way;
    guint64 token;
    LcFileSink *sink;
    LcFileChan *chan;
    LcFileParts *parts;  /* swarm: the part file, in chunks */
    LcFilesSwarm *swarm; /* swarm: the peers' channels (files_swarm.c) */
    GCancellable *connecting;
    guint tries;      /* channels lost in a row without progress */
    guint64 tried_at; /* the part file's length when the last channel opened */
    LcFilesRate rate;
    gint64 shown_us;
    GSource *retry_src;
} LcFilesIncoming;

struct _LcFiles {
    LcSession *session;
    LcFilesConfig config;
    char *dir;
    LcFilesEvents events;
    gpointer user_data;
    guint watch;
    guint next_id;
    GHashTable *offers;      /* id -> LcFilesOffer */
    GHashTable *incoming;    /* id -> LcFilesIncoming */
    GSocketService *service; /* direct transfers' port */
    guint16 port;
    GPtrArray *dead_chans; /* closed channels, freed from an idle */
    /* Channels accepted on the direct port that no receiver of an offer
     * holds: before their FILE_HELLO, and a swarm's downstreams (a set). */
    GHashTable *accepted;
#define FILES_ACCEPTED_MAX 128 /* such channels at once; more connections are closed */
    GSource *reap_src;
    GCancellable *cancel;
    gboolean media;   /* the room has a camera or a voice on: files yield */
    guint64 uploaded; /* file bytes this client has sent, every way */
};

/* files.c: queues a closed channel to be freed from an idle. */
void files_bury_chan(LcFiles *files, LcFileChan *chan);
/* files.c: updates a rate with the bytes done now. */
void files_rate_update(LcFilesRate *rate, guint64 done);
/* files.c: connects a file channel to host:port (the relay: with its pin). */
void files_connect(LcFiles *files, GInetAddress *ip, guint16 port, gboolean relay,
                   GCancellable *cancel, GAsyncReadyCallback callback, gpointer data);
/* files.c: a line for the user (the notice event, else the log). */
void files_notice(LcFiles *files, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* files.c: sends a message on the session. */
void files_send_msg(LcFiles *files, const LcWireMsg *msg);

/* files_send.c: every sending channel takes the current rate. */
void files_send_apply_rate(LcFiles *files);
/* files_send.c */
void files_send_on_message(LcFiles *files, const LcWireMsg *msg);
void files_send_rejoined(LcFiles *files);
void files_offer_free(gpointer data);
/* files_seed.c: a sender's part in a swarm: each chunk handed to one
 * receiver to ask for, the receivers trading them. */
void files_seed_ready(LcFilesPeer *peer);
void files_seed_on_have(LcFilesPeer *peer, guint32 chunk);
void files_seed_lost(LcFilesPeer *peer);
/* files_swarm.c: a receiver's part in a swarm. */
LcFilesSwarm *files_swarm_new(LcFilesIncoming *inc);
void files_swarm_free(LcFilesSwarm *swarm);
/* FILE_START of a swarm: a peer (or the sender) to pull from, or one to
 * serve. */
void files_swarm_on_start(LcFilesSwarm *swarm, const LcWireMsg *start);
/* A connection to this client's port said FILE_HELLO with a token no
 * offer knows: a swarm peer's? The part file to serve (a new reference),
 * or NULL. */
LcFileSource *files_swarm_take_down(LcFiles *files, LcFileChan *chan, guint64 token);
/* A channel accepted for a swarm is paired, or closed. */
void files_swarm_down_ready(LcFiles *files, LcFileChan *chan);
void files_swarm_down_closed(LcFiles *files, LcFileChan *chan);
/* files_recv.c: bytes moved (any way); for files_swarm.c: the file is
 * whole, the sender's channel was lost. */
void files_recv_progress(LcFilesIncoming *inc);
void files_recv_swarm_complete(LcFilesIncoming *inc);
/* A channel was lost before the end: asked again after a pause, or given
 * up after FILES_RETRIES in a row brought nothing. */
void files_recv_lost(LcFilesIncoming *inc, const GError *error);
void files_recv_swarm_unreachable(LcFilesIncoming *inc, const GError *error);
/* files_send.c: the direct port, opened on first need (swarm receivers
 * serve on it too). */
gboolean files_send_listen(LcFiles *files, GError **error);
/* files_recv.c */
void files_recv_on_message(LcFiles *files, const LcWireMsg *msg);
void files_incoming_free(gpointer data);
