/* relay_video.c: the relay's camera channels: streams and viewers, the
 * control requests that make them (STREAM_OPEN, VIEW...), and the fan-out of
 * each complete frame to the viewers of its stream.
 *
 * A stream belongs to the control connection that opened it and ends with it.
 * A viewer is a standing request for a nick's stream: it waits while that
 * stream does not exist, is attached (VIEW_READY, with a fresh token) when it
 * starts, and goes back to waiting (VIEW_END) when it ends.
 */
#include "net/relay/relay_video_private.h"

#include "net/relay/nick_hold.h"
#include "net/wire/validate.h"

#include "net/relay/relay_defaults.h"

#include <string.h>

/* Fills the camera-channel part of a config with its defaults. */
void relay_video_config_init(LcRelayConfig *config)
{
    config->video_frame_max = RELAY_DEFAULT_VIDEO_FRAME_MAX;
    config->video_queue_frames = RELAY_DEFAULT_VIDEO_QUEUE_FRAMES;
    config->video_queue_bytes = RELAY_DEFAULT_VIDEO_QUEUE_BYTES;
    config->video_control_max = LC_CHAN_DEFAULT_CONTROL_MAX;
    config->video_tcp_notsent_lowat = LC_CHAN_DEFAULT_TCP_NOTSENT_LOWAT;
    config->video_reassembly_ms = LC_CHAN_DEFAULT_REASSEMBLY_MS;
    config->video_reassembly_frames = LC_CHAN_DEFAULT_REASSEMBLY_FRAMES;
    config->video_udp_pace_mbps = LC_CHAN_DEFAULT_UDP_PACE_MBPS;
    config->video_udp_pace_burst = LC_CHAN_DEFAULT_UDP_PACE_BURST;
    config->video_socket_buffer = LC_CHAN_DEFAULT_SOCKET_BUFFER;
    config->video_max_views = RELAY_DEFAULT_VIDEO_MAX_VIEWS;
    config->audio_max_views = RELAY_DEFAULT_AUDIO_MAX_VIEWS;
}

/* The next free id; streams and viewers share one space. */
static guint32 relay_video_new_id(LcRelayVideo *video)
{
    for (;;) {
        guint32 id = ++video->next_id;
        if (id != 0 && relay_video_find_stream(video, id) == NULL &&
            relay_video_find_viewer(video, id) == NULL)
            return id;
    }
}

/* Finds a stream by id. */
LcRelayStream *relay_video_find_stream(LcRelayVideo *video, guint32 id)
{
    return g_hash_table_lookup(video->streams, GUINT_TO_POINTER(id));
}

/* Finds a viewer by id. */
LcRelayViewer *relay_video_find_viewer(LcRelayVideo *video, guint32 id)
{
    return g_hash_table_lookup(video->viewers, GUINT_TO_POINTER(id));
}

/* Sends a message to a control connection, if it is still in the room. */
static void relay_video_send_control(LcRelayVideo *video, guint64 session, const LcWireMsg *msg)
{
    LcRelayClient *client = g_hash_table_lookup(video->relay->clients, &session);
    if (client == NULL || client->state != CLIENT_JOINED)
        return;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, NULL);
    if (frame != NULL)
        relay_client_enqueue(client, frame);
}

/* Refuses a STREAM_OPEN or VIEW without closing the connection. */
void relay_video_refuse(LcRelayClient *client, guint8 request, LcMediaKind media,
                        LcWireErrorCode code, const char *nick, const char *reason)
{
    LcWireMsg msg = {.type = WIRE_VIDEO_REFUSED, .flags = media_kind_to_flags(media)};
    msg.video_refused.request = request;
    msg.video_refused.code = code;
    msg.video_refused.nick = (char *)(nick ? nick : "");
    msg.video_refused.reason = (char *)reason;
    g_autoptr(GBytes) frame = wire_msg_encode(&msg, NULL);
    if (frame != NULL)
        relay_client_enqueue(client, frame);
}

