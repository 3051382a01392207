/* files_send.c: the sending side of files: offers, the direct port, and
 * a file channel per receiver (files.h). */
#include "net/client/files_private.h"

#include "net/secure/tls_client.h"
#include "net/wire/validate.h"

#include <string.h>

static const LcFileChanEvents files_send_chan_events;
static void files_peer_end(LcFilesPeer *peer, const GError *error);

/* Frees a peer (the table's destroy function). */
static void files_peer_free(gpointer data)
{
    LcFilesPeer *peer = data;
    if (peer->chan != NULL)
        file_chan_free(peer->chan);
    g_clear_pointer(&peer->given, g_hash_table_unref);
    g_free(peer->has);
    g_free(peer->nick);
    g_free(peer);
}

/* Frees an offer (the table's destroy function). */
void files_offer_free(gpointer data)
{
    LcFilesOffer *offer = data;
    g_hash_table_unref(offer->peers);
    g_free(offer->handed);
    file_source_unref(offer->source);
    g_free(offer->to);
    g_free(offer);
}

/* The progress of one receiver, as the front end sees it. */
static void files_peer_progress(LcFilesPeer *peer, LcFilesProgress *p)
{
    LcFilesOffer *offer = peer->offer;
    guint64 size = file_source_get_size(offer->source);
    *p = (LcFilesProgress){.id = offer->id,
                           .sending = TRUE,
                           .name = file_source_get_name(offer->source),
                           .nick = peer->nick,
                           .size = size,
                           .done = peer->done,
                           .rate = peer->rate.rate,
                           .eta_s = peer->rate.rate > 0
                                        ? (double)(size - MIN(size, peer->done)) / peer->rate.rate
                                        : -1,
                           .way = peer->way};
}

/* Whether every receiver the offer went to is done with it (the relay
 * names each one: FILE_OFFERED copies). */
static gboolean files_offer_is_over(LcFilesOffer *offer)
{
    if (g_hash_table_size(offer->peers) == 0)
        return FALSE;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, offer->peers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (!((LcFilesPeer *)value)->ended)
            return FALSE;
    return TRUE;
}

/* Whether an offer waits for this member: the one it is for, or a
 * receiver of an offer to the room that is not done with it. */
static gboolean files_offer_waits_for(LcFilesOffer *offer, const char *nick)
{
    if (offer->to != NULL)
        return g_ascii_strcasecmp(offer->to, nick) == 0;
    g_autofree char *key = g_ascii_strdown(nick, -1);
    LcFilesPeer *peer = g_hash_table_lookup(offer->peers, key);
    /* Not done, and not among those the relay offered it to this time. */
    return peer != NULL && !peer->ended && peer->transfer_id != offer->transfer_id;
}

/* Tells the front end once an offer has nobody left to serve. */
static void files_offer_check(LcFilesOffer *offer)
{
    if (offer->done || !files_offer_is_over(offer))
        return;
    offer->done = TRUE;
    LcFiles *files = offer->files;
    /* The relay ends the offer too: nobody joining later is offered it. */
    if (offer->transfer_id != 0) {
        LcWireMsg end = {.type = WIRE_FILE_END};
        end.file_end.transfer_id = offer->transfer_id;
        end.file_end.offer_id = offer->id;
        end.file_end.nick = "";
        end.file_end.reason = "every receiver is done";
        files_send_msg(files, &end);
    }
    file_source_release(offer->source); /* nothing more is read of it */
    if (files->events.offer_done)
        files->events.offer_done(files, offer->id, offer->n_ok, offer->n_failed, files->user_data);
}

/* The offer fails as a whole (its file cannot be read, the relay refused
 * it): the front end hears it once, and the offer is over. */
static void files_offer_fail(LcFilesOffer *offer, const GError *error)
{
    LcFiles *files = offer->files;
    LcFilesPeer none = {.offer = offer, .nick = offer->to ? offer->to : (char *)"the room"};
    LcFilesProgress p;
    files_peer_progress(&none, &p);
    offer->done = TRUE;
    offer->n_failed++;
    file_source_release(offer->source);
    if (files->events.finished)
        files->events.finished(files, &p, error, files->user_data);
    if (files->events.offer_done)
        files->events.offer_done(files, offer->id, offer->n_ok, offer->n_failed, files->user_data);
}

