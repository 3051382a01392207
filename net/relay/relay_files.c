/* relay_files.c: offers and answers: which member is offered which file,
 * and the FILE_START that pairs a sender and a receiver (relay_files.h). */
#include "net/relay/relay_files_private.h"

#include "net/files/file_name.h"

typedef enum {
    RELAY_FILE_OFFERED, /* told of the offer, no answer yet */
    RELAY_FILE_STARTED, /* accepted: FILE_START sent to both sides */
    RELAY_FILE_ENDED,   /* has it, said no, or failed: not offered again */
} LcRelayFileState;

/* One receiver of an offer. */
typedef struct {
    LcRelayFileState state;
    guint64 pair_token;  /* its pair through the relay, or 0 */
    guint8 way;          /* the way it took */
    guint16 port;        /* swarm: its port for the other receivers */
    gboolean introduced; /* swarm: the other receivers were told of it */
} LcRelayFileRecv;

/* One offer, alive as long as its sender's connection. */
typedef struct {
    guint64 id;
    guint64 owner; /* the sender's session id */
    guint32 offer_id;
    guint64 size;
    guint8 ways;
    guint16 port;
    char *to_key; /* the one member it is for (folded), or NULL: every member */
    char *name;
    GBytes *sha256;
    GHashTable *receivers; /* folded nick -> LcRelayFileRecv */
} LcRelayFileOffer;

/* Frees an offer (the table's destroy function). */
static void relay_files_offer_free(gpointer data)
{
    LcRelayFileOffer *offer = data;
    g_free(offer->to_key);
    g_free(offer->name);
    g_bytes_unref(offer->sha256);
    g_hash_table_unref(offer->receivers);
    g_free(offer);
}

/* The broker of a relay. */
LcRelayFiles *relay_files_new(LcRelay *relay)
{
    LcRelayFiles *files = g_new0(LcRelayFiles, 1);
    files->relay = relay;
    files->offers =
        g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, relay_files_offer_free);
    files->pairs = g_hash_table_new(g_int64_hash, g_int64_equal);
    files->chans = g_hash_table_new(NULL, NULL);
    files->dead = g_ptr_array_new();
    /* Transfer ids differ from a relay's last run: a client still holding
     * one from before a restart cannot mistake it for a new one. */
    files->next_id = (guint64)g_get_real_time();
    return files;
}

/* Frees the broker, closing every file channel. */
void relay_files_free(LcRelayFiles *files)
{
    if (files == NULL)
        return;
    relay_files_chan_free_all(files);
    g_hash_table_unref(files->pairs);
    g_hash_table_unref(files->offers);
    g_hash_table_unref(files->chans);
    g_ptr_array_unref(files->dead);
    g_free(files);
}

/* Encodes a message and queues it to a client. */
static void relay_files_send(LcRelayClient *client, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, &error);
    if (frame == NULL) {
        g_warning("cannot encode %s: %s", wire_type_name(msg->type), error->message);
        return;
    }
    relay_client_enqueue(client, frame);
}

/* FILE_END to one client. */
static void relay_files_send_end(LcRelayClient *client, guint64 transfer_id, guint32 offer_id,
                                 guint16 code, const char *nick, const char *reason)
{
    LcWireMsg end = {.type = WIRE_FILE_END};
    end.file_end.transfer_id = transfer_id;
    end.file_end.offer_id = offer_id;
    end.file_end.code = code;
    end.file_end.nick = (char *)(nick ? nick : "");
    end.file_end.reason = (char *)reason;
    relay_files_send(client, &end);
}

/* The joined client with this session id, or NULL. */
static LcRelayClient *relay_files_client(LcRelayFiles *files, guint64 session_id)
{
    LcRelayClient *client = g_hash_table_lookup(files->relay->clients, &session_id);
    return client != NULL && client->state == CLIENT_JOINED ? client : NULL;
}

/* Whether an offer is for this member. */
static gboolean relay_files_is_for(const LcRelayFileOffer *offer, const LcRelayClient *client)
{
    return client->files && client->state == CLIENT_JOINED && client->session_id != offer->owner &&
           (offer->to_key == NULL || g_strcmp0(offer->to_key, client->nick_key) == 0);
}

