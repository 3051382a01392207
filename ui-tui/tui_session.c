/* tui_session.c: relay session events change the models and mark views. */
#include "ui-tui/tui_private.h"

#include "net/wire/clock.h"
#include "ui-tui/chatline.h"
#include <string.h>

/* The connection was lost (first notice only): mark the gap in the log. */
static void tui_on_lost(LcTui *tui, const GError *error)
{
    if (tui->status.state == STATUS_RECONNECTING)
        return;
    tui->status.state = STATUS_RECONNECTING;
    tui->status.lost_us = clock_now_us();
    tui->stats.joined_us = 0;
    if (!tui->status.ever_joined) {
        /* Not in yet: the relay may not be up yet, or the address is wrong. */
        tui_append_text(tui, CHAT_KIND_MARKER,
                        "%s; is lanconf-relay running at %s? Trying again until it "
                        "answers; /quit leaves",
                        error ? error->message : "the relay closed the connection",
                        session_get_server(tui->session));
        return;
    }
    tui_append_text(tui, CHAT_KIND_MARKER,
                    "connection to the relay lost (%s); reconnecting, what you type is sent "
                    "when it is back",
                    error ? error->message : "closed");
}

/* Why the first join failed, with what to do about it. */
static GError *tui_explain_join_error(LcTui *tui, const GError *error)
{
    const char *server = session_get_server(tui->session);
    if (error == NULL)
        return g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED, "the relay %s closed the connection",
                           server);
    if (error->domain == G_TLS_ERROR)
        return g_error_copy(error); /* the relay answered: its certificate is the matter */
    if (error->domain != LC_WIRE_ERROR)
        return g_error_new(error->domain, error->code, "%s (is lanconf-relay running at %s?)",
                           error->message, server);
    if (error->code == WIRE_ERR_NICK_TAKEN || error->code == WIRE_ERR_BAD_NICK)
        return g_error_new(error->domain, error->code, "%s; choose another nick with --nick",
                           error->message);
    return g_error_copy(error);
}

/* Says, once, that the relay's certificate was pinned on this first
 * meeting (whether the relay then let us in or asked for a password). */
static void tui_say_pin(LcTui *tui)
{
    gboolean first_use = FALSE;
    const char *fingerprint = session_get_fingerprint(tui->session, &first_use);
    if (!first_use || tui->pin_said)
        return;
    tui->pin_said = TRUE;
    tui_append_text(tui, CHAT_KIND_INFO,
                    "first meeting with relay %s: its certificate %s is pinned from now on; "
                    "compare it with the fingerprint the relay logged",
                    session_get_server(tui->session), fingerprint);
}

/* The relay wants the room password (none was given, or a wrong one):
 * the input line takes it, shown as stars, and Enter joins again. */
static void tui_ask_password(LcTui *tui, const GError *error)
{
    if (!tui->asking_password && tui->password_draft == NULL) /* kept for after */
        tui->password_draft = g_strdup(inputline_get_text(tui->input));
    tui_say_pin(tui);
    tui->asking_password = TRUE;
    tui->checking_password = FALSE;
    tui->status.state = STATUS_CONNECTING;
    inputline_wipe(tui->input);
    tui_append_text(tui, CHAT_KIND_MARKER,
                    "%s: type the room password and press Enter (shown as stars); Ctrl-C "
                    "leaves",
                    error->message);
    tui_mark(tui, VIEW_INPUT | VIEW_STATUS);
}

/*
 * Enter while the room password is asked for: join again with it. The
 * input line stays the password's until the relay has answered (which a
 * slowdown of wrong ones may hold back for seconds): a guess typed
 * meanwhile must not become a chat message.
 */
