/* session.c: the client side of the control connection. */
#include "net/client/session_private.h"
#include "net/secure/room_auth.h"
#include "net/client/chan_mux.h"

#include "net/io/source.h"
#include "net/secure/tls_client.h"

#include "net/wire/clock.h"
#include "net/io/chan_stream.h"
#include "net/io/token_bucket.h"
#include "net/wire/validate.h"
#include "net/stats/stats_clock.h"
#include "net/stats/stats_defaults.h"
#include "net/stats/stats_rtt.h"

#include <math.h>
#include <string.h>

#define SESSION_BACKOFF_MIN_MS 250
#define SESSION_FLUSH_MS       1000

static void session_connect(LcSession *session);

/* Creates a session. */
LcSession *session_new(const LcSessionConfig *config, const LcSessionEvents *events,
                       gpointer user_data)
{
    LcSession *session = g_new0(LcSession, 1);
    session->config = *config;
    session->host = g_strdup(config->host);
    session->port = config->port;
    session->server = strchr(config->host, ':')
                          ? g_strdup_printf("[%s]:%u", config->host, config->port)
                          : g_strdup_printf("%s:%u", config->host, config->port);
    session->nick = g_strdup(config->nick);
    session->instance = config->instance ? g_strdup(config->instance) : g_uuid_string_random();
    session->addr = g_strdup("");
    session->config.host = session->host;
    session->config.nick = NULL;
    session->config.instance = session->instance;
    session->known_relays = g_strdup(config->known_relays);
    session->config.known_relays = session->known_relays;
    session->expect = g_strdup(config->fingerprint);
    session->config.fingerprint = session->expect;
    session->password = g_strdup(config->password);
    session->allowed = g_ptr_array_new_with_free_func(g_free);
    session->config.password = NULL;
    if (session->config.reconnect_max_ms == 0)
        session->config.reconnect_max_ms = 30000;
    if (session->config.connect_timeout_s == 0)
        session->config.connect_timeout_s = 10;
    session->events = *events;
    session->user_data = user_data;
    session->state = SESSION_CONNECTING;
    session->dead_conns = g_ptr_array_new_with_free_func((GDestroyNotify)chan_stream_free);
    session->members = room_members_new();
    session->streams = room_streams_new();
    g_queue_init(&session->outbox);
    session->watches = g_array_new(FALSE, FALSE, sizeof(LcSessionWatch));
    session->next_client_id = 1;
    stats_rtt_init(&session->rtt, NULL);
    session->clock = stats_clock_new(LC_STATS_CLOCK_DEFAULT_WINDOW);
    session->backoff_ms = SESSION_BACKOFF_MIN_MS;
    return session;
}

/* Changes state and tells the front end. */
static void session_set_state(LcSession *session, LcSessionState state, const GError *error)
{
    session->state = state;
    if (session->events.state)
        session->events.state(session, state, error, session->user_data);
}

/* Frees closed connections outside their callbacks. */
static void session_on_reap(gpointer data)
{
    LcSession *session = data;
    g_ptr_array_set_size(session->dead_conns, 0);
}

/* Retires the current connection (it is freed from an idle). */
static void session_retire_conn(LcSession *session)
{
    if (session->conn == NULL)
        return;
    g_ptr_array_add(session->dead_conns, session->conn);
    session->conn = NULL;
    source_once(&session->reap_src, 0, session_on_reap, session);
}

/* Sends a frame on the current connection, if any. */
void session_send_msg(LcSession *session, const LcWireMsg *msg)
{
    if (session->conn == NULL)
        return;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, &error);
    if (frame == NULL) {
        g_warning("cannot encode %s: %s", wire_type_name(msg->type), error->message);
        return;
    }
    chan_stream_send(session->conn, frame);
}

/* Whether an error from the relay or the network is worth reconnecting after
 * (only a session that has joined reconnects). NICK_TAKEN is: on a
 * reconnect the nick may be held by this session's own connection that the
 * relay has not seen die yet, or by someone who took it while the relay
 * restarted; it is asked for again until it is free. */
