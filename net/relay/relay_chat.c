/* relay_chat.c: the chat room: storing, acknowledging and fanning out messages,
 * flood control, nick changes (and whether a nick is free to take) and history
 * replay. */
#include "net/relay/relay_private.h"
#include "net/relay/relay_video_private.h"
#include "net/relay/nick_hold.h"
#include "net/io/source.h"

#include "net/wire/clock.h"
#include "net/wire/validate.h"

#include <string.h>

/* Token-bucket flood control: burst messages at once, then rate per second.
 * Returns FALSE when the client is over its allowance. */
static gboolean relay_chat_take_token(LcRelayClient *client)
{
    return token_bucket_take(&client->flood, 1, g_get_monotonic_time()) == 0;
}

/* The idle callback that runs the group commit. */
static gboolean relay_chat_on_commit(gpointer data)
{
    relay_chat_commit(data);
    return G_SOURCE_REMOVE;
}

/* Schedules the group commit for the end of this loop turn. */
void relay_chat_schedule_commit(LcRelay *relay)
{
    if (relay->commit_src != NULL)
        return;
    relay->commit_src = g_idle_source_new();
    /* Same priority as socket events: every frame read in this loop turn joins
     * the batch, and the batch commits on the next turn even under load. */
    g_source_set_priority(relay->commit_src, G_PRIORITY_DEFAULT);
    g_source_set_callback(relay->commit_src, relay_chat_on_commit, relay, NULL);
    g_source_attach(relay->commit_src, g_main_context_get_thread_default());
}

/* Encodes the live CHAT_DELIVER frame for a stored message. */
static GBytes *relay_chat_encode_deliver(const LcHistoryEntry *entry, guint16 flags)
{
    LcWireMsg msg = {.type = WIRE_CHAT_DELIVER, .flags = flags};
    msg.deliver.id = entry->id;
    msg.deliver.server_time = (guint64)entry->time_us;
    msg.deliver.nick = (char *)entry->nick;
    msg.deliver.addr = (char *)entry->addr;
    msg.deliver.text = (char *)entry->text;
    return wire_msg_encode(&msg, NULL);
}

/* Encodes the PRIVMSG_DELIVER frame of a stored private message. */
static GBytes *relay_chat_encode_private(const LcHistoryEntry *entry, guint16 flags)
{
    LcWireMsg msg = {.type = WIRE_PRIVMSG_DELIVER, .flags = flags};
    msg.privmsg_deliver.id = entry->id;
    msg.privmsg_deliver.server_time = (guint64)entry->time_us;
    msg.privmsg_deliver.nick = (char *)entry->nick;
    msg.privmsg_deliver.addr = (char *)entry->addr;
    msg.privmsg_deliver.to = (char *)entry->to_nick;
    msg.privmsg_deliver.text = (char *)entry->text;
    return wire_msg_encode(&msg, NULL);
}

/* Stores a message (the room's, or one for `to` only) in the history batch
 * and queues its acknowledgement and delivery for the commit. */
static void relay_chat_store(LcRelayClient *client, guint64 client_id, guint16 flags,
                             const char *text, LcRelayClient *to)
{
    LcRelay *relay = client->relay;
    g_autoptr(GError) error = NULL;
    LcHistoryEntry entry = {
        .time_us = clock_now_us(),
        .nick = client->nick,
        .addr = chan_stream_get_peer(client->conn),
        .instance = client->instance,
        .client_id = client_id,
        .flags = flags & WIRE_FLAG_ACTION,
        .text = text,
        .to_nick = to ? to->nick : NULL,
        .to_instance = to ? to->instance : NULL,
    };
    gboolean duplicate = FALSE;
    if (!history_append(relay->history, &entry, &duplicate, &error)) {
        g_warning("%s", error->message);
        relay_client_send_error(client, WIRE_ERR_INTERNAL, FALSE, client_id,
                                "the relay could not store the message; send it again later");
        return;
    }
    LcRelayPending pending = {
        .sender_session = client->session_id,
        .client_id = client_id,
        .id = entry.id,
        .time_us = entry.time_us,
        .deliver = duplicate ? NULL
                   : to      ? relay_chat_encode_private(&entry, entry.flags)
                             : relay_chat_encode_deliver(&entry, entry.flags),
        .to_session = to ? to->session_id : 0,
    };
    if (duplicate)
        relay->counters.messages_duplicate++;
    g_array_append_val(relay->pending, pending);
    relay_chat_schedule_commit(relay);
}

