/* session.h: the client side of the control connection, shared by every
 * front end (lanconf-cli, the TUI, the bench).
 *
 * Connects, joins with HELLO, sends chat from an outbox that keeps every
 * message until the relay acknowledges it, paces sending to the relay's flood
 * control, measures relay round-trip and clock offset with PING/PONG, and,
 * once joined, reconnects by itself with jittered exponential backoff and
 * resumes from the last message it saw. Everything runs on the thread-default
 * main context; nothing blocks.
 */
#pragma once

#include <gio/gio.h>

#include "net/client/room_streams.h"
#include "net/wire/wire.h"

typedef struct _LcSession LcSession;

typedef struct {
    const char *host;
    guint16 port;
    const char *nick;
    const char *instance;    /* NULL: a random UUID for this session */
    guint32 history_limit;   /* first join: WIRE_HISTORY_DEFAULT or a count */
    gboolean reconnect;      /* reconnect after a join was lost */
    gboolean wait_for_relay; /* with reconnect: keep trying the first connection too */
    guint ping_interval_ms;  /* measure round-trip this often; 0 = only on request */
    guint reconnect_max_ms;  /* cap of the backoff; 0 = 30000 */
    guint connect_timeout_s; /* 0 = 10 */
    /* Every audio view on a connection and a socket of its own, not shared
     * (chan_mux.h): what a client that predates sharing does. */
    gboolean separate_channels;
    /* TLS (net/secure/tls_client.h): the relay's certificate is pinned on
     * first use in known_relays (NULL: $XDG_CONFIG_HOME/lanconf/known_relays)
     * and a changed one refused. insecure speaks plaintext instead: for a
     * lab's baseline only, as anyone on the network can read and change it. */
    gboolean insecure;
    const char *known_relays;
    /* The fingerprint the relay must show (a relay this process runs, whose
     * fingerprint it knows): checked instead of the known-relays file. */
    const char *fingerprint;
    /* The room password (net/secure/room_auth.h), proven when the relay
     * asks; NULL: none. A relay that asks a session without one, or is
     * given a wrong one, ends it with ERROR AUTH (session_needs_password). */
    const char *password;
    /* Takes file offers (HELLO's FILES; net/client/files.h). */
    gboolean files;
} LcSessionConfig;

typedef enum {
    SESSION_CONNECTING,     /* opening the connection or waiting for WELCOME */
    SESSION_JOINED,         /* in the room */
    SESSION_RECONNECT_WAIT, /* lost the connection; waiting to reconnect */
    SESSION_CLOSED,         /* finished: quit, or a fatal error */
} LcSessionState;

/* A chat message as delivered to this client. */
typedef struct {
    guint64 id;
    gint64 time_us; /* relay clock when stored */
    const char *nick;
    const char *addr;
    const char *text;
    gboolean action;  /* an /me action */
    gboolean history; /* replayed from history */
    gboolean own;     /* sent by this client instance */
    const char *to;   /* a private message's recipient (/msg); NULL: for the room */
} LcSessionChat;

typedef struct {
    /* The state changed. error says why for RECONNECT_WAIT and CLOSED. */
    void (*state)(LcSession *session, LcSessionState state, const GError *error,
                  gpointer user_data);
    /* WELCOME arrived: nick, address and members are now known. resumed is
     * TRUE after a reconnect. */
    void (*joined)(LcSession *session, gboolean resumed, gpointer user_data);
    void (*chat)(LcSession *session, const LcSessionChat *chat, gpointer user_data);
    /* The relay stored a message sent with session_send_chat(). */
    void (*acked)(LcSession *session, guint64 client_id, guint64 id, gpointer user_data);
    /* A member joined, left or changed nick (old is the previous nick). */
    void (*presence)(LcSession *session, LcWirePresenceKind kind, const char *nick,
                     const char *addr, const char *old, const char *reason, gpointer user_data);
    /* The relay refused something without closing (nick taken, message
     * rejected). For a rejected message client_id names it (else 0); it has
     * left the outbox. */
    void (*refused)(LcSession *session, const GError *error, guint64 client_id, gpointer user_data);
    /* A round-trip to the relay was measured. */
    void (*lag)(LcSession *session, double rtt_ms, gpointer user_data);
    /* Messages first..last are gone from the relay's history: never seen. */
    void (*gap)(LcSession *session, guint64 first, guint64 last, gpointer user_data);
} LcSessionEvents;

/* Sees every message from the relay, after the session has handled it
 * (WELCOME, ERROR and types the session does not know included): how the
 * stream sender and viewer (net/client/stream_*.h) follow their replies on the control
 * connection. */
typedef void (*LcSessionWatchFunc)(LcSession *session, const LcWireMsg *msg, gpointer user_data);

/* Creates a session; nothing happens until session_start(). */
LcSession *session_new(const LcSessionConfig *config, const LcSessionEvents *events,
                       gpointer user_data);

/* Starts connecting. */
void session_start(LcSession *session);

/* Sets the room password for the next connection (NULL: none); an empty
 * or over-long one is refused. */