static gboolean session_error_is_transient(const GError *error)
{
    /* A certificate refused: trying again changes nothing. (NOT_TLS is
     * what a connection closed mid-handshake reports too: a relay that is
     * restarting.) */
    if (g_error_matches(error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        return FALSE;
    if (error == NULL || error->domain != LC_WIRE_ERROR)
        return TRUE; /* network errors and clean closes */
    switch (error->code) {
    case WIRE_ERR_RATE_LIMITED: /* a fatal one: the room password's slowdown */
    case WIRE_ERR_NICK_TAKEN:
    case WIRE_ERR_TIMEOUT:
    case WIRE_ERR_SERVER_FULL:
    case WIRE_ERR_SLOW_CONSUMER:
    case WIRE_ERR_SHUTDOWN:
    case WIRE_ERR_INTERNAL:
        return TRUE;
    default:
        return FALSE;
    }
}

/* Fires the reconnect timer. */
static void session_on_reconnect(gpointer data)
{
    session_connect(data);
}

/* The connection is gone: reconnect with backoff, or close for good. */
static void session_lost(LcSession *session, const GError *error)
{
    session_retire_conn(session);
    source_drop(&session->join_src);
    source_drop(&session->ping_src);
    source_drop(&session->pace_src);
    if (session->state == SESSION_CLOSED)
        return;
    /* Before the first join only the network is retried: a relay that
     * refuses (a nick taken, a full room) says so at once. */
    gboolean retry = session->ever_joined || (session->config.wait_for_relay && error != NULL &&
                                              error->domain != LC_WIRE_ERROR);
    if (session->quitting || !session->config.reconnect || !retry ||
        !session_error_is_transient(error)) {
        session_set_state(session, SESSION_CLOSED, error);
        return;
    }
    /* Exponential backoff with jitter: wait between half and all of the
     * current step, so that many clients cut off by one relay restart do not
     * all come back at the same instant. */
    guint wait =
        (guint)g_random_int_range((gint)session->backoff_ms / 2, (gint)session->backoff_ms + 1);
    session->backoff_ms = MIN(session->backoff_ms * 2, session->config.reconnect_max_ms);
    source_drop(&session->reconnect_src);
    source_once(&session->reconnect_src, wait, session_on_reconnect, session);
    session_set_state(session, SESSION_RECONNECT_WAIT, error);
}

/* Sends a PING; the PONG gives round-trip and clock offset. */
void session_ping(LcSession *session)
{
    if (session->state != SESSION_JOINED)
        return;
    LcWireMsg ping = {.type = WIRE_PING};
    ping.ping.t1 = (guint64)clock_now_us();
    ping.ping.token = ++session->ping_token;
    session_send_msg(session, &ping);
}

/* Periodic round-trip measurement. */
static gboolean session_on_ping_timer(gpointer data)
{
    session_ping(data);
    return G_SOURCE_CONTINUE;
}

/* Handles WELCOME: joined; resend the outbox; report a history gap. */
static void session_handle_welcome(LcSession *session, const LcWireMsg *msg)
{
    gboolean resumed = session->ever_joined;
    guint64 resume_after = MAX(session->last_seen, session->resume_floor);
    g_free(session->nick);
    session->nick = g_strdup(msg->welcome.nick);
    g_free(session->addr);
    session->addr = g_strdup(msg->welcome.addr);
    session->relay_keyframes = (msg->flags & WIRE_FLAG_KEYFRAMES) != 0;
    session->relay_shares = (msg->flags & WIRE_FLAG_SHARED_CHANNELS) != 0;
    session->relay_files = (msg->flags & WIRE_FLAG_FILES) != 0;
    if (session->mux != NULL) /* views on this connection share anew */
        chan_mux_forget(session->mux);
    room_members_set_welcome(session->members, msg);
    room_streams_clear(session->streams); /* announced again after WELCOME */
    if (!resumed)
        session->resume_floor = msg->welcome.last_id;
    session->ever_joined = TRUE;
    source_drop(&session->join_src);
    session->backoff_ms = SESSION_BACKOFF_MIN_MS;
    session->connects++;
    session->next_unsent = session->outbox.head; /* everything goes again */
    /* Mirror the relay's token bucket, a little slower, so that this client
     * is never the one that trips flood control. */
    token_bucket_init(&session->flood, msg->welcome.rate_limit * 0.98, msg->welcome.rate_burst,
                      g_get_monotonic_time());
    session_set_state(session, SESSION_JOINED, NULL);
    /* Who may view this member's private streams, before any stream is
     * opened again (the watches see WELCOME after this). */
    session_send_allowed(session);
    if (resumed && resume_after > 0 && msg->welcome.oldest_id > resume_after + 1 &&
        session->events.gap)
        session->events.gap(session, resume_after + 1, msg->welcome.oldest_id - 1,
                            session->user_data);
    if (session->events.joined)
        session->events.joined(session, resumed, session->user_data);
    if (session->config.ping_interval_ms > 0) {
        session_ping(session);
        source_reset_timeout(&session->ping_src, session->config.ping_interval_ms,
                             session_on_ping_timer, session);
    }
    if (session->away != NULL) {
        /* A new connection is here again until told otherwise; it costs a
         * token like any message. */
        token_bucket_take(&session->flood, 1, g_get_monotonic_time());
        LcWireMsg away = {.type = WIRE_AWAY};
        away.away.reason = session->away;
        session_send_msg(session, &away);
    }
    session_flush_outbox(session);
}

/* Handles PONG: the round trip feeds the RFC 6298 estimator, the four
 * timestamps the NTP clock-offset filter. A PONG whose times make no sense (a
 * clock stepped back) is ignored by both. */
static void session_handle_pong(LcSession *session, const LcWireMsg *msg)
{
    gint64 t4 = clock_now_us();
    gint64 t1 = (gint64)msg->pong.t1, t2 = (gint64)msg->pong.t2, t3 = (gint64)msg->pong.t3;
    if (!stats_rtt_update(&session->rtt, t4 - t1, NULL))
        return;
    stats_clock_add_sample(session->clock, t1, t2, t3, t4, NULL);
    if (session->events.lag)
        session->events.lag(session, session_get_rtt_ms(session), session->user_data);
}

/* Handles PRESENCE: keeps the member list and this client's nick current. */
static void session_handle_presence(LcSession *session, const LcWireMsg *msg)
{
    const char *nick = msg->presence.nick;
    const char *old = msg->presence.old;
    room_members_update(session->members, msg);
    if (msg->presence.kind == WIRE_PRESENCE_NICK &&
        g_strcmp0(msg->presence.addr, session->addr) == 0 &&
        validate_nick_equal(old, session->nick)) {
        g_free(session->nick);
        session->nick = g_strdup(nick);
    }
    if (session->events.presence)
        session->events.presence(session, msg->presence.kind, nick, msg->presence.addr, old,
                                 msg->presence.reason, session->user_data);
}

/* Handles ERROR: fatal ones end the connection; others are refusals. */
static void session_handle_error(LcSession *session, const LcWireMsg *msg)
{
    g_autoptr(GError) error = g_error_new(LC_WIRE_ERROR, msg->error.code, "%s", msg->error.reason);
    if (msg->flags & WIRE_FLAG_FATAL) {
        chan_stream_close(session->conn, error);
        return;
    }
    if (msg->error.ref != 0) {
        LcOutMsg *out = session_outbox_take(session, msg->error.ref);
        if (out != NULL)
            session_out_free(out);
    }
    if (session->events.refused)
        session->events.refused(session, error, msg->error.ref, session->user_data);
}

/* Answers the relay's keepalive PING. */
static void session_handle_ping(LcSession *session, const LcWireMsg *msg, gint64 received)
{
    if (session->conn == NULL)
        return;
    g_autoptr(GBytes) frame = wire_encode_pong(msg, received);
    chan_stream_send(session->conn, frame);
}

/* Whether a watch is still registered. */
static gboolean session_has_watch(LcSession *session, guint id)
{
    for (guint i = 0; i < session->watches->len; i++)
        if (g_array_index(session->watches, LcSessionWatch, i).id == id)
            return TRUE;
    return FALSE;
}

/* Shows a message to every watch; a watch removed meanwhile is skipped. */
static void session_notify_watches(LcSession *session, const LcWireMsg *msg)
{
    guint n = session->watches->len;
    if (n == 0)
        return;
    g_autofree LcSessionWatch *copy = g_memdup2(session->watches->data, n * sizeof(LcSessionWatch));
    for (guint i = 0; i < n; i++)
        if (session_has_watch(session, copy[i].id))
            copy[i].func(session, msg, copy[i].data);
}

/* One frame from the relay. */
static void session_on_frame(LcChanStream *conn, const LcWireHeader *header, const guint8 *payload,
                             gint64 first_us, gint64 received, gpointer user_data)
{
    LcSession *session = user_data;
    g_autoptr(GError) error = NULL;
    LcWireMsg msg;

    if (!wire_msg_decode(header, payload, &msg, &error)) {
        g_prefix_error(&error, "relay sent a bad frame: ");
        chan_stream_close(conn, error);
        return;
    }
    gboolean joined = session->state == SESSION_JOINED;
    if (!joined && msg.type != WIRE_WELCOME && msg.type != WIRE_ERROR && msg.type != WIRE_PING &&
        msg.type != WIRE_AUTH_CHALLENGE) {
        g_set_error(&error, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL, "relay sent %s before WELCOME",
                    wire_type_name(msg.type));
        chan_stream_close(conn, error);
    } else {
        switch (msg.type) {
        case WIRE_WELCOME:
            session_handle_welcome(session, &msg);
            break;
        case WIRE_PONG:
            session_handle_pong(session, &msg);
            break;
        case WIRE_PING:
            session_handle_ping(session, &msg, received);
            break;
        case WIRE_CHAT_ACK:
            session_handle_ack(session, &msg);
            break;
        case WIRE_CHAT_DELIVER:
            session_handle_deliver(session, &msg);
            break;
        case WIRE_PRIVMSG_DELIVER:
            session_handle_deliver(session, &msg);
            break;
        case WIRE_PRESENCE:
            session_handle_presence(session, &msg);
            break;
        case WIRE_STREAM_NOTICE:
            room_streams_update(session->streams, &msg);
            break;
        case WIRE_ERROR:
            session_handle_error(session, &msg);
            break;
        case WIRE_AUTH_CHALLENGE:
            session_handle_challenge(session, &msg);
            break;
        default:
            break; /* types meant for the relay are ignored */
        }
        session_notify_watches(session, &msg);
    }
    wire_msg_clear(&msg);
}

/* The relay broke the framing. */
static void session_on_bad_frame(LcChanStream *conn, const GError *error, gpointer user_data)
{
    g_autoptr(GError) copy = g_error_copy(error);
    g_prefix_error(&copy, "relay sent a bad frame: ");
    chan_stream_close(conn, copy);
}

/* The connection closed. */
static void session_on_closed(LcChanStream *conn, const GError *error, gpointer user_data)
{
    LcSession *session = user_data;
    g_autoptr(GError) why = NULL;
    if (error == NULL && !session->quitting)
        why = g_error_new(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "relay closed the connection");
    session_lost(session, error ? error : why);
}

static const LcChanStreamEvents session_conn_events = {
    .frame = session_on_frame,
    .bad_frame = session_on_bad_frame,
    .closed = session_on_closed,
};

/* The connection is up (io: TLS, or a plaintext GSocketConnection): start
 * reading and send HELLO. */
static void session_begin(LcSession *session, GIOStream *io)
{
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    session->conn = chan_stream_new_for_io(io, &limits, &session_conn_events, session);
    chan_stream_start(session->conn);
    LcWireMsg hello = {.type = WIRE_HELLO};
    hello.hello.nick = session->nick;
    hello.hello.instance = session->instance;
    /* A reconnect resumes from the newest id seen, or the newest that existed
     * at the first join (what came before was history, asked for or not). */
    if (session->ever_joined) {
        hello.flags = WIRE_FLAG_RESUME;
        hello.hello.resume_after = MAX(session->last_seen, session->resume_floor);
    }
    hello.hello.history_limit = session->config.history_limit;
    hello.flags |= WIRE_FLAG_NOTICES;     /* the room's streams: room_streams.h */
    hello.flags |= WIRE_FLAG_KEYFRAMES;   /* H.264 senders and viewers */
    hello.flags |= WIRE_FLAG_CHAT_EXTRAS; /* /away and /msg */
    hello.flags |= session->config.files ? WIRE_FLAG_FILES : 0;
    hello.flags |= WIRE_FLAG_PASSWORD; /* answers AUTH_CHALLENGE */
    if (!session->config.separate_channels)
        hello.flags |= WIRE_FLAG_SHARED_CHANNELS; /* audio views: chan_mux.h */
    session_send_msg(session, &hello);
}

/* The TLS handshake is over and the relay's certificate checked. */
static void session_on_tls(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *fingerprint = NULL;
    gboolean first_use = FALSE;
    g_autoptr(GTlsConnection) tls =
        tls_client_handshake_finish(result, &fingerprint, &first_use, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return; /* session freed or quit */
    LcSession *session = data;
    g_clear_object(&session->cancel);
    if (tls == NULL) {
        g_prefix_error(&error, "cannot connect to relay %s: ", session->server);
        session_lost(session, error);
        return;
    }
    session->first_use = session->first_use || first_use;
    g_free(session->fingerprint);
    session->fingerprint = g_steal_pointer(&fingerprint);
    session_begin(session, G_IO_STREAM(tls));
}

/* Connected: TLS first, unless insecure. */
static void session_on_connected(GObject *source, GAsyncResult *result, gpointer data)
{
    LcSession *session = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_to_host_finish(G_SOCKET_CLIENT(source), result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return; /* session freed or quit */
    if (connection == NULL) {
        g_clear_object(&session->cancel);
        g_prefix_error(&error, "cannot connect to relay %s: ", session->server);
        session_lost(session, error);
        return;
    }
    if (session->config.insecure) {
        g_clear_object(&session->cancel);
        session_begin(session, G_IO_STREAM(connection));
        return;
    }
    /* Every connection is checked against the pins: a relay whose key
     * changed while the session was away is refused on reconnect. */
    LcTlsPin pin = {
        .relay = session->server, .expect = session->expect, .known_relays = session->known_relays};
    tls_client_handshake_async(G_IO_STREAM(connection), &pin, session->cancel, session_on_tls,
                               session);
}

/* A connection attempt that has not joined in time: connecting, the TLS
 * handshake (which has no deadline of its own) or waiting for WELCOME. It is
 * given up as a network error: a session that had joined tries again. */
static void session_on_join_timeout(gpointer data)
{
    LcSession *session = data;
    g_autoptr(GError) error =
        g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "relay %s did not let us in within %u s",
                    session->server, 2 * session->config.connect_timeout_s);
    if (session->cancel != NULL) {
        g_cancellable_cancel(session->cancel);
        g_clear_object(&session->cancel);
    }
    if (session->conn != NULL)
        chan_stream_close(session->conn, error); /* its close reports the loss */
    else
        session_lost(session, error);
}

/* Opens a new connection to the relay. */
static void session_connect(LcSession *session)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, session->config.connect_timeout_s);
    session->cancel = g_cancellable_new();
    source_drop(&session->join_src);
    source_once(&session->join_src, 2 * session->config.connect_timeout_s * 1000,
                session_on_join_timeout, session);
    if (session->state != SESSION_CONNECTING)
        session_set_state(session, SESSION_CONNECTING, NULL);
    g_socket_client_connect_to_host_async(client, session->host, session->port, session->cancel,
                                          session_on_connected, session);
}

/* Starts connecting. */
void session_start(LcSession *session)
{
    session_connect(session);
}

/* Starts again after CLOSED: a first join, with a fresh backoff. */
void session_restart(LcSession *session)
{
    g_return_if_fail(session->state == SESSION_CLOSED);
    g_clear_object(&session->cancel);
    session->quitting = FALSE;
    session->backoff_ms = SESSION_BACKOFF_MIN_MS;
    session_connect(session);
}

/* Asks the relay for a new nick. */
gboolean session_set_nick(LcSession *session, const char *nick, GError **error)
{
    if (!validate_nick(nick, error))
        return FALSE;
    if (session->state != SESSION_JOINED) {
        /* Not connected: the next HELLO asks for it. */
        g_free(session->nick);
        session->nick = g_strdup(nick);
        return TRUE;
    }
    LcWireMsg msg = {.type = WIRE_NICK};
    msg.nick.nick = (char *)nick;
    session_send_msg(session, &msg);
    return TRUE;
}

/* Sets or clears this member's away message. */
gboolean session_set_away(LcSession *session, const char *reason, GError **error)
{
    const char *text = reason != NULL ? reason : "";
    if (!validate_display_string(text, "away message", error))
        return FALSE;
    if (strlen(text) > WIRE_QUIT_REASON_MAX) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_TEXT,
                    "away message too long: %zu bytes, at most %d", strlen(text),
                    WIRE_QUIT_REASON_MAX);
        return FALSE;
    }
    /* The relay charges AWAY to the chat flood control: so does the mirror
     * here, so that it never costs a message of the outbox its place. */
    if (session->state == SESSION_JOINED &&
        token_bucket_take(&session->flood, 1, g_get_monotonic_time()) != 0) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_RATE_LIMITED,
                    "too fast: the away message was not changed; try again in a moment");
        return FALSE;
    }
    g_free(session->away);
    session->away = *text ? g_strdup(text) : NULL;
    if (session->state == SESSION_JOINED) {
        LcWireMsg msg = {.type = WIRE_AWAY};
        msg.away.reason = (char *)text;
        session_send_msg(session, &msg);
    }
    return TRUE;
}

