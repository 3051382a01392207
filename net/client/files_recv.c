/* files_recv.c: the receiving side of files: offers shown, accepted or
 * turned down, the file channel opened (directly first, through the relay
 * if the sender cannot be reached), resumed after a cut, and the file
 * checked whole (files.h). */
#include "net/client/files_private.h"

#include "net/io/source.h"
#include "net/secure/tls_client.h"

#include <glib/gstdio.h>

#define FILES_RETRY_MS 1000

static const LcFileChanEvents files_recv_chan_events;

/* Frees an incoming file (the table's destroy function); its part file
 * stays for a later resume. */
void files_incoming_free(gpointer data)
{
    LcFilesIncoming *inc = data;
    if (inc->connecting != NULL) {
        g_cancellable_cancel(inc->connecting);
        g_object_unref(inc->connecting);
    }
    source_drop(&inc->retry_src);
    if (inc->chan != NULL)
        file_chan_free(inc->chan);
    if (inc->sink != NULL)
        file_sink_free(inc->sink);
    files_swarm_free(inc->swarm);
    if (inc->parts != NULL)
        file_parts_free(inc->parts);
    g_free(inc->nick);
    g_free(inc->name);
    g_free(inc->sha256_hex);
    g_free(inc);
}

/* Bytes of the file here now: the part file's, or the chunks had. */
static guint64 files_incoming_bytes(LcFilesIncoming *inc)
{
    return inc->parts  ? file_parts_get_bytes(inc->parts)
           : inc->sink ? file_sink_get_offset(inc->sink)
                       : 0;
}

/* The transfer as the front end shows it. */
static void files_incoming_progress(LcFilesIncoming *inc, LcFilesProgress *p)
{
    guint64 done = files_incoming_bytes(inc);
    if (inc->state == INCOMING_DONE)
        done = inc->size;
    *p = (LcFilesProgress){
        .id = inc->id,
        .name = inc->name,
        .nick = inc->nick,
        .size = inc->size,
        .done = done,
        .rate = inc->rate.rate,
        .eta_s =
            inc->rate.rate > 0 ? (double)(inc->size - MIN(inc->size, done)) / inc->rate.rate : -1,
        .way = inc->way,
        .path = inc->parts  ? file_parts_get_path(inc->parts)
                : inc->sink ? file_sink_get_path(inc->sink)
                            : NULL,
    };
}

/* Ends a transfer for good: the front end hears it. */
static void files_incoming_finish(LcFilesIncoming *inc, gboolean done, const GError *error)
{
    LcFiles *files = inc->files;
    inc->state = done ? INCOMING_DONE : INCOMING_REFUSED;
    source_drop(&inc->retry_src);
    if (inc->chan != NULL) {
        files_bury_chan(files, g_steal_pointer(&inc->chan));
    }
    LcFilesProgress p;
    files_incoming_progress(inc, &p);
    g_autofree char *path = g_strdup(p.path);
    p.path = path;
    g_clear_pointer(&inc->sink, file_sink_free);
    if (!done) {
        /* A swarm stops pulling and serving; a whole file's swarm serves
         * its peers on. */
        g_clear_pointer(&inc->swarm, files_swarm_free);
        g_clear_pointer(&inc->parts, file_parts_free);
    }
    if (files->events.finished)
        files->events.finished(files, &p, error, files->user_data);
}

/* FILE_ANSWER for the transfer's current offer. */
static void files_recv_answer(LcFilesIncoming *inc, guint8 answer, guint8 way)
{
    LcWireMsg msg = {.type = WIRE_FILE_ANSWER};
    msg.file_answer.transfer_id = inc->transfer_id;
    msg.file_answer.answer = answer;
    msg.file_answer.way = way;
    msg.file_answer.port = way == WIRE_FILE_WAY_SWARM ? inc->files->port : 0;
    files_send_msg(inc->files, &msg);
}

