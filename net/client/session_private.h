/* session_private.h: the session's state, shared by session.c (the
 * connection, joining, presence, pings) and session_chat.c (messages: the
 * outbox, acknowledgements and deliveries). */
#pragma once

#include "net/client/session.h"

#include "net/client/room_members.h"
#include "net/io/chan_stream.h"
#include "net/io/token_bucket.h"
#include "net/stats/stats_clock.h"
#include "net/stats/stats_rtt.h"

typedef struct {
    guint id;
    LcSessionWatchFunc func;
    gpointer data;
} LcSessionWatch;

typedef struct {
    guint64 client_id;
    guint16 flags;
    char *text;
    char *to; /* a private message's recipient, or NULL: the room */
} LcOutMsg;

struct _LcSession {
    char *host;
    guint16 port;
    char *server;
    char *nick;
    char *instance;
    char *addr;
    LcSessionConfig config;
    LcSessionEvents events;
    gpointer user_data;

    LcSessionState state;
    GCancellable *cancel;
    LcChanStream *conn;
    char *known_relays;
    char *fingerprint;     /* the relay's, as its last TLS connection showed */
    char *expect;          /* config.fingerprint: what it must show, or NULL (the pins) */
    gboolean first_use;    /* pinned by this session */
    char *password;        /* the room password, or NULL */
    GPtrArray *allowed;    /* nicks allowed to view this member's private streams */
    GPtrArray *dead_conns; /* closed connections, freed from an idle */
    guint connects;
    gboolean ever_joined;
    gboolean relay_keyframes; /* the last WELCOME's KEYFRAMES flag */
    gboolean relay_shares;    /* the last WELCOME's SHARED_CHANNELS flag */
    gboolean relay_files;     /* the last WELCOME's FILES flag */
    struct _LcChanMux *mux;   /* audio views' shared channels on this connection, or NULL */
    gboolean quitting;

    GQueue outbox;      /* LcOutMsg, oldest first */
    GList *next_unsent; /* first outbox entry not sent on this connection */
    guint64 next_client_id;
    guint64 last_seen;
    guint64 resume_floor;   /* newest id at the first join: nothing before it is owed */
    LcRoomMembers *members; /* the room, and who is away */
    char *away;             /* this member's away message, or NULL */
    LcRoomStreams *streams; /* what STREAM_NOTICE announced */

    LcTokenBucket flood; /* mirrors the relay's flood control */

    guint backoff_ms;
    GSource *reconnect_src;
    GSource *join_src; /* the deadline of a connection attempt, until WELCOME */
    GSource *pace_src;
    GSource *ping_src;
    GSource *reap_src;

    GArray *watches; /* LcSessionWatch */
    guint next_watch;

    guint64 ping_token;
    LcStatsRtt rtt;      /* relay round trip (RFC 6298) */
    LcStatsClock *clock; /* relay clock offset (NTP, windowed minimum delay) */
};

/* AUTH_CHALLENGE: answers with the room password's proof, or ends the
 * connection with ERROR AUTH when there is none (session_access.c). */
void session_handle_challenge(LcSession *session, const LcWireMsg *msg);
/* Gives the relay the members allowed to view this member's private
 * streams (session_access.c). */
void session_send_allowed(LcSession *session);

/* Encodes and sends a message on the connection (session.c). */
void session_send_msg(LcSession *session, const LcWireMsg *msg);

/* session_chat.c: frees an outbox entry. */
void session_out_free(LcOutMsg *out);
/* Sends every outbox message not yet sent on this connection, as the
 * mirrored flood control allows. */
void session_flush_outbox(LcSession *session);
/* Handles CHAT_ACK: the message leaves the outbox. */
void session_handle_ack(LcSession *session, const LcWireMsg *msg);
/* Handles CHAT_DELIVER and PRIVMSG_DELIVER, dropping anything already seen. */
void session_handle_deliver(LcSession *session, const LcWireMsg *msg);
/* Removes and returns the outbox entry with a client id, or NULL. */
LcOutMsg *session_outbox_take(LcSession *session, guint64 client_id);