void tui_submit_password(LcTui *tui)
{
    g_autoptr(GError) error = NULL;
    if (tui->checking_password) {
        tui_append_text(tui, CHAT_KIND_INFO,
                        "the relay is still checking the password given; wait for its answer");
        return;
    }
    gboolean taken = session_set_password(tui->session, inputline_get_text(tui->input), &error);
    inputline_wipe(tui->input);
    tui_mark(tui, VIEW_INPUT);
    if (!taken) {
        tui_append_text(tui, CHAT_KIND_ERROR, "%s; type it again", error->message);
        return;
    }
    tui->checking_password = TRUE;
    tui->password_tried = TRUE;
    tui_append_text(tui, CHAT_KIND_INFO, "joining %s with the password given",
                    session_get_server(tui->session));
    session_restart(tui->session);
}

/* Joined after a password was asked for: the input line is the chat's
 * again, with what was being typed before the question. */
static void tui_password_done(LcTui *tui)
{
    if (!tui->asking_password)
        return;
    tui->asking_password = FALSE;
    tui->checking_password = FALSE;
    inputline_wipe(tui->input);
    if (tui->password_draft != NULL)
        inputline_set_text(tui->input, tui->password_draft);
    g_clear_pointer(&tui->password_draft, g_free);
    tui_mark(tui, VIEW_INPUT);
}

/* The session ended for good. */
static void tui_on_closed(LcTui *tui, const GError *error)
{
    tui->status.state = STATUS_CLOSED;
    if (tui->quitting) {
        g_main_loop_quit(tui->loop);
        return;
    }
    /* A wrong password, none, or (after one was typed) the slowdown of
     * wrong ones: asked again. */
    if (session_error_is_auth(error) ||
        (tui->password_tried && g_error_matches(error, LC_WIRE_ERROR, WIRE_ERR_RATE_LIMITED))) {
        tui_ask_password(tui, error);
        return;
    }
    if (!tui->status.ever_joined) {
        /* Never got in (relay down, nick taken): nothing to read on screen,
         * so stop and say why on the terminal. */
        g_clear_error(&tui->error);
        tui->error = tui_explain_join_error(tui, error);
        tui->exit_status = 1;
        g_main_loop_quit(tui->loop);
        return;
    }
    tui_append_text(tui, CHAT_KIND_ERROR, "disconnected for good: %s. Type /quit to exit.",
                    error ? error->message : "closed");
}

/* Session state changes. */
static void tui_on_state(LcSession *session, LcSessionState state, const GError *error,
                         gpointer data)
{
    LcTui *tui = data;
    if (state == SESSION_RECONNECT_WAIT)
        tui_on_lost(tui, error);
    else if (state == SESSION_CLOSED)
        tui_on_closed(tui, error);
    else if (state == SESSION_CONNECTING && !tui->status.ever_joined &&
             tui->status.state != STATUS_RECONNECTING)
        tui->status.state = STATUS_CONNECTING;
    tui_sync_identity(tui);
    tui_mark(tui, VIEW_STATUS);
}

/* Replaces the member list with the session's. */
static void tui_load_members(LcTui *tui)
{
    guint n = 0;
    const LcWireMember *list = session_get_members(tui->session, &n);
    members_clear(tui->members);
    for (guint i = 0; i < n; i++) {
        members_add(tui->members, list[i].nick, list[i].addr);
        members_set_away(tui->members, list[i].nick, session_get_away(tui->session, list[i].nick));
    }
    tui->status.members = members_get_count(tui->members);
    tui_media_sync_members(tui);
    tui_mark(tui, VIEW_MEMBERS | VIEW_STATUS);
}