/* The table of a channel kind. */
const LcRelayTransportOps *relay_transport_for(LcChanKind kind)
{
    static const LcRelayTransportOps *const tables[LC_CHAN_KINDS] = {
        [LC_CHAN_TCP] = &relay_tcp_ops,
        [LC_CHAN_UDP] = &relay_udp_ops,
    };
    g_return_val_if_fail((guint)kind < LC_CHAN_KINDS, &relay_tcp_ops);
    return tables[kind];
}

/* Forwards a complete frame to the viewers that take its kind of channel. */
void relay_video_fan_out(LcRelayStream *stream, LcFrame *frame, LcChanKind kind)
{
    const LcRelayTransportOps *ops = relay_transport_for(kind);
    for (guint i = 0; i < stream->viewers->len; i++) {
        LcRelayViewer *viewer = stream->viewers->pdata[i];
        if ((viewer->channels & LC_CHAN_BIT(kind)) && ops->viewer_is_open(viewer))
            ops->forward(viewer, frame);
    }
}

/* Closes or forgets every transport's channel of a viewer. */
static void relay_video_viewer_detach_all(LcRelayViewer *viewer)
{
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        relay_transport_for(k)->viewer_detach(viewer);
}

/* Tells a stream's owner, if it asked for notices, that a member started
 * or stopped watching it (WATCH_NOTICE): a sender sees who watches. */
static void relay_video_tell_watch(LcRelayViewer *viewer, LcRelayStream *stream,
                                   LcWireStreamState state)
{
    LcRelay *relay = viewer->video->relay;
    LcRelayClient *owner = g_hash_table_lookup(relay->clients, &stream->owner);
    /* The viewer's own nick: its client may be gone from the tables already. */
    if (stream->ending || owner == NULL || !owner->notices || viewer->nick == NULL)
        return;
    LcWireMsg msg = {.type = WIRE_WATCH_NOTICE, .flags = media_kind_to_flags(stream->media)};
    msg.watch_notice.state = state;
    msg.watch_notice.stream_id = stream->id;
    msg.watch_notice.nick = viewer->nick;
    relay_video_send_control(viewer->video, stream->owner, &msg);
}

/* A new UDP key, set up in *key, for a stream or view whose owner speaks
 * TLS (the key goes to it over TLS); NULL (plain UDP) otherwise. */
static GBytes *relay_video_new_udp_key(gboolean tls, guint64 token, LcDgramKey *key)
{
    dgram_crypt_key_clear(key);
    if (!tls)
        return NULL;
    GBytes *bytes = dgram_crypt_new_key();
    g_autoptr(GError) error = NULL;
    if (!dgram_crypt_key_init(key, g_bytes_get_data(bytes, NULL), TRUE, token, &error))
        g_error("UDP keys: %s", error->message); /* GnuTLS without AES-256-GCM */
    return bytes;
}

/* Attaches a waiting viewer to a stream and tells it where to connect. */
static void relay_video_viewer_attach(LcRelayViewer *viewer, LcRelayStream *stream)
{
    LcRelayVideo *video = viewer->video;
    const LcRelayConfig *cfg = &video->relay->config;
    if (viewer->bound == NULL)
        viewer->bound = g_strdup(stream->instance);
    viewer->stream = stream;
    viewer->token = relay_random_token();
    viewer->stats.stream_id = stream->id;
    token_bucket_init(&viewer->pace, cfg->video_udp_pace_mbps * 1e6 / 8.0,
                      cfg->video_udp_pace_burst, g_get_monotonic_time());
    g_ptr_array_add(stream->viewers, viewer);

    LcWireMsg msg = {.type = WIRE_VIEW_READY, .flags = media_kind_to_flags(stream->media)};
    msg.view_ready.viewer_id = viewer->id;
    msg.view_ready.stream_id = stream->id;
    msg.view_ready.token = viewer->token;
    msg.view_ready.udp_port = relay_get_port(video->relay);
    msg.view_ready.channels = viewer->channels & stream->channels;
    msg.view_ready.frame_max = stream->frame_max;
    msg.view_ready.nick = stream->nick;
    g_autoptr(GBytes) key = relay_video_new_udp_key(viewer->tls, viewer->token, &viewer->udp_key);
    msg.view_ready.key = key;
    relay_video_send_control(video, viewer->owner, &msg);
    relay_video_tell_watch(viewer, stream, WIRE_STREAM_STARTED);
}