/* Whether this member is away. */
const char *session_get_own_away(LcSession *session)
{
    return session->away;
}

/* Adds a watch. */
guint session_add_watch(LcSession *session, LcSessionWatchFunc func, gpointer user_data)
{
    LcSessionWatch watch = {++session->next_watch, func, user_data};
    g_array_append_val(session->watches, watch);
    return watch.id;
}

/* Removes a watch. */
void session_remove_watch(LcSession *session, guint id)
{
    for (guint i = 0; i < session->watches->len; i++) {
        if (g_array_index(session->watches, LcSessionWatch, i).id == id) {
            g_array_remove_index(session->watches, i);
            return;
        }
    }
}

/* Sends a message on the control connection. */
gboolean session_send(LcSession *session, const LcWireMsg *msg, GError **error)
{
    if (session->state != SESSION_JOINED || session->conn == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "not joined to relay %s",
                    session->server);
        return FALSE;
    }
    g_autoptr(GBytes) frame = wire_msg_encode(msg, error);
    if (frame == NULL)
        return FALSE;
    chan_stream_send(session->conn, frame);
    return TRUE;
}

/* Leaves the room with a reason. */
void session_quit(LcSession *session, const char *reason)
{
    if (session->state == SESSION_CLOSED || session->quitting)
        return;
    session->quitting = TRUE;
    source_drop(&session->reconnect_src);
    if (session->cancel != NULL)
        g_cancellable_cancel(session->cancel);
    if (session->conn == NULL) {
        session_set_state(session, SESSION_CLOSED, NULL);
        return;
    }
    const char *text = reason ? reason : "";
    g_autofree char *cut = g_utf8_substring(text, 0, MIN(g_utf8_strlen(text, -1), 200));
    LcWireMsg quit = {.type = WIRE_QUIT};
    quit.quit.reason = cut;
    session_send_msg(session, &quit);
    chan_stream_close_after_flush(session->conn, NULL, SESSION_FLUSH_MS);
}