gboolean session_set_password(LcSession *session, const char *password, GError **error);
/* Whether error (a CLOSED state's) says the relay wants a room password:
 * none was given, or a wrong one. */
gboolean session_error_is_auth(const GError *error);
/* Starts again after CLOSED (with a password set since): a first join. */
void session_restart(LcSession *session);

/* Checks and queues a chat message; returns its client id (>0), or 0 with an
 * error for text the protocol does not allow. Sent now if joined, else after
 * the next join; kept until acknowledged. */
guint64 session_send_chat(LcSession *session, const char *text, gboolean action, GError **error);
/* Checks and queues a private message for one member (any case), kept and
 * sent again like a chat message; returns its client id, or 0 (error set)
 * for a bad nick or text. A member not in the room is the relay's answer
 * (refused, NO_SUCH_NICK). */
guint64 session_send_private(LcSession *session, const char *to, const char *text, gboolean action,
                             GError **error);

/* Sets this member's away message (reason NULL or empty: back), shown to
 * the room (PRESENCE away) now and after every reconnect. */
gboolean session_set_away(LcSession *session, const char *reason, GError **error);
/* This member's away message, or NULL. */
const char *session_get_own_away(LcSession *session);
/* A member's away message (nick in any case), or NULL while here. */
const char *session_get_away(LcSession *session, const char *nick);

/* Asks the relay to change this client's nick (answered by presence or refused). */
gboolean session_set_nick(LcSession *session, const char *nick, GError **error);

/* Allows a member (by nick, any case) to view this member's private
 * streams (LcStreamSenderConfig.private), or denies it (its views of them
 * end). The list is kept here and given to the relay again after every
 * reconnect; at most SESSION_ALLOWED_MAX nicks. FALSE (error set) for a
 * bad nick or a full list. */
#define SESSION_ALLOWED_MAX 64
gboolean session_allow_viewer(LcSession *session, const char *nick, gboolean allow, GError **error);
/* Whether a nick (any case) is on the allowed list. */
gboolean session_viewer_is_allowed(LcSession *session, const char *nick);
/* The nicks allowed, in the order they were allowed (NULL-terminated;
 * free the array, not the strings). */
const char **session_get_allowed_viewers(LcSession *session);

/* Measures the round-trip now (answered by the lag event). */
void session_ping(LcSession *session);

/* Adds a watch; returns its id (> 0). */
guint session_add_watch(LcSession *session, LcSessionWatchFunc func, gpointer user_data);

/* Removes a watch; safe from within a watch. */
void session_remove_watch(LcSession *session, guint id);

/* Sends a message on the control connection; fails unless joined. */
gboolean session_send(LcSession *session, const LcWireMsg *msg, GError **error);

/* Leaves the room with a reason; the state becomes CLOSED once it is sent. */
void session_quit(LcSession *session, const char *reason);

LcSessionState session_get_state(LcSession *session);
const char *session_get_nick(LcSession *session);
/* This client's address as the relay sees it ("" before joining). */
const char *session_get_addr(LcSession *session);
const char *session_get_server(LcSession *session); /* "host:port" */
/* The relay's address (IP and TCP port) on the current connection, a new
 * reference, or NULL when not connected: where the camera channels connect. */
/* The fingerprint of the relay's certificate, once a TLS connection has
 * been made (NULL before, and without TLS); *first_use (when given): it was
 * pinned on this session's first connection, met for the first time. */
const char *session_get_fingerprint(LcSession *session, gboolean *first_use);
GInetSocketAddress *session_get_relay_address(LcSession *session);
/* Members of the room (nick, addr), in join order. */
const LcWireMember *session_get_members(LcSession *session, guint *n_members);
/* The streams the room has, as announced (STREAM_NOTICE) since the last
 * WELCOME: watches see each notice after this table has taken it. */
const LcRoomStreams *session_get_streams(LcSession *session);
/* Messages not yet acknowledged. */
guint session_get_unacked(LcSession *session);
/* Latest relay round-trip in ms; negative before the first. */
double session_get_rtt_ms(LcSession *session);
/* Smoothed relay round-trip in ms (RFC 6298 SRTT); negative before the first. */
double session_get_srtt_ms(LcSession *session);
/* Relay clock minus local clock in us, from the PONG with the smallest
 * round-trip among the last LC_STATS_CLOCK_DEFAULT_WINDOW (NTP's four
 * timestamps and clock filter); 0 before the first. */
gint64 session_get_clock_offset_us(LcSession *session);
/* Connections made so far (1 on the first join). */
guint session_get_connects(LcSession *session);
/* Whether the relay carries files (its WELCOME said so). */
gboolean session_relay_takes_files(LcSession *session);
/* Whether the relay passes KEYFRAME_REQUEST on (its WELCOME said so). */
gboolean session_relay_takes_keyframes(LcSession *session);
/* The connection and socket this session's audio views share on the relay
 * it is joined to (net/client/chan_mux.h; a channel takes its own
 * reference), or NULL when they are not shared: the relay does not take
 * it (its WELCOME said so), or separate_channels. */
struct _LcChanMux *session_get_chan_mux(LcSession *session);

void session_free(LcSession *session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcSession, session_free)