/* Tells a member of an offer, and notes it as a receiver. */
static void relay_files_deliver(LcRelayFiles *files, LcRelayFileOffer *offer, LcRelayClient *sender,
                                LcRelayClient *client)
{
    LcRelayFileRecv *recv = g_hash_table_lookup(offer->receivers, client->nick_key);
    if (recv != NULL && recv->state == RELAY_FILE_ENDED)
        return;
    if (recv == NULL) {
        recv = g_new0(LcRelayFileRecv, 1);
        g_hash_table_insert(offer->receivers, g_strdup(client->nick_key), recv);
    }
    if (recv->pair_token != 0)
        relay_files_pair_end(files, recv->pair_token);
    recv->pair_token = 0;
    recv->state = RELAY_FILE_OFFERED;
    LcWireMsg msg = {.type = WIRE_FILE_OFFERED};
    msg.file_offered.transfer_id = offer->id;
    msg.file_offered.size = offer->size;
    msg.file_offered.ways = offer->ways;
    msg.file_offered.nick = sender->nick;
    msg.file_offered.addr = (char *)chan_stream_get_peer(sender->conn);
    msg.file_offered.name = offer->name;
    msg.file_offered.sha256 = offer->sha256;
    relay_files_send(client, &msg);
    /* The sender learns who was offered it: what it waits for. */
    msg.file_offered.offer_id = offer->offer_id;
    msg.file_offered.nick = client->nick;
    msg.file_offered.addr = (char *)chan_stream_get_peer(client->conn);
    relay_files_send(sender, &msg);
}

/* Offers this client has open. */
static guint relay_files_count_offers(LcRelayFiles *files, guint64 owner)
{
    guint n = 0;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->offers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        n += ((LcRelayFileOffer *)value)->owner == owner;
    return n;
}

/* Why an offer cannot be taken, or NULL. */
static char *relay_files_check_offer(LcRelayFiles *files, LcRelayClient *client,
                                     const LcWireMsg *msg, guint16 *code)
{
    g_autoptr(GError) error = NULL;
    *code = WIRE_ERR_PROTOCOL;
    guint8 ways = msg->file_offer.ways;
    if (ways == 0 || (ways & ~WIRE_FILE_WAYS_ALL) != 0)
        return g_strdup_printf("no way this relay knows to send it (ways 0x%02x)", ways);
    if ((ways & (WIRE_FILE_WAY_DIRECT | WIRE_FILE_WAY_SWARM)) && msg->file_offer.port == 0)
        return g_strdup("a direct or swarm transfer needs the sender's port");
    if (g_bytes_get_size(msg->file_offer.sha256) != WIRE_FILE_HASH_SIZE)
        return g_strdup("FILE_OFFER's SHA-256 must be 32 bytes");
    if (!file_name_check(msg->file_offer.name, &error))
        return g_strdup(error->message);
    *code = WIRE_ERR_RATE_LIMITED;
    if (relay_files_count_offers(files, client->session_id) >= RELAY_FILES_OFFERS_PER_CLIENT)
        return g_strdup_printf("at most %d offers open at once; wait for one to end",
                               RELAY_FILES_OFFERS_PER_CLIENT);
    *code = WIRE_ERR_SERVER_FULL;
    if (g_hash_table_size(files->offers) >= RELAY_FILES_OFFERS_MAX)
        return g_strdup("the relay has too many offers open; try again later");
    return NULL;
}

/* FILE_OFFER: checks it and hands it to the member it names, or to every
 * member that takes files. */