/* FILE_END to the sender (through the relay). */
static void files_recv_end(LcFilesIncoming *inc, guint16 code, const char *reason)
{
    LcWireMsg msg = {.type = WIRE_FILE_END};
    msg.file_end.transfer_id = inc->transfer_id;
    msg.file_end.code = code;
    msg.file_end.nick = inc->nick;
    msg.file_end.reason = (char *)reason;
    files_send_msg(inc->files, &msg);
}

/* Turns an offer down for a reason the sender is told in general terms
 * (never this client's folders). */
static void files_recv_refuse(LcFilesIncoming *inc, const GError *error)
{
    const char *me = session_get_nick(inc->files->session);
    g_autofree char *reason = g_error_matches(error, LC_FILE_ERROR, FILE_ERROR_EXISTS)
                                  ? g_strdup_printf("%s has a file of that name already", me)
                              : g_error_matches(error, LC_FILE_ERROR, FILE_ERROR_TOO_LARGE)
                                  ? g_strdup_printf("the file is over %s's size limit", me)
                              : g_error_matches(error, LC_FILE_ERROR, FILE_ERROR_BAD_NAME)
                                  ? g_strdup_printf("%s does not take a file of that name", me)
                              : g_error_matches(error, LC_WIRE_ERROR, WIRE_ERR_REJECTED)
                                  ? g_strdup_printf("%s takes no files", me)
                                  : g_strdup_printf("%s cannot write the file", me);
    files_recv_end(inc, WIRE_ERR_REJECTED, reason);
}

/* Leaves a swarm for a transfer from the start (a swarm's part file
 * holds chunks, not a beginning): the part file starts afresh. */
static gboolean files_recv_leave_swarm(LcFilesIncoming *inc, GError **error)
{
    g_clear_pointer(&inc->swarm, files_swarm_free);
    g_autofree char *part = g_strdup(file_parts_get_part_path(inc->parts));
    g_clear_pointer(&inc->parts, file_parts_free);
    g_unlink(part);
    LcFileSinkConfig config = {.dir = inc->files->config.dir,
                               .name = inc->name,
                               .size = inc->size,
                               .max_size = inc->files->config.max_size,
                               .overwrite = inc->files->config.overwrite};
    inc->sink = file_sink_open(&config, error);
    return inc->sink != NULL;
}

/* Asks for the file: in the swarm, or directly, when the sender offers it
 * and it has not failed here; else through the relay. */
static void files_recv_ask(LcFilesIncoming *inc, gboolean direct_failed)
{
    guint8 ways = inc->ways & inc->files->config.ways;
    guint8 way = inc->parts != NULL && (ways & WIRE_FILE_WAY_SWARM) && !direct_failed
                     ? WIRE_FILE_WAY_SWARM
                 : (ways & WIRE_FILE_WAY_DIRECT) && !direct_failed ? WIRE_FILE_WAY_DIRECT
                 : (ways & WIRE_FILE_WAY_RELAY)                    ? WIRE_FILE_WAY_RELAY
                                                                   : 0;
    g_autoptr(GError) local = NULL;
    if (way != 0 && way != WIRE_FILE_WAY_SWARM && inc->parts != NULL &&
        !files_recv_leave_swarm(inc, &local)) {
        files_recv_refuse(inc, local);
        files_incoming_finish(inc, FALSE, local);
        return;
    }
    if (way == 0) {
        g_autoptr(GError) error =
            g_error_new(LC_WIRE_ERROR, WIRE_ERR_CANCELLED,
                        "%s's file cannot reach this client by any way both allow", inc->nick);
        files_recv_end(inc, WIRE_ERR_CANCELLED, error->message);
        files_incoming_finish(inc, FALSE, error);
        return;
    }
    inc->way = way;
    files_recv_answer(inc, WIRE_FILE_ACCEPT, way);
}

/* The retry after a lost channel. */
static void files_recv_on_retry(gpointer data)
{
    LcFilesIncoming *inc = data;
    if (inc->state == INCOMING_ACCEPTED)
        files_recv_ask(inc, inc->way == WIRE_FILE_WAY_RELAY);
}

