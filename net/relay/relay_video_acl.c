/* relay_video_acl.c: private streams. A stream opened with STREAM_OPEN's
 * PRIVATE flag is viewed only by its owner and the nicks the owner allows
 * (CAMERA_ACL); a VIEW from anyone else is refused with NOT_ALLOWED, at
 * once or when the stream starts, and a member the owner denies, or who
 * takes a nick the owner has not allowed, loses its views of it. The list
 * is the owner's, by nick and the client instance that had the nick, for
 * as long as its connection lasts: a client sends it again after a
 * reconnect. */
#include "net/relay/relay_defaults.h"
#include "net/relay/relay_video_private.h"
#include "net/wire/validate.h"

#include <string.h>

/* Why a member may or may not view a stream. */
typedef enum {
    ACL_ALLOWED,
    ACL_NOT_LISTED,   /* its nick is not on the owner's list */
    ACL_OTHER_CLIENT, /* its nick is, for another client that had it */
} LcAclVerdict;

/*
 * The verdict for the member on control connection viewer_session. An
 * entry holds the client instance that had the nick when it was allowed
 * (or, allowed before anyone had it, the first to view under it): a nick
 * given up and taken by someone else does not carry the grant with it.
 */
static LcAclVerdict relay_video_acl_verdict(LcRelayVideo *video, const LcRelayStream *stream,
                                            guint64 viewer_session, const char *viewer_nick)
{
    if (!stream->private || viewer_session == stream->owner)
        return ACL_ALLOWED;
    LcRelay *relay = video->relay;
    LcRelayClient *owner = g_hash_table_lookup(relay->clients, &stream->owner);
    LcRelayClient *viewer = g_hash_table_lookup(relay->clients, &viewer_session);
    if (owner == NULL || owner->allowed == NULL || viewer == NULL || viewer_nick == NULL)
        return ACL_NOT_LISTED;
    g_autofree char *key = g_ascii_strdown(viewer_nick, -1);
    gpointer bound = NULL;
    if (!g_hash_table_lookup_extended(owner->allowed, key, NULL, &bound))
        return ACL_NOT_LISTED;
    if (bound == NULL) {
        g_hash_table_insert(owner->allowed, g_strdup(key), g_strdup(viewer->instance));
        return ACL_ALLOWED;
    }
    return strcmp(bound, viewer->instance) == 0 ? ACL_ALLOWED : ACL_OTHER_CLIENT;
}

/* Whether a member may view a stream. */
gboolean relay_video_acl_allows(LcRelayVideo *video, const LcRelayStream *stream,
                                guint64 viewer_session, const char *viewer_nick)
{
    return relay_video_acl_verdict(video, stream, viewer_session, viewer_nick) == ACL_ALLOWED;
}

/* What the refused viewer is told: whose, why, and how to be let in. */
char *relay_video_acl_refusal(LcRelayVideo *video, const LcRelayStream *stream,
                              guint64 viewer_session, const char *viewer_nick)
{
    const char *what = stream->media == LC_MEDIA_AUDIO ? "audio" : "camera";
    const char *nick = viewer_nick ? viewer_nick : "YOUR_NICK";
    if (relay_video_acl_verdict(video, stream, viewer_session, viewer_nick) == ACL_OTHER_CLIENT)
        return g_strdup_printf("%s's %s is private: it allows the nick %s for the client that had "
                               "it then, not this one; %s must allow you again (/allow %s)",
                               stream->nick, what, nick, stream->nick, nick);
    return g_strdup_printf("%s's %s is private: %s must allow you first (/allow %s)", stream->nick,
                           what, stream->nick, nick);
}

/* Tells a view's member it is refused (why: reason, or NULL for what the
 * list says), and removes the view, closing its channels. */
static void relay_video_acl_refuse(LcRelayViewer *viewer, LcRelayStream *stream, const char *reason)
{
    LcRelayVideo *video = viewer->video;
    LcRelayClient *member = g_hash_table_lookup(video->relay->clients, &viewer->owner);
    if (member != NULL && member->state == CLIENT_JOINED) {
        g_autofree char *listed =
            reason ? NULL : relay_video_acl_refusal(video, stream, viewer->owner, viewer->nick);
        relay_video_refuse(member, WIRE_VIEW, viewer->media, WIRE_ERR_NOT_ALLOWED, viewer->want,
                           reason ? reason : listed);
    }
    relay_video_viewer_remove(viewer);
}

/* Refuses a view waiting for a private stream, and removes it. */
void relay_video_acl_refuse_view(LcRelayViewer *viewer, LcRelayStream *stream)
{
    relay_video_acl_refuse(viewer, stream, NULL);
}

/* Ends a view under way that is no longer allowed: VIDEO_REFUSED says why
 * (no VIEW_END, which would promise the view goes on), and it is gone.
 * denied: the owner denied it; else its viewer took a nick not allowed. */
