/* files.c: files in the room, the part sending and receiving share: the
 * session's messages routed, rates, channels connected and freed
 * (files.h). */
#include "net/client/files_private.h"

#include "net/io/source.h"
#include "net/secure/tls_client.h"

/* Routes the session's file messages: FILE_START by role, FILE_END by
 * whether it names an offer of this client's; WELCOME offers again what is
 * unfinished. */
static void files_on_message(LcSession *session, const LcWireMsg *msg, gpointer data)
{
    LcFiles *files = data;
    switch (msg->type) {
    case WIRE_WELCOME:
    case WIRE_STREAM_NOTICE: {
        /* Media first: files yield while the room has a camera or voice. */
        gboolean media = room_streams_get_all(session_get_streams(session))->len > 0;
        if (media != files->media) {
            files->media = media;
            files_send_apply_rate(files);
        }
        if (msg->type == WIRE_WELCOME)
            files_send_rejoined(files);
        break;
    }
    case WIRE_FILE_START:
        /* A swarm's receiver may be asked to serve its peers: a FILE_START
         * role sender for no offer of its own. */
        if (msg->file_start.role == WIRE_FILE_ROLE_SENDER && msg->file_start.offer_id != 0)
            files_send_on_message(files, msg);
        else
            files_recv_on_message(files, msg);
        break;
    case WIRE_FILE_END:
        if (msg->file_end.offer_id != 0)
            files_send_on_message(files, msg);
        else
            files_recv_on_message(files, msg);
        break;
    case WIRE_FILE_OFFERED:
        if (msg->file_offered.offer_id != 0)
            files_send_on_message(files, msg);
        else
            files_recv_on_message(files, msg);
        break;
    case WIRE_PRESENCE:
        files_send_on_message(files, msg);
        break;
    default:
        break;
    }
}

/* Files for a session (created with LcSessionConfig.files). */
LcFiles *files_new(LcSession *session, const LcFilesConfig *config, const LcFilesEvents *events,
                   gpointer user_data)
{
    LcFiles *files = g_new0(LcFiles, 1);
    files->session = session;
    files->config = *config;
    files->dir = g_strdup(config->dir);
    files->config.dir = files->dir;
    if (files->config.ways == 0)
        files->config.ways = WIRE_FILE_WAYS_ALL;
    files->events = *events;
    files->user_data = user_data;
    files->next_id = 1;
    files->offers = g_hash_table_new_full(NULL, NULL, NULL, files_offer_free);
    files->incoming = g_hash_table_new_full(NULL, NULL, NULL, files_incoming_free);
    files->dead_chans = g_ptr_array_new_with_free_func((GDestroyNotify)file_chan_free);
    files->accepted = g_hash_table_new(NULL, NULL);
    files->cancel = g_cancellable_new();
    files->watch = session_add_watch(session, files_on_message, files);
    return files;
}

/* Frees the closed channels. */
static void files_on_reap(gpointer data)
{
    LcFiles *files = data;
    g_ptr_array_set_size(files->dead_chans, 0);
}

/* Queues a channel to be freed from an idle (never inside its own
 * callbacks); it is silenced and closed now, so that nothing it does
 * meanwhile reaches an owner that let go of it. */
void files_bury_chan(LcFiles *files, LcFileChan *chan)
{
    if (chan == NULL)
        return;
    file_chan_detach(chan);
    g_hash_table_remove(files->accepted, chan);
    g_ptr_array_add(files->dead_chans, chan);
    source_once(&files->reap_src, 0, files_on_reap, files);
}

/* Updates a rate: bytes since the last update over the time since, blended
 * with the last rate, once at least half a second has passed. */
void files_rate_update(LcFilesRate *rate, guint64 done)
{
    gint64 now = g_get_monotonic_time();
    if (rate->at_us == 0 || done < rate->at_bytes) {
        rate->at_us = now;
        rate->at_bytes = done;
        return;
    }
    gint64 span = now - rate->at_us;
    if (span < G_USEC_PER_SEC / 2)
        return;
    double instant = (double)(done - rate->at_bytes) * G_USEC_PER_SEC / (double)span;
    rate->rate = rate->rate > 0 ? 0.5 * rate->rate + 0.5 * instant : instant;
    rate->at_us = now;
    rate->at_bytes = done;
}

/* Connects a file channel: to the relay with TLS and its pinned
 * fingerprint (when the session has one), or to a sender's port. */
void files_connect(LcFiles *files, GInetAddress *ip, guint16 port, gboolean relay,
                   GCancellable *cancel, GAsyncReadyCallback callback, gpointer data)
{
    const char *fingerprint = relay ? session_get_fingerprint(files->session, NULL) : NULL;
    g_autofree char *host = g_inet_address_to_string(ip);
    g_autofree char *name = g_strdup_printf("%s:%u", host, port);
    LcTlsPin pin = {.relay = name, .expect = fingerprint};
    tls_client_connect_async(ip, port, 10, fingerprint ? &pin : NULL, cancel, callback, data);
}

/* A line for the user. */
void files_notice(LcFiles *files, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, args);
    va_end(args);
    if (files->events.notice)
        files->events.notice(files, text, files->user_data);
    else
        g_message("%s", text);
}

/* Sends on the session (dropped when not joined: what it says is said
 * again after the next join). */
void files_send_msg(LcFiles *files, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    if (!session_send(files->session, msg, &error))
        g_debug("%s not sent: %s", wire_type_name(msg->type), error->message);
}

/* The rate each sending transfer is held to now. */
double files_get_rate(LcFiles *files)
{
    double rate = files->config.rate;
    double media =
        files->config.media_rate == 0 ? FILES_MEDIA_RATE_DEFAULT : files->config.media_rate;
    if (files->media && media > 0)
        rate = rate > 0 ? MIN(rate, media) : media;
    return rate;
}

/* File bytes sent so far. */
guint64 files_get_uploaded(LcFiles *files)
{
    return files->uploaded;
}

/* The direct port, or 0. */
guint16 files_get_direct_port(LcFiles *files)
{
    return files->port;
}

/* Stops every transfer (part files stay for a later resume). */
void files_free(LcFiles *files)
{
    if (files == NULL)
        return;
    g_cancellable_cancel(files->cancel);
    session_remove_watch(files->session, files->watch);
    if (files->service != NULL) {
        g_socket_service_stop(files->service);
        g_socket_listener_close(G_SOCKET_LISTENER(files->service));
        g_object_unref(files->service);
    }
    g_hash_table_unref(files->offers);
    g_hash_table_unref(files->incoming);
    GHashTableIter iter;
    gpointer chan;
    g_hash_table_iter_init(&iter, files->accepted);
    while (g_hash_table_iter_next(&iter, &chan, NULL))
        file_chan_free(chan);
    g_hash_table_unref(files->accepted);
    source_drop(&files->reap_src);
    g_ptr_array_unref(files->dead_chans);
    g_object_unref(files->cancel);
    g_free(files->dir);
    g_free(files);
}
