/* relay_join.c: joining the room: HELLO checked (or held for the room
 * password's proof), the nick taken, WELCOME, and what a member learns on
 * joining. */
#include "net/relay/relay_private.h"
#include "net/relay/relay_auth.h"
#include "net/relay/relay_files.h"
#include "net/relay/relay_video_private.h"
#include "net/wire/clock.h"
#include "net/wire/validate.h"

#include <string.h>

/* Builds and sends WELCOME with the member list. */
static void relay_send_welcome(LcRelayClient *client)
{
    LcRelay *relay = client->relay;
    guint n = g_hash_table_size(relay->nicks);
    g_autofree LcWireMember *members = g_new0(LcWireMember, MAX(n, 1));
    GHashTableIter iter;
    gpointer value;
    guint i = 0;

    g_hash_table_iter_init(&iter, relay->nicks);
    while (g_hash_table_iter_next(&iter, NULL, &value) && i < n) {
        LcRelayClient *member = value;
        members[i].nick = member->nick;
        members[i].addr = (char *)chan_stream_get_peer(member->conn);
        i++;
    }
    LcWireMsg msg = {.type = WIRE_WELCOME,
                     .flags = (client->keyframes ? WIRE_FLAG_KEYFRAMES : 0) |
                              (client->shared_channels ? WIRE_FLAG_SHARED_CHANNELS : 0) |
                              (client->files ? WIRE_FLAG_FILES : 0)};
    msg.welcome.session_id = client->session_id;
    msg.welcome.server_time = (guint64)clock_now_us();
    msg.welcome.nick = client->nick;
    msg.welcome.addr = (char *)chan_stream_get_peer(client->conn);
    msg.welcome.last_id = relay->committed_id;
    msg.welcome.oldest_id = history_get_oldest_id(relay->history);
    msg.welcome.rate_limit = (guint16)MIN(relay->config.rate_limit, G_MAXUINT16);
    msg.welcome.rate_burst = (guint16)MIN(relay->config.rate_burst, G_MAXUINT16);
    msg.welcome.n_members = i;
    msg.welcome.members = members;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(&msg, &error);
    if (frame == NULL) {
        relay_client_send_error(client, WIRE_ERR_INTERNAL, TRUE, 0, error->message);
        return;
    }
    relay_client_enqueue(client, frame);
}

/* Finds a joined member by nick (any case). */
static LcRelayClient *relay_find_nick(LcRelay *relay, const char *nick)
{
    g_autofree char *key = g_ascii_strdown(nick, -1);
    return g_hash_table_lookup(relay->nicks, key);
}

/* The largest payload a joined client may send on its control connection:
 * that of the largest type a client sends there (PRIVMSG). A frame any larger
 * (a VIDEO_FRAME, a WELCOME) is refused on its header, before its payload
 * is read into memory. */
static gsize relay_control_payload_max(void)
{
    static const guint8 types[] = {WIRE_HELLO,         WIRE_ERROR,      WIRE_PING,
                                   WIRE_PONG,          WIRE_CHAT,       WIRE_NICK,
                                   WIRE_QUIT,          WIRE_AWAY,       WIRE_STREAM_OPEN,
                                   WIRE_STREAM_CLOSE,  WIRE_VIEW,       WIRE_VIEW_CLOSE,
                                   WIRE_STATS_REQUEST, WIRE_PRIVMSG,    WIRE_KEYFRAME_REQUEST,
                                   WIRE_CAMERA_ACL,    WIRE_FILE_OFFER, WIRE_FILE_ANSWER,
                                   WIRE_FILE_END};
    gsize max = 0;
    for (guint i = 0; i < G_N_ELEMENTS(types); i++)
        max = MAX(max, wire_max_payload(types[i]));
    return max;
}

/* Handles HELLO: checks it, then joins, or first asks for the room
 * password (relay_auth.h). */
void relay_handle_hello(LcRelayClient *client, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;

    if (msg->hello.role != 0) {
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                "HELLO role not supported by this relay");
        return;
    }
    if (!validate_nick(msg->hello.nick, &error)) {
        relay_client_send_error(client, WIRE_ERR_BAD_NICK, TRUE, 0, error->message);
        return;
    }
    if (client->auth != NULL) {
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0, "HELLO sent twice");
        return;
    }
    LcRelayHello hello = {.flags = msg->flags,
                          .nick = msg->hello.nick,
                          .instance = msg->hello.instance,
                          .resume_after = msg->hello.resume_after,
                          .history_limit = msg->hello.history_limit};
    if (client->relay->auth != NULL)
        relay_auth_begin(client, &hello);
    else
        relay_join(client, &hello);
}

/* Joins the room as a HELLO asks: checks the nick, replays history. */
void relay_join(LcRelayClient *client, const LcRelayHello *hello)
{
    LcRelay *relay = client->relay;
    g_autoptr(GError) error = NULL;

    LcRelayClient *holder = relay_find_nick(relay, hello->nick);
    if (holder != NULL && g_strcmp0(holder->instance, hello->instance) == 0) {
        /* The same client instance reconnecting before the relay noticed its old
         * connection die: the new connection replaces the old one silently. */
        g_hash_table_remove(relay->nicks, holder->nick_key);
        holder->state = CLIENT_GONE;
        g_free(holder->leave_reason);
        holder->leave_reason = g_strdup("replaced by a new connection");
        chan_stream_close(holder->conn, NULL);
        relay_schedule_reap(relay);
    } else if (holder != NULL) {
        g_autofree char *reason = g_strdup_printf("nick '%s' is taken by %s@%s", hello->nick,
                                                  holder->nick, chan_stream_get_peer(holder->conn));
        relay_client_send_error(client, WIRE_ERR_NICK_TAKEN, TRUE, 0, reason);
        return;
    } else if (!relay_nick_is_free(relay, hello->nick, hello->instance, &error)) {
        relay_client_send_error(client, WIRE_ERR_NICK_TAKEN, TRUE, 0, error->message);
        return;
    }
    client->nick = g_strdup(hello->nick);
    client->nick_key = g_ascii_strdown(client->nick, -1);
    client->instance = g_strdup(hello->instance);
    client->state = CLIENT_JOINED;
    client->notices = (hello->flags & WIRE_FLAG_NOTICES) != 0;
    client->keyframes = (hello->flags & WIRE_FLAG_KEYFRAMES) != 0;
    client->chat_extras = (hello->flags & WIRE_FLAG_CHAT_EXTRAS) != 0;
    client->shared_channels = (hello->flags & WIRE_FLAG_SHARED_CHANNELS) != 0;
    client->files = (hello->flags & WIRE_FLAG_FILES) != 0;
    relay_take_nick(client);
    chan_stream_set_max_payload(client->conn, relay_control_payload_max());
    g_hash_table_insert(relay->nicks, g_strdup(client->nick_key), client);
    relay_send_welcome(client);
    relay_chat_send_aways(client);
    if (relay->video != NULL)
        relay_video_send_notices(relay->video, client);
    if (relay->files != NULL)
        relay_files_joined(relay->files, client);
    relay_chat_replay(client, (hello->flags & WIRE_FLAG_RESUME) != 0, hello->resume_after,
                      hello->history_limit);
    relay_broadcast_presence(relay, WIRE_PRESENCE_JOIN, client, NULL, NULL, client);
    g_info("%s@%s joined", client->nick, chan_stream_get_peer(client->conn));
}