/* Joined, or rejoined after a loss. */
static void tui_on_joined(LcSession *session, gboolean resumed, gpointer data)
{
    LcTui *tui = data;
    tui_password_done(tui);
    gint64 now = clock_now_us();
    gboolean was_lost = tui->status.lost_us > 0;
    double away_s = (double)(now - tui->status.lost_us) / G_USEC_PER_SEC;
    tui->status.state = STATUS_JOINED;
    tui->status.ever_joined = TRUE;
    tui->status.lost_us = 0;
    tui->stats.joined_us = now;
    tui->stats.connects = session_get_connects(session);
    tui_sync_identity(tui);
    tui_load_members(tui);
    if (resumed && was_lost)
        tui_append_text(tui, CHAT_KIND_MARKER,
                        "back in the room after %.1f s as %s@%s; what was said meanwhile "
                        "follows",
                        away_s, session_get_nick(session), session_get_addr(session));
    if (!resumed && session_get_fingerprint(session, NULL) == NULL)
        tui_append_text(tui, CHAT_KIND_MARKER,
                        "--insecure: this connection is plaintext; anyone on the network can "
                        "read and change what is said and shown");
    else if (!resumed)
        tui_say_pin(tui);
    if (!resumed)
        tui_append_text(tui, CHAT_KIND_INFO,
                        "joined relay %s as %s@%s with %u member%s. Type a message and press "
                        "Enter; /help lists commands and keys, /quit leaves.",
                        session_get_server(session), session_get_nick(session),
                        session_get_addr(session), tui->status.members,
                        tui->status.members == 1 ? "" : "s");
}

/* A chat message from the relay. */
static void tui_on_chat(LcSession *session, const LcSessionChat *chat, gpointer data)
{
    LcTui *tui = data;
    LcChatEntry e = {
        .kind = chat->action ? CHAT_KIND_ACTION : CHAT_KIND_MESSAGE,
        .time_us = chat->time_us,
        .nick = (char *)chat->nick,
        .addr = (char *)chat->addr,
        .text = (char *)chat->text,
        .own = chat->own,
        .history = chat->history,
        .mention = !chat->own && chatline_mentions(chat->text, session_get_nick(session)),
        .to = (char *)chat->to,
    };
    /* A private message for this user rings like a mention, once. */
    if ((e.mention || (chat->to != NULL && !chat->own)) && !chat->history &&
        tui->config.bell_on_mention)
        screen_bell(tui->screen);
    if (chat->history) {
        tui->stats.history++;
    } else {
        tui->stats.received++;
        tui->stats.bytes_received += strlen(chat->text);
    }
    tui_append(tui, &e);
}

/* The relay stored one of our messages. */
static void tui_on_acked(LcSession *session, guint64 client_id, guint64 id, gpointer data)
{
    LcTui *tui = data;
    const LcChatEntry *e = chatlog_set_acked(tui->chatlog, client_id, session_get_addr(session));
    tui->stats.acked++;
    if (e != NULL && tui->logfile != NULL)
        logfile_write_entry(tui->logfile, e, NULL);
    tui_sync_identity(tui);
    tui_mark(tui, VIEW_CHAT | VIEW_STATUS);
}

static void tui_on_away(LcTui *tui, const char *nick, const char *reason);

/* A member joined, left or changed nick. */
static void tui_on_presence(LcSession *session, LcWirePresenceKind kind, const char *nick,
                            const char *addr, const char *old, const char *reason, gpointer data)
{
    LcTui *tui = data;
    LcChatEntry e = {.time_us = clock_now_us(), .nick = (char *)nick, .addr = (char *)addr};
    g_autofree char *key = g_ascii_strdown(nick, -1);
    if (kind == WIRE_PRESENCE_JOIN) {
        /* A member who joins is here, whatever it was before. */
        members_add(tui->members, nick, addr);
        members_set_away(tui->members, nick, NULL);
        g_hash_table_remove(tui->aways_said, key);
        e.kind = CHAT_KIND_JOIN;
    } else if (kind == WIRE_PRESENCE_AWAY) {
        tui_on_away(tui, nick, reason);
        return;
    } else if (kind == WIRE_PRESENCE_LEAVE) {
        members_remove(tui->members, nick);
        g_hash_table_remove(tui->aways_said, key);
        e.kind = CHAT_KIND_LEAVE;
        e.text = (char *)reason;
    } else {
        members_rename(tui->members, old, nick);
        tui_media_renamed(tui, old, nick);
        g_autofree char *old_key = g_ascii_strdown(old ? old : "", -1);
        char *said = NULL;
        g_autofree char *stolen = NULL;
        if (g_hash_table_steal_extended(tui->aways_said, old_key, (gpointer *)&stolen,
                                        (gpointer *)&said))
            g_hash_table_insert(tui->aways_said, g_steal_pointer(&key), said);
        e.kind = CHAT_KIND_NICK;
        e.text = (char *)old;
    }
    tui->status.members = members_get_count(tui->members);
    tui_media_sync_members(tui);
    tui_sync_identity(tui);
    tui_append(tui, &e);
    tui_mark(tui, VIEW_MEMBERS | VIEW_STATUS);
}