/* A channel was lost before the end: asks again (after a pause), unless
 * FILES_RETRIES in a row brought nothing. */
void files_recv_lost(LcFilesIncoming *inc, const GError *error)
{
    if (inc->state != INCOMING_ACCEPTED)
        return;
    guint64 now = files_incoming_bytes(inc);
    inc->tries = now > inc->tried_at ? 1 : inc->tries + 1;
    inc->tried_at = now;
    if (inc->tries >= FILES_RETRIES) {
        g_autoptr(GError) why =
            g_error_new(LC_WIRE_ERROR, WIRE_ERR_TIMEOUT, "%s from %s: gave up after %u tries: %s",
                        inc->name, inc->nick, inc->tries, error ? error->message : "closed");
        files_recv_end(inc, WIRE_ERR_CANCELLED, why->message);
        files_incoming_finish(inc, FALSE, why);
        return;
    }
    source_once(&inc->retry_src, FILES_RETRY_MS, files_recv_on_retry, inc);
}

/* The incoming file a channel serves, or NULL. */
static LcFilesIncoming *files_recv_by_chan(LcFiles *files, LcFileChan *chan)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->incoming);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (((LcFilesIncoming *)value)->chan == chan)
            return value;
    return NULL;
}

/* Bytes arrived. */
static void files_recv_on_progress(LcFileChan *chan, guint64 bytes, gpointer data)
{
    LcFilesIncoming *inc = files_recv_by_chan(data, chan);
    if (inc != NULL)
        files_recv_progress(inc);
}

/* Every byte is in: checked whole, then named. */
static void files_recv_on_complete(LcFileChan *chan, gpointer data)
{
    LcFilesIncoming *inc = files_recv_by_chan(data, chan);
    if (inc == NULL)
        return;
    g_autoptr(GError) error = NULL;
    if (!file_sink_finish(inc->sink, inc->sha256_hex, &error)) {
        files_recv_end(inc, WIRE_ERR_CANCELLED, error->message);
        files_incoming_finish(inc, FALSE, error);
        return;
    }
    files_recv_end(inc, 0, "whole, SHA-256 checked");
    files_incoming_finish(inc, TRUE, NULL);
}

/* The channel closed. */
static void files_recv_on_closed(LcFileChan *chan, const GError *error, gpointer data)
{
    LcFiles *files = data;
    LcFilesIncoming *inc = files_recv_by_chan(files, chan);
    if (inc == NULL)
        return; /* buried already */
    inc->chan = NULL;
    files_bury_chan(files, chan);
    files_recv_lost(inc, error);
}

static const LcFileChanEvents files_recv_chan_events = {
    .progress = files_recv_on_progress,
    .complete = files_recv_on_complete,
    .closed = files_recv_on_closed,
};

/* Connected (directly or to the relay): the channel says FILE_HELLO. */
static void files_recv_on_connected(GObject *object, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GIOStream) io = tls_client_connect_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    LcFilesIncoming *inc = data;
    g_clear_object(&inc->connecting);
    if (inc->state != INCOMING_ACCEPTED)
        return;
    if (io == NULL) {
        files_notice(inc->files, "%s from %s: %s %s", inc->name, inc->nick,
                     inc->way == WIRE_FILE_WAY_DIRECT ? "cannot reach the sender directly"
                                                      : "cannot open a channel to the relay",
                     error->message);
        if (inc->way == WIRE_FILE_WAY_DIRECT && (inc->ways & WIRE_FILE_WAY_RELAY))
            files_recv_ask(inc, TRUE); /* through the relay, then */
        else
            files_recv_lost(inc, error);
        return;
    }
    if (inc->sink == NULL) {
        files_recv_lost(inc, NULL); /* nothing to write into: ask again */
        return;
    }
    LcFileChanConfig config = {.role = FILE_CHAN_RECEIVER,
                               .greet = TRUE,
                               .transfer_id = inc->transfer_id,
                               .token = inc->token,
                               .sink = inc->sink,
                               .size = inc->size};
    inc->tried_at = file_sink_get_offset(inc->sink);
    inc->chan = file_chan_new(io, &config, &files_recv_chan_events, inc->files);
}

