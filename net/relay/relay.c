/* relay.c: lanconf-relay's engine: connections, joining, keepalive, limits. */
#include "net/relay/relay_private.h"
#include "net/io/source.h"
#include "net/relay/relay_auth.h"
#include "net/relay/relay_files.h"
#include "net/relay/nick_hold.h"
#include "net/relay/relay_defaults.h"
#include "net/relay/relay_video_private.h"
#include "net/wire/addr.h"
#include "net/wire/clock.h"
#include "net/wire/validate.h"

#include <errno.h>
#include <sys/random.h>
#include <string.h>
#include <unistd.h>

#define RELAY_TICK_MS        500
#define RELAY_ERROR_FLUSH_MS 2000

/* Frees a client record (its connection must be closed). */
static void relay_client_free(LcRelayClient *client)
{
    chan_stream_free(client->conn);
    g_free(client->nick);
    g_free(client->nick_key);
    g_free(client->instance);
    g_free(client->ip);
    g_free(client->leave_reason);
    g_free(client->away);
    relay_auth_client_free(client);
    g_clear_pointer(&client->allowed, g_hash_table_unref);
    g_free(client);
}

/*
 * Handles gone clients, from an idle so that no connection is freed inside
 * its own callbacks. A gone client leaves at once (presence, its streams);
 * it is freed (tables, per-IP counts) only once its connection is closed,
 * so that a last ERROR still being flushed to it is not cut short. The
 * close calls the reaper again.
 */
static void relay_reap(gpointer data)
{
    LcRelay *relay = data;
    GHashTableIter iter;
    gpointer value;
    g_autoptr(GPtrArray) gone = g_ptr_array_new();
    g_autoptr(GPtrArray) closed = g_ptr_array_new();

    g_hash_table_iter_init(&iter, relay->clients);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayClient *client = value;
        if (client->state != CLIENT_GONE)
            continue;
        if (!client->left)
            g_ptr_array_add(gone, client);
        if (chan_stream_is_closed(client->conn)) {
            g_ptr_array_add(closed, client);
            g_hash_table_iter_steal(&iter);
        }
    }
    for (guint i = 0; i < gone->len; i++) {
        LcRelayClient *client = gone->pdata[i];
        client->left = TRUE;
        if (relay->video != NULL)
            relay_video_client_gone(relay->video, client->session_id);
        if (relay->files != NULL)
            relay_files_client_gone(relay->files, client);
        if (client->announce_leave)
            relay_broadcast_presence(relay, WIRE_PRESENCE_LEAVE, client, NULL, client->leave_reason,
                                     NULL);
    }
    for (guint i = 0; i < closed->len; i++) {
        LcRelayClient *client = closed->pdata[i];
        if (!client->handed_over)
            relay_count_connection(relay, client->ip, -1);
        /* Without a nick: a probe (a client choosing among relays), a failed join. */
        g_debug(client->nick ? "%s@%s disconnected (%s)" : "%sa connection from %s closed (%s)",
                client->nick ? client->nick : "", chan_stream_get_peer(client->conn),
                client->leave_reason);
        relay_client_free(client);
    }
    relay->counters.clients = g_hash_table_size(relay->clients);
}

/* A random non-zero token from the kernel's generator (video channels,
 * file channels). */
guint64 relay_random_token(void)
{
    guint64 token = 0;
    while (token == 0) {
        if (getrandom(&token, sizeof(token), 0) != (gssize)sizeof(token))
            token = ((guint64)g_random_int() << 32) | g_random_int();
    }
    return token;
}

/* Counts a connection from ip in or out; returns the count from ip now. */
guint relay_count_connection(LcRelay *relay, const char *ip, gint delta)
{
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(relay->ip_counts, ip));
    g_return_val_if_fail(delta > 0 || (count > 0 && relay->connections > 0), count);
    relay->connections += (guint)delta;
    count += (guint)delta;
    if (count == 0)
        g_hash_table_remove(relay->ip_counts, ip);
    else
        g_hash_table_insert(relay->ip_counts, g_strdup(ip), GUINT_TO_POINTER(count));
    return count;
}

