/* relay_private.h: the relay's internals shared by relay.c and relay_chat.c. */
#pragma once

#include "net/io/chan_stream.h"
#include "net/relay/relay_listen.h"
#include "net/relay/relay_tls.h"
#include "net/io/token_bucket.h"
#include "net/relay/history.h"
#include "net/relay/relay.h"
#include "net/wire/media_kind.h"
#include "net/wire/wire.h"

/* Nicks held for reconnecting clients (net/relay/nick_hold.h). */
typedef struct _LcNickHolds LcNickHolds;

/* The camera channels' engine (net/relay/relay_video_private.h). */
typedef struct _LcRelayVideo LcRelayVideo;

/* Files offered and passed on (net/relay/relay_files.h). */
typedef struct _LcRelayFiles LcRelayFiles;

/* A room password's wait for AUTH (net/relay/relay_auth.c). */
typedef struct _LcRelayAuthWait LcRelayAuthWait;
/* The password state of a relay that has one (net/relay/relay_auth.h). */
typedef struct _LcRelayAuth LcRelayAuth;

/* What a HELLO asks for, held while a room password is proven. */
typedef struct {
    guint16 flags;
    char *nick;
    char *instance;
    guint64 resume_after;
    guint32 history_limit;
} LcRelayHello;

typedef enum {
    CLIENT_HELLO_WAIT, /* connected, no HELLO yet */
    CLIENT_JOINED,     /* a member of the room */
    CLIENT_GONE,       /* closed; waiting for the reaper */
} LcClientState;

typedef struct {
    LcRelay *relay;
    LcChanStream *conn;
    guint64 session_id;
    LcClientState state;
    char *nick;
    char *nick_key; /* nick folded to lower case: the key in relay->nicks */
    char *instance;
    char *ip;
    gint64 connected_at;   /* monotonic us */
    gint64 last_ping_sent; /* monotonic us */
    gint64 soft_since;     /* monotonic us the soft queue limit was first exceeded; 0 = not */
    LcTokenBucket flood;   /* chat flood control */
    LcTokenBucket stream_flood[LC_MEDIA_KINDS]; /* flood control of VIEW, per kind */
    LcTokenBucket open_flood;  /* flood control of STREAM_OPEN: each one tells the whole room */
    LcTokenBucket acl_flood;   /* flood control of CAMERA_ACL */
    LcTokenBucket files_flood; /* flood control of FILE_OFFER, FILE_ANSWER, FILE_END */
    /* Who this member allows to view its private streams (CAMERA_ACL;
     * net/relay/relay_video_acl.c): folded nick -> the client instance the
     * grant is bound to (NULL: not yet); NULL: nobody. */
    GHashTable *allowed;
    /* History replay, a page at a time as the client reads (relay_chat.c);
     * live messages wait in the history meanwhile, so that order holds. */
    gboolean replaying;
    gboolean notices;          /* asked for STREAM_NOTICE in its HELLO */
    gboolean keyframes;        /* takes KEYFRAME_REQUEST (HELLO's KEYFRAMES) */
    gboolean shared_channels;  /* asked for SHARED_CHANNELS: told the relay takes them */
    gboolean chat_extras;      /* takes PRESENCE away and PRIVMSG_DELIVER (HELLO's CHAT_EXTRAS) */
    gboolean files;            /* takes file offers (HELLO's FILES) */
    guint64 replay_after;      /* the last id sent */
    guint64 replay_history;    /* ids up to this were history when it joined */
    gint64 replay_progress_us; /* monotonic time the replay last moved */
    gboolean quit;             /* said QUIT: its nick is free at once, not held */
    gboolean announce_leave;
    gboolean left;        /* gone, and its leave handled (presence, streams); freed once closed */
    gboolean handed_over; /* its socket became a video channel, which counts it now */
    char *leave_reason;
    char *away;            /* its away message (AWAY), or NULL while here */
    LcRelayAuthWait *auth; /* a HELLO held for the room password's proof */
} LcRelayClient;

/* A message stored in the open history batch, acknowledged and delivered once
 * the batch commits. */
typedef struct {
    guint64 sender_session;
    guint64 client_id;
    guint64 id;
    gint64 time_us;
    GBytes *deliver;    /* NULL for a re-sent duplicate: acknowledged, not delivered */
    guint64 to_session; /* a private message's recipient; 0: the room */
} LcRelayPending;

struct _LcRelay {
    LcRelayConfig config;
    LcRelayListener *listener;
    LcRelayTls *tls;   /* between accepting a connection and serving it */
    LcRelayAuth *auth; /* the room password; NULL: none */
    guint16 port;
    LcHistory *history;
    LcNickHolds *holds;
    guint64 committed_id;  /* newest id known to be on disk */
    GHashTable *clients;   /* session id (guint64*) -> LcRelayClient* */
    GHashTable *nicks;     /* nick_key -> LcRelayClient* (joined only) */
    GHashTable *ip_counts; /* ip -> open connections (control and video channels) */
    guint connections;     /* open connections, control and video channels */
    guint64 next_session;
    GArray *pending; /* LcRelayPending of the open batch */
    GSource *commit_src;
    GSource *reap_src;
    GSource *tick_src;
    gboolean shutting_down;
    LcRelayCounters counters;
    LcRelayVideo *video;
    LcRelayFiles *files;
};

