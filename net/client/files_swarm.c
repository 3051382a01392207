/* files_swarm.c: a receiver's part in a swarm (files.h).
 *
 * The file comes in chunks (net/files/file_parts.h) from several
 * upstreams at once: the sender, which says which chunks to ask it for
 * (files_seed.c), and the other receivers, which say which chunks they
 * have (FILE_HAVE). A chunk is asked of one upstream at a time, a couple
 * per upstream ahead, the other receivers first; each chunk is checked
 * against the sender's hash for it (FILE_HASHES), and a chunk that comes
 * wrong is asked again elsewhere. Every chunk that arrives is announced to
 * everyone this receiver is connected to, and this receiver serves the
 * chunks it has to the receivers that connect to it (downstreams), on the
 * same port a sender serves direct transfers on, for as long as it runs.
 */
#include "net/client/files_private.h"

#include "net/io/source.h"
#include "net/secure/tls_client.h"

#include <string.h>

/* One upstream: a channel this receiver pulls chunks on. */
typedef struct {
    LcFilesSwarm *swarm;
    char *nick;
    gboolean sender; /* the file's sender (it gives the chunk hashes) */
    guint64 token;
    LcFileChan *chan;
    GCancellable *connecting;
    guint8 has[FILE_CHUNKS_MAX]; /* the chunks it said it has */
    gboolean all;                /* the sender, asked for anything after a stall */
    /* The chunks being pulled from it, in the order asked (their bytes
     * come in that order), and how far the asking has got: at most a
     * window of bytes is asked ahead. */
    guint32 pulling[FILES_SWARM_AHEAD];
    guint n_pulling;
    guint ask_i;      /* the first of them not wholly asked for */
    guint64 ask_next; /* its next byte to ask for; 0: its start */
} LcSwarmUp;

struct _LcFilesSwarm {
    LcFilesIncoming *inc;
    GPtrArray *ups;      /* LcSwarmUp */
    GHashTable *tokens;  /* downstream tokens expected (a set) */
    GPtrArray *downs;    /* LcFileChan accepted and paired, serving peers */
    LcFileSource *serve; /* the part file, read for downstreams */
    LcSwarmUp **from;    /* per chunk: the upstream it is pulled from, or NULL */
    gint64 moved_us;     /* monotonic: the last chunk that came whole */
    GSource *stall_src;  /* looks for a swarm that stopped moving */
};

#define FILES_SWARM_STALL_S 5 /* nothing whole for this long: the sender is asked for anything */

static const LcFileChanEvents files_swarm_up_events;

/* Frees an upstream, its channel closed without a word. */
static void files_swarm_up_free(gpointer data)
{
    LcSwarmUp *up = data;
    if (up->connecting != NULL) {
        g_cancellable_cancel(up->connecting);
        g_object_unref(up->connecting);
    }
    if (up->chan != NULL)
        files_bury_chan(up->swarm->inc->files, up->chan);
    g_free(up->nick);
    g_free(up);
}

static void files_swarm_schedule(LcFilesSwarm *swarm);

/* Once a second: a swarm that has moved nothing for FILES_SWARM_STALL_S,
 * with nothing being pulled (peers that cannot be reached, a chunk held
 * only by a peer gone quiet), asks the sender for whatever it lacks. */
static gboolean files_swarm_on_stall_check(gpointer data)
{
    LcFilesSwarm *swarm = data;
    if (swarm->inc->state != INCOMING_ACCEPTED ||
        g_get_monotonic_time() - swarm->moved_us < FILES_SWARM_STALL_S * G_USEC_PER_SEC)
        return G_SOURCE_CONTINUE;
    for (guint i = 0; i < swarm->ups->len; i++) {
        LcSwarmUp *up = swarm->ups->pdata[i];
        if (up->n_pulling > 0)
            return G_SOURCE_CONTINUE;
    }
    for (guint i = 0; i < swarm->ups->len; i++) {
        LcSwarmUp *up = swarm->ups->pdata[i];
        up->all = up->all || up->sender;
    }
    swarm->moved_us = g_get_monotonic_time();
    files_swarm_schedule(swarm);
    return G_SOURCE_CONTINUE;
}

