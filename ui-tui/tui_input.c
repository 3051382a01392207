/* tui_input.c: keys edit the input line or scroll; Enter runs a command. */
#include "ui-tui/tui_private.h"

#include "net/wire/clock.h"
#include "ui-tui/command.h"

#include <string.h>

/* Keys listed by /help. */
static const char *const tui_help_keys[] = {
    "keys: Left/Right Ctrl-B/F, Ctrl-Left/Right Alt-B/F (word), Home/End Ctrl-A/E",
    "keys: Backspace, Delete Ctrl-D, Ctrl-W Alt-Backspace (word back), Alt-D (word on), "
    "Ctrl-U (to start), Ctrl-K (to end); kills one after the other join",
    "keys: Ctrl-Y (paste back the last kill), Alt-Y (right after: the kill before it)",
    "keys: Up/Down Ctrl-P/N (sent lines), Tab (complete nick or command), PgUp/PgDn (scroll), "
    "Shift/Alt-Up/Down (a row), Alt-End (newest), Ctrl-L (redraw), Ctrl-C (quit)",
    "keys: F2 (show or hide the stats pane: fps, Mbit/s, latency, lost and dropped frames "
    "per channel for your camera and the cameras you view, your sound and everyone heard)",
    "keys: F4 (push to talk: your microphone on or off; a terminal sees no key release, so the "
    "key toggles)",
    "member list: * on camera, dim: away; after the nick: <) sound on, <)) talking (heard just "
    "now), <x muted (by you, or your own microphone)",
    "/help COMMAND shows one command; PgUp scrolls back to the start of this list",
};

/* Sends a chat message or action and shows it as pending. */
static void tui_send(LcTui *tui, const char *text, gboolean action, const char *to)
{
    g_autoptr(GError) error = NULL;
    guint64 id = to ? session_send_private(tui->session, to, text, action, &error)
                    : session_send_chat(tui->session, text, action, &error);
    if (id == 0) {
        tui_append_text(tui, CHAT_KIND_ERROR, "not sent: %s", error->message);
        return;
    }
    LcChatEntry e = {
        .kind = action ? CHAT_KIND_ACTION : CHAT_KIND_MESSAGE,
        .time_us = clock_now_us(),
        .nick = (char *)session_get_nick(tui->session),
        .addr = (char *)session_get_addr(tui->session),
        .text = (char *)text,
        .client_id = id,
        .own = TRUE,
        .pending = TRUE,
        .to = (char *)to,
    };
    tui->stats.sent++;
    tui->stats.bytes_sent += strlen(text);
    chatlog_scroll_to_bottom(tui->chatlog);
    tui_append(tui, &e);
    tui_sync_identity(tui);
    const char *away = to ? session_get_away(tui->session, to) : NULL;
    if (away != NULL)
        tui_append_text(tui, CHAT_KIND_INFO, "%s is away: %s", to, away);
}

/* /help [COMMAND]. */
static void tui_cmd_help(LcTui *tui, const char *topic)
{
    guint n = 0;
    const LcCommandInfo *table = command_get_table(&n);
    g_autofree char *want = topic ? g_strconcat(topic[0] == '/' ? "" : "/", topic, NULL) : NULL;
    gboolean found = FALSE;
    for (guint i = 0; i < n; i++) {
        if (want != NULL && g_ascii_strcasecmp(want, table[i].name) != 0)
            continue;
        tui_append_text(tui, CHAT_KIND_INFO, "%s%s%s  %s", table[i].name, *table[i].args ? " " : "",
                        table[i].args, table[i].help);
        found = TRUE;
    }
    if (want != NULL && !found)
        tui_append_text(tui, CHAT_KIND_ERROR, "no command %s; /help lists them all", want);
    if (want != NULL)
        return;
    tui_append_text(tui, CHAT_KIND_INFO,
                    "anything else you type is sent to the room; "
                    "start it with // to send a line beginning with /");
    for (guint i = 0; i < G_N_ELEMENTS(tui_help_keys); i++)
        tui_append_text(tui, CHAT_KIND_INFO, "%s", tui_help_keys[i]);
}