/* Schedules the reaper. */
void relay_schedule_reap(LcRelay *relay)
{
    source_once(&relay->reap_src, 0, relay_reap, relay);
}

/* Marks a client gone: it leaves the room at once and is freed by the reaper. */
static void relay_client_mark_gone(LcRelayClient *client, const char *reason)
{
    LcRelay *relay = client->relay;
    if (client->state == CLIENT_GONE)
        return;
    if (client->state == CLIENT_JOINED) {
        if (g_hash_table_lookup(relay->nicks, client->nick_key) == client) {
            g_hash_table_remove(relay->nicks, client->nick_key);
            /* Gone without QUIT: the nick waits for this instance to come back. */
            nick_holds_release(relay->holds, client->nick_key, client->instance, client->ip,
                               !client->quit, g_get_real_time());
            relay_chat_schedule_commit(relay);
        }
        client->announce_leave = TRUE;
    }
    client->state = CLIENT_GONE;
    if (client->leave_reason == NULL)
        client->leave_reason = g_strdup(reason);
    relay_schedule_reap(relay);
}

/* The connection closed (peer, error, or our own close). */
static void relay_on_closed(LcChanStream *conn, const GError *error, gpointer user_data)
{
    LcRelayClient *client = user_data;
    relay_client_mark_gone(client, error ? error->message : "connection closed");
    relay_schedule_reap(client->relay); /* gone before, it can be freed now */
}

/* Queues a frame to a client, enforcing the hard output limit. */
void relay_client_enqueue(LcRelayClient *client, GBytes *frame)
{
    LcRelay *relay = client->relay;
    if (client->state == CLIENT_GONE)
        return;
    if (chan_stream_get_queued_bytes(client->conn) + g_bytes_get_size(frame) >
        relay->config.chat_queue_hard) {
        relay->counters.slow_consumer_drops++;
        relay_client_drop(client, WIRE_ERR_SLOW_CONSUMER,
                          "output queue over its hard limit (client not reading)");
        return;
    }
    chan_stream_send(client->conn, frame);
}

/* Sends an ERROR; a fatal one closes the connection after a short flush. */
void relay_client_send_error(LcRelayClient *client, LcWireErrorCode code, gboolean fatal,
                             guint64 ref, const char *reason)
{
    if (client->state == CLIENT_GONE)
        return;
    g_autoptr(GBytes) frame = wire_encode_error(code, fatal, ref, reason);
    chan_stream_send(client->conn, frame);
    if (fatal) {
        g_autoptr(GError) error = g_error_new(LC_WIRE_ERROR, code, "%s", reason);
        relay_client_mark_gone(client, reason);
        chan_stream_close_after_flush(client->conn, error, RELAY_ERROR_FLUSH_MS);
    }
}

/* Takes a connection that has not joined out of the table silently. */
void relay_client_retire(LcRelayClient *client, const char *reason)
{
    relay_client_mark_gone(client, reason);
    chan_stream_close(client->conn, NULL);
}

/*
 * A stream of a channel's own (video, file) over a control connection. Over TLS it is the TLS
 * connection itself, handed over (chan_stream_new_from()); in plaintext a
 * duplicate of the socket's descriptor in a GSocket of its own, which the
 * chat side's closing leaves open: sharing the chat side's GSocket object
 * held plaintext channels' frames up (17 -> 3 Gbit/s in `lanconf-bench
 * transport --insecure`).
 */
LcChanStream *relay_take_stream(LcChanStream *conn, const LcChanStreamLimits *limits,
                                const LcChanStreamEvents *events, gpointer data, GError **error)
{
    if (chan_stream_is_tls(conn))
        return chan_stream_new_from(conn, limits, events, data);
    int fd = dup(g_socket_get_fd(chan_stream_get_socket(conn)));
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
                    "cannot take over the connection: %s", g_strerror(saved));
        return NULL;
    }
    g_autoptr(GSocket) socket = g_socket_new_from_fd(fd, error);
    if (socket == NULL) {
        close(fd);
        return NULL;
    }
    return chan_stream_new(socket, limits, events, data);
}

/* Cuts a client off: it leaves the room at once; what it has not been sent
 * is dropped, and a fatal ERROR saying why goes out in its place, for a
 * short flush (a client that reads again learns why; one that never does is
 * closed when the flush time is up). */