/* A swarm for an incoming file whose parts are open: it serves the part
 * file to its peers from the start (the source stays valid once the file
 * is renamed whole). */
LcFilesSwarm *files_swarm_new(LcFilesIncoming *inc)
{
    LcFilesSwarm *swarm = g_new0(LcFilesSwarm, 1);
    swarm->inc = inc;
    swarm->serve = file_source_open_part(file_parts_get_part_path(inc->parts), inc->size, NULL);
    swarm->moved_us = g_get_monotonic_time();
    swarm->stall_src = source_add_timeout(1000, files_swarm_on_stall_check, swarm);
    swarm->ups = g_ptr_array_new_with_free_func(files_swarm_up_free);
    swarm->tokens = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    swarm->downs = g_ptr_array_new();
    swarm->from = g_new0(LcSwarmUp *, FILE_CHUNKS_MAX);
    return swarm;
}

/* Stops pulling and serving. */
void files_swarm_free(LcFilesSwarm *swarm)
{
    if (swarm == NULL)
        return;
    /* The downstreams are the files' (accepted), freed with them. */
    g_ptr_array_unref(swarm->downs);
    g_ptr_array_unref(swarm->ups);
    g_hash_table_unref(swarm->tokens);
    source_drop(&swarm->stall_src);
    g_clear_pointer(&swarm->serve, file_source_unref);
    g_free(swarm->from);
    g_free(swarm);
}

/* The upstream a channel belongs to, or NULL. */
static LcSwarmUp *files_swarm_up_of(LcFilesSwarm *swarm, LcFileChan *chan)
{
    for (guint i = 0; i < swarm->ups->len; i++)
        if (((LcSwarmUp *)swarm->ups->pdata[i])->chan == chan)
            return swarm->ups->pdata[i];
    return NULL;
}

/* Says FILE_HAVE on a channel. */
static void files_swarm_say_have(LcFileChan *chan, guint32 chunk)
{
    LcWireMsg have = {.type = WIRE_FILE_HAVE};
    have.file_have.chunk = chunk;
    file_chan_send_msg(chan, &have);
}

/* Tells everyone connected of a chunk had. */
static void files_swarm_announce(LcFilesSwarm *swarm, guint32 chunk)
{
    for (guint i = 0; i < swarm->ups->len; i++) {
        LcSwarmUp *up = swarm->ups->pdata[i];
        if (up->chan != NULL && file_chan_is_ready(up->chan))
            files_swarm_say_have(up->chan, chunk);
    }
    for (guint i = 0; i < swarm->downs->len; i++)
        files_swarm_say_have(swarm->downs->pdata[i], chunk);
}

/* Tells one channel of every chunk had. */
static void files_swarm_tell_all(LcFilesSwarm *swarm, LcFileChan *chan)
{
    LcFileParts *parts = swarm->inc->parts;
    for (guint32 k = 0; file_parts_has_hashes(parts) && k < file_parts_get_chunks(parts); k++)
        if (file_parts_has(parts, k))
            files_swarm_say_have(chan, k);
}

/* Asks an upstream for the next bytes of the chunks it is pulling, up to
 * a window ahead. */
static void files_swarm_feed(LcFilesSwarm *swarm, LcSwarmUp *up)
{
    LcFileParts *parts = swarm->inc->parts;
    while (up->chan != NULL && up->ask_i < up->n_pulling &&
           file_chan_get_pending(up->chan) < FILE_CHAN_WINDOW) {
        guint32 k = up->pulling[up->ask_i];
        guint64 start = (guint64)k * file_parts_get_chunk_size(parts);
        guint64 end = start + file_parts_chunk_len(parts, k);
        guint64 at = MAX(up->ask_next, start);
        guint32 len = (guint32)MIN((guint64)FILE_CHAN_DATA_MAX, end - at);
        file_chan_get(up->chan, at, len);
        up->ask_next = at + len;
        if (up->ask_next >= end) {
            up->ask_i++;
            up->ask_next = 0;
        }
    }
}