/* Detaches a viewer from its stream; it waits for the stream again. */
void relay_video_viewer_detach(LcRelayViewer *viewer, const char *reason, gboolean tell)
{
    LcRelayStream *stream = viewer->stream;
    if (stream == NULL)
        return;
    g_ptr_array_remove(stream->viewers, viewer);
    relay_video_viewer_detach_all(viewer); /* VIEW_END says why */
    relay_video_tell_watch(viewer, stream, WIRE_STREAM_ENDED);
    if (tell) {
        LcWireMsg msg = {.type = WIRE_VIEW_END, .flags = media_kind_to_flags(stream->media)};
        msg.view_end.viewer_id = viewer->id;
        msg.view_end.stream_id = stream->id;
        msg.view_end.nick = stream->nick;
        msg.view_end.reason = (char *)(reason ? reason : "");
        relay_video_send_control(viewer->video, viewer->owner, &msg);
    }
    viewer->stream = NULL;
    viewer->token = 0;
    dgram_crypt_key_clear(&viewer->udp_key);
    viewer->stats.stream_id = 0;
}

/* Frees a viewer (detached). */
static void relay_video_viewer_free(gpointer data)
{
    LcRelayViewer *viewer = data;
    relay_video_viewer_detach_all(viewer);
    g_free(viewer->nick);
    g_free(viewer->want);
    g_free(viewer->want_key);
    g_free(viewer->bound);
    dgram_crypt_key_clear(&viewer->udp_key);
    g_free(viewer);
}

/* Frees a stream (its viewers detached, its channel closed). */
static void relay_video_stream_free(gpointer data)
{
    LcRelayStream *stream = data;
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        relay_transport_for(k)->stream_detach(stream);
    g_clear_pointer(&stream->reasm, frag_reassembler_free);
    g_clear_pointer(&stream->head_frame, frame_unref);
    g_clear_pointer(&stream->head, g_bytes_unref);
    g_ptr_array_unref(stream->viewers);
    g_free(stream->nick);
    g_free(stream->instance);
    dgram_crypt_key_clear(&stream->udp_key);
    g_free(stream);
}

static void relay_video_end_orphans(LcRelayVideo *video, GPtrArray *waiting);

/* The STREAM_NOTICE that says a stream started or ended. */
GBytes *relay_video_encode_notice(const LcRelayStream *stream, LcWireStreamState state)
{
    LcWireMsg msg = {.type = WIRE_STREAM_NOTICE, .flags = media_kind_to_flags(stream->media)};
    if (stream->private)
        msg.flags |= WIRE_FLAG_PRIVATE;
    msg.stream_notice.state = state;
    msg.stream_notice.stream_id = stream->id;
    msg.stream_notice.nick = stream->nick;
    msg.stream_notice.channels = stream->channels;
    return wire_msg_encode(&msg, NULL);
}

/* Tells the room (every member that asked for notices) that a stream
 * started or ended: that is how members know who is on camera and whom to
 * listen to, without asking. */
static void relay_video_announce(LcRelayStream *stream, LcWireStreamState state)
{
    g_autoptr(GBytes) frame = relay_video_encode_notice(stream, state);
    if (frame != NULL)
        relay_broadcast(stream->video->relay, frame, NULL, RELAY_BROADCAST_NOTICES);
}

/* A member changed nick: its streams follow, and the room is told. */
void relay_video_renamed(LcRelayVideo *video, LcRelayClient *client)
{
    for (guint m = 0; m < LC_MEDIA_KINDS; m++) {
        LcRelayStream *stream = relay_video_owned(video, client->session_id, m);
        if (stream == NULL)
            continue;
        g_free(stream->nick);
        stream->nick = g_strdup(client->nick);
        relay_video_announce(stream, WIRE_STREAM_STARTED);
    }
    /* Its views carry the new nick too (statistics, WATCH_NOTICE). */
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayViewer *viewer = value;
        if (viewer->owner != client->session_id)
            continue;
        g_free(viewer->nick);
        viewer->nick = g_strdup(client->nick);
    }
    /* A private stream's viewer is allowed by nick: under a new one it may
     * no longer be. */
    relay_video_acl_recheck(video, client->session_id);
}