static void relay_files_on_offer(LcRelayFiles *files, LcRelayClient *client, const LcWireMsg *msg)
{
    guint16 code = 0;
    g_autofree char *why = relay_files_check_offer(files, client, msg, &code);
    LcRelayClient *target = NULL;
    if (why == NULL && msg->file_offer.to[0] != '\0') {
        g_autofree char *key = g_ascii_strdown(msg->file_offer.to, -1);
        target = g_hash_table_lookup(files->relay->nicks, key);
        code = WIRE_ERR_NO_SUCH_NICK;
        if (target == NULL)
            why = g_strdup_printf("%s is not in the room", msg->file_offer.to);
        else if (target == client)
            why = g_strdup("a file is not offered to oneself");
        else if (!target->files)
            why = g_strdup_printf("%s's client does not take files", target->nick);
    }
    if (why != NULL) {
        relay_files_send_end(client, 0, msg->file_offer.offer_id, code, msg->file_offer.to, why);
        return;
    }
    LcRelayFileOffer *offer = g_new0(LcRelayFileOffer, 1);
    offer->id = files->next_id++;
    offer->owner = client->session_id;
    offer->offer_id = msg->file_offer.offer_id;
    offer->size = msg->file_offer.size;
    offer->ways = msg->file_offer.ways;
    offer->port = msg->file_offer.port;
    offer->to_key = target ? g_strdup(target->nick_key) : NULL;
    offer->name = g_strdup(msg->file_offer.name);
    offer->sha256 = g_bytes_ref(msg->file_offer.sha256);
    offer->receivers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_insert(files->offers, &offer->id, offer);

    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->relay->nicks);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (relay_files_is_for(offer, value))
            relay_files_deliver(files, offer, client, value);
    if (g_hash_table_size(offer->receivers) == 0) {
        relay_files_send_end(client, offer->id, offer->offer_id, WIRE_ERR_NO_SUCH_NICK, "",
                             "nobody else in the room takes files");
        g_hash_table_remove(files->offers, &offer->id);
        return;
    }
    g_info("%s offers %s (%" G_GUINT64_FORMAT " bytes) to %s", client->nick, offer->name,
           offer->size, target ? target->nick : "the room");
}

/* FILE_START to both sides of an accepted transfer. */
static void relay_files_start(LcRelayFiles *files, LcRelayFileOffer *offer, LcRelayClient *sender,
                              LcRelayClient *receiver, guint8 way, guint64 token,
                              guint64 sender_token)
{
    gboolean direct = way == WIRE_FILE_WAY_DIRECT || way == WIRE_FILE_WAY_SWARM;
    LcWireMsg start = {.type = WIRE_FILE_START};
    start.file_start.transfer_id = offer->id;
    start.file_start.role = WIRE_FILE_ROLE_RECEIVER;
    start.file_start.way = way;
    start.file_start.token = token;
    start.file_start.port = direct ? offer->port : 0;
    start.file_start.nick = sender->nick;
    start.file_start.addr = direct ? sender->ip : (char *)chan_stream_get_peer(sender->conn);
    relay_files_send(receiver, &start);
    start.file_start.offer_id = offer->offer_id;
    start.file_start.role = WIRE_FILE_ROLE_SENDER;
    start.file_start.token = sender_token;
    start.file_start.port = 0;
    start.file_start.nick = receiver->nick;
    start.file_start.addr = (char *)chan_stream_get_peer(receiver->conn);
    relay_files_send(sender, &start);
}

/* FILE_START for one direction of a swarm: `from` serves `to`, which
 * connects to from's port with a fresh token. */
static void relay_files_swarm_link(LcRelayFileOffer *offer, LcRelayClient *from, guint16 from_port,
                                   LcRelayClient *to)
{
    guint64 token = relay_random_token();
    LcWireMsg start = {.type = WIRE_FILE_START};
    start.file_start.transfer_id = offer->id;
    start.file_start.role = WIRE_FILE_ROLE_SENDER;
    start.file_start.way = WIRE_FILE_WAY_SWARM;
    start.file_start.token = token;
    start.file_start.nick = to->nick;
    start.file_start.addr = (char *)chan_stream_get_peer(to->conn);
    relay_files_send(from, &start);
    start.file_start.role = WIRE_FILE_ROLE_RECEIVER;
    start.file_start.port = from_port;
    start.file_start.nick = from->nick;
    start.file_start.addr = from->ip;
    relay_files_send(to, &start);
}

/* A receiver joins a swarm: it and each receiver already in it (up to
 * RELAY_FILES_SWARM_PEERS) are told of each other, both ways. */
static void relay_files_swarm_join(LcRelayFiles *files, LcRelayFileOffer *offer,
                                   LcRelayClient *client, guint16 port)
{
    guint peers = 0;
    GHashTableIter iter;
    gpointer name, value;
    g_hash_table_iter_init(&iter, offer->receivers);
    while (g_hash_table_iter_next(&iter, &name, &value) && peers < RELAY_FILES_SWARM_PEERS) {
        LcRelayFileRecv *other = value;
        LcRelayClient *member = g_hash_table_lookup(files->relay->nicks, name);
        if (member == NULL || member == client || other->way != WIRE_FILE_WAY_SWARM ||
            other->state == RELAY_FILE_OFFERED || other->port == 0)
            continue;
        relay_files_swarm_link(offer, member, other->port, client);
        relay_files_swarm_link(offer, client, port, member);
        peers++;
    }
}