/* Pulls a chunk from an upstream. */
static void files_swarm_pull(LcFilesSwarm *swarm, LcSwarmUp *up, guint32 k)
{
    up->pulling[up->n_pulling++] = k;
    swarm->from[k] = up;
    files_swarm_feed(swarm, up);
}

/* A chunk an upstream was pulling is whole (or wrong): the first it asked. */
static void files_swarm_pulled(LcSwarmUp *up, guint32 k)
{
    for (guint i = 0; i < up->n_pulling; i++) {
        if (up->pulling[i] != k)
            continue;
        memmove(&up->pulling[i], &up->pulling[i + 1], (up->n_pulling - i - 1) * sizeof(guint32));
        up->n_pulling--;
        if (up->ask_i > i)
            up->ask_i--;
        return;
    }
}

/* Keeps each upstream busy: a couple of chunks ahead, the chunks it has
 * that this receiver lacks and pulls from no one; the other receivers
 * before the sender, so that the sender's uplink carries each chunk
 * about once. */
static void files_swarm_schedule(LcFilesSwarm *swarm)
{
    LcFileParts *parts = swarm->inc->parts;
    if (parts == NULL || !file_parts_has_hashes(parts) || swarm->inc->state != INCOMING_ACCEPTED)
        return;
    guint32 chunks = file_parts_get_chunks(parts);
    for (guint pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < swarm->ups->len; i++) {
            LcSwarmUp *up = swarm->ups->pdata[i];
            if (up->sender != (pass == 1) || up->chan == NULL || !file_chan_is_ready(up->chan))
                continue;
            for (guint32 k = 0; k < chunks && up->n_pulling < FILES_SWARM_AHEAD; k++)
                if ((up->has[k] || up->all) && !file_parts_has(parts, k) && swarm->from[k] == NULL)
                    files_swarm_pull(swarm, up, k);
        }
    }
}

/* Forgets what an upstream was pulling (it went, or sent a bad chunk). */
static void files_swarm_drop_up(LcFilesSwarm *swarm, LcSwarmUp *up)
{
    LcFileParts *parts = swarm->inc->parts;
    for (guint32 k = 0; parts != NULL && k < file_parts_get_chunks(parts); k++) {
        if (swarm->from[k] == up) {
            swarm->from[k] = NULL;
            file_parts_forget(parts, k);
        }
    }
    up->n_pulling = 0;
    up->ask_i = 0;
    up->ask_next = 0;
}

/* Lets go of an upstream (it sent a wrong chunk): its channel closes, what
 * it was pulling goes elsewhere, and it is not asked again. */
static void files_swarm_drop_bad(LcFilesSwarm *swarm, LcSwarmUp *up)
{
    files_notice(swarm->inc->files,
                 "%s: %s sent a chunk that does not match its hash; no more is taken from %s",
                 swarm->inc->name, up->nick, up->nick);
    files_swarm_drop_up(swarm, up);
    g_ptr_array_remove(swarm->ups, up);
}

/* Bytes of a chunk arrived: written and hashed; a whole chunk is announced
 * (or, if wrong, asked again elsewhere). */
static void files_swarm_on_data(LcFileChan *chan, guint64 offset, GBytes *bytes, gpointer data)
{
    LcFilesSwarm *swarm = data;
    LcSwarmUp *up = files_swarm_up_of(swarm, chan);
    LcFileParts *parts = swarm->inc->parts;
    if (up == NULL || parts == NULL)
        return;
    gsize len = 0;
    const guint8 *p = g_bytes_get_data(bytes, &len);
    LcFilePartsResult result;
    g_autoptr(GError) error = NULL;
    guint32 k = (guint32)(offset / file_parts_get_chunk_size(parts));
    if (!file_parts_write(parts, offset, p, len, &result, &error)) {
        file_chan_close(chan, error);
        return;
    }
    if (result == FILE_PARTS_MORE) {
        files_swarm_feed(swarm, up);
        return;
    }
    swarm->from[k] = NULL;
    files_swarm_pulled(up, k);
    if (result == FILE_PARTS_BAD && !up->sender) {
        files_swarm_drop_bad(swarm, up);
    } else if (result == FILE_PARTS_BAD) {
        up->has[k] = 0;
    } else {
        swarm->moved_us = g_get_monotonic_time();
        files_swarm_feed(swarm, up);
        files_swarm_announce(swarm, k);
        files_recv_progress(swarm->inc);
        if (file_parts_get_done(parts) == file_parts_get_chunks(parts)) {
            files_recv_swarm_complete(swarm->inc);
            return;
        }
    }
    files_swarm_schedule(swarm);
}