/* Tells a member who has just joined of every stream there is. */
void relay_video_send_notices(LcRelayVideo *video, LcRelayClient *client)
{
    if (!client->notices)
        return;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->streams);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        g_autoptr(GBytes) frame = relay_video_encode_notice(value, WIRE_STREAM_STARTED);
        if (frame != NULL)
            relay_client_enqueue(client, frame);
    }
}

/* Ends a stream: its viewers are told and wait again; it is freed. */
static void relay_video_stream_end(LcRelayStream *stream, const char *reason)
{
    LcRelayVideo *video = stream->video;
    g_autoptr(GPtrArray) waiting = g_ptr_array_new();
    stream->ending = TRUE;
    while (stream->viewers->len > 0) {
        LcRelayViewer *viewer = stream->viewers->pdata[stream->viewers->len - 1];
        relay_video_viewer_detach(viewer, reason, TRUE);
        g_ptr_array_add(waiting, viewer);
    }
    relay_video_end_orphans(video, waiting);
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        relay_transport_for(k)->stream_detach(stream);
    relay_video_announce(stream, WIRE_STREAM_ENDED);
    g_info("%s stream %u of %s ended: %s", media_kind_name(stream->media), stream->id, stream->nick,
           reason);
    g_hash_table_remove(video->owners, &stream->owner_key);
    g_hash_table_remove(video->streams, GUINT_TO_POINTER(stream->id));
}

/* Where a connection's stream of a media kind is filed in video->owners. */
static guint64 relay_video_owner_key(guint64 session_id, LcMediaKind media)
{
    return session_id * LC_MEDIA_KINDS + media;
}

/* The stream of a kind that a control connection owns, if any. */
LcRelayStream *relay_video_owned(LcRelayVideo *video, guint64 session_id, LcMediaKind media)
{
    guint64 key = relay_video_owner_key(session_id, media);
    return g_hash_table_lookup(video->owners, &key);
}

/* Attaches every waiting viewer that asked for this stream's nick and kind;
 * those a private stream's owner has not allowed are refused. */
static void relay_video_attach_waiting(LcRelayVideo *video, LcRelayStream *stream)
{
    g_autofree char *key = g_ascii_strdown(stream->nick, -1);
    g_autoptr(GPtrArray) refused = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayViewer *viewer = value;
        if (viewer->stream == NULL && viewer->media == stream->media &&
            strcmp(viewer->want_key, key) == 0 && (viewer->channels & stream->channels) != 0 &&
            (viewer->bound == NULL || strcmp(viewer->bound, stream->instance) == 0)) {
            if (relay_video_acl_allows(video, stream, viewer->owner, viewer->nick))
                relay_video_viewer_attach(viewer, stream);
            else
                g_ptr_array_add(refused, viewer);
        }
    }
    for (guint i = 0; i < refused->len; i++)
        relay_video_acl_refuse_view(refused->pdata[i], stream);
}