/* Text rules and flood control, alike for the room and private messages:
 * FALSE (the sender told why) when the message may not be stored. */
static gboolean relay_chat_admit(LcRelayClient *client, guint64 client_id, const char *text)
{
    LcRelay *relay = client->relay;
    g_autoptr(GError) error = NULL;
    if (!validate_text(text, &error)) {
        relay_client_send_error(client, error->code, FALSE, client_id, error->message);
        return FALSE;
    }
    if (!relay_chat_take_token(client)) {
        g_autofree char *reason = g_strdup_printf(
            "flood control: at most %u messages at once, then %u per second; message "
            "%" G_GUINT64_FORMAT " was not stored",
            relay->config.rate_burst, relay->config.rate_limit, client_id);
        relay->counters.rate_limited++;
        relay_client_send_error(client, WIRE_ERR_RATE_LIMITED, FALSE, client_id, reason);
        return FALSE;
    }
    return TRUE;
}

/*
 * Handles PRIVMSG: a message for one member, stored like the room's (so
 * that both ends find it again after a reconnect) but delivered to, and
 * replayed for, only its sender and its recipient: the client instance that
 * had the nick when it was sent, not whoever has the nick later.
 */
static void relay_chat_handle_private(LcRelayClient *client, const LcWireMsg *msg)
{
    LcRelay *relay = client->relay;
    guint64 id = msg->privmsg.client_id;
    g_autoptr(GError) error = NULL;
    if (!validate_nick(msg->privmsg.to, &error)) {
        relay_client_send_error(client, WIRE_ERR_BAD_NICK, FALSE, id, error->message);
        return;
    }
    /* Every message costs a token, a refused one too: asking for nicks
     * that are not there is no way around flood control. */
    if (!relay_chat_admit(client, id, msg->privmsg.text))
        return;
    /* Sent again after a reconnect and stored already: acknowledged, not
     * delivered twice, whoever has left since. */
    if (history_has_message(relay->history, client->instance, id)) {
        relay_chat_store(client, id, msg->flags, msg->privmsg.text, NULL);
        return;
    }
    g_autofree char *key = g_ascii_strdown(msg->privmsg.to, -1);
    LcRelayClient *to = g_hash_table_lookup(relay->nicks, key);
    if (to == NULL) {
        g_autofree char *reason =
            g_strdup_printf("%s is not in the room: the message was not stored", msg->privmsg.to);
        relay_client_send_error(client, WIRE_ERR_NO_SUCH_NICK, FALSE, id, reason);
        return;
    }
    if (to == client) {
        relay_client_send_error(client, WIRE_ERR_BAD_NICK, FALSE, id,
                                "a private message goes to another member, not to yourself");
        return;
    }
    if (!to->chat_extras) {
        g_autofree char *reason = g_strdup_printf(
            "%s's client is too old for private messages: the message was not stored", to->nick);
        relay_client_send_error(client, WIRE_ERR_NO_SUCH_NICK, FALSE, id, reason);
        return;
    }
    relay_chat_store(client, id, msg->flags, msg->privmsg.text, to);
}

/* Handles CHAT: flood control, text rules, then into the history batch. */
static void relay_chat_handle_chat(LcRelayClient *client, const LcWireMsg *msg)
{
    if (relay_chat_admit(client, msg->chat.client_id, msg->chat.text))
        relay_chat_store(client, msg->chat.client_id, msg->flags, msg->chat.text, NULL);
}