LcSessionState session_get_state(LcSession *session)
{
    return session->state;
}

const char *session_get_nick(LcSession *session)
{
    return session->nick;
}

const char *session_get_addr(LcSession *session)
{
    return session->addr;
}

const char *session_get_server(LcSession *session)
{
    return session->server;
}

/* The relay's certificate's fingerprint. */
const char *session_get_fingerprint(LcSession *session, gboolean *first_use)
{
    if (first_use != NULL)
        *first_use = session->first_use;
    return session->fingerprint;
}

/* The relay's address on the current connection, or NULL. */
GInetSocketAddress *session_get_relay_address(LcSession *session)
{
    if (session->conn == NULL)
        return NULL;
    g_autoptr(GSocketAddress) remote =
        g_socket_get_remote_address(chan_stream_get_socket(session->conn), NULL);
    if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS(remote))
        return NULL;
    return G_INET_SOCKET_ADDRESS(g_steal_pointer(&remote));
}

/* The streams the room has (STREAM_NOTICE). */
const LcRoomStreams *session_get_streams(LcSession *session)
{
    return session->streams;
}

const LcWireMember *session_get_members(LcSession *session, guint *n_members)
{
    return room_members_get_all(session->members, n_members);
}

/* A member's away message. */
const char *session_get_away(LcSession *session, const char *nick)
{
    return room_members_get_away(session->members, nick);
}