void relay_client_drop(LcRelayClient *client, LcWireErrorCode code, const char *reason)
{
    g_autoptr(GError) error = g_error_new(LC_WIRE_ERROR, code, "%s", reason);
    g_info("dropping %s@%s: %s", client->nick ? client->nick : "-",
           chan_stream_get_peer(client->conn), reason);
    relay_client_mark_gone(client, reason);
    chan_stream_discard_unsent(client->conn);
    g_autoptr(GBytes) frame = wire_encode_error(code, TRUE, 0, reason);
    chan_stream_send(client->conn, frame);
    chan_stream_close_after_flush(client->conn, error, RELAY_ERROR_FLUSH_MS);
}

/* Sends a frame to every joined client except one. The members are taken
 * first: enqueueing may drop a slow consumer, which leaves the nick table. */
void relay_broadcast(LcRelay *relay, GBytes *frame, LcRelayClient *except, guint flags)
{
    g_autoptr(GPtrArray) members = g_ptr_array_sized_new(g_hash_table_size(relay->nicks));
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, relay->nicks);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(members, value);
    for (guint i = 0; i < members->len; i++) {
        LcRelayClient *client = members->pdata[i];
        /* A client still replaying history reads live messages from there. */
        if (client == except || client->state != CLIENT_JOINED ||
            ((flags & RELAY_BROADCAST_LIVE_CHAT) && client->replaying) ||
            ((flags & RELAY_BROADCAST_NOTICES) && !client->notices) ||
            ((flags & RELAY_BROADCAST_EXTRAS) && !client->chat_extras))
            continue;
        relay_client_enqueue(client, frame);
    }
}

/* Answers a PING at once with the PONG timestamps. */
static void relay_handle_ping(LcRelayClient *client, const LcWireMsg *msg, gint64 received)
{
    g_autoptr(GBytes) frame = wire_encode_pong(msg, received);
    relay_client_enqueue(client, frame);
}

/* Answers a frame that did not decode. An over-long nick in NICK or text in
 * CHAT from a member is a refusal, as for any other bad nick or text; every
 * other decoding failure means the peer is broken and is fatal. */
static void relay_reject_frame(LcRelayClient *client, const LcWireHeader *header,
                               const guint8 *payload, const GError *error)
{
    gboolean joined = client->state == CLIENT_JOINED;
    if (joined && header->type == WIRE_NICK && error->code == WIRE_ERR_BAD_NICK) {
        relay_client_send_error(client, WIRE_ERR_BAD_NICK, FALSE, 0, error->message);
        return;
    }
    if (joined && header->type == WIRE_AWAY && error->code == WIRE_ERR_BAD_TEXT) {
        relay_client_send_error(client, WIRE_ERR_BAD_TEXT, FALSE, 0, error->message);
        return;
    }
    /* A message's text (or a private one's nick) that breaks the limits is
     * refused, not fatal, naming the message (its client_id comes first). */
    if (joined && (header->type == WIRE_CHAT || header->type == WIRE_PRIVMSG) &&
        (error->code == WIRE_ERR_BAD_TEXT || error->code == WIRE_ERR_BAD_NICK) &&
        header->length >= 8) {
        guint64 ref = 0;
        for (guint i = 0; i < 8; i++)
            ref = (ref << 8) | payload[i];
        relay_client_send_error(client, error->code, FALSE, ref, error->message);
        return;
    }
    client->relay->counters.protocol_errors++;
    relay_client_send_error(client, error->code, TRUE, 0, error->message);
}

/* Why a request before joining is refused: HELLO first, or the room
 * password's proof once HELLO came. */
static const char *relay_not_joined_reason(const LcRelayClient *client)
{
    return client->auth ? "the room password must be proven first" : "HELLO must come first";
}