/* FILE_HASHES (from the sender) or FILE_HAVE (from anyone upstream). */
static void files_swarm_on_message(LcFileChan *chan, const LcWireMsg *msg, gpointer data)
{
    LcFilesSwarm *swarm = data;
    LcSwarmUp *up = files_swarm_up_of(swarm, chan);
    LcFileParts *parts = swarm->inc->parts;
    if (up == NULL || parts == NULL)
        return;
    if (msg->type == WIRE_FILE_HASHES && up->sender && !file_parts_has_hashes(parts)) {
        g_autoptr(GError) error = NULL;
        if (msg->file_hashes.first != 0 ||
            !file_parts_set_hashes(parts, msg->file_hashes.chunk_size, msg->file_hashes.hashes,
                                   &error)) {
            file_chan_close(chan, error);
            return;
        }
        /* A part file taken up again may hold chunks already. */
        for (guint i = 0; i < swarm->ups->len; i++) {
            LcSwarmUp *other = swarm->ups->pdata[i];
            if (other->chan != NULL && file_chan_is_ready(other->chan))
                files_swarm_tell_all(swarm, other->chan);
        }
        for (guint i = 0; i < swarm->downs->len; i++)
            files_swarm_tell_all(swarm, swarm->downs->pdata[i]);
        files_recv_progress(swarm->inc);
        if (file_parts_get_done(parts) == file_parts_get_chunks(parts)) {
            files_recv_swarm_complete(swarm->inc);
            return;
        }
    } else if (msg->type == WIRE_FILE_HAVE && msg->file_have.chunk < FILE_CHUNKS_MAX) {
        if (up->has[msg->file_have.chunk])
            return; /* said before: nothing new to do */
        up->has[msg->file_have.chunk] = 1;
    }
    files_swarm_schedule(swarm);
}

/* An upstream is paired: it learns which chunks this receiver has. */
static void files_swarm_on_ready(LcFileChan *chan, gpointer data)
{
    LcFilesSwarm *swarm = data;
    files_swarm_tell_all(swarm, chan);
    files_swarm_schedule(swarm);
}

/* An upstream closed: what it was pulling goes elsewhere; losing the
 * sender before the end is a lost channel (asked again, or given up). */
static void files_swarm_on_closed(LcFileChan *chan, const GError *error, gpointer data)
{
    LcFilesSwarm *swarm = data;
    LcSwarmUp *up = files_swarm_up_of(swarm, chan);
    if (up == NULL)
        return; /* replaced: buried already */
    files_bury_chan(swarm->inc->files, chan);
    up->chan = NULL;
    files_swarm_drop_up(swarm, up);
    memset(up->has, 0, sizeof(up->has));
    gboolean sender = up->sender;
    g_ptr_array_remove(swarm->ups, up);
    if (sender && swarm->inc->state == INCOMING_ACCEPTED)
        files_recv_lost(swarm->inc, error);
    else
        files_swarm_schedule(swarm);
}

static const LcFileChanEvents files_swarm_up_events = {
    .ready = files_swarm_on_ready,
    .data = files_swarm_on_data,
    .message = files_swarm_on_message,
    .closed = files_swarm_on_closed,
};