/* FILE_START (receiver): the way and token; the channel opens. */
static void files_recv_on_start(LcFiles *files, const LcWireMsg *msg)
{
    LcFilesIncoming *inc = NULL;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->incoming);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (((LcFilesIncoming *)value)->transfer_id == msg->file_start.transfer_id)
            inc = value;
    /* A swarm: a peer (or the sender) to pull from, or a peer to serve,
     * whole file or not. */
    if (inc != NULL && inc->swarm != NULL && msg->file_start.way == WIRE_FILE_WAY_SWARM &&
        (inc->state == INCOMING_ACCEPTED || inc->state == INCOMING_DONE)) {
        if (msg->file_start.role == WIRE_FILE_ROLE_RECEIVER)
            inc->way = WIRE_FILE_WAY_SWARM;
        if (inc->state == INCOMING_ACCEPTED || msg->file_start.role == WIRE_FILE_ROLE_SENDER)
            files_swarm_on_start(inc->swarm, msg);
        return;
    }
    if (inc == NULL || inc->state != INCOMING_ACCEPTED ||
        msg->file_start.role != WIRE_FILE_ROLE_RECEIVER)
        return;
    inc->way = msg->file_start.way;
    inc->token = msg->file_start.token;
    source_drop(&inc->retry_src); /* this start is the retry's answer */
    if (inc->chan != NULL) {
        files_bury_chan(files, g_steal_pointer(&inc->chan));
    }
    if (inc->connecting != NULL) {
        g_cancellable_cancel(inc->connecting);
        g_clear_object(&inc->connecting);
    }
    g_autoptr(GInetAddress) ip = NULL;
    guint16 port = 0;
    if (inc->way == WIRE_FILE_WAY_DIRECT) {
        ip = g_inet_address_new_from_string(msg->file_start.addr);
        port = msg->file_start.port;
    } else {
        g_autoptr(GInetSocketAddress) relay = session_get_relay_address(files->session);
        if (relay != NULL) {
            ip = g_object_ref(g_inet_socket_address_get_address(relay));
            port = g_inet_socket_address_get_port(relay);
        }
    }
    if (ip == NULL || port == 0) {
        files_recv_lost(inc, NULL);
        return;
    }
    inc->connecting = g_cancellable_new();
    files_connect(files, ip, port, inc->way == WIRE_FILE_WAY_RELAY, inc->connecting,
                  files_recv_on_connected, inc);
}

/* The file offered before (the same sender, name, size and hash), or NULL. */
static LcFilesIncoming *files_recv_match(LcFiles *files, const LcWireMsg *msg, const char *hex)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->incoming);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcFilesIncoming *inc = value;
        if (inc->state != INCOMING_GONE &&
            g_ascii_strcasecmp(inc->nick, msg->file_offered.nick) == 0 &&
            strcmp(inc->name, msg->file_offered.name) == 0 && inc->size == msg->file_offered.size &&
            strcmp(inc->sha256_hex, hex) == 0)
            return inc;
    }
    return NULL;
}

/* Why an offer is turned down before anyone is asked, or NULL. */
static GError *files_recv_screen(LcFiles *files, const LcWireMsg *msg)
{
    GError *error = NULL;
    if (!file_name_check(msg->file_offered.name, &error)) {
        g_prefix_error(
            &error, "%s offered a file with a name that is not allowed: ", msg->file_offered.nick);
        return error;
    }
    if (files->config.dir == NULL)
        return g_error_new(LC_WIRE_ERROR, WIRE_ERR_REJECTED,
                           "%s offers %s: this client takes no files (no folder for them)",
                           msg->file_offered.nick, msg->file_offered.name);
    if (files->config.max_size > 0 && msg->file_offered.size > files->config.max_size)
        return g_error_new(LC_FILE_ERROR, FILE_ERROR_TOO_LARGE,
                           "%s offers %s of %" G_GUINT64_FORMAT
                           " bytes, over this client's limit of %" G_GUINT64_FORMAT,
                           msg->file_offered.nick, msg->file_offered.name, msg->file_offered.size,
                           files->config.max_size);
    return NULL;
}

