/* relay_files_chan.c: file channels through the relay.
 *
 * A file channel starts as an ordinary connection whose first frame is
 * FILE_HELLO (as a video channel's is VIDEO_HELLO); its token names the
 * pair FILE_START announced, and the role which side it is. Once both
 * sides are there each gets FILE_READY, and from then on the receiver's
 * FILE_GETs go to the sender and the sender's FILE_DATA to the receiver,
 * checked on the way: the sender sends nothing it was not asked for, and
 * the receiver never has more than RELAY_FILES_WINDOW_MAX bytes asked for
 * and not received. That is all the relay ever holds of a file, however
 * large, and however slowly the receiver reads.
 */
#include "net/relay/relay_files_private.h"

#include "net/files/file_chan.h"
#include "net/io/source.h"

/* A sender's channel takes FILE_DATA; a receiver's FILE_GET. */
#define RELAY_FILES_SMALL_PAYLOAD 64
#define RELAY_FILES_FLUSH_MS      2000

static const LcChanStreamEvents relay_files_chan_events;

/* Frees the closed channels (from an idle, never inside their callbacks). */
static void relay_files_on_reap(gpointer data)
{
    LcRelayFiles *files = data;
    for (guint i = 0; i < files->dead->len; i++) {
        LcRelayFileChan *chan = files->dead->pdata[i];
        chan_stream_free(chan->stream);
        relay_count_connection(files->relay, chan->ip, -1);
        g_free(chan->ip);
        g_free(chan);
    }
    g_ptr_array_set_size(files->dead, 0);
}

/* A fresh random token no pair has. */
static void relay_files_new_token(LcRelayFiles *files, guint64 *token)
{
    do
        *token = relay_random_token();
    while (g_hash_table_contains(files->pairs, token));
}

/* A pair with fresh tokens, one per side. */
LcRelayFilePair *relay_files_pair_new(LcRelayFiles *files, guint64 transfer_id)
{
    LcRelayFilePair *pair = g_new0(LcRelayFilePair, 1);
    relay_files_new_token(files, &pair->token);
    g_hash_table_insert(files->pairs, &pair->token, pair);
    relay_files_new_token(files, &pair->sender_token);
    g_hash_table_insert(files->pairs, &pair->sender_token, pair);
    pair->transfer_id = transfer_id;
    return pair;
}

/* Ends a pair: its channels close (each side learns it by the close). */
void relay_files_pair_end(LcRelayFiles *files, guint64 token)
{
    LcRelayFilePair *pair = token ? g_hash_table_lookup(files->pairs, &token) : NULL;
    if (pair == NULL)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(pair->side); i++) {
        LcRelayFileChan *chan = pair->side[i];
        if (chan == NULL)
            continue;
        chan->pair = NULL;
        source_drop(&chan->timeout);
        chan_stream_close_after_flush(chan->stream, NULL, RELAY_FILES_FLUSH_MS);
    }
    g_hash_table_remove(files->pairs, &pair->token);
    g_hash_table_remove(files->pairs, &pair->sender_token);
    g_free(pair);
}

/* Tells a channel's peer why it is cut off, and ends its pair. */
static void relay_files_chan_fail(LcRelayFileChan *chan, LcWireErrorCode code, const char *reason)
{
    LcRelayFiles *files = chan->files;
    files->relay->counters.protocol_errors += code == WIRE_ERR_PROTOCOL;
    g_autoptr(GBytes) frame = wire_encode_error(code, TRUE, 0, reason);
    chan_stream_discard_unsent(chan->stream);
    chan_stream_send(chan->stream, frame);
    if (chan->pair != NULL)
        relay_files_pair_end(files, chan->pair->token);
    else
        chan_stream_close_after_flush(chan->stream, NULL, RELAY_FILES_FLUSH_MS);
}

/* Passes a message on to the other side. */
static void relay_files_forward(LcRelayFileChan *to, const LcWireMsg *msg)
{
    g_autoptr(GBytes) frame = wire_msg_encode(msg, NULL);
    if (frame != NULL)
        chan_stream_send(to->stream, frame);
}

/* A frame from one side of a pair: checked, then passed on. */
static void relay_files_on_frame(LcChanStream *stream, const LcWireHeader *header,
                                 const guint8 *payload, gint64 first_us, gint64 last_us,
                                 gpointer data)
{
    LcRelayFileChan *chan = data;
    LcRelayFilePair *pair = chan->pair;
    LcWireMsg msg;
    g_autoptr(GError) error = NULL;
    if (chan_stream_is_closing(stream))
        return;
    if (!chan_stream_decode(stream, header, &msg, &error)) {
        relay_files_chan_fail(chan, (LcWireErrorCode)error->code, error->message);
        return;
    }
    LcRelayFileChan *other = pair ? pair->side[chan->role == WIRE_FILE_ROLE_SENDER ? 1 : 0] : NULL;
    if (other == NULL) {
        relay_files_chan_fail(chan, WIRE_ERR_PROTOCOL, "nothing is sent before FILE_READY");
    } else if (chan->role == WIRE_FILE_ROLE_RECEIVER && msg.type == WIRE_FILE_GET) {
        pair->asked += msg.file_get.length;
        if (msg.file_get.length == 0 || msg.file_get.length > WIRE_FILE_DATA_MAX ||
            pair->asked > RELAY_FILES_WINDOW_MAX)
            relay_files_chan_fail(chan, WIRE_ERR_PROTOCOL,
                                  "FILE_GET asks for more than the relay holds for a transfer");
        else
            relay_files_forward(other, &msg);
    } else if (chan->role == WIRE_FILE_ROLE_SENDER && msg.type == WIRE_FILE_DATA) {
        gsize len = g_bytes_get_size(msg.file_data.data);
        if (len > pair->asked) {
            relay_files_chan_fail(chan, WIRE_ERR_PROTOCOL, "FILE_DATA that was not asked for");
        } else {
            pair->asked -= len;
            chan->files->bytes += len;
            relay_files_forward(other, &msg);
        }
    } else if (msg.type != WIRE_ERROR) {
        g_autofree char *reason =
            g_strdup_printf("%s out of place on a file channel", wire_type_name(msg.type));
        relay_files_chan_fail(chan, WIRE_ERR_PROTOCOL, reason);
    }
    wire_msg_clear(&msg);
}