/* Sends FILE_OFFER (again, after a rejoin) once the hash is known. */
static void files_offer_announce(LcFilesOffer *offer)
{
    LcFiles *files = offer->files;
    if (!offer->hashed || offer->done || session_get_state(files->session) != SESSION_JOINED)
        return;
    /* Offered anew (after a rejoin, or for a receiver back): the relay's
     * last transfer of it ends first, its receivers taking the new one up
     * from their part files. */
    if (offer->transfer_id != 0 && session_get_state(files->session) == SESSION_JOINED) {
        LcWireMsg end = {.type = WIRE_FILE_END};
        end.file_end.transfer_id = offer->transfer_id;
        end.file_end.offer_id = offer->id;
        end.file_end.code = WIRE_ERR_CANCELLED;
        end.file_end.nick = "";
        end.file_end.reason = "offered again";
        files_send_msg(files, &end);
        offer->transfer_id = 0;
    }
    LcWireMsg msg = {.type = WIRE_FILE_OFFER};
    msg.file_offer.offer_id = offer->id;
    msg.file_offer.size = file_source_get_size(offer->source);
    msg.file_offer.ways = offer->ways;
    msg.file_offer.port =
        (offer->ways & (WIRE_FILE_WAY_DIRECT | WIRE_FILE_WAY_SWARM)) ? files->port : 0;
    msg.file_offer.to = offer->to ? offer->to : "";
    msg.file_offer.name = (char *)file_source_get_name(offer->source);
    msg.file_offer.sha256 = file_source_get_sha256(offer->source);
    if (!session_relay_takes_files(files->session)) {
        g_autoptr(GError) error = g_error_new_literal(LC_WIRE_ERROR, WIRE_ERR_PROTOCOL,
                                                      "this relay does not carry files");
        files_offer_fail(offer, error);
        return;
    }
    files_send_msg(files, &msg);
    if (!offer->announced) {
        offer->announced = TRUE;
        if (files->events.announced)
            files->events.announced(files, offer->id, files->user_data);
    }
}