/* Connected to an upstream: the channel says FILE_HELLO. */
static void files_swarm_on_connected(GObject *object, GAsyncResult *result, gpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GIOStream) io = tls_client_connect_finish(result, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    LcSwarmUp *up = data;
    LcFilesSwarm *swarm = up->swarm;
    g_clear_object(&up->connecting);
    if (io == NULL) {
        files_notice(swarm->inc->files, "%s: cannot reach %s for the swarm: %s", swarm->inc->name,
                     up->nick, error->message);
        gboolean sender = up->sender;
        g_ptr_array_remove(swarm->ups, up);
        if (sender)
            files_recv_swarm_unreachable(swarm->inc, error);
        return;
    }
    LcFileChanConfig config = {.role = FILE_CHAN_RECEIVER,
                               .greet = TRUE,
                               .swarm = TRUE,
                               .transfer_id = swarm->inc->transfer_id,
                               .token = up->token};
    up->chan = file_chan_new(io, &config, &files_swarm_up_events, swarm);
}

/* FILE_START of the swarm: role receiver, an upstream to connect to (it
 * replaces one of that nick); role sender, a downstream's token to expect. */
void files_swarm_on_start(LcFilesSwarm *swarm, const LcWireMsg *start)
{
    if (start->file_start.role == WIRE_FILE_ROLE_SENDER) {
        guint64 *token = g_new(guint64, 1);
        *token = start->file_start.token;
        g_hash_table_add(swarm->tokens, token);
        return;
    }
    for (guint i = 0; i < swarm->ups->len; i++) {
        LcSwarmUp *old = swarm->ups->pdata[i];
        if (g_ascii_strcasecmp(old->nick, start->file_start.nick) == 0) {
            files_swarm_drop_up(swarm, old);
            g_ptr_array_remove_index(swarm->ups, i);
            break;
        }
    }
    g_autoptr(GInetAddress) ip = g_inet_address_new_from_string(start->file_start.addr);
    if (ip == NULL || start->file_start.port == 0)
        return;
    LcSwarmUp *up = g_new0(LcSwarmUp, 1);
    up->swarm = swarm;
    up->nick = g_strdup(start->file_start.nick);
    up->sender = g_ascii_strcasecmp(up->nick, swarm->inc->nick) == 0;
    up->token = start->file_start.token;
    up->connecting = g_cancellable_new();
    g_ptr_array_add(swarm->ups, up);
    files_connect(swarm->inc->files, ip, start->file_start.port, FALSE, up->connecting,
                  files_swarm_on_connected, up);
}

/* A downstream's FILE_HELLO: the swarm that expects its token serves it
 * the part file. */
LcFileSource *files_swarm_take_down(LcFiles *files, LcFileChan *chan, guint64 token)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->incoming);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcFilesIncoming *inc = value;
        LcFilesSwarm *swarm = inc->swarm;
        if (swarm == NULL || !g_hash_table_remove(swarm->tokens, &token))
            continue;
        if (swarm->serve == NULL)
            return NULL;
        g_ptr_array_add(swarm->downs, chan);
        return file_source_ref(swarm->serve);
    }
    return NULL;
}

/* The swarm a downstream channel serves, or NULL. */
static LcFilesSwarm *files_swarm_of_down(LcFiles *files, LcFileChan *chan)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, files->incoming);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcFilesSwarm *swarm = ((LcFilesIncoming *)value)->swarm;
        if (swarm != NULL && g_ptr_array_find(swarm->downs, chan, NULL))
            return swarm;
    }
    return NULL;
}

/* A downstream is paired: it learns which chunks this receiver has. */
void files_swarm_down_ready(LcFiles *files, LcFileChan *chan)
{
    LcFilesSwarm *swarm = files_swarm_of_down(files, chan);
    if (swarm != NULL)
        files_swarm_tell_all(swarm, chan);
}

/* A downstream closed. */
void files_swarm_down_closed(LcFiles *files, LcFileChan *chan)
{
    LcFilesSwarm *swarm = files_swarm_of_down(files, chan);
    if (swarm != NULL)
        g_ptr_array_remove(swarm->downs, chan);
}