/* STREAM_OPEN: a new stream of a media kind for this connection's nick. */
static void relay_video_handle_open(LcRelayVideo *video, LcRelayClient *client, LcMediaKind media,
                                    guint8 channels, gboolean private)
{
    const LcRelayConfig *cfg = &video->relay->config;
    LcRelayStream *old = relay_video_owned(video, client->session_id, media);
    /* One stream of each media kind per connection: a new STREAM_OPEN
     * replaces the old stream of its kind (a sender that gave up before
     * STREAM_READY could not name it to close it). Its viewers are told it
     * ended and attach to the new one. */
    if (old != NULL)
        relay_video_stream_end(old, "replaced by a new stream");
    LcRelayStream *stream = g_new0(LcRelayStream, 1);
    stream->video = video;
    stream->id = relay_video_new_id(video);
    stream->token = relay_random_token();
    stream->owner = client->session_id;
    stream->owner_key = relay_video_owner_key(client->session_id, media);
    stream->media = media;
    stream->nick = g_strdup(client->nick);
    stream->instance = g_strdup(client->instance);
    stream->channels = channels;
    stream->private = private;
    stream->frame_max = media == LC_MEDIA_AUDIO ? MIN(cfg->video_frame_max, RELAY_AUDIO_FRAME_MAX)
                                                : cfg->video_frame_max;
    stream->viewers = g_ptr_array_new();
    stream->stats.stream_id = stream->id;
    LcFragLimits limits = {
        .frame_max = stream->frame_max,
        .max_frames = cfg->video_reassembly_frames,
        .max_bytes = 4 * (gsize)stream->frame_max,
        .deadline_us = (gint64)cfg->video_reassembly_ms * 1000,
    };
    stream->reasm = frag_reassembler_new(&limits, NULL, NULL);
    g_hash_table_insert(video->streams, GUINT_TO_POINTER(stream->id), stream);
    g_hash_table_insert(video->owners, &stream->owner_key, stream);

    LcWireMsg msg = {.type = WIRE_STREAM_READY, .flags = media_kind_to_flags(media)};
    msg.stream_ready.stream_id = stream->id;
    msg.stream_ready.token = stream->token;
    msg.stream_ready.udp_port = relay_get_port(video->relay);
    msg.stream_ready.channels = channels;
    msg.stream_ready.frame_max = stream->frame_max;
    g_autoptr(GBytes) key =
        relay_video_new_udp_key(chan_stream_is_tls(client->conn), stream->token, &stream->udp_key);
    msg.stream_ready.key = key;
    relay_video_send_control(video, client->session_id, &msg);
    g_info("%s@%s opened %s%s stream %u", client->nick, chan_stream_get_peer(client->conn),
           private ? "private " : "", media_kind_name(media), stream->id);
    relay_video_announce(stream, WIRE_STREAM_STARTED);
    relay_video_attach_waiting(video, stream);
}

/* The stream of a kind owned by the member with this nick, if any. */
static LcRelayStream *relay_video_stream_of_nick(LcRelayVideo *video, const char *nick_key,
                                                 LcMediaKind media)
{
    LcRelayClient *owner = g_hash_table_lookup(video->relay->nicks, nick_key);
    return owner ? relay_video_owned(video, owner->session_id, media) : NULL;
}

/* The viewer a connection holds for a nick's stream of a kind, if any;
 * count is how many views of that kind the connection holds. */
static LcRelayViewer *relay_video_find_view(LcRelayVideo *video, guint64 owner,
                                            const char *nick_key, LcMediaKind media, guint *count)
{
    LcRelayViewer *found = NULL;
    GHashTableIter iter;
    gpointer value;
    *count = 0;
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayViewer *viewer = value;
        if (viewer->owner != owner || viewer->media != media)
            continue;
        (*count)++;
        if (strcmp(viewer->want_key, nick_key) == 0)
            found = viewer;
    }
    return found;
}

/* The client instance that has a nick now: its member's, or the one it is
 * held for; NULL when the nick is free. */
const char *relay_video_nick_instance(LcRelayVideo *video, const char *nick_key)
{
    LcRelay *relay = video->relay;
    LcRelayClient *member = g_hash_table_lookup(relay->nicks, nick_key);
    if (member != NULL)
        return member->instance;
    return nick_holds_find(relay->holds, nick_key, g_get_real_time(), NULL);
}

