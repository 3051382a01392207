/* session_chat.c: a session's chat messages: the outbox (each message kept
 * until the relay has stored it, sent again after a reconnect, paced like
 * the relay's flood control), acknowledgements, and what the relay delivers,
 * for the room or privately. */
#include "net/client/session_private.h"

#include "net/io/source.h"
#include "net/wire/validate.h"

/* Frees an outbox entry. */
void session_out_free(LcOutMsg *out)
{
    g_free(out->text);
    g_free(out->to);
    g_free(out);
}

/* Removes and returns the outbox entry with a client id, or NULL. */
LcOutMsg *session_outbox_take(LcSession *session, guint64 client_id)
{
    for (GList *l = session->outbox.head; l != NULL; l = l->next) {
        LcOutMsg *out = l->data;
        if (out->client_id == client_id) {
            if (session->next_unsent == l)
                session->next_unsent = l->next;
            g_queue_delete_link(&session->outbox, l);
            return out;
        }
    }
    return NULL;
}

/* Handles CHAT_ACK: the message leaves the outbox. */
void session_handle_ack(LcSession *session, const LcWireMsg *msg)
{
    LcOutMsg *out = session_outbox_take(session, msg->chat_ack.client_id);
    session->last_seen = MAX(session->last_seen, msg->chat_ack.id);
    if (out == NULL)
        return; /* acknowledged twice (re-sent before the first ACK came) */
    session_out_free(out);
    if (session->events.acked)
        session->events.acked(session, msg->chat_ack.client_id, msg->chat_ack.id,
                              session->user_data);
}

/* Handles CHAT_DELIVER and PRIVMSG_DELIVER, dropping anything already seen. */
void session_handle_deliver(LcSession *session, const LcWireMsg *msg)
{
    gboolean private = msg->type == WIRE_PRIVMSG_DELIVER;
    guint64 id = private ? msg->privmsg_deliver.id : msg->deliver.id;
    if (id <= session->last_seen)
        return;
    session->last_seen = id;
    LcSessionChat chat = {
        .id = id,
        .time_us = (gint64)(private ? msg->privmsg_deliver.server_time : msg->deliver.server_time),
        .nick = private ? msg->privmsg_deliver.nick : msg->deliver.nick,
        .addr = private ? msg->privmsg_deliver.addr : msg->deliver.addr,
        .text = private ? msg->privmsg_deliver.text : msg->deliver.text,
        .action = (msg->flags & WIRE_FLAG_ACTION) != 0,
        .history = (msg->flags & WIRE_FLAG_HISTORY) != 0,
        .own = (msg->flags & WIRE_FLAG_OWN) != 0,
        .to = private ? msg->privmsg_deliver.to : NULL,
    };
    if (session->events.chat)
        session->events.chat(session, &chat, session->user_data);
}

/* Timer: pacing allows another message now. */
static void session_on_pace(gpointer data)
{
    session_flush_outbox(data);
}

/* Takes one flood-control token, or returns the ms until one is available. */
static guint session_take_token(LcSession *session)
{
    gint64 wait_us = token_bucket_take(&session->flood, 1, g_get_monotonic_time());
    return wait_us == 0 ? 0 : (guint)(wait_us / 1000) + 1;
}

/* Sends every outbox message not yet sent on this connection, as pacing allows. */
void session_flush_outbox(LcSession *session)
{
    if (session->state != SESSION_JOINED || session->pace_src != NULL)
        return;
    for (GList *l = session->next_unsent; l != NULL; l = session->next_unsent) {
        LcOutMsg *out = l->data;
        guint wait = session_take_token(session);
        if (wait > 0) {
            source_once(&session->pace_src, wait, session_on_pace, session);
            return;
        }
        LcWireMsg chat = {.type = out->to ? WIRE_PRIVMSG : WIRE_CHAT, .flags = out->flags};
        if (out->to != NULL) {
            chat.privmsg.client_id = out->client_id;
            chat.privmsg.to = out->to;
            chat.privmsg.text = out->text;
        } else {
            chat.chat.client_id = out->client_id;
            chat.chat.text = out->text;
        }
        session_send_msg(session, &chat);
        session->next_unsent = l->next;
    }
}

/* Checks and queues a message for the room (to NULL) or one member. */
static guint64 session_queue(LcSession *session, const char *to, const char *text, gboolean action,
                             GError **error)
{
    if (session->state == SESSION_CLOSED) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the session is closed");
        return 0;
    }
    if ((to != NULL && !validate_nick(to, error)) || !validate_text(text, error))
        return 0;
    LcOutMsg *out = g_new0(LcOutMsg, 1);
    out->client_id = session->next_client_id++;
    out->flags = action ? WIRE_FLAG_ACTION : 0;
    out->text = g_strdup(text);
    out->to = g_strdup(to);
    g_queue_push_tail(&session->outbox, out);
    if (session->next_unsent == NULL)
        session->next_unsent = session->outbox.tail;
    session_flush_outbox(session);
    return out->client_id;
}

/* Checks and queues a chat message. */
guint64 session_send_chat(LcSession *session, const char *text, gboolean action, GError **error)
{
    return session_queue(session, NULL, text, action, error);
}

/* Checks and queues a private message. */
guint64 session_send_private(LcSession *session, const char *to, const char *text, gboolean action,
                             GError **error)
{
    return session_queue(session, to, text, action, error);
}