/* One frame from a client: decode, check the state, dispatch. */
static void relay_on_frame(LcChanStream *conn, const LcWireHeader *header, const guint8 *payload,
                           gint64 first_us, gint64 received, gpointer user_data)
{
    LcRelayClient *client = user_data;
    g_autoptr(GError) error = NULL;
    LcWireMsg msg;

    if (client->state == CLIENT_GONE)
        return;
    if (!wire_msg_decode(header, payload, &msg, &error)) {
        relay_reject_frame(client, header, payload, error);
        return;
    }
    gboolean joined = client->state == CLIENT_JOINED;
    switch (msg.type) {
    case WIRE_HELLO:
        if (joined)
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0, "HELLO sent twice");
        else
            relay_handle_hello(client, &msg);
        break;
    case WIRE_PING:
        relay_handle_ping(client, &msg, received);
        break;
    case WIRE_AUTH:
        if (joined)
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0, "AUTH after joining");
        else
            relay_auth_answer(client, &msg);
        break;
    case WIRE_PONG:
    case WIRE_ERROR:
        break; /* liveness is any byte received; client errors are only logged */
    case WIRE_CHAT:
    case WIRE_NICK:
    case WIRE_QUIT:
    case WIRE_AWAY:
    case WIRE_PRIVMSG:
        if (joined)
            relay_chat_handle(client, &msg);
        else
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                    relay_not_joined_reason(client));
        break;
    case WIRE_VIDEO_HELLO:
        if (client->state == CLIENT_HELLO_WAIT && client->auth == NULL)
            relay_video_tcp_adopt(client->relay->video, client, &msg);
        else
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                    "VIDEO_HELLO must be the first frame of its own connection");
        break;
    case WIRE_FILE_HELLO:
        if (client->state == CLIENT_HELLO_WAIT && client->auth == NULL)
            relay_files_adopt(client->relay->files, client, &msg);
        else
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                    "FILE_HELLO must be the first frame of its own connection");
        break;
    case WIRE_FILE_OFFER:
    case WIRE_FILE_ANSWER:
    case WIRE_FILE_END:
        if (joined)
            relay_files_handle_control(client->relay->files, client, &msg);
        else
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                    relay_not_joined_reason(client));
        break;
    case WIRE_STREAM_OPEN:
    case WIRE_STREAM_CLOSE:
    case WIRE_VIEW:
    case WIRE_VIEW_CLOSE:
    case WIRE_STATS_REQUEST:
    case WIRE_KEYFRAME_REQUEST:
    case WIRE_CAMERA_ACL:
        if (joined)
            relay_video_handle_control(client->relay->video, client, &msg);
        else
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                    relay_not_joined_reason(client));
        break;
    default: {
        g_autofree char *reason =
            g_strdup_printf("%s is not sent to a relay", wire_type_name(msg.type));
        client->relay->counters.protocol_errors++;
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0, reason);
        break;
    }
    }
    wire_msg_clear(&msg);
}

/* The peer broke the framing: tell it why and close. */
static void relay_on_bad_frame(LcChanStream *conn, const GError *error, gpointer user_data)
{
    LcRelayClient *client = user_data;
    client->relay->counters.protocol_errors++;
    g_info("%s: %s", chan_stream_get_peer(conn), error->message);
    relay_client_send_error(client, error->code, TRUE, 0, error->message);
}

/* The client's queue drained: feed it more of its history replay. */
static void relay_on_drained(LcChanStream *conn, gpointer user_data)
{
    LcRelayClient *client = user_data;
    if (client->replaying)
        relay_chat_replay_pump(client);
}

static const LcChanStreamEvents relay_conn_events = {
    .drained = relay_on_drained,
    .frame = relay_on_frame,
    .bad_frame = relay_on_bad_frame,
    .closed = relay_on_closed,
};

/* Takes the IP part of a peer address ("ip:port" or "[ip]:port"). */
static char *relay_peer_ip(const char *peer)
{
    const char *colon = strrchr(peer, ':');
    return colon ? g_strndup(peer, colon - peer) : g_strdup(peer);
}

/* A connection ready to serve (TLS, or plaintext where allowed): apply
 * connection limits, then wait for HELLO. */