static void relay_video_acl_end_view(LcRelayViewer *viewer, gboolean denied)
{
    LcRelayStream *stream = viewer->stream;
    g_autofree char *reason =
        denied ? g_strdup_printf("%s's %s is private, and %s no longer allows you to view it",
                                 stream->nick, stream->media == LC_MEDIA_AUDIO ? "audio" : "camera",
                                 stream->nick)
               : NULL;
    relay_video_viewer_detach(viewer, NULL, FALSE);
    relay_video_acl_refuse(viewer, stream, reason);
}

/* The views of a member's private streams held by nick_key (NULL: by any
 * member its list does not allow). */
static GPtrArray *relay_video_acl_views_of(LcRelayVideo *video, LcRelayClient *owner,
                                           const char *nick_key)
{
    GPtrArray *found = g_ptr_array_new();
    for (guint m = 0; m < LC_MEDIA_KINDS; m++) {
        LcRelayStream *stream = relay_video_owned(video, owner->session_id, m);
        if (stream == NULL || !stream->private)
            continue;
        for (guint i = 0; i < stream->viewers->len; i++) {
            LcRelayViewer *viewer = stream->viewers->pdata[i];
            g_autofree char *key = viewer->nick ? g_ascii_strdown(viewer->nick, -1) : NULL;
            if (key != NULL && g_strcmp0(key, nick_key) == 0 && viewer->owner != owner->session_id)
                g_ptr_array_add(found, viewer);
        }
    }
    return found;
}

/* Tells a member just allowed of the owner's private streams again
 * (STREAM_NOTICE), so that a client that views what it is told of (a
 * conference's audio) asks for them now. */
static void relay_video_acl_tell_allowed(LcRelayVideo *video, LcRelayClient *owner,
                                         const char *nick_key)
{
    LcRelayClient *member = g_hash_table_lookup(video->relay->nicks, nick_key);
    if (member == NULL || member == owner || !member->notices)
        return;
    for (guint m = 0; m < LC_MEDIA_KINDS; m++) {
        LcRelayStream *stream = relay_video_owned(video, owner->session_id, m);
        if (stream == NULL || !stream->private)
            continue;
        g_autoptr(GBytes) frame = relay_video_encode_notice(stream, WIRE_STREAM_STARTED);
        if (frame != NULL)
            relay_client_enqueue(member, frame);
    }
}

/* CAMERA_ACL: allow or deny a nick; a bad one, too many, or too fast is
 * refused with an ERROR that leaves the connection open. */
void relay_video_acl_handle(LcRelayVideo *video, LcRelayClient *client, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    const char *nick = msg->camera_acl.nick;
    if (token_bucket_take(&client->acl_flood, 1, g_get_monotonic_time()) != 0) {
        relay_client_send_error(client, WIRE_ERR_RATE_LIMITED, FALSE, 0,
                                "allow/deny flood control: slow down");
        return;
    }
    if (!validate_nick(nick, &error)) {
        relay_client_send_error(client, WIRE_ERR_BAD_NICK, FALSE, 0, error->message);
        return;
    }
    g_autofree char *key = g_ascii_strdown(nick, -1);
    if (msg->camera_acl.op == WIRE_ACL_ALLOW) {
        if (client->allowed == NULL)
            client->allowed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        if (!g_hash_table_contains(client->allowed, key) &&
            g_hash_table_size(client->allowed) >= RELAY_ACL_MAX) {
            g_autofree char *reason = g_strdup_printf(
                "at most %d nicks may be allowed to view; deny one first", RELAY_ACL_MAX);
            relay_client_send_error(client, WIRE_ERR_SERVER_FULL, FALSE, 0, reason);
            return;
        }
        /* Bound to whoever has the nick now (allowing again moves it). */
        const char *instance = relay_video_nick_instance(video, key);
        g_hash_table_insert(client->allowed, g_strdup(key), g_strdup(instance));
        relay_video_acl_tell_allowed(video, client, key);
    } else if (msg->camera_acl.op == WIRE_ACL_DENY) {
        if (client->allowed != NULL)
            g_hash_table_remove(client->allowed, key);
        g_autoptr(GPtrArray) views = relay_video_acl_views_of(video, client, key);
        for (guint i = 0; i < views->len; i++)
            relay_video_acl_end_view(views->pdata[i], TRUE);
    } else {
        relay_client_send_error(client, WIRE_ERR_BAD_FRAME, FALSE, 0,
                                "CAMERA_ACL: op is 1 (allow) or 2 (deny)");
    }
}

/* A member renamed itself: its views of private streams are checked again. */
void relay_video_acl_recheck(LcRelayVideo *video, guint64 viewer_session)
{
    g_autoptr(GPtrArray) ended = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayViewer *viewer = value;
        if (viewer->owner == viewer_session && viewer->stream != NULL &&
            !relay_video_acl_allows(video, viewer->stream, viewer_session, viewer->nick))
            g_ptr_array_add(ended, viewer);
    }
    for (guint i = 0; i < ended->len; i++)
        relay_video_acl_end_view(ended->pdata[i], FALSE);
}