guint session_get_unacked(LcSession *session)
{
    return g_queue_get_length(&session->outbox);
}

double session_get_rtt_ms(LcSession *session)
{
    return session->rtt.has_sample ? stats_rtt_get_latest_ms(&session->rtt) : -1;
}

double session_get_srtt_ms(LcSession *session)
{
    return session->rtt.has_sample ? stats_rtt_get_srtt_ms(&session->rtt) : -1;
}

gint64 session_get_clock_offset_us(LcSession *session)
{
    LcStatsClockEstimate estimate;
    if (!stats_clock_get_estimate(session->clock, &estimate))
        return 0;
    return (gint64)lround(estimate.offset_us);
}

guint session_get_connects(LcSession *session)
{
    return session->connects;
}

/* Whether the relay carries files. */
gboolean session_relay_takes_files(LcSession *session)
{
    return session->relay_files;
}

/* Whether the relay passes KEYFRAME_REQUEST on. */
gboolean session_relay_takes_keyframes(LcSession *session)
{
    return session->relay_keyframes;
}

/* The connection and socket the session's audio views share. */
LcChanMux *session_get_chan_mux(LcSession *session)
{
    if (!session->relay_shares || session->config.separate_channels)
        return NULL;
    if (session->mux == NULL) {
        g_autoptr(GInetSocketAddress) relay = session_get_relay_address(session);
        if (relay == NULL)
            return NULL;
        session->mux = chan_mux_new(g_inet_socket_address_get_address(relay),
                                    g_inet_socket_address_get_port(relay), session->fingerprint,
                                    &session->mux);
    }
    return session->mux;
}

/* Frees a session, dropping its connection without a QUIT. */
void session_free(LcSession *session)
{
    if (session == NULL)
        return;
    if (session->cancel != NULL) {
        g_cancellable_cancel(session->cancel);
        g_object_unref(session->cancel);
    }
    source_drop(&session->reconnect_src);
    source_drop(&session->join_src);
    source_drop(&session->pace_src);
    source_drop(&session->ping_src);
    source_drop(&session->reap_src);
    if (session->mux != NULL)
        chan_mux_forget(session->mux);
    chan_stream_free(session->conn);
    g_ptr_array_unref(session->dead_conns);
    g_queue_clear_full(&session->outbox, (GDestroyNotify)session_out_free);
    room_members_free(session->members);
    g_free(session->away);
    room_streams_free(session->streams);
    g_array_unref(session->watches);
    stats_clock_free(session->clock);
    g_free(session->host);
    g_free(session->server);
    g_free(session->nick);
    g_free(session->instance);
    g_free(session->addr);
    g_free(session->known_relays);
    g_free(session->fingerprint);
    g_free(session->expect);
    room_auth_free_password(session->password);
    g_ptr_array_unref(session->allowed);
    g_free(session);
}