/* relay_config.c: copies a config, duplicating its strings. */
void relay_config_copy(LcRelayConfig *dst, const LcRelayConfig *src);
/* relay_config.c: opens the history store config names (recovering a
 * damaged one when config asks to). */
LcHistory *relay_open_history(const LcRelayConfig *config, GError **error);

/* Queues a frame to a client, enforcing the hard output limit. */
void relay_client_enqueue(LcRelayClient *client, GBytes *frame);

/* Sends an ERROR to a client; a fatal one closes it after a short flush. ref
 * is the client_id of the CHAT it answers, else 0. */
void relay_client_send_error(LcRelayClient *client, LcWireErrorCode code, gboolean fatal,
                             guint64 ref, const char *reason);

/* Takes a connection that has not joined out of the client table silently:
 * it is closed here (the video engine keeps a duplicate of its socket). */
void relay_client_retire(LcRelayClient *client, const char *reason);

/* A stream of its own (other limits and events) over a control
 * connection that said VIDEO_HELLO or FILE_HELLO first; the control side
 * lets go of it (relay_client_retire()). */
LcChanStream *relay_take_stream(LcChanStream *conn, const LcChanStreamLimits *limits,
                                const LcChanStreamEvents *events, gpointer data, GError **error);

/* relay.c: a random non-zero token (channels' one-time tokens). */
guint64 relay_random_token(void);

/* Counts one connection from ip more (delta +1) or fewer (-1): every
 * connection counts toward max_clients and max_clients_per_ip, a control
 * connection or a video channel alike. Returns the count from ip now. */
guint relay_count_connection(LcRelay *relay, const char *ip, gint delta);

/* Cuts a client off with a leave reason: its unsent queue is dropped and a
 * fatal ERROR (code, reason) goes out in its place before the close. */
void relay_client_drop(LcRelayClient *client, LcWireErrorCode code, const char *reason);

/* relay_broadcast() flags: which joined clients get the frame. */
#define RELAY_BROADCAST_LIVE_CHAT 0x1 /* not those still replaying history (they read it there) */
#define RELAY_BROADCAST_NOTICES   0x2 /* only those that asked for STREAM_NOTICE */
#define RELAY_BROADCAST_EXTRAS    0x4 /* only those that take PRESENCE away (CHAT_EXTRAS) */

/* Sends a frame to every joined client except `except` (may be NULL), as
 * flags narrow it. */
void relay_broadcast(LcRelay *relay, GBytes *frame, LcRelayClient *except, guint flags);

/* Sends a PRESENCE to every joined client except `except` (may be NULL). */
void relay_broadcast_presence(LcRelay *relay, LcWirePresenceKind kind, LcRelayClient *who,
                              const char *old_nick, const char *reason, LcRelayClient *except);

/* Handles CHAT, NICK and QUIT from a joined client (relay_chat.c). */
void relay_chat_handle(LcRelayClient *client, const LcWireMsg *msg);
/* Sends a member that just joined a PRESENCE away for each member away. */
void relay_chat_send_aways(LcRelayClient *client);

/* Replays history to a client that just joined (relay_chat.c). */
void relay_chat_replay(LcRelayClient *client, gboolean resume, guint64 resume_after,
                       guint32 history_limit);
/* Sends the next pages of a replay while the client's queue has room. */
void relay_chat_replay_pump(LcRelayClient *client);

/* Commits the open history batch, then acknowledges and delivers it. */
void relay_chat_commit(LcRelay *relay);

/* Schedules the group commit for the end of this loop turn. */
void relay_chat_schedule_commit(LcRelay *relay);

/* Whether nick is free for a client instance as far as nick holds go:
 * FALSE (NICK_TAKEN, saying for how long) while another instance's hold on
 * it lasts. A joined member with the nick is the caller's to check. */
gboolean relay_nick_is_free(LcRelay *relay, const char *nick, const char *instance, GError **error);

/* Joins a client to the room as its HELLO asks (nick checks first); a relay
 * with a password calls it once the password is proven. */
void relay_join(LcRelayClient *client, const LcRelayHello *hello);
/* relay_join.c: HELLO: checks it, then joins, or first asks for the room
 * password. */
void relay_handle_hello(LcRelayClient *client, const LcWireMsg *msg);
/* relay.c: frees gone clients from an idle. */
void relay_schedule_reap(LcRelay *relay);

/* A client now has client->nick (joined or renamed): its hold ends, the
 * store records it, and views bound to another client are ended. */
void relay_take_nick(LcRelayClient *client);