/* Handles NICK: a checked, unique nick change announced to everyone. */
static void relay_chat_handle_nick(LcRelayClient *client, const LcWireMsg *msg)
{
    LcRelay *relay = client->relay;
    g_autoptr(GError) error = NULL;
    if (!validate_nick(msg->nick.nick, &error)) {
        relay_client_send_error(client, WIRE_ERR_BAD_NICK, FALSE, 0, error->message);
        return;
    }
    g_autofree char *key = g_ascii_strdown(msg->nick.nick, -1);
    LcRelayClient *holder = g_hash_table_lookup(relay->nicks, key);
    if (holder != NULL && holder != client) {
        g_autofree char *reason = g_strdup_printf("nick '%s' is taken", msg->nick.nick);
        relay_client_send_error(client, WIRE_ERR_NICK_TAKEN, FALSE, 0, reason);
        return;
    }
    if (!relay_nick_is_free(relay, msg->nick.nick, client->instance, &error)) {
        relay_client_send_error(client, WIRE_ERR_NICK_TAKEN, FALSE, 0, error->message);
        return;
    }
    g_autofree char *old = g_steal_pointer(&client->nick);
    g_hash_table_remove(relay->nicks, client->nick_key);
    /* A nick given up by choice is free at once. */
    if (strcmp(client->nick_key, key) != 0)
        nick_holds_release(relay->holds, client->nick_key, client->instance, client->ip, FALSE, 0);
    g_free(client->nick_key);
    client->nick = g_strdup(msg->nick.nick);
    client->nick_key = g_steal_pointer(&key);
    g_hash_table_insert(relay->nicks, g_strdup(client->nick_key), client);
    relay_take_nick(client);
    relay_broadcast_presence(relay, WIRE_PRESENCE_NICK, client, old, NULL, NULL);
    if (relay->video != NULL)
        relay_video_renamed(relay->video, client);
}

/* Sends a PRESENCE about `who` to every joined client except one. */
void relay_broadcast_presence(LcRelay *relay, LcWirePresenceKind kind, LcRelayClient *who,
                              const char *old_nick, const char *reason, LcRelayClient *except)
{
    LcWireMsg msg = {.type = WIRE_PRESENCE};
    msg.presence.kind = kind;
    msg.presence.nick = who->nick;
    msg.presence.addr = (char *)chan_stream_get_peer(who->conn);
    msg.presence.old = (char *)old_nick;
    msg.presence.reason = (char *)reason;
    g_autoptr(GBytes) frame = wire_msg_encode(&msg, NULL);
    /* An away change only to those that know the kind: a client from
     * before it would close on it. */
    if (frame != NULL)
        relay_broadcast(relay, frame, except,
                        kind == WIRE_PRESENCE_AWAY ? RELAY_BROADCAST_EXTRAS : 0);
}

/*
 * Handles AWAY: the message (empty: back) goes to the whole room, this
 * member included, as a PRESENCE away. It costs a token of the chat flood
 * control like a message, since the whole room sees it.
 */
static void relay_chat_handle_away(LcRelayClient *client, const LcWireMsg *msg)
{
    LcRelay *relay = client->relay;
    g_autoptr(GError) error = NULL;
    const char *reason = msg->away.reason != NULL ? msg->away.reason : "";
    if (!validate_display_string(reason, "away message", &error)) {
        relay_client_send_error(client, error->code, FALSE, 0, error->message);
        return;
    }
    if (!relay_chat_take_token(client)) {
        relay->counters.rate_limited++;
        relay_client_send_error(client, WIRE_ERR_RATE_LIMITED, FALSE, 0,
                                "flood control: the away message was not changed");
        return;
    }
    if (g_strcmp0(client->away, *reason ? reason : NULL) == 0)
        return; /* nothing changed: nothing to tell */
    g_free(client->away);
    client->away = *reason ? g_strdup(reason) : NULL;
    relay_broadcast_presence(relay, WIRE_PRESENCE_AWAY, client, NULL, reason, NULL);
}

/* Tells a member that just joined who in the room is away. */
void relay_chat_send_aways(LcRelayClient *client)
{
    GHashTableIter iter;
    gpointer value;
    if (!client->chat_extras)
        return;
    g_hash_table_iter_init(&iter, client->relay->nicks);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayClient *member = value;
        if (member->away == NULL || member == client)
            continue;
        LcWireMsg msg = {.type = WIRE_PRESENCE};
        msg.presence.kind = WIRE_PRESENCE_AWAY;
        msg.presence.nick = member->nick;
        msg.presence.addr = (char *)chan_stream_get_peer(member->conn);
        msg.presence.reason = member->away;
        g_autoptr(GBytes) frame = wire_msg_encode(&msg, NULL);
        if (frame != NULL)
            relay_client_enqueue(client, frame);
    }
}