/* VIEW: a standing request for a nick's stream of a media kind. */
static void relay_video_handle_view(LcRelayVideo *video, LcRelayClient *client, const char *nick,
                                    LcMediaKind media, guint8 channels)
{
    g_autoptr(GError) error = NULL;
    if (!validate_nick(nick, &error)) {
        relay_video_refuse(client, WIRE_VIEW, media, WIRE_ERR_BAD_NICK, "", error->message);
        return;
    }
    g_autofree char *key = g_ascii_strdown(nick, -1);
    guint count = 0;
    if (relay_video_find_view(video, client->session_id, key, media, &count) != NULL) {
        relay_video_refuse(client, WIRE_VIEW, media, WIRE_ERR_PROTOCOL, nick,
                           "already viewing this nick");
        return;
    }
    const LcRelayConfig *cfg = &video->relay->config;
    guint max = media == LC_MEDIA_AUDIO ? cfg->audio_max_views : cfg->video_max_views;
    if (count >= max) {
        g_autofree char *reason = g_strdup_printf("too many %s views on this connection (%u)",
                                                  media_kind_name(media), max);
        relay_video_refuse(client, WIRE_VIEW, media, WIRE_ERR_SERVER_FULL, nick, reason);
        return;
    }
    LcRelayStream *stream = relay_video_stream_of_nick(video, key, media);
    if (stream != NULL &&
        !relay_video_acl_allows(video, stream, client->session_id, client->nick)) {
        g_autofree char *reason =
            relay_video_acl_refusal(video, stream, client->session_id, client->nick);
        relay_video_refuse(client, WIRE_VIEW, media, WIRE_ERR_NOT_ALLOWED, nick, reason);
        return;
    }
    if (stream != NULL && (stream->channels & channels) == 0) {
        relay_video_refuse(client, WIRE_VIEW, media, WIRE_ERR_PROTOCOL, nick,
                           "the stream has none of the channels asked for");
        return;
    }
    LcRelayViewer *viewer = g_new0(LcRelayViewer, 1);
    viewer->video = video;
    viewer->id = relay_video_new_id(video);
    viewer->owner = client->session_id;
    viewer->nick = g_strdup(client->nick);
    viewer->want = g_strdup(nick);
    viewer->bound = g_strdup(relay_video_nick_instance(video, key));
    viewer->want_key = g_steal_pointer(&key);
    viewer->media = media;
    viewer->channels = channels;
    viewer->tls = chan_stream_is_tls(client->conn);
    viewer->stats.viewer_id = viewer->id;
    g_queue_init(&viewer->udp_queue);
    g_hash_table_insert(video->viewers, GUINT_TO_POINTER(viewer->id), viewer);
    if (stream != NULL)
        relay_video_viewer_attach(viewer, stream);
}

/* Removes a viewer for good. */
void relay_video_viewer_remove(LcRelayViewer *viewer)
{
    relay_video_viewer_detach(viewer, NULL, FALSE);
    g_hash_table_remove(viewer->video->viewers, GUINT_TO_POINTER(viewer->id));
}

/*
 * A viewer lost a reference frame (H.264) and asks for a keyframe: passed
 * to the stream's sender, once per RELAY_KEYFRAME_REQUEST_GAP_US, so that
 * many viewers on a lossy LAN ask once; only to a sender that said in its
 * HELLO it takes them. Only a viewer of the stream may ask, for a channel
 * that exists; anything else is dropped (a request may cross the stream's
 * end).
 */
static void relay_video_handle_keyframe(LcRelayVideo *video, LcRelayClient *client,
                                        const LcWireMsg *msg)
{
    LcRelayStream *stream = relay_video_find_stream(video, msg->keyframe_request.stream_id);
    if (stream == NULL || msg->keyframe_request.channel >= LC_CHAN_KINDS)
        return;
    gboolean viewing = FALSE;
    for (guint i = 0; i < stream->viewers->len && !viewing; i++)
        viewing = ((LcRelayViewer *)stream->viewers->pdata[i])->owner == client->session_id;
    gint64 now = g_get_monotonic_time();
    if (!viewing || (stream->keyframe_asked_us != 0 &&
                     now - stream->keyframe_asked_us < RELAY_KEYFRAME_REQUEST_GAP_US))
        return;
    LcRelayClient *owner = g_hash_table_lookup(video->relay->clients, &stream->owner);
    if (owner == NULL || owner->state != CLIENT_JOINED || !owner->keyframes)
        return; /* a client from before KEYFRAME_REQUEST would close on it */
    stream->keyframe_asked_us = now;
    LcWireMsg out = {.type = WIRE_KEYFRAME_REQUEST};
    out.keyframe_request.stream_id = stream->id;
    out.keyframe_request.channel = msg->keyframe_request.channel;
    g_autoptr(GBytes) frame = wire_msg_encode(&out, NULL);
    if (frame != NULL)
        relay_client_enqueue(owner, frame);
}

