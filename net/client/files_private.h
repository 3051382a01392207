/* files_private.h: what files.c (the shared part), files_send.c and
 * files_recv.c share. */
#pragma once

#include "net/client/files.h"
#include "net/files/file_chan.h"

#define FILES_PROGRESS_MS 250
#define FILES_RETRIES     5 /* channels lost in a row, without progress, before giving up */

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
    guint64 transfer_id;
    LcFileChan *chan; /* through the relay: this side's; direct: the one accepted */
    guint64 done;
    LcFilesRate rate;
    gint64 shown_us;
    gboolean ended;
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
    gboolean done;
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
        INCOMING_REFUSED
    } state;
    guint8 way;
    guint64 token;
    LcFileSink *sink;
    LcFileChan *chan;
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
    GSource *reap_src;
    GCancellable *cancel;
    gboolean media; /* the room has a camera or a voice on: files yield */
};

/* files.c: queues a closed channel to be freed from an idle. */
void files_bury_chan(LcFiles *files, LcFileChan *chan);
/* files.c: updates a rate with the bytes done now. */
void files_rate_update(LcFilesRate *rate, guint64 done);
/* files.c: connects a file channel to host:port (the relay: with its pin). */
void files_connect(LcFiles *files, GInetAddress *ip, guint16 port, gboolean relay,
                   GCancellable *cancel, GAsyncReadyCallback callback, gpointer data);
/* files.c: sends a message on the session. */
void files_send_msg(LcFiles *files, const LcWireMsg *msg);

/* files_send.c: every sending channel takes the current rate. */
void files_send_apply_rate(LcFiles *files);
/* files_send.c */
void files_send_on_message(LcFiles *files, const LcWireMsg *msg);
void files_send_rejoined(LcFiles *files);
void files_offer_free(gpointer data);
/* files_recv.c */
void files_recv_on_message(LcFiles *files, const LcWireMsg *msg);
void files_incoming_free(gpointer data);