/* Handles CHAT, PRIVMSG, NICK, QUIT and AWAY from a joined client. */
void relay_chat_handle(LcRelayClient *client, const LcWireMsg *msg)
{
    switch (msg->type) {
    case WIRE_CHAT:
        relay_chat_handle_chat(client, msg);
        break;
    case WIRE_NICK:
        relay_chat_handle_nick(client, msg);
        break;
    case WIRE_AWAY:
        relay_chat_handle_away(client, msg);
        break;
    case WIRE_PRIVMSG:
        relay_chat_handle_private(client, msg);
        break;
    case WIRE_QUIT: {
        /* The reason reaches every member's screen: one that breaks the
         * display rules is refused (the member still leaves, saying "quit"). */
        g_autoptr(GError) error = NULL;
        gboolean shown = validate_display_string(msg->quit.reason, "quit reason", &error);
        if (!shown)
            relay_client_send_error(client, error->code, FALSE, 0, error->message);
        g_free(client->leave_reason);
        client->leave_reason = g_strdup(shown ? msg->quit.reason : "");
        client->quit = TRUE;
        chan_stream_close_after_flush(client->conn, NULL, 1000);
        break;
    }
    default:
        break;
    }
}

/* Acknowledges one committed message to its sender and fans it out. */
static void relay_chat_deliver(LcRelay *relay, const LcRelayPending *p)
{
    LcRelayClient *sender = g_hash_table_lookup(relay->clients, &p->sender_session);
    if (sender != NULL) {
        LcWireMsg ack = {.type = WIRE_CHAT_ACK};
        ack.chat_ack.client_id = p->client_id;
        ack.chat_ack.id = p->id;
        ack.chat_ack.server_time = (guint64)p->time_us;
        g_autoptr(GBytes) frame = wire_msg_encode(&ack, NULL);
        relay_client_enqueue(sender, frame);
    }
    if (p->deliver != NULL && p->to_session != 0) {
        /* A replaying recipient gets it from the history, in order. */
        LcRelayClient *to = g_hash_table_lookup(relay->clients, &p->to_session);
        if (to != NULL && to->state == CLIENT_JOINED && !to->replaying) {
            relay_client_enqueue(to, p->deliver);
            relay->counters.frames_delivered++;
        }
        relay->counters.messages_stored++;
    } else if (p->deliver != NULL) {
        relay_broadcast(relay, p->deliver, sender, RELAY_BROADCAST_LIVE_CHAT);
        relay->counters.messages_stored++;
        gboolean sender_joined =
            sender != NULL && g_hash_table_lookup(relay->nicks, sender->nick_key) == sender;
        relay->counters.frames_delivered +=
            g_hash_table_size(relay->nicks) - (sender_joined ? 1 : 0);
    }
}

/* Commits the open history batch, then acknowledges and delivers it. */
void relay_chat_commit(LcRelay *relay)
{
    g_autoptr(GError) error = NULL;
    source_drop(&relay->commit_src);
    gboolean ok = history_commit(relay->history, &error);
    if (ok)
        relay->committed_id = history_get_last_id(relay->history);
    else
        g_warning("%s", error->message);
    for (guint i = 0; i < relay->pending->len; i++) {
        LcRelayPending *p = &g_array_index(relay->pending, LcRelayPending, i);
        if (ok) {
            relay_chat_deliver(relay, p);
        } else {
            LcRelayClient *sender = g_hash_table_lookup(relay->clients, &p->sender_session);
            if (sender != NULL)
                relay_client_send_error(sender, WIRE_ERR_INTERNAL, FALSE, p->client_id,
                                        "the relay could not store a message; send it again");
        }
        g_clear_pointer(&p->deliver, g_bytes_unref);
    }
    g_array_set_size(relay->pending, 0);
}

/* Replay pages: messages read from SQLite at once, and the bytes a replaying
 * client's queue is filled to (the page that crosses it goes whole): memory
 * per client stays small however long the history it asks for. */
#define RELAY_REPLAY_PAGE  256
#define RELAY_REPLAY_QUEUE (256 * 1024)

typedef struct {
    LcRelayClient *client;
    guint64 upto; /* only ids already committed */
    guint count;
} LcReplay;