/* The hash is done: the offer goes out. */
static void files_on_hashed(GObject *object, GAsyncResult *result, gpointer data)
{
    /* Cancelled: the files, and the offer with them, are gone. */
    if (g_cancellable_is_cancelled(g_task_get_cancellable(G_TASK(result))))
        return;
    LcFilesOffer *offer = data;
    g_autoptr(GError) error = NULL;
    if (!file_source_hash_finish(offer->source, result, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return; /* the files are being freed */
        files_offer_fail(offer, error);
        return;
    }
    offer->hashed = TRUE;
    files_offer_announce(offer);
}

/* The receiver of any offer whose token this is (token non-zero), or
 * whose channel this is (chan non-NULL); else NULL. */
static LcFilesPeer *files_send_find(LcFiles *files, guint64 token, LcFileChan *chan)
{
    GHashTableIter iter, p;
    gpointer value, pv;
    g_hash_table_iter_init(&iter, files->offers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_hash_table_iter_init(&p, ((LcFilesOffer *)value)->peers);
        while (g_hash_table_iter_next(&p, NULL, &pv)) {
            LcFilesPeer *peer = pv;
            if ((token != 0 && peer->token == token) || (chan != NULL && peer->chan == chan))
                return peer;
        }
    }
    return NULL;
}

/* The receiver a channel serves (the one its peer holds), or NULL. */
static LcFilesPeer *files_send_peer_of(LcFiles *files, LcFileChan *chan)
{
    return files_send_find(files, 0, chan);
}

/* Direct: a receiver's FILE_HELLO; its token must be one the relay gave,
 * used once: a second channel with it is refused (a receiver that lost
 * its channel accepts again and gets a new token). */
static LcFileSource *files_send_on_hello(LcFileChan *chan, const LcWireMsg *hello, GError **error,
                                         gpointer data)
{
    LcFilesPeer *peer = files_send_find(data, hello->file_hello.token, NULL);
    if (peer == NULL) {
        /* A swarm peer of a file this client receives, perhaps. */
        LcFileSource *part = files_swarm_take_down(data, chan, hello->file_hello.token);
        if (part != NULL)
            return part;
    }
    if (peer == NULL || peer->ended || peer->token_used ||
        (peer->way != WIRE_FILE_WAY_DIRECT && peer->way != WIRE_FILE_WAY_SWARM)) {
        g_set_error_literal(error, LC_WIRE_ERROR, WIRE_ERR_PROTOCOL,
                            "FILE_HELLO with a token this sender was not given, or used already");
        return NULL;
    }
    if (peer->chan != NULL && peer->chan != chan)
        files_bury_chan(peer->offer->files, g_steal_pointer(&peer->chan));
    peer->token_used = TRUE;
    peer->chan = chan;
    g_hash_table_remove(peer->offer->files->accepted, chan); /* the receiver holds it now */
    return file_source_ref(peer->offer->source);
}

/* Bytes sent to a receiver. */
static void files_send_on_progress(LcFileChan *chan, guint64 bytes, gpointer data)
{
    LcFiles *files = data;
    LcFilesPeer *peer = files_send_peer_of(files, chan);
    if (peer == NULL)
        return;
    peer->done = bytes;
    files_rate_update(&peer->rate, bytes);
    gint64 now = g_get_monotonic_time();
    if (now - peer->shown_us < FILES_PROGRESS_MS * 1000 &&
        bytes < file_source_get_size(peer->offer->source))
        return;
    peer->shown_us = now;
    LcFilesProgress p;
    files_peer_progress(peer, &p);
    if (files->events.progress)
        files->events.progress(files, &p, files->user_data);
}

/* A sending channel closed: the receiver's FILE_END (through the relay)
 * says how it went, or a new FILE_START opens another. */
static void files_send_on_closed(LcFileChan *chan, const GError *error, gpointer data)
{
    LcFiles *files = data;
    LcFilesPeer *peer = files_send_peer_of(files, chan);
    if (error != NULL)
        g_debug("file channel closed: %s", error->message);
    if (peer != NULL) {
        peer->chan = NULL;
        if (peer->way == WIRE_FILE_WAY_SWARM)
            files_seed_lost(peer);
        /* A swarm's receiver that said it has every chunk (each checked
         * against its hash) has the file, whether or not its last word
         * comes through the relay. */
        if (peer->had_all && !peer->ended) {
            files_bury_chan(files, chan);
            files_peer_end(peer, NULL);
            return;
        }
    } else {
        /* Not a receiver's: a swarm's downstream, or one never paired. */
        files_swarm_down_closed(files, chan);
    }
    files_bury_chan(files, chan);
}

/* A channel accepted on this client's port is paired: a swarm's receiver
 * gets the chunk hashes and its first chunks; a swarm peer of a file this
 * client receives learns which chunks it has. */
static void files_send_on_ready(LcFileChan *chan, gpointer data)
{
    LcFiles *files = data;
    LcFilesPeer *peer = files_send_peer_of(files, chan);
    if (peer != NULL && peer->way == WIRE_FILE_WAY_SWARM)
        files_seed_ready(peer);
    else if (peer == NULL)
        files_swarm_down_ready(files, chan);
}

/* FILE_HAVE from a swarm's receiver: it has a chunk. */
static void files_send_on_chan_message(LcFileChan *chan, const LcWireMsg *msg, gpointer data)
{
    LcFilesPeer *peer = files_send_peer_of(data, chan);
    if (peer != NULL && msg->type == WIRE_FILE_HAVE)
        files_seed_on_have(peer, msg->file_have.chunk);
}

static const LcFileChanEvents files_send_chan_events = {
    .hello = files_send_on_hello,
    .progress = files_send_on_progress,
    .ready = files_send_on_ready,
    .message = files_send_on_chan_message,
    .closed = files_send_on_closed,
};

/* Direct: a receiver connected to this client's port. */
static gboolean files_send_on_incoming(GSocketService *service, GSocketConnection *connection,
                                       GObject *source, gpointer data)
{
    LcFiles *files = data;
    if (g_hash_table_size(files->accepted) >= FILES_ACCEPTED_MAX) {
        g_debug("file port: %u connections unpaired or serving peers; one more closed",
                g_hash_table_size(files->accepted));
        g_io_stream_close(G_IO_STREAM(connection), NULL, NULL);
        return TRUE;
    }
    /* A swarm's channels say FILE_HAVE: allowed on every accepted one. */
    LcFileChanConfig config = {.role = FILE_CHAN_SENDER,
                               .rate = files_get_rate(files),
                               .swarm = TRUE,
                               .count_sent = &files->uploaded};
    /* Until its FILE_HELLO names a receiver the channel is nobody's; a
     * wrong or missing FILE_HELLO closes it, and the close frees it. */
    LcFileChan *chan =
        file_chan_new(G_IO_STREAM(connection), &config, &files_send_chan_events, files);
    g_hash_table_add(files->accepted, chan);
    return TRUE;
}

/* Opens the direct port (any address, a port the system picks). */
gboolean files_send_listen(LcFiles *files, GError **error)
{
    if (files->service != NULL)
        return TRUE;
    g_autoptr(GSocketService) service = g_socket_service_new();
    guint16 port = g_socket_listener_add_any_inet_port(G_SOCKET_LISTENER(service), NULL, error);
    if (port == 0)
        return FALSE;
    g_signal_connect(service, "incoming", G_CALLBACK(files_send_on_incoming), files);
    g_socket_service_start(service);
    files->service = g_steal_pointer(&service);
    files->port = port;
    return TRUE;
}

/* Offers a file: opens it, hashes it on a worker thread, then offers it. */
guint files_send(LcFiles *files, const char *path, const char *to, guint8 ways, GError **error)
{
    if (to != NULL && !validate_nick(to, error))
        return 0;
    if (to != NULL && g_ascii_strcasecmp(to, session_get_nick(files->session)) == 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                            "a file is not sent to oneself");
        return 0;
    }
    if (to != NULL && session_get_state(files->session) == SESSION_JOINED) {
        guint n = 0;
        const LcWireMember *members = session_get_members(files->session, &n);
        gboolean here = FALSE;
        for (guint i = 0; i < n && !here; i++)
            here = g_ascii_strcasecmp(members[i].nick, to) == 0;
        if (!here) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not in the room", to);
            return 0;
        }
    }
    g_autofree char *canon = g_canonicalize_filename(path, NULL);
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->offers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcFilesOffer *other = value;
        g_autofree char *other_canon =
            g_canonicalize_filename(file_source_get_path(other->source), NULL);
        if (!other->done && g_strcmp0(other->to, to) == 0 && strcmp(other_canon, canon) == 0) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is being offered to %s already",
                        path, to ? to : "the room");
            return 0;
        }
    }
    ways = ways ? ways : files->config.ways;
    /* A swarm is for a file to many: one receiver takes it directly. */
    if (to != NULL && ways != WIRE_FILE_WAY_SWARM)
        ways &= (guint8)~WIRE_FILE_WAY_SWARM;
    g_autoptr(LcFileSource) source = file_source_open(path, error);
    if (source == NULL)
        return 0;
    g_autoptr(GError) local = NULL;
    if ((ways & (WIRE_FILE_WAY_DIRECT | WIRE_FILE_WAY_SWARM)) &&
        !files_send_listen(files, &local)) {
        g_warning("no port for direct transfers (%s): files go through the relay", local->message);
        ways &= (guint8) ~(WIRE_FILE_WAY_DIRECT | WIRE_FILE_WAY_SWARM);
    }
    if (ways == 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                            "no way left to send the file");
        return 0;
    }
    LcFilesOffer *offer = g_new0(LcFilesOffer, 1);
    offer->files = files;
    offer->id = files->next_id++;
    offer->to = g_strdup(to);
    offer->ways = ways;
    offer->source = g_steal_pointer(&source);
    offer->peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, files_peer_free);
    g_hash_table_insert(files->offers, GUINT_TO_POINTER(offer->id), offer);
    file_source_hash_async(offer->source, (ways & WIRE_FILE_WAY_SWARM) != 0, files->cancel,
                           files_on_hashed, offer);
    return offer->id;
}