/* A member went away or came back: said in the log once per change, not
 * again when a reconnect brings the same news. */
static void tui_on_away(LcTui *tui, const char *nick, const char *reason)
{
    members_set_away(tui->members, nick, reason);
    gboolean away = reason != NULL && *reason != '\0';
    g_autofree char *key = g_ascii_strdown(nick, -1);
    const char *said = g_hash_table_lookup(tui->aways_said, key);
    if (g_strcmp0(said, away ? reason : NULL) != 0) {
        gboolean me = g_ascii_strcasecmp(nick, session_get_nick(tui->session)) == 0;
        if (away)
            tui_append_text(tui, CHAT_KIND_INFO, "%s %s away: %s", me ? "you" : nick,
                            me ? "are" : "is", reason);
        else
            tui_append_text(tui, CHAT_KIND_INFO, "%s %s back", me ? "you" : nick,
                            me ? "are" : "is");
        if (away)
            g_hash_table_insert(tui->aways_said, g_steal_pointer(&key), g_strdup(reason));
        else
            g_hash_table_remove(tui->aways_said, key);
    }
    tui_sync_identity(tui);
    tui_mark(tui, VIEW_MEMBERS | VIEW_STATUS);
}

/* The relay refused a message or a nick. */
static void tui_on_refused(LcSession *session, const GError *error, guint64 client_id,
                           gpointer data)
{
    LcTui *tui = data;
    if (client_id != 0 && chatlog_set_failed(tui->chatlog, client_id) != NULL) {
        tui->stats.refused++;
        tui_append_text(tui, CHAT_KIND_ERROR, "message not sent: %s", error->message);
    } else {
        tui_append_text(tui, CHAT_KIND_ERROR, "%s", error->message);
    }
    tui_sync_identity(tui);
    tui_mark(tui, VIEW_STATUS);
}

/* A relay round-trip was measured. */
static void tui_on_lag(LcSession *session, double rtt_ms, gpointer data)
{
    LcTui *tui = data;
    tui->status.rtt_ms = rtt_ms;
    chatstats_add_rtt(&tui->stats, rtt_ms);
    tui->stats.offset_us = session_get_clock_offset_us(session);
    if (tui->lag_requested) {
        tui->lag_requested = FALSE;
        tui_append_text(tui, CHAT_KIND_INFO, "relay %s round-trip: %.3f ms",
                        session_get_server(session), rtt_ms);
    }
    tui_mark(tui, VIEW_STATUS);
}

/* Messages lost from the relay's history while away. */
static void tui_on_gap(LcSession *session, guint64 first, guint64 last, gpointer data)
{
    tui_append_text(data, CHAT_KIND_ERROR,
                    "messages #%" G_GUINT64_FORMAT "..#%" G_GUINT64_FORMAT
                    " were said while you were away and are no longer in the relay's history",
                    first, last);
}

const LcSessionEvents tui_session_events = {
    .state = tui_on_state,
    .joined = tui_on_joined,
    .chat = tui_on_chat,
    .acked = tui_on_acked,
    .presence = tui_on_presence,
    .refused = tui_on_refused,
    .lag = tui_on_lag,
    .gap = tui_on_gap,
};