/* Sends one history entry to a replaying client. */
static void relay_chat_replay_one(const LcHistoryEntry *entry, gpointer data)
{
    LcReplay *replay = data;
    LcRelayClient *client = replay->client;
    if (entry->id > replay->upto)
        return;
    gboolean own = g_strcmp0(entry->instance, client->instance) == 0;
    /* Another pair's private message: not this client's to see, though the
     * replay moves past it. */
    if (entry->to_instance != NULL && !own &&
        g_strcmp0(entry->to_instance, client->instance) != 0) {
        client->replay_after = entry->id;
        replay->count++;
        return;
    }
    guint16 flags = entry->flags;
    if (entry->id <= client->replay_history)
        flags |= WIRE_FLAG_HISTORY; /* later ones were live after it joined */
    if (own)
        flags |= WIRE_FLAG_OWN;
    g_autoptr(GBytes) frame = entry->to_instance != NULL ? relay_chat_encode_private(entry, flags)
                                                         : relay_chat_encode_deliver(entry, flags);
    if (frame != NULL)
        chan_stream_send(client->conn, frame);
    client->replay_after = entry->id;
    replay->count++;
}

/* Sends the next pages of a replay while the client's queue has room; the
 * drained event of its connection calls again. The replay ends when it has
 * caught up with what is committed: live delivery takes over. */
void relay_chat_replay_pump(LcRelayClient *client)
{
    LcRelay *relay = client->relay;
    while (client->replaying && client->state == CLIENT_JOINED &&
           chan_stream_get_queued_bytes(client->conn) < RELAY_REPLAY_QUEUE) {
        if (client->replay_after >= relay->committed_id) {
            client->replaying = FALSE;
            break;
        }
        LcReplay replay = {client, relay->committed_id, 0};
        g_autoptr(GError) error = NULL;
        if (!history_foreach_after(relay->history, client->replay_after, RELAY_REPLAY_PAGE,
                                   relay_chat_replay_one, &replay, &error)) {
            g_warning("%s", error->message);
            client->replaying = FALSE;
            break;
        }
        if (replay.count == 0) {
            client->replaying = FALSE;
            break;
        }
        client->replay_progress_us = g_get_monotonic_time();
    }
}

/* Starts replaying history to a client that just joined: on a resume (or a
 * non-zero resume_after) everything after resume_after, else the last
 * history_limit messages. Messages still in the open batch are left out:
 * they follow once committed. */
void relay_chat_replay(LcRelayClient *client, gboolean resume, guint64 resume_after,
                       guint32 history_limit)
{
    LcRelay *relay = client->relay;
    guint64 after = resume_after;
    if (!resume && resume_after == 0) {
        guint limit = history_limit == WIRE_HISTORY_DEFAULT ? relay->config.history_on_join
                                                            : MIN(history_limit, 10000u);
        if (limit == 0)
            return;
        after = relay->committed_id > limit ? relay->committed_id - limit : 0;
    }
    client->replaying = TRUE;
    client->replay_after = after;
    client->replay_history = relay->committed_id;
    client->replay_progress_us = g_get_monotonic_time();
    chan_stream_set_low_water(client->conn, RELAY_REPLAY_QUEUE);
    relay_chat_replay_pump(client);
}

/* Whether nick is free for a client instance: FALSE (error set) while it is
 * held for another instance that had it and may be reconnecting. */
gboolean relay_nick_is_free(LcRelay *relay, const char *nick, const char *instance, GError **error)
{
    g_autofree char *key = g_ascii_strdown(nick, -1);
    guint remaining_s = 0;
    const char *held = nick_holds_find(relay->holds, key, g_get_real_time(), &remaining_s);
    if (held == NULL || g_strcmp0(held, instance) == 0)
        return TRUE;
    g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_NICK_TAKEN,
                "nick '%s' is held for the client that had it, which may be reconnecting: "
                "free in %u s",
                nick, remaining_s);
    return FALSE;
}

/* A client now has its nick: its hold (if any) ends, the store records it,
 * and views of the nick bound to another client are ended. */
void relay_take_nick(LcRelayClient *client)
{
    LcRelay *relay = client->relay;
    nick_holds_take(relay->holds, client->nick_key, client->instance, client->ip);
    relay_chat_schedule_commit(relay);
    if (relay->video != NULL)
        relay_video_nick_taken(relay->video, client);
}