/* The receiver of an offer by nick, made on first mention. */
static LcFilesPeer *files_offer_peer(LcFilesOffer *offer, const char *nick)
{
    g_autofree char *key = g_ascii_strdown(nick, -1);
    LcFilesPeer *peer = g_hash_table_lookup(offer->peers, key);
    if (peer == NULL) {
        peer = g_new0(LcFilesPeer, 1);
        peer->offer = offer;
        peer->nick = g_strdup(nick);
        g_hash_table_insert(offer->peers, g_steal_pointer(&key), peer);
    }
    return peer;
}

/* Through the relay: connected; the channel says FILE_HELLO. */
static void files_send_on_connected(GObject *object, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GIOStream) io = tls_client_connect_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    LcFilesPeer *peer = data;
    if (io == NULL) {
        g_debug("file channel to the relay: %s", error->message);
        return; /* the receiver asks again, or gives up */
    }
    LcFileChanConfig config = {.role = FILE_CHAN_SENDER,
                               .greet = TRUE,
                               .transfer_id = peer->transfer_id,
                               .token = peer->token,
                               .source = peer->offer->source,
                               .rate = files_get_rate(peer->offer->files),
                               .count_sent = &peer->offer->files->uploaded};
    if (peer->chan != NULL) {
        files_bury_chan(peer->offer->files, g_steal_pointer(&peer->chan));
    }
    peer->chan = file_chan_new(io, &config, &files_send_chan_events, peer->offer->files);
}