static void relay_on_ready(GSocketConnection *connection, GTlsConnection *tls, gpointer data)
{
    LcRelay *relay = data;
    LcRelayClient *client = g_new0(LcRelayClient, 1);
    client->relay = relay;
    /* Chat frames are never dropped; the relay caps each queue itself (the
     * soft and hard limits), so the stream's own cap stays off. */
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    limits.read_budget = RELAY_CHAT_READ_BUDGET;
    /* Before HELLO a connection may only say HELLO or VIDEO_HELLO. */
    limits.max_payload = MAX(wire_max_payload(WIRE_HELLO), wire_max_payload(WIRE_VIDEO_HELLO));
    client->conn =
        tls != NULL
            ? chan_stream_new_for_tls(tls, g_socket_connection_get_socket(connection), &limits,
                                      &relay_conn_events, client)
            : chan_stream_new_for_connection(connection, &limits, &relay_conn_events, client);
    client->session_id = ++relay->next_session;
    client->ip = relay_peer_ip(chan_stream_get_peer(client->conn));
    client->connected_at = g_get_monotonic_time();
    token_bucket_init(&client->flood, relay->config.rate_limit, relay->config.rate_burst,
                      client->connected_at);
    /* Audio's burst lets a member joining a full room view every speaker
     * at once (conference semantics); video's stays small. */
    token_bucket_init(&client->stream_flood[LC_MEDIA_VIDEO], RELAY_STREAM_REQUEST_RATE,
                      RELAY_STREAM_REQUEST_BURST, client->connected_at);
    token_bucket_init(&client->stream_flood[LC_MEDIA_AUDIO], RELAY_STREAM_REQUEST_RATE,
                      MAX(RELAY_STREAM_REQUEST_BURST, relay->config.audio_max_views),
                      client->connected_at);
    token_bucket_init(&client->open_flood, RELAY_STREAM_REQUEST_RATE, RELAY_STREAM_REQUEST_BURST,
                      client->connected_at);
    token_bucket_init(&client->acl_flood, RELAY_ACL_RATE, 2 * RELAY_ACL_MAX, client->connected_at);
    token_bucket_init(&client->files_flood, RELAY_FILES_RATE, RELAY_FILES_BURST,
                      client->connected_at);
    relay->counters.connections++;

    guint per_ip = relay_count_connection(relay, client->ip, 1);
    g_hash_table_insert(relay->clients, &client->session_id, client);
    relay->counters.clients = g_hash_table_size(relay->clients);
    chan_stream_start(client->conn);

    if (relay->shutting_down)
        relay_client_send_error(client, WIRE_ERR_SHUTDOWN, TRUE, 0, "relay is shutting down");
    else if (relay->connections > relay->config.max_clients)
        relay_client_send_error(client, WIRE_ERR_SERVER_FULL, TRUE, 0, "too many connections");
    else if (per_ip > relay->config.max_clients_per_ip)
        relay_client_send_error(client, WIRE_ERR_SERVER_FULL, TRUE, 0,
                                "too many connections from your address");
}

/* An accepted connection: TLS first (relay_tls.h). */
static void relay_on_incoming(GSocketConnection *connection, gpointer data)
{
    LcRelay *relay = data;
    relay_tls_accept(relay->tls, connection);
}

/* Keepalive, HELLO deadline and soft queue limit, for one client. */
static void relay_check_client(LcRelay *relay, LcRelayClient *client, gint64 now)
{
    const LcRelayConfig *cfg = &relay->config;
    gint64 idle = now - chan_stream_get_last_read(client->conn);

    if (client->state == CLIENT_HELLO_WAIT &&
        now - client->connected_at > (gint64)cfg->hello_timeout_s * G_USEC_PER_SEC) {
        relay->counters.timeouts++;
        relay_client_send_error(client, WIRE_ERR_TIMEOUT, TRUE, 0,
                                client->auth ? "no answer to the room password's challenge in time"
                                             : "no HELLO in time");
        return;
    }
    if (client->state != CLIENT_JOINED)
        return;
    if (client->replaying &&
        now - client->replay_progress_us > (gint64)cfg->chat_queue_soft_s * G_USEC_PER_SEC) {
        relay->counters.slow_consumer_drops++;
        relay_client_drop(client, WIRE_ERR_SLOW_CONSUMER, "stopped reading its history replay");
        return;
    }
    if (idle > (gint64)cfg->keepalive_timeout_s * G_USEC_PER_SEC) {
        relay->counters.timeouts++;
        relay_client_drop(client, WIRE_ERR_TIMEOUT, "timeout");
        return;
    }
    if (idle > (gint64)cfg->keepalive_interval_s * G_USEC_PER_SEC &&
        now - client->last_ping_sent > (gint64)cfg->keepalive_interval_s * G_USEC_PER_SEC) {
        LcWireMsg ping = {.type = WIRE_PING};
        ping.ping.t1 = (guint64)clock_now_us();
        g_autoptr(GBytes) frame = wire_msg_encode(&ping, NULL);
        relay_client_enqueue(client, frame);
        client->last_ping_sent = now;
    }
    if (chan_stream_get_queued_bytes(client->conn) <= cfg->chat_queue_soft) {
        client->soft_since = 0;
    } else if (client->soft_since == 0) {
        client->soft_since = now;
    } else if (now - client->soft_since > (gint64)cfg->chat_queue_soft_s * G_USEC_PER_SEC) {
        relay->counters.slow_consumer_drops++;
        relay_client_drop(client, WIRE_ERR_SLOW_CONSUMER,
                          "output queue over its soft limit for too long");
    }
}