/* A channel closed: its pair ends, and it is freed from an idle. */
static void relay_files_on_closed(LcChanStream *stream, const GError *error, gpointer data)
{
    LcRelayFileChan *chan = data;
    LcRelayFiles *files = chan->files;
    source_drop(&chan->timeout);
    if (chan->pair != NULL) {
        LcRelayFilePair *pair = chan->pair;
        pair->side[chan->role - 1] = NULL;
        chan->pair = NULL;
        relay_files_pair_end(files, pair->token);
    }
    g_hash_table_remove(files->chans, chan);
    g_ptr_array_add(files->dead, chan);
    source_once(&files->reap_src, 0, relay_files_on_reap, files);
}

static const LcChanStreamEvents relay_files_chan_events = {
    .frame = relay_files_on_frame,
    .closed = relay_files_on_closed,
};

/* A channel whose other side never came. */
static void relay_files_on_timeout(gpointer data)
{
    LcRelayFileChan *chan = data;
    relay_files_chan_fail(chan, WIRE_ERR_TIMEOUT, "the other side of the transfer never came");
}

/* FILE_HELLO: the connection becomes one side of its pair. */
void relay_files_adopt(LcRelayFiles *files, LcRelayClient *client, const LcWireMsg *hello)
{
    guint8 role = hello->file_hello.role;
    guint64 token = hello->file_hello.token;
    LcRelayFilePair *pair = g_hash_table_lookup(files->pairs, &token);
    guint8 token_role = pair == NULL                  ? 0
                        : token == pair->sender_token ? WIRE_FILE_ROLE_SENDER
                                                      : WIRE_FILE_ROLE_RECEIVER;
    if (pair == NULL || pair->transfer_id != hello->file_hello.transfer_id || role != token_role ||
        pair->side[role - 1] != NULL) {
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0,
                                "FILE_HELLO names no transfer waiting with that token");
        return;
    }
    LcRelayFileChan *chan = g_new0(LcRelayFileChan, 1);
    chan->files = files;
    chan->ip = g_strdup(client->ip);
    chan->role = role;
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    limits.control_max = 2 * RELAY_FILES_WINDOW_MAX;
    limits.max_payload =
        role == WIRE_FILE_ROLE_SENDER ? 8 + WIRE_FILE_DATA_MAX : RELAY_FILES_SMALL_PAYLOAD;
    g_autoptr(GError) error = NULL;
    /* The one connection is counted once: by the channel from now on. */
    client->handed_over = TRUE;
    chan->stream = relay_take_stream(client->conn, &limits, &relay_files_chan_events, chan, &error);
    if (chan->stream == NULL) {
        client->handed_over = FALSE;
        relay_client_send_error(client, WIRE_ERR_INTERNAL, TRUE, 0, error->message);
        g_free(chan->ip);
        g_free(chan);
        return;
    }
    relay_client_retire(client, "became a file channel");
    file_chan_mark_bulk(chan_stream_get_socket(chan->stream));
    g_hash_table_add(files->chans, chan);
    chan->pair = pair;
    pair->side[role - 1] = chan;
    chan_stream_start(chan->stream);
    if (pair->side[0] == NULL || pair->side[1] == NULL) {
        source_once(&chan->timeout, RELAY_FILES_PAIR_TIMEOUT_S * 1000, relay_files_on_timeout,
                    chan);
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS(pair->side); i++) {
        source_drop(&pair->side[i]->timeout);
        LcWireMsg ready = {.type = WIRE_FILE_READY};
        ready.file_ready.transfer_id = pair->transfer_id;
        relay_files_forward(pair->side[i], &ready);
    }
}

/* Frees every channel at once (the relay stops). */
void relay_files_chan_free_all(LcRelayFiles *files)
{
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, files->chans);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        LcRelayFileChan *chan = key;
        source_drop(&chan->timeout);
        chan->pair = NULL;
        g_ptr_array_add(files->dead, chan);
    }
    g_hash_table_remove_all(files->chans);
    GHashTableIter pairs;
    gpointer pair_key, value;
    g_hash_table_iter_init(&pairs, files->pairs);
    while (g_hash_table_iter_next(&pairs, &pair_key, &value))
        if (pair_key == &((LcRelayFilePair *)value)->token)
            g_free(value); /* once per pair: under its receiver's token */
    g_hash_table_remove_all(files->pairs);
    source_drop(&files->reap_src);
    /* Freeing a stream reports nothing: each is closed silently. */
    relay_files_on_reap(files);
}