/* FILE_START (sender): a receiver accepted; through the relay the channel
 * is opened now, directly the receiver connects to this client's port. */
static void files_send_on_start(LcFiles *files, const LcWireMsg *msg)
{
    LcFilesOffer *offer =
        g_hash_table_lookup(files->offers, GUINT_TO_POINTER(msg->file_start.offer_id));
    if (offer == NULL || offer->done)
        return;
    LcFilesPeer *peer = files_offer_peer(offer, msg->file_start.nick);
    offer->started = TRUE;
    peer->ended = FALSE;
    peer->way = msg->file_start.way;
    peer->token = msg->file_start.token;
    peer->token_used = FALSE;
    peer->transfer_id = msg->file_start.transfer_id;
    if (peer->way != WIRE_FILE_WAY_RELAY)
        return;
    g_autoptr(GInetSocketAddress) relay = session_get_relay_address(files->session);
    if (relay == NULL)
        return;
    files_connect(files, g_inet_socket_address_get_address(relay),
                  g_inet_socket_address_get_port(relay), TRUE, files->cancel,
                  files_send_on_connected, peer);
}

/* FILE_END (sender): one receiver is done (or refused, or failed), or the
 * relay refused the offer itself. */
static void files_send_on_end(LcFiles *files, const LcWireMsg *msg)
{
    LcFilesOffer *offer =
        g_hash_table_lookup(files->offers, GUINT_TO_POINTER(msg->file_end.offer_id));
    if (offer == NULL || offer->done)
        return;
    g_autoptr(GError) error = NULL;
    if (msg->file_end.code != 0)
        error = g_error_new_literal(LC_WIRE_ERROR, msg->file_end.code, msg->file_end.reason);
    gboolean whole_offer = msg->file_end.transfer_id == 0 || msg->file_end.nick[0] == '\0';
    if (whole_offer && msg->file_end.code == WIRE_ERR_NO_SUCH_NICK && offer->started &&
        !files_offer_is_over(offer)) {
        /* Offered again after a rejoin, before its receivers are back: it
         * goes on when one of them joins. */
        offer->waiting = TRUE;
        files_notice(offer->files, "%s: %s not in the room; the file goes on when they are back",
                     file_source_get_name(offer->source),
                     offer->to ? offer->to : "its receivers are");
        return;
    }
    if (msg->file_end.transfer_id == 0 || msg->file_end.nick[0] == '\0') {
        files_offer_fail(offer, error);
        return;
    }
    files_peer_end(files_offer_peer(offer, msg->file_end.nick), error);
}

