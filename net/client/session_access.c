/* session_access.c: who may join and who may see, on the session's side:
 * the room password's proof (net/secure/room_auth.h) and the list of
 * members allowed to view this member's private streams (CAMERA_ACL). */
#include "net/client/session_private.h"
#include "net/secure/room_auth.h"
#include "net/wire/validate.h"

/* Answers the room password's challenge with the proof, or ends the
 * connection when there is no password to prove. */
void session_handle_challenge(LcSession *session, const LcWireMsg *msg)
{
    gsize len = 0;
    const guint8 *nonce = g_bytes_get_data(msg->auth_challenge.nonce, &len);
    if (session->state == SESSION_JOINED || len != ROOM_AUTH_SIZE) {
        g_autoptr(GError) error =
            g_error_new(LC_WIRE_ERROR, WIRE_ERR_PROTOCOL, "relay sent a bad AUTH_CHALLENGE");
        chan_stream_close(session->conn, error);
        return;
    }
    if (session->password == NULL) {
        g_autoptr(GError) error =
            g_error_new(LC_WIRE_ERROR, WIRE_ERR_AUTH,
                        "relay %s asks for the room password, and none was given", session->server);
        chan_stream_close(session->conn, error);
        return;
    }
    guint8 proof[ROOM_AUTH_SIZE];
    room_auth_prove(session->password, nonce, len, proof);
    g_autoptr(GBytes) bytes = g_bytes_new(proof, sizeof(proof));
    LcWireMsg auth = {.type = WIRE_AUTH};
    auth.auth.proof = bytes;
    session_send_msg(session, &auth);
}

/* Sets the room password for the next connection, once checked. */
gboolean session_set_password(LcSession *session, const char *password, GError **error)
{
    if (password != NULL && !room_auth_check_password(password, "room password", error))
        return FALSE;
    room_auth_free_password(session->password);
    session->password = g_strdup(password);
    return TRUE;
}

/* Whether an error is the relay's ERROR AUTH (or this session's own, for
 * a challenge it had no password for). */
gboolean session_error_is_auth(const GError *error)
{
    return g_error_matches(error, LC_WIRE_ERROR, WIRE_ERR_AUTH);
}

/* Sends CAMERA_ACL for one nick. */
static void session_send_acl(LcSession *session, const char *nick, gboolean allow)
{
    LcWireMsg msg = {.type = WIRE_CAMERA_ACL};
    msg.camera_acl.op = allow ? WIRE_ACL_ALLOW : WIRE_ACL_DENY;
    msg.camera_acl.nick = (char *)nick;
    session_send_msg(session, &msg);
}

/* Where a nick is in the allowed list (any case), or -1. */
static gint session_find_allowed(LcSession *session, const char *nick)
{
    for (guint i = 0; i < session->allowed->len; i++)
        if (g_ascii_strcasecmp(session->allowed->pdata[i], nick) == 0)
            return (gint)i;
    return -1;
}

/* Gives the relay the whole list again (after a WELCOME). */
void session_send_allowed(LcSession *session)
{
    for (guint i = 0; i < session->allowed->len; i++)
        session_send_acl(session, session->allowed->pdata[i], TRUE);
}

/* Allows or denies a viewer of this member's private streams. */
gboolean session_allow_viewer(LcSession *session, const char *nick, gboolean allow, GError **error)
{
    if (!validate_nick(nick, error))
        return FALSE;
    gint at = session_find_allowed(session, nick);
    if (allow && at < 0 && session->allowed->len >= SESSION_ALLOWED_MAX) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_SERVER_FULL,
                    "at most %d members may be allowed; deny one first", SESSION_ALLOWED_MAX);
        return FALSE;
    }
    if (allow && at < 0)
        g_ptr_array_add(session->allowed, g_strdup(nick));
    else if (!allow && at >= 0)
        g_ptr_array_remove_index(session->allowed, (guint)at);
    if (session->state == SESSION_JOINED)
        session_send_acl(session, nick, allow);
    return TRUE;
}

/* Whether a nick is on the allowed list. */
gboolean session_viewer_is_allowed(LcSession *session, const char *nick)
{
    return session_find_allowed(session, nick) >= 0;
}

/* The nicks allowed. */
const char **session_get_allowed_viewers(LcSession *session)
{
    const char **list = g_new0(const char *, session->allowed->len + 1);
    for (guint i = 0; i < session->allowed->len; i++)
        list[i] = session->allowed->pdata[i];
    return list;
}