/* Whether nick's camera is private, as the room was told. */
static gboolean tui_camera_is_private(LcTui *tui, const char *nick)
{
    const GPtrArray *streams = room_streams_get_all(session_get_streams(tui->session));
    for (guint i = 0; i < streams->len; i++) {
        const LcRoomStream *s = g_ptr_array_index(streams, i);
        if (s->media == LC_MEDIA_VIDEO && g_ascii_strcasecmp(s->nick, nick) == 0)
            return s->private;
    }
    return FALSE;
}

/* /who: the members with their addresses, and who is on camera (a private
 * one said so) or has sound on. */
static void tui_cmd_who(LcTui *tui)
{
    guint n = members_get_count(tui->members);
    tui_append_text(tui, CHAT_KIND_INFO, "%u member%s in the room:", n, n == 1 ? "" : "s");
    const char *self = session_get_nick(tui->session);
    for (guint i = 0; i < n; i++) {
        const LcMember *m = members_get(tui->members, i);
        gboolean me = g_ascii_strcasecmp(m->nick, self) == 0;
        g_autofree char *away = m->away ? g_strdup_printf(" (away: %s)", m->away) : NULL;
        const char *sound = m->audio == MEMBER_AUDIO_MUTED
                                ? (me ? " (sound on, muted)" : " (sound on, muted here)")
                            : m->audio == MEMBER_AUDIO_TALKING ? " (sound on, talking)"
                            : m->audio == MEMBER_AUDIO_ON      ? " (sound on)"
                                                               : "";
        tui_append_text(tui, CHAT_KIND_INFO, "  %s@%s%s%s%s%s", m->nick, m->addr,
                        !m->streaming                         ? ""
                        : tui_camera_is_private(tui, m->nick) ? " (on camera, private)"
                                                              : " (on camera)",
                        sound, away ? away : "", me ? " (you)" : "");
    }
}

/* /away [MESSAGE]: away with a message, or back without one. */
static void tui_cmd_away(LcTui *tui, const char *message)
{
    g_autoptr(GError) error = NULL;
    gboolean was_away = session_get_own_away(tui->session) != NULL;
    if (message == NULL && !was_away) {
        tui_append_text(tui, CHAT_KIND_ERROR, "you are not away (/away MESSAGE sets one)");
        return;
    }
    if (!session_set_away(tui->session, message, &error)) {
        tui_append_text(tui, CHAT_KIND_ERROR, "%s", error->message);
        return;
    }
    if (session_get_state(tui->session) != SESSION_JOINED)
        tui_append_text(tui, CHAT_KIND_INFO, "not connected: the room learns it on reconnect");
}

/* /nick NEW. */
static void tui_cmd_nick(LcTui *tui, const char *nick)
{
    g_autoptr(GError) error = NULL;
    if (!session_set_nick(tui->session, nick, &error))
        tui_append_text(tui, CHAT_KIND_ERROR, "%s", error->message);
    else if (session_get_state(tui->session) != SESSION_JOINED)
        tui_append_text(tui, CHAT_KIND_INFO, "not connected: %s will be asked for on reconnect",
                        nick);
    tui_sync_identity(tui);
}

/* /lag: measure the round-trip now. */
static void tui_cmd_lag(LcTui *tui)
{
    if (session_get_state(tui->session) != SESSION_JOINED) {
        tui_append_text(tui, CHAT_KIND_ERROR, "not connected to the relay (%s)",
                        status_state_name(tui->status.state));
        return;
    }
    tui->lag_requested = TRUE;
    session_ping(tui->session);
}

/* /stats: chat statistics now. */
static void tui_cmd_stats(LcTui *tui)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    tui->stats.pending = session_get_unacked(tui->session);
    chatstats_format(&tui->stats, clock_now_us(), lines);
    for (guint i = 0; i < lines->len; i++)
        tui_append_text(tui, CHAT_KIND_INFO, "%s", (char *)g_ptr_array_index(lines, i));
}