/* One receiver is done with an offer: whole (error NULL) or not. */
static void files_peer_end(LcFilesPeer *peer, const GError *error)
{
    LcFilesOffer *offer = peer->offer;
    LcFiles *files = offer->files;
    if (peer->ended)
        return;
    peer->ended = TRUE;
    if (peer->chan != NULL)
        files_bury_chan(files, g_steal_pointer(&peer->chan));
    if (error == NULL) {
        offer->n_ok++;
        peer->done = file_source_get_size(offer->source);
    } else {
        offer->n_failed++;
    }
    LcFilesProgress p;
    files_peer_progress(peer, &p);
    if (files->events.finished)
        files->events.finished(files, &p, error, files->user_data);
    files_offer_check(offer);
}

/* A member left: an offer to the room waits for it no more (an offer to
 * it alone waits for it to come back). */
static void files_send_on_leave(LcFilesOffer *offer, const char *nick)
{
    g_autofree char *key = g_ascii_strdown(nick, -1);
    LcFilesPeer *peer = g_hash_table_lookup(offer->peers, key);
    if (offer->to != NULL || offer->done || peer == NULL || peer->ended)
        return;
    /* Every byte went to it (or, in a swarm, it said it had every chunk):
     * it left before its last word, most likely with the file whole. */
    if (peer->done >= file_source_get_size(offer->source) || peer->had_all) {
        files_notice(offer->files,
                     "%s left the room before confirming %s, after every byte went to it",
                     peer->nick, file_source_get_name(offer->source));
        files_peer_end(peer, NULL);
        return;
    }
    g_autoptr(GError) error = g_error_new(LC_WIRE_ERROR, WIRE_ERR_CANCELLED,
                                          "%s left the room before it had the file", peer->nick);
    files_peer_end(peer, error);
}

/* FILE_START and FILE_END for this client's offers; PRESENCE (a member
 * leaving ends what an offer to the room waits for). */
void files_send_on_message(LcFiles *files, const LcWireMsg *msg)
{
    if (msg->type == WIRE_FILE_OFFERED) {
        LcFilesOffer *offer =
            g_hash_table_lookup(files->offers, GUINT_TO_POINTER(msg->file_offered.offer_id));
        if (offer != NULL && !offer->done) {
            offer->transfer_id = msg->file_offered.transfer_id;
            files_offer_peer(offer, msg->file_offered.nick)->transfer_id = offer->transfer_id;
        }
    } else if (msg->type == WIRE_FILE_START)
        files_send_on_start(files, msg);
    else if (msg->type == WIRE_FILE_END)
        files_send_on_end(files, msg);
    else if (msg->type == WIRE_PRESENCE) {
        GHashTableIter iter;
        gpointer value;
        g_hash_table_iter_init(&iter, files->offers);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            LcFilesOffer *offer = value;
            /* A receiver of an offer that waits for it is back. */
            if (msg->presence.kind == WIRE_PRESENCE_JOIN && offer->started && !offer->done &&
                (offer->waiting || offer->to == NULL) &&
                files_offer_waits_for(offer, msg->presence.nick)) {
                offer->waiting = FALSE;
                files_offer_announce(offer);
            }
            if (msg->presence.kind == WIRE_PRESENCE_LEAVE)
                files_send_on_leave(offer, msg->presence.nick);
            files_offer_check(offer);
        }
    }
}

/* Every sending channel takes the rate of now. */
void files_send_apply_rate(LcFiles *files)
{
    double rate = files_get_rate(files);
    GHashTableIter iter, p;
    gpointer value, pv;
    g_hash_table_iter_init(&iter, files->offers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_hash_table_iter_init(&p, ((LcFilesOffer *)value)->peers);
        while (g_hash_table_iter_next(&p, NULL, &pv))
            if (((LcFilesPeer *)pv)->chan != NULL)
                file_chan_set_rate(((LcFilesPeer *)pv)->chan, rate);
    }
}

/* Joined (again): every unfinished offer goes out anew; the channels of
 * the last connection are gone with it. */
void files_send_rejoined(LcFiles *files)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->offers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        files_offer_announce(value);
}