/* Periodic housekeeping over every client. */
static gboolean relay_on_tick(gpointer data)
{
    LcRelay *relay = data;
    gint64 now = g_get_monotonic_time();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, relay->clients);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        relay_check_client(relay, value, now);
    if (relay->video != NULL)
        relay_video_tcp_check_stalls(relay->video, now,
                                     (gint64)relay->config.keepalive_timeout_s * G_USEC_PER_SEC);
    return G_SOURCE_CONTINUE;
}

/* Binds the listening socket; port 0 picks a free port. */
static gboolean relay_listen(LcRelay *relay, GError **error)
{
    const char *listen = relay->config.listen;
    g_autoptr(GInetAddress) ip = NULL;
    if (listen == NULL || *listen == '\0') {
        ip = g_inet_address_new_any(G_SOCKET_FAMILY_IPV6);
    } else if ((ip = g_inet_address_new_from_string(listen)) == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "--listen '%s' is not an IP address", listen);
        return FALSE;
    }
    g_autoptr(GError) local = NULL;
    relay->listener = relay_listener_new(ip, relay->config.port, relay_on_incoming, relay, &local);
    if (relay->listener == NULL) {
        g_set_error(error, local->domain, local->code, "cannot listen on %s port %u: %s",
                    listen && *listen ? listen : "all interfaces", relay->config.port,
                    local->message);
        return FALSE;
    }
    relay->port = relay_listener_get_port(relay->listener);
    return TRUE;
}

/* Stops listening on TCP. */
static void relay_unlisten(LcRelay *relay)
{
    g_clear_pointer(&relay->listener, relay_listener_free);
}

/* Listens on TCP, then binds UDP on the same port number for the camera
 * channels. With port 0, a port whose UDP twin is taken is given back and
 * another one tried. */
static gboolean relay_listen_all(LcRelay *relay, GError **error)
{
    for (guint attempt = 1;; attempt++) {
        g_autoptr(GError) local = NULL;
        if (!relay_listen(relay, error))
            return FALSE;
        relay->video = relay_video_new(relay, &local);
        if (relay->video != NULL)
            return TRUE;
        relay_unlisten(relay);
        if (relay->config.port != 0 || attempt >= 8) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
    }
}

/* Opens the history and starts listening. */
LcRelay *relay_new(const LcRelayConfig *config, GError **error)
{
    g_autoptr(LcRelay) relay = g_new0(LcRelay, 1);
    relay_config_copy(&relay->config, config);
    relay->clients = g_hash_table_new(g_int64_hash, g_int64_equal);
    relay->nicks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    relay->ip_counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    relay->pending = g_array_new(FALSE, TRUE, sizeof(LcRelayPending));
    relay->history = relay_open_history(&relay->config, error);
    if (relay->history == NULL)
        return NULL;
    relay->committed_id = history_get_last_id(relay->history);
    relay->config.max_clients = relay_listen_fit_descriptors(relay->config.max_clients);
    relay->holds =
        nick_holds_new(relay->history, relay->config.nick_hold_s, relay->config.max_clients,
                       relay->config.max_clients_per_ip, g_get_real_time());
    relay->auth = relay_auth_new(relay->config.password);
    relay->files = relay_files_new(relay);
    relay->tls = relay_tls_new(&relay->config, relay_on_ready, relay, error);
    if (relay->tls == NULL || !relay_listen_all(relay, error))
        return NULL;
    relay->tick_src = source_add_timeout(RELAY_TICK_MS, relay_on_tick, relay);
    return g_steal_pointer(&relay);
}

