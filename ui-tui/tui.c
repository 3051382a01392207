/* tui.c: the terminal chat client's lifecycle and main loop. */
#include "ui-tui/tui_private.h"

#include "net/wire/clock.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define TUI_QUIT_GRACE_MS 3000 /* longest wait for the relay to take our QUIT */

/* Marks views dirty. */
void tui_mark(LcTui *tui, guint flags)
{
    redraw_mark(tui->redraw, flags);
}

/* Whether an entry goes to the --log file: not the backlog replayed on the
 * first join (it was logged when it was said), not before the relay stored it. */
static gboolean tui_should_log(LcTui *tui, const LcChatEntry *e)
{
    return tui->logfile != NULL && !e->pending && !(e->history && tui->stats.connects <= 1);
}

/* Appends an entry to the chat log and the log file. */
void tui_append(LcTui *tui, const LcChatEntry *entry)
{
    const LcChatEntry *e = chatlog_append(tui->chatlog, entry);
    if (tui_should_log(tui, e)) {
        g_autoptr(GError) error = NULL;
        if (!logfile_write_entry(tui->logfile, e, &error)) {
            g_clear_pointer(&tui->logfile, logfile_close);
            tui_append_text(tui, CHAT_KIND_ERROR, "%s; logging stopped", error->message);
        }
    }
    tui_mark(tui, VIEW_CHAT | VIEW_STATUS);
}

/* Appends client text of a kind, stamped now. */
void tui_append_text(LcTui *tui, LcChatKind kind, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, args);
    va_end(args);
    LcChatEntry e = {.kind = kind, .time_us = clock_now_us(), .text = text};
    tui_append(tui, &e);
}

/* Copies the session's nick, address and pending count into the models. */
void tui_sync_identity(LcTui *tui)
{
    const char *nick = session_get_nick(tui->session);
    if (g_strcmp0(nick, tui->status.nick) != 0) {
        status_set_string(&tui->status.nick, nick);
        chatlog_set_self(tui->chatlog, nick);
        g_free(tui->prompt);
        tui->prompt = g_strdup_printf("[%s] ", nick);
        tui_mark(tui, VIEW_INPUT | VIEW_MEMBERS | VIEW_CHAT);
    }
    status_set_string(&tui->status.addr, session_get_addr(tui->session));
    tui->status.pending = session_get_unacked(tui->session);
    tui->status.away = session_get_own_away(tui->session) != NULL;
    tui_mark(tui, VIEW_STATUS);
}

/* The grace period for leaving ran out: stop anyway. */
static gboolean tui_on_quit_timeout(gpointer data)
{
    LcTui *tui = data;
    tui->quit_timer = 0;
    g_main_loop_quit(tui->loop);
    return G_SOURCE_REMOVE;
}

/* Leaves with a reason. */
void tui_quit(LcTui *tui, const char *reason)
{
    if (tui->quitting)
        return;
    tui->quitting = TRUE;
    if (session_get_state(tui->session) == SESSION_CLOSED) {
        g_main_loop_quit(tui->loop);
        return;
    }
    session_quit(tui->session, reason);
    tui->quit_timer = g_timeout_add(TUI_QUIT_GRACE_MS, tui_on_quit_timeout, tui);
}

/* Draws what is dirty (the redraw source's callback). */
static void tui_on_redraw(guint dirty, gpointer data)
{
    LcTui *tui = data;
    tui->status.scrolled = chatlog_is_scrolled(tui->chatlog);
    tui->status.unread = chatlog_get_unread(tui->chatlog);
    LcScreenModels m = {
        .chatlog = tui->chatlog,
        .members = tui->members,
        .self = tui->status.nick,
        .status = &tui->status,
        .input = tui->input,
        .prompt = tui->checking_password ? "room password (checking): "
                  : tui->asking_password ? "room password: "
                                         : tui->prompt,
        .secret = tui->asking_password,
        .stats = tui_media_get_pane(tui),
        .tiles = tui_tiles_get(tui),
    };
    screen_draw(tui->screen, &m, dirty);
}

/* Reads every key waiting on stdin. */
static void tui_read_keys(LcTui *tui)
{
    LcKey key;
    while (keys_read(&key))
        tui_handle_key(tui, &key);
}

/* stdin is readable (or gone). */
static gboolean tui_on_stdin(gint fd, GIOCondition condition, gpointer data)
{
    LcTui *tui = data;
    if (condition & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) {
        tui_quit(tui, "terminal closed");
        return G_SOURCE_REMOVE;
    }
    tui_read_keys(tui);
    return G_SOURCE_CONTINUE;
}

/* SIGWINCH: the terminal changed size. */
static gboolean tui_on_winch(gpointer data)
{
    LcTui *tui = data;
    screen_resize(tui->screen);
    tui_read_keys(tui); /* a KEY_RESIZE ncurses may have queued */
    tui_mark(tui, VIEW_ALL);
    return G_SOURCE_CONTINUE;
}