/* Handles a camera-channel request on a joined control connection. */
void relay_video_handle_control(LcRelayVideo *video, LcRelayClient *client, const LcWireMsg *msg)
{
    LcMediaKind media = media_kind_from_flags(msg->flags);
    /* Every STREAM_OPEN or VIEW costs each viewer a VIEW_END and a
     * VIEW_READY, or the relay a search: they are flood-controlled. */
    LcTokenBucket *bucket =
        msg->type == WIRE_STREAM_OPEN ? &client->open_flood : &client->stream_flood[media];
    if ((msg->type == WIRE_STREAM_OPEN || msg->type == WIRE_VIEW) &&
        token_bucket_take(bucket, 1, g_get_monotonic_time()) != 0) {
        g_autofree char *reason = g_strdup_printf(
            "stream flood control: at most %.0f %s at once, then %d per second", bucket->burst,
            msg->type == WIRE_STREAM_OPEN ? "stream openings"
            : media == LC_MEDIA_AUDIO     ? "audio views"
                                          : "camera views",
            RELAY_STREAM_REQUEST_RATE);
        relay_video_refuse(client, msg->type, media, WIRE_ERR_RATE_LIMITED,
                           msg->type == WIRE_VIEW ? msg->view.nick : client->nick, reason);
        return;
    }
    switch (msg->type) {
    case WIRE_STREAM_OPEN:
        relay_video_handle_open(video, client, media, msg->stream_open.channels,
                                (msg->flags & WIRE_FLAG_PRIVATE) != 0);
        break;
    case WIRE_STREAM_CLOSE: {
        LcRelayStream *stream = relay_video_find_stream(video, msg->stream_close.stream_id);
        if (stream != NULL && stream->owner == client->session_id)
            relay_video_stream_end(stream, "the sender closed the stream");
        break;
    }
    case WIRE_VIEW:
        relay_video_handle_view(video, client, msg->view.nick, media, msg->view.channels);
        break;
    case WIRE_VIEW_CLOSE: {
        g_autofree char *key = g_ascii_strdown(msg->view_close.nick, -1);
        guint count = 0;
        LcRelayViewer *viewer =
            relay_video_find_view(video, client->session_id, key, media, &count);
        if (viewer != NULL)
            relay_video_viewer_remove(viewer);
        break;
    }
    case WIRE_STATS_REQUEST:
        relay_video_handle_stats(video, client, msg->stats_request.request);
        break;
    case WIRE_KEYFRAME_REQUEST:
        relay_video_handle_keyframe(video, client, msg);
        break;
    case WIRE_CAMERA_ACL:
        relay_video_acl_handle(video, client, msg);
        break;
    default:
        break;
    }
}

/* A control connection is gone: its streams end, its viewers go. */
void relay_video_client_gone(LcRelayVideo *video, guint64 session_id)
{
    for (guint m = 0; m < LC_MEDIA_KINDS; m++) {
        LcRelayStream *stream = relay_video_owned(video, session_id, m);
        if (stream != NULL)
            relay_video_stream_end(stream, "the sender left");
    }
    g_autoptr(GPtrArray) gone = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (((LcRelayViewer *)value)->owner == session_id)
            g_ptr_array_add(gone, value);
    for (guint i = 0; i < gone->len; i++)
        relay_video_viewer_remove(gone->pdata[i]);
}

/* Ends a view whose nick now belongs to `who`, another client: the viewer
 * is told (VIDEO_REFUSED, NICK_TAKEN) and must view again. */