/* FILE_ANSWER: a receiver takes the file (a way chosen), has it, or says no. */
static void relay_files_on_answer(LcRelayFiles *files, LcRelayClient *client, const LcWireMsg *msg)
{
    LcRelayFileOffer *offer = g_hash_table_lookup(files->offers, &msg->file_answer.transfer_id);
    LcRelayFileRecv *recv = offer ? g_hash_table_lookup(offer->receivers, client->nick_key) : NULL;
    LcRelayClient *sender = offer ? relay_files_client(files, offer->owner) : NULL;
    if (recv == NULL || sender == NULL || recv->state == RELAY_FILE_ENDED) {
        relay_files_send_end(client, msg->file_answer.transfer_id, 0, WIRE_ERR_CANCELLED, "",
                             "that offer is over");
        return;
    }
    guint8 way = msg->file_answer.way;
    switch (msg->file_answer.answer) {
    case WIRE_FILE_REJECT:
    case WIRE_FILE_WHOLE: {
        gboolean have = msg->file_answer.answer == WIRE_FILE_WHOLE;
        g_autofree char *reason =
            g_strdup_printf(have ? "%s has it already" : "%s said no", client->nick);
        recv->state = RELAY_FILE_ENDED;
        relay_files_pair_end(files, recv->pair_token);
        recv->pair_token = 0;
        relay_files_send_end(sender, offer->id, offer->offer_id, have ? 0 : WIRE_ERR_REJECTED,
                             client->nick, reason);
        return;
    }
    case WIRE_FILE_ACCEPT:
        if ((way != WIRE_FILE_WAY_RELAY && way != WIRE_FILE_WAY_DIRECT &&
             way != WIRE_FILE_WAY_SWARM) ||
            !(offer->ways & way) || (way == WIRE_FILE_WAY_SWARM && msg->file_answer.port == 0)) {
            relay_client_send_error(client, WIRE_ERR_PROTOCOL, FALSE, 0,
                                    "FILE_ANSWER asks for a way the sender does not offer, or "
                                    "a swarm without a port");
            return;
        }
        relay_files_pair_end(files, recv->pair_token);
        recv->pair_token = 0;
        guint64 token, sender_token;
        if (way == WIRE_FILE_WAY_RELAY) {
            LcRelayFilePair *pair = relay_files_pair_new(files, offer->id);
            recv->pair_token = pair->token;
            token = pair->token;
            sender_token = pair->sender_token;
        } else {
            token = sender_token = relay_random_token();
        }
        recv->state = RELAY_FILE_STARTED;
        recv->way = way;
        recv->port = msg->file_answer.port;
        relay_files_start(files, offer, sender, client, way, token, sender_token);
        /* The swarm's other receivers meet it once, not on every accept
         * (one after a lost channel asks the sender anew, not them). */
        if (way == WIRE_FILE_WAY_SWARM && !recv->introduced) {
            recv->introduced = TRUE;
            relay_files_swarm_join(files, offer, client, recv->port);
        }
        return;
    default:
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, FALSE, 0, "FILE_ANSWER: unknown answer");
    }
}

/* FILE_END from the sender (it gives up, for one receiver or all) or from
 * a receiver (whole, or failed): the other side is told. */