/* Runs a parsed command. */
static void tui_run_command(LcTui *tui, const LcCommand *cmd)
{
    switch (cmd->kind) {
    case CMD_NONE:
        break;
    case CMD_SAY:
    case CMD_ME:
        tui_send(tui, cmd->arg, cmd->kind == CMD_ME, NULL);
        break;
    case CMD_MSG:
        tui_send(tui, cmd->text, FALSE, cmd->arg);
        break;
    case CMD_NICK:
        tui_cmd_nick(tui, cmd->arg);
        break;
    case CMD_WHO:
        tui_cmd_who(tui);
        break;
    case CMD_AWAY:
        tui_cmd_away(tui, cmd->arg);
        break;
    case CMD_CLEAR:
        chatlog_clear(tui->chatlog);
        tui_mark(tui, VIEW_CHAT | VIEW_STATUS);
        break;
    case CMD_HELP:
        tui_cmd_help(tui, cmd->arg);
        break;
    case CMD_QUIT:
        /* Lines the relay has not stored yet (it is out of reach) would be
         * lost: said once, and a second /quit leaves all the same. */
        if (session_get_unacked(tui->session) > 0 && !tui->quit_warned) {
            tui->quit_warned = TRUE;
            guint n = session_get_unacked(tui->session);
            tui_append_text(tui, CHAT_KIND_ERROR,
                            "%u message%s not stored by the relay yet (it is out of reach): "
                            "/quit again leaves without %s",
                            n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
            break;
        }
        tui_quit(tui, cmd->arg ? cmd->arg : "leaving");
        break;
    case CMD_LAG:
        tui_cmd_lag(tui);
        break;
    case CMD_STATS:
        tui_cmd_stats(tui);
        tui_media_toggle_stats(tui);
        break;
    case CMD_CAM_ON:
        tui_media_cam_on(tui, cmd->arg, cmd->channels, cmd->private);
        break;
    case CMD_CAM_OFF:
        tui_media_cam_off(tui);
        break;
    case CMD_VIEW:
        tui_media_view(tui, cmd->arg, cmd->where, cmd->channels != NULL);
        break;
    case CMD_UNVIEW:
        tui_media_unview(tui, cmd->arg);
        break;
    case CMD_AUDIO_ON:
        tui_audio_on(tui, cmd->arg, cmd->channels);
        break;
    case CMD_AUDIO_OFF:
        tui_audio_off(tui);
        break;
    case CMD_LISTEN:
        tui_audio_listen(tui, cmd->arg);
        break;
    case CMD_UNLISTEN:
        tui_audio_unlisten(tui);
        break;
    case CMD_MUTE:
        tui_audio_mute(tui, cmd->arg);
        break;
    case CMD_VOLUME:
        tui_audio_volume(tui, cmd->arg, cmd->level);
        break;
    case CMD_ALLOW:
    case CMD_DENY:
        tui_cmd_allow(tui, cmd->arg, cmd->kind == CMD_ALLOW);
        break;
    case CMD_SEND:
        tui_files_send(tui, cmd->arg, cmd->where);
        break;
    case CMD_ACCEPT:
    case CMD_REJECT:
        tui_files_answer(tui, cmd->arg, cmd->kind == CMD_ACCEPT);
        break;
    case CMD_UNKNOWN:
    case CMD_USAGE:
        tui_append_text(tui, CHAT_KIND_ERROR, "%s", cmd->arg);
        break;
    }
}

/* /allow NICK, /deny NICK, or /allow alone: who may view a private camera. */
void tui_cmd_allow(LcTui *tui, const char *nick, gboolean allow)
{
    g_autoptr(GError) error = NULL;
    if (nick == NULL) {
        g_autofree const char **list = session_get_allowed_viewers(tui->session);
        g_autofree char *joined = g_strjoinv(", ", (char **)list);
        if (list[0] == NULL)
            tui_append_text(tui, CHAT_KIND_INFO,
                            "nobody is allowed to view your private camera "
                            "yet: /allow NICK lets a member in");
        else
            tui_append_text(tui, CHAT_KIND_INFO, "allowed to view your private camera: %s", joined);
        return;
    }
    if (g_ascii_strcasecmp(nick, session_get_nick(tui->session)) == 0) {
        tui_append_text(tui, CHAT_KIND_ERROR, "/%s: you always see your own camera",
                        allow ? "allow" : "deny");
        return;
    }
    gboolean listed = session_viewer_is_allowed(tui->session, nick);
    if (!allow && !listed) {
        tui_append_text(tui, CHAT_KIND_ERROR,
                        "/deny: %s was not allowed to view your private camera", nick);
        return;
    }
    if (!session_allow_viewer(tui->session, nick, allow, &error)) {
        tui_append_text(tui, CHAT_KIND_ERROR, "/%s: %s", allow ? "allow" : "deny", error->message);
        return;
    }
    tui_append_text(tui, CHAT_KIND_INFO,
                    !allow   ? "%s may no longer view your private camera"
                    : listed ? "%s may view your private camera (again, if another client has "
                               "taken that nick since)"
                             : "%s may now view your private camera",
                    nick);
}

/* Enter: the line becomes a message or a command. */
static void tui_submit(LcTui *tui)
{
    g_autofree char *line = inputline_submit(tui->input);
    LcCommand cmd;
    command_parse(line, &cmd);
    tui_run_command(tui, &cmd);
    command_clear(&cmd);
}

/* Tab: completes a nick (not our own) or a command. */
static void tui_complete(LcTui *tui)
{
    g_autofree const char **all = members_complete(tui->members, "");
    g_autoptr(GPtrArray) nicks = g_ptr_array_new();
    const char *self = session_get_nick(tui->session);
    for (guint i = 0; all[i] != NULL; i++)
        if (g_ascii_strcasecmp(all[i], self) != 0)
            g_ptr_array_add(nicks, (gpointer)all[i]);
    g_ptr_array_add(nicks, NULL);
    inputline_complete(tui->input, (const char *const *)nicks->pdata, command_get_names());
}

/* Scrolls the chat log by rows, or by pages (a page keeps one row). */
static void tui_scroll(LcTui *tui, int rows, int pages)
{
    int w = 0, h = 0;
    screen_get_chat_size(tui->screen, &w, &h);
    chatlog_scroll(tui->chatlog, rows + pages * MAX(h - 1, 1), w, h);
    tui_mark(tui, VIEW_CHAT | VIEW_STATUS);
}

/* Keys that edit the input line; FALSE for other keys. */
static gboolean tui_edit_key(LcTui *tui, const LcKey *key)
{
    LcInputLine *in = tui->input;
    switch (key->action) {
    case KEY_ACTION_CHAR:
        inputline_insert_char(in, key->ch);
        break;
    case KEY_ACTION_BACKSPACE:
        inputline_delete_back(in);
        break;
    case KEY_ACTION_DELETE:
        inputline_delete_forward(in);
        break;
    case KEY_ACTION_LEFT:
        inputline_move(in, INPUT_MOVE_LEFT);
        break;
    case KEY_ACTION_RIGHT:
        inputline_move(in, INPUT_MOVE_RIGHT);
        break;
    case KEY_ACTION_HOME:
        inputline_move(in, INPUT_MOVE_HOME);
        break;
    case KEY_ACTION_END:
        inputline_move(in, INPUT_MOVE_END);
        break;
    case KEY_ACTION_WORD_LEFT:
        inputline_move(in, INPUT_MOVE_WORD_LEFT);
        break;
    case KEY_ACTION_WORD_RIGHT:
        inputline_move(in, INPUT_MOVE_WORD_RIGHT);
        break;
    case KEY_ACTION_DELETE_WORD:
        inputline_delete_word(in);
        break;
    case KEY_ACTION_DELETE_WORD_FORWARD:
        inputline_delete_word_forward(in);
        break;
    case KEY_ACTION_KILL_START:
        inputline_kill_to_start(in);
        break;
    case KEY_ACTION_KILL_END:
        inputline_kill_to_end(in);
        break;
    case KEY_ACTION_YANK:
        inputline_yank(in);
        break;
    case KEY_ACTION_YANK_POP:
        inputline_yank_pop(in);
        break;
    case KEY_ACTION_HISTORY_PREV:
        inputline_history_prev(in);
        break;
    case KEY_ACTION_HISTORY_NEXT:
        inputline_history_next(in);
        break;
    case KEY_ACTION_COMPLETE:
        tui_complete(tui);
        break;
    default:
        return FALSE;
    }
    tui_mark(tui, VIEW_INPUT);
    return TRUE;
}

/* Whether a key is one the room password's prompt takes: editing, but
 * neither the history of sent lines nor completion, which would show them. */
static gboolean tui_password_key(const LcKey *key)
{
    switch (key->action) {
    case KEY_ACTION_HISTORY_PREV:
    case KEY_ACTION_HISTORY_NEXT:
    case KEY_ACTION_COMPLETE:
    case KEY_ACTION_YANK:
    case KEY_ACTION_YANK_POP:
        return FALSE;
    default:
        return TRUE;
    }
}

/* Handles one key. */
void tui_handle_key(LcTui *tui, const LcKey *key)
{
    if (tui->asking_password && key->action == KEY_ACTION_ENTER) {
        tui_submit_password(tui);
        return;
    }
    if (tui->asking_password && !tui_password_key(key))
        return;
    if (tui->asking_password &&
        (key->action == KEY_ACTION_KILL_START || key->action == KEY_ACTION_KILL_END ||
         key->action == KEY_ACTION_DELETE_WORD || key->action == KEY_ACTION_DELETE_WORD_FORWARD)) {
        /* Cut text would go to the kill ring: the password's prompt clears instead. */
        inputline_wipe(tui->input);
        tui_mark(tui, VIEW_INPUT);
        return;
    }
    if (tui_edit_key(tui, key))
        return;
    switch (key->action) {
    case KEY_ACTION_ENTER:
        tui_submit(tui);
        tui_mark(tui, VIEW_INPUT);
        break;
    case KEY_ACTION_PAGE_UP:
        tui_scroll(tui, 0, 1);
        break;
    case KEY_ACTION_PAGE_DOWN:
        tui_scroll(tui, 0, -1);
        break;
    case KEY_ACTION_SCROLL_UP:
        tui_scroll(tui, 1, 0);
        break;
    case KEY_ACTION_SCROLL_DOWN:
        tui_scroll(tui, -1, 0);
        break;
    case KEY_ACTION_BOTTOM:
        chatlog_scroll_to_bottom(tui->chatlog);
        tui_mark(tui, VIEW_CHAT | VIEW_STATUS);
        break;
    case KEY_ACTION_REDRAW:
        screen_force_repaint(tui->screen);
        tui_mark(tui, VIEW_ALL);
        break;
    case KEY_ACTION_RESIZE:
        tui_mark(tui, VIEW_ALL);
        break;
    case KEY_ACTION_STATS:
        tui_media_toggle_stats(tui);
        break;
    case KEY_ACTION_TALK:
        tui_audio_mute(tui, NULL);
        break;
    case KEY_ACTION_QUIT:
        if (tui->asking_password && !tui->status.ever_joined) {
            /* Leaving at the password's question: the room was never joined. */
            tui->exit_status = 1;
            g_clear_error(&tui->error);
            tui->error = g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     "left before joining: no room password given");
        }
        tui_quit(tui, "leaving");
        break;
    default:
        break;
    }
}