/* FILE_OFFERED: a new offer is shown (or taken at once); one seen before
 * goes on where it stopped. */
static void files_recv_on_offered(LcFiles *files, const LcWireMsg *msg)
{
    if (g_bytes_get_size(msg->file_offered.sha256) != WIRE_FILE_HASH_SIZE)
        return;
    g_autofree char *hex = file_hash_hex(msg->file_offered.sha256);
    LcFilesIncoming *inc = files_recv_match(files, msg, hex);
    if (inc != NULL) {
        inc->transfer_id = msg->file_offered.transfer_id;
        inc->ways = msg->file_offered.ways;
        if (inc->state == INCOMING_DONE)
            files_recv_answer(inc, WIRE_FILE_WHOLE, 0);
        else if (inc->state == INCOMING_REFUSED)
            files_recv_answer(inc, WIRE_FILE_REJECT, 0);
        else if (inc->state == INCOMING_ACCEPTED || inc->state == INCOMING_WAITING) {
            inc->state = INCOMING_ACCEPTED;
            inc->tries = 0;
            files_recv_ask(inc, FALSE);
        }
        return;
    }
    inc = g_new0(LcFilesIncoming, 1);
    inc->files = files;
    inc->id = files->next_id++;
    inc->transfer_id = msg->file_offered.transfer_id;
    inc->nick = g_strdup(msg->file_offered.nick);
    inc->name = g_strdup(msg->file_offered.name);
    inc->size = msg->file_offered.size;
    inc->ways = msg->file_offered.ways;
    inc->sha256_hex = g_steal_pointer(&hex);
    inc->state = INCOMING_ASKED;
    g_hash_table_insert(files->incoming, GUINT_TO_POINTER(inc->id), inc);
    g_autoptr(GError) error = files_recv_screen(files, msg);
    if (error != NULL) {
        files_recv_refuse(inc, error);
        files_incoming_finish(inc, FALSE, error);
        return;
    }
    if (files->config.auto_accept) {
        g_autoptr(GError) local = NULL;
        files_accept(files, inc->id, &local);
        return;
    }
    LcFilesProgress p;
    files_incoming_progress(inc, &p);
    if (files->events.offered)
        files->events.offered(files, &p, files->user_data);
}

/* FILE_END (receiver): the sender gave up or left; the part file stays,
 * and the transfer goes on if the offer comes again. */
static void files_recv_on_end(LcFiles *files, const LcWireMsg *msg)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->incoming);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcFilesIncoming *inc = value;
        if (inc->transfer_id != msg->file_end.transfer_id ||
            (inc->state != INCOMING_ACCEPTED && inc->state != INCOMING_ASKED))
            continue;
        if (inc->state == INCOMING_ASKED) {
            /* Withdrawn before it was answered: over; offered again, it is
             * asked about anew. */
            g_autoptr(GError) error =
                g_error_new(LC_WIRE_ERROR, WIRE_ERR_CANCELLED, "withdrawn: %s",
                            msg->file_end.reason[0] ? msg->file_end.reason : "the sender left");
            files_incoming_finish(inc, FALSE, error);
            inc->state = INCOMING_GONE;
            continue;
        }
        files_notice(inc->files,
                     "%s from %s stopped: %s (the part kept: it goes on if offered again)",
                     inc->name, inc->nick, msg->file_end.reason);
        inc->state = INCOMING_WAITING;
        source_drop(&inc->retry_src);
        if (inc->chan != NULL) {
            files_bury_chan(files, g_steal_pointer(&inc->chan));
        }
    }
}

/* Bytes arrived (any way): the rate, and the front end a few times a
 * second. */