static void relay_files_on_end(LcRelayFiles *files, LcRelayClient *client, const LcWireMsg *msg)
{
    LcRelayFileOffer *offer = g_hash_table_lookup(files->offers, &msg->file_end.transfer_id);
    if (offer == NULL)
        return; /* over already: nothing to tell */
    const char *reason = msg->file_end.reason;
    if (offer->owner == client->session_id) {
        g_autofree char *key =
            msg->file_end.nick[0] ? g_ascii_strdown(msg->file_end.nick, -1) : NULL;
        GHashTableIter iter;
        gpointer name, value;
        g_hash_table_iter_init(&iter, offer->receivers);
        while (g_hash_table_iter_next(&iter, &name, &value)) {
            LcRelayFileRecv *recv = value;
            if ((key != NULL && strcmp(key, name) != 0) || recv->state == RELAY_FILE_ENDED)
                continue;
            LcRelayClient *member = g_hash_table_lookup(files->relay->nicks, name);
            if (member != NULL)
                relay_files_send_end(member, offer->id, 0, WIRE_ERR_CANCELLED, client->nick,
                                     reason);
            relay_files_pair_end(files, recv->pair_token);
            recv->pair_token = 0;
            recv->state = RELAY_FILE_ENDED;
        }
        if (key == NULL)
            g_hash_table_remove(files->offers, &offer->id);
        return;
    }
    LcRelayFileRecv *recv = g_hash_table_lookup(offer->receivers, client->nick_key);
    LcRelayClient *sender = relay_files_client(files, offer->owner);
    if (recv == NULL || recv->state == RELAY_FILE_ENDED)
        return;
    recv->state = RELAY_FILE_ENDED;
    relay_files_pair_end(files, recv->pair_token);
    recv->pair_token = 0;
    if (sender != NULL)
        relay_files_send_end(sender, offer->id, offer->offer_id, msg->file_end.code, client->nick,
                             reason);
}

/* The files' control messages, flood-controlled. */
void relay_files_handle_control(LcRelayFiles *files, LcRelayClient *client, const LcWireMsg *msg)
{
    if (token_bucket_take(&client->files_flood, 1, g_get_monotonic_time()) != 0) {
        client->relay->counters.rate_limited++;
        relay_client_send_error(client, WIRE_ERR_RATE_LIMITED, FALSE, 0,
                                "too many file offers and answers; slow down");
        return;
    }
    if (msg->type == WIRE_FILE_OFFER)
        relay_files_on_offer(files, client, msg);
    else if (msg->type == WIRE_FILE_ANSWER)
        relay_files_on_answer(files, client, msg);
    else if (msg->type == WIRE_FILE_END)
        relay_files_on_end(files, client, msg);
}

/* Hands a joining member the open offers that are for it: an offer to it
 * alone, or one to the room it was offered before (it left and came back,
 * perhaps mid-transfer). */
void relay_files_joined(LcRelayFiles *files, LcRelayClient *client)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->offers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayFileOffer *offer = value;
        LcRelayClient *sender = relay_files_client(files, offer->owner);
        /* An offer to the room is for the members it was offered to: one
         * who comes back, not a newcomer. */
        gboolean known = g_hash_table_contains(offer->receivers, client->nick_key);
        if (sender != NULL && relay_files_is_for(offer, client) && (offer->to_key != NULL || known))
            relay_files_deliver(files, offer, sender, client);
    }
}

/* A member left: its own offers end (their receivers are told); as a
 * receiver its transfers through the relay end, to be offered again if it
 * comes back. */
void relay_files_client_gone(LcRelayFiles *files, LcRelayClient *client)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->offers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayFileOffer *offer = value;
        if (offer->owner != client->session_id) {
            LcRelayFileRecv *recv =
                client->nick_key ? g_hash_table_lookup(offer->receivers, client->nick_key) : NULL;
            if (recv != NULL && recv->state == RELAY_FILE_STARTED) {
                relay_files_pair_end(files, recv->pair_token);
                recv->pair_token = 0;
                recv->state = RELAY_FILE_OFFERED;
            }
            continue;
        }
        GHashTableIter r;
        gpointer name, rv;
        g_hash_table_iter_init(&r, offer->receivers);
        while (g_hash_table_iter_next(&r, &name, &rv)) {
            LcRelayFileRecv *recv = rv;
            LcRelayClient *member = g_hash_table_lookup(files->relay->nicks, name);
            if (member != NULL && recv->state != RELAY_FILE_ENDED)
                relay_files_send_end(member, offer->id, 0, WIRE_ERR_CANCELLED, client->nick,
                                     "the sender left");
            relay_files_pair_end(files, recv->pair_token);
        }
        g_hash_table_iter_remove(&iter);
    }
}

guint64 relay_files_get_bytes(LcRelayFiles *files)
{
    return files->bytes;
}