/* SIGTERM, SIGHUP, SIGINT: leave the room properly. */
static gboolean tui_on_signal(gpointer data)
{
    tui_quit(data, "terminated");
    return G_SOURCE_CONTINUE;
}

/* Once a second: the status line shows how long the relay has been away. */
static gboolean tui_on_tick(gpointer data)
{
    LcTui *tui = data;
    if (tui->status.state == STATUS_RECONNECTING)
        tui_mark(tui, VIEW_STATUS);
    return G_SOURCE_CONTINUE;
}

/* Creates the models and the session (not started). */
static void tui_init(LcTui *tui, const LcTuiConfig *config)
{
    tui->config = *config;
    tui->loop = g_main_loop_new(NULL, FALSE);
    tui->chatlog = chatlog_new(0);
    tui->input = inputline_new(0);
    tui->members = members_new();
    tui->aways_said = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    status_init(&tui->status);
    tui_tiles_init(tui);
    tui_media_init(tui);
    chatstats_init(&tui->stats, clock_now_us());
    LcSessionConfig sc = {
        .host = config->host,
        .port = config->port,
        .nick = config->nick,
        .history_limit = config->history_limit,
        .reconnect = TRUE,
        .wait_for_relay = TRUE, /* started before the relay, it joins once the relay is up */
        .ping_interval_ms = config->ping_interval_ms,
        .reconnect_max_ms = config->reconnect_max_ms,
        .insecure = config->insecure,
        .password = config->password,
        .files = TRUE,
    };
    tui->session = session_new(&sc, &tui_session_events, tui);
    tui_audio_init(tui);
    tui_files_init(tui);
    tui_media_follow_session(tui);
    tui->redraw = redraw_source_new(tui_on_redraw, tui);
    status_set_string(&tui->status.server, session_get_server(tui->session));
}

/* Frees what tui_init() and tui_run() made. */
static void tui_clear(LcTui *tui)
{
    tui_files_clear(tui);
    tui_audio_clear(tui);
    tui_media_clear(tui);
    tui_tiles_clear(tui);
    session_free(tui->session);
    g_source_destroy(tui->redraw);
    g_source_unref(tui->redraw);
    logfile_close(tui->logfile);
    chatlog_free(tui->chatlog);
    inputline_free(tui->input);
    members_free(tui->members);
    g_hash_table_unref(tui->aways_said);
    status_clear(&tui->status);
    g_free(tui->prompt);
    g_free(tui->password_draft);
    g_main_loop_unref(tui->loop);
}

/* Adds the main loop's sources; returns their ids for removal. */
static void tui_add_sources(LcTui *tui, guint ids[5])
{
    /* Signal handlers go in before ncurses starts, so that ncurses leaves
     * SIGWINCH and the exit signals to the main loop. */
    ids[0] = g_unix_signal_add(SIGWINCH, tui_on_winch, tui);
    ids[1] = g_unix_signal_add(SIGTERM, tui_on_signal, tui);
    ids[2] = g_unix_signal_add(SIGHUP, tui_on_signal, tui);
    ids[3] = g_unix_signal_add(SIGINT, tui_on_signal, tui);
    ids[4] = g_timeout_add_seconds(1, tui_on_tick, tui);
}

/* Runs the client until the user quits. */
int tui_run(const LcTuiConfig *config, GError **error)
{
    LcTui tui = {0};
    guint ids[5];
    tui_init(&tui, config);
    if (config->log_path != NULL && (tui.logfile = logfile_open(config->log_path, error)) == NULL) {
        tui_clear(&tui);
        return 1;
    }
    tui_add_sources(&tui, ids);
    tui.screen = screen_new(error);
    if (tui.screen == NULL) {
        for (guint i = 0; i < G_N_ELEMENTS(ids); i++)
            g_source_remove(ids[i]);
        tui_clear(&tui);
        return 1;
    }
    g_source_attach(tui.redraw, NULL);
    guint stdin_id = g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, tui_on_stdin, &tui);
    tui_sync_identity(&tui);
    if (config->found != NULL)
        tui_append_text(&tui, CHAT_KIND_INFO, "%s", config->found);
    tui_append_text(&tui, CHAT_KIND_INFO, "connecting to relay %s as %s...",
                    session_get_server(tui.session), config->nick);
    session_start(tui.session);
    tui_mark(&tui, VIEW_ALL);
    g_main_loop_run(tui.loop);

    g_clear_handle_id(&tui.quit_timer, g_source_remove);
    g_clear_handle_id(&stdin_id, g_source_remove);
    for (guint i = 0; i < G_N_ELEMENTS(ids); i++)
        g_source_remove(ids[i]);
    screen_free(tui.screen);
    if (tui.error != NULL)
        g_propagate_error(error, g_steal_pointer(&tui.error));
    int status = tui.exit_status;
    tui_clear(&tui);
    return status;
}