static void relay_video_end_view(LcRelayViewer *viewer, const char *who)
{
    LcRelayVideo *video = viewer->video;
    LcRelayClient *owner = g_hash_table_lookup(video->relay->clients, &viewer->owner);
    if (owner != NULL && owner->state == CLIENT_JOINED) {
        g_autofree char *reason = g_strdup_printf("nick '%s' now belongs to another client (%s); "
                                                  "the view ended: view it again to watch the "
                                                  "new one",
                                                  viewer->want, who);
        relay_video_refuse(owner, WIRE_VIEW, viewer->media, WIRE_ERR_NICK_TAKEN, viewer->want,
                           reason);
    }
    relay_video_viewer_remove(viewer);
}

/* Ends or binds the views of a nick a client has just taken. */
void relay_video_nick_taken(LcRelayVideo *video, LcRelayClient *client)
{
    g_autoptr(GPtrArray) ended = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayViewer *viewer = value;
        if (viewer->stream != NULL || strcmp(viewer->want_key, client->nick_key) != 0)
            continue;
        if (viewer->bound == NULL)
            viewer->bound = g_strdup(client->instance);
        else if (strcmp(viewer->bound, client->instance) != 0)
            g_ptr_array_add(ended, viewer);
    }
    g_autofree char *who =
        g_strdup_printf("%s@%s", client->nick, chan_stream_get_peer(client->conn));
    for (guint i = 0; i < ended->len; i++)
        relay_video_end_view(ended->pdata[i], who);
}

/* Views that went back to waiting when their stream ended, while their
 * nick had passed to another client (the owner renamed itself away, and
 * someone took the name): they end as in relay_video_nick_taken(). */
static void relay_video_end_orphans(LcRelayVideo *video, GPtrArray *waiting)
{
    for (guint i = 0; i < waiting->len; i++) {
        LcRelayViewer *viewer = waiting->pdata[i];
        const char *now = relay_video_nick_instance(video, viewer->want_key);
        if (viewer->bound != NULL && now != NULL && strcmp(viewer->bound, now) != 0)
            relay_video_end_view(viewer, "another client");
    }
}

/* Starts the engine. */
LcRelayVideo *relay_video_new(LcRelay *relay, GError **error)
{
    LcRelayVideo *video = g_new0(LcRelayVideo, 1);
    video->relay = relay;
    video->streams = g_hash_table_new_full(NULL, NULL, NULL, relay_video_stream_free);
    video->owners = g_hash_table_new(g_int64_hash, g_int64_equal);
    video->viewers = g_hash_table_new_full(NULL, NULL, NULL, relay_video_viewer_free);
    video->dead_chans = g_ptr_array_new();
    video->shared_chans = g_ptr_array_new();
    if (!relay_udp_open(video, error)) {
        relay_video_free(video);
        return NULL;
    }
    return video;
}

/* Tells every video channel that the relay stops, and closes them. */
void relay_video_shutdown(LcRelayVideo *video, guint timeout_ms)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->streams);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        relay_video_tcp_close(((LcRelayStream *)value)->tcp, WIRE_ERR_SHUTDOWN,
                              "relay is stopping");
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        relay_video_tcp_close(((LcRelayViewer *)value)->tcp, WIRE_ERR_SHUTDOWN,
                              "relay is stopping");
    relay_video_tcp_close_shared(video, WIRE_ERR_SHUTDOWN, "relay is stopping");
}

/* Frees the engine, every channel, stream and viewer. */
void relay_video_free(LcRelayVideo *video)
{
    if (video == NULL)
        return;
    GHashTableIter iter;
    gpointer value;
    relay_video_tcp_reap(video);
    /* A shared channel is freed once, not once per view on it. */
    relay_video_tcp_free_shared(video);
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayViewer *viewer = value;
        relay_video_tcp_destroy(g_steal_pointer(&viewer->tcp));
        viewer->stream = NULL;
    }
    g_hash_table_iter_init(&iter, video->streams);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        relay_video_tcp_destroy(g_steal_pointer(&((LcRelayStream *)value)->tcp));
    relay_video_tcp_reap(video);
    relay_udp_close(video);
    g_hash_table_destroy(video->viewers);
    g_hash_table_destroy(video->owners);
    g_hash_table_destroy(video->streams);
    g_ptr_array_unref(video->dead_chans);
    g_ptr_array_unref(video->shared_chans);
    g_free(video);
}