/* The certificate's fingerprint. */
const char *relay_get_fingerprint(LcRelay *relay)
{
    return relay_tls_get_fingerprint(relay->tls);
}

/* Where the certificate is. */
const char *relay_get_cert_path(LcRelay *relay, gboolean *created)
{
    return relay_tls_get_cert_path(relay->tls, created);
}

/* The TCP port the relay listens on. */
guint16 relay_get_port(LcRelay *relay)
{
    return relay->port;
}

/* The relay's counters now. */
void relay_get_counters(LcRelay *relay, LcRelayCounters *counters)
{
    *counters = relay->counters;
    if (relay->listener != NULL)
        counters->refused_no_fd = relay_listener_get_refused(relay->listener);
    if (relay->tls != NULL) {
        counters->tls_refused = relay_tls_get_refused(relay->tls);
        counters->timeouts += relay_tls_get_timeouts(relay->tls);
    }
    counters->auth_failures = relay_auth_get_failures(relay->auth);
}

/* Number of connections still open. */
guint relay_get_n_connections(LcRelay *relay)
{
    return g_hash_table_size(relay->clients);
}

/* Stops accepting and closes every client after a flush. */
void relay_shutdown(LcRelay *relay, guint timeout_ms)
{
    GHashTableIter iter;
    gpointer value;
    relay->shutting_down = TRUE;
    relay_chat_commit(relay);
    if (relay->listener != NULL)
        relay_listener_stop(relay->listener);
    g_hash_table_iter_init(&iter, relay->clients);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayClient *client = value;
        if (client->state == CLIENT_GONE)
            continue;
        g_autoptr(GBytes) frame =
            wire_encode_error(WIRE_ERR_SHUTDOWN, TRUE, 0, "relay is stopping");
        g_autoptr(GError) error = g_error_new(LC_WIRE_ERROR, WIRE_ERR_SHUTDOWN, "relay stopping");
        chan_stream_send(client->conn, frame);
        client->announce_leave = FALSE;
        client->state = CLIENT_GONE;
        g_free(client->leave_reason);
        client->leave_reason = g_strdup("relay stopping");
        chan_stream_close_after_flush(client->conn, error, timeout_ms);
    }
    g_hash_table_remove_all(relay->nicks);
    relay_schedule_reap(relay);
    relay_video_shutdown(relay->video, timeout_ms);
}

/* Frees the relay. */
void relay_free(LcRelay *relay)
{
    if (relay == NULL)
        return;
    if (relay->history != NULL && relay->pending != NULL)
        relay_chat_commit(relay);
    g_clear_pointer(&relay->listener, relay_listener_free);
    g_clear_pointer(&relay->tls, relay_tls_free);
    g_clear_pointer(&relay->auth, relay_auth_free);
    source_drop(&relay->tick_src);
    source_drop(&relay->commit_src);
    source_drop(&relay->reap_src);
    g_clear_pointer(&relay->files, relay_files_free);
    g_clear_pointer(&relay->video, relay_video_free);
    if (relay->clients != NULL) {
        GHashTableIter iter;
        gpointer value;
        g_hash_table_iter_init(&iter, relay->clients);
        while (g_hash_table_iter_next(&iter, NULL, &value))
            relay_client_free(value);
        g_hash_table_destroy(relay->clients);
    }
    g_clear_pointer(&relay->nicks, g_hash_table_destroy);
    g_clear_pointer(&relay->ip_counts, g_hash_table_destroy);
    g_clear_pointer(&relay->pending, g_array_unref);
    g_clear_pointer(&relay->holds, nick_holds_free);
    g_clear_pointer(&relay->history, history_close);
    relay_config_clear(&relay->config);
    g_free(relay);
}