void files_recv_progress(LcFilesIncoming *inc)
{
    guint64 bytes = files_incoming_bytes(inc);
    files_rate_update(&inc->rate, bytes);
    gint64 now = g_get_monotonic_time();
    if (now - inc->shown_us < FILES_PROGRESS_MS * 1000 && bytes < inc->size)
        return;
    inc->shown_us = now;
    LcFilesProgress p;
    files_incoming_progress(inc, &p);
    if (inc->files->events.progress)
        inc->files->events.progress(inc->files, &p, inc->files->user_data);
}

/* Swarm: every chunk is in: the whole file is checked and named; the
 * swarm serves its peers on. */
void files_recv_swarm_complete(LcFilesIncoming *inc)
{
    g_autoptr(GError) error = NULL;
    if (!file_parts_finish(inc->parts, inc->sha256_hex, &error)) {
        files_recv_end(inc, WIRE_ERR_CANCELLED, error->message);
        files_incoming_finish(inc, FALSE, error);
        return;
    }
    files_recv_end(inc, 0, "whole, SHA-256 checked");
    files_incoming_finish(inc, TRUE, NULL);
}

/* Swarm: the sender's channel was lost before the end. */
/* Swarm: the sender cannot be reached at all: through the relay, then,
 * when it offers that (the part file starts afresh), else a lost channel. */
void files_recv_swarm_unreachable(LcFilesIncoming *inc, const GError *error)
{
    files_notice(inc->files, "%s from %s: cannot reach the sender for the swarm (%s)", inc->name,
                 inc->nick, error ? error->message : "closed");
    if (inc->state == INCOMING_ACCEPTED && (inc->ways & WIRE_FILE_WAY_RELAY))
        files_recv_ask(inc, TRUE);
    else
        files_recv_lost(inc, error);
}

/* FILE_OFFERED, FILE_START and FILE_END for this client as a receiver. */
void files_recv_on_message(LcFiles *files, const LcWireMsg *msg)
{
    if (msg->type == WIRE_FILE_OFFERED)
        files_recv_on_offered(files, msg);
    else if (msg->type == WIRE_FILE_START)
        files_recv_on_start(files, msg);
    else if (msg->type == WIRE_FILE_END)
        files_recv_on_end(files, msg);
}

/* Takes an offer into the folder: the part file opens (or is taken up). */
gboolean files_accept(LcFiles *files, guint id, GError **error)
{
    LcFilesIncoming *inc = g_hash_table_lookup(files->incoming, GUINT_TO_POINTER(id));
    if (inc == NULL || inc->state != INCOMING_ASKED) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no offer %u is waiting", id);
        return FALSE;
    }
    LcFileSinkConfig config = {.dir = files->config.dir,
                               .name = inc->name,
                               .size = inc->size,
                               .max_size = files->config.max_size,
                               .overwrite = files->config.overwrite};
    g_autoptr(GError) local = NULL;
    /* A swarm's chunks come in any order: the part file is written in
     * place; any other way appends. */
    gboolean swarm =
        (inc->ways & files->config.ways & WIRE_FILE_WAY_SWARM) && files_send_listen(files, NULL);
    if (swarm && (inc->parts = file_parts_open(&config, &local)) != NULL)
        inc->swarm = files_swarm_new(inc);
    else if (!swarm)
        inc->sink = file_sink_open(&config, &local);
    if (inc->sink == NULL && inc->parts == NULL) {
        files_recv_refuse(inc, local);
        files_incoming_finish(inc, FALSE, local);
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    inc->state = INCOMING_ACCEPTED;
    files_recv_ask(inc, FALSE);
    return TRUE;
}

/* Turns an offer down. */
gboolean files_reject(LcFiles *files, guint id)
{
    LcFilesIncoming *inc = g_hash_table_lookup(files->incoming, GUINT_TO_POINTER(id));
    if (inc == NULL || inc->state != INCOMING_ASKED)
        return FALSE;
    files_recv_answer(inc, WIRE_FILE_REJECT, 0);
    g_autoptr(GError) error = g_error_new_literal(LC_WIRE_ERROR, WIRE_ERR_REJECTED, "turned down");
    files_incoming_finish(inc, FALSE, error);
    return TRUE;
}
