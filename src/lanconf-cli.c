/* lanconf-cli: the lanconf chat client for scripts and tests (stdin/stdout). */
#include "core/alloc_tune.h"
#include "net/wire/addr.h"
#include "net/client/session.h"
#include "net/secure/known_relays.h"
#include "net/secure/room_auth.h"
#include "src/app/room_password.h"
#include "core/option_number.h"
#include "net/discover/discover.h"
#include "src/app/cli_discover.h"
#include "src/app/cli_files.h"
#include "src/app/cli_format.h"
#include "src/app/cli_media.h"
#include "src/app/cli_relay_stats.h"
#include "src/app/config.h"
#include "src/app/locale_utf8.h"
#include "src/app/server_choice.h"
#include "net/wire/validate.h"
#include "net/wire/wire.h"

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    GMainLoop *loop;
    LcSession *session;
    GDataInputStream *input;
    GCancellable *cancel;
    gboolean json;
    gboolean verbose;
    gint count;           /* messages from others to print before exiting; 0 = none */
    gboolean follow;      /* --follow: run until interrupted, whatever stdin does */
    gboolean interrupted; /* SIGINT or SIGTERM came */
    gboolean lost;        /* the relay is out of reach: said once, until back */
    gboolean ever_joined;
    gint printed;
    gboolean stdin_eof;
    guint lines;
    int status; /* exit status so far */
    gboolean quitting;
    LcCliMedia *media;        /* --camera or --view */
    gboolean media_done;      /* the camera or view run is over */
    gboolean media_until_eof; /* no --duration: the run lasts until stdin ends */
    gint64 media_start_us;    /* monotonic: the media run started */
    char *known_relays;       /* where relays' certificates are pinned */
    gboolean has_password;    /* a room password was given */
    LcCliFiles *files;        /* --send-file, --accept-files */
    gboolean files_finish;    /* the files decide when it exits (sending, or --files N) */
} LcCli;

/* Leaves the room and stops once the QUIT is sent. */
static void cli_finish(LcCli *cli)
{
    if (cli->quitting)
        return;
    cli->quitting = TRUE;
    g_cancellable_cancel(cli->cancel);
    session_quit(cli->session, "lanconf-cli done");
}

/* Exits when stdin is done, everything sent is acknowledged and enough
 * messages from others have been printed. */
static void cli_check_done(LcCli *cli)
{
    if (cli->media != NULL && !cli->media_done) {
        /* A camera or view run without --duration lasts until stdin ends
         * (with --follow, until interrupted). */
        if (cli->stdin_eof && cli->media_until_eof && !cli->follow) {
            /* Input that ends at once (</dev/null, a script) ends the run
             * before anything was sent or heard: say why. */
            if (g_get_monotonic_time() - cli->media_start_us < G_USEC_PER_SEC)
                fprintf(stderr, "lanconf-cli: stdin ended at once, and without --duration the "
                                "run lasts until stdin ends: give --duration S or --follow, or "
                                "keep stdin open\n");
            cli_media_finish(cli->media);
        }
        return;
    }
    if (cli->files != NULL && cli_files_is_waiting(cli->files))
        return;
    if (cli->files_finish && cli_files_is_done(cli->files)) {
        cli_finish(cli); /* sent, or received, all it was asked to */
        return;
    }
    if (cli->follow && !cli->interrupted)
        return;
    /* A camera or view run that is over ends even while the relay is away,
     * once no chat line of ours waits for it: nothing is left to deliver. */
    gboolean reachable = session_get_state(cli->session) == SESSION_JOINED || cli->media_done;
    if ((cli->stdin_eof || cli->media_done) && session_get_unacked(cli->session) == 0 &&
        cli->printed >= cli->count && reachable)
        cli_finish(cli);
}

/* Lets go of a finished camera run while files still go: its stream
 * closes (files then go at full speed) and its reports stop. */
static gboolean cli_on_media_release(gpointer data)
{
    LcCli *cli = data;
    g_clear_pointer(&cli->media, cli_media_free);
    cli_check_done(cli);
    return G_SOURCE_REMOVE;
}

/* The camera or view run is over (its summary written). */
static void cli_on_media_done(LcCliMedia *media, int status, gpointer data)
{
    LcCli *cli = data;
    cli->media_done = TRUE;
    cli->status = MAX(cli->status, status);
    if (cli->files != NULL && cli_files_is_waiting(cli->files)) {
        g_idle_add(cli_on_media_release, cli);
        return;
    }
    cli_check_done(cli);
}

/* SIGINT/SIGTERM: end a camera or view run properly (summary), else quit. */
static gboolean cli_on_signal(gpointer data)
{
    LcCli *cli = data;
    cli->interrupted = TRUE;
    if (cli->media != NULL && !cli->media_done) {
        cli_media_finish(cli->media);
        return G_SOURCE_CONTINUE;
    }
    if (cli->quitting)
        g_main_loop_quit(cli->loop);
    cli_finish(cli);
    return G_SOURCE_CONTINUE;
}

/* Before the first join: says that the relay's certificate was pinned on
 * this first meeting (whether the relay then let us in or not); FALSE when
 * it was met before. */
static gboolean cli_say_pin(LcCli *cli, LcSession *session)
{
    gboolean first_use = FALSE;
    const char *fingerprint = session_get_fingerprint(session, &first_use);
    if (cli->ever_joined || !first_use)
        return FALSE;
    fprintf(stderr,
            "lanconf-cli: first meeting with relay %s: its certificate %s is pinned from now "
            "on (%s); compare it with the fingerprint the relay logged\n",
            session_get_server(session), fingerprint, cli->known_relays);
    return TRUE;
}

/* Session state changes: report losses, stop when closed. */
static void cli_on_state(LcSession *session, LcSessionState state, const GError *error,
                         gpointer data)
{
    LcCli *cli = data;
    if (state == SESSION_RECONNECT_WAIT) {
        /* Once an outage, not once an attempt: the next line is "rejoined". */
        if (!cli->lost && cli->ever_joined)
            cli_print_remote(stderr, "lanconf-cli: connection lost (%s); reconnecting",
                             error ? error->message : "closed");
        else if (!cli->lost)
            cli_print_remote(stderr, "lanconf-cli: %s; trying again until the relay answers",
                             error ? error->message : "the relay closed the connection");
        cli->lost = TRUE;
    } else if (state == SESSION_CLOSED) {
        cli_say_pin(cli, session); /* pinned even though it refused us */
        if (session_error_is_auth(error) && !cli->quitting)
            cli_print_error(&cli->status, "%s; %s", error->message,
                            cli->has_password ? "check the password given" : ROOM_PASSWORD_HINT);
        else if (error != NULL && !cli->quitting)
            cli_print_error(&cli->status, "%s", error->message);
        g_main_loop_quit(cli->loop);
    }
}

/* Joined (or rejoined) the room. */
static void cli_on_joined(LcSession *session, gboolean resumed, gpointer data)
{
    LcCli *cli = data;
    gboolean was_lost = cli->lost;
    cli->lost = FALSE;
    const char *fingerprint = session_get_fingerprint(session, NULL);
    if (!cli_say_pin(cli, session) && !cli->ever_joined && cli->verbose && fingerprint != NULL)
        fprintf(stderr, "lanconf-cli: relay %s showed its pinned certificate %s\n",
                session_get_server(session), fingerprint);
    if (cli->verbose || resumed || was_lost) /* after "trying again", say it worked */
        fprintf(stderr, "lanconf-cli: %s %s as %s@%s\n", resumed ? "rejoined" : "joined",
                session_get_server(session), session_get_nick(session), session_get_addr(session));
    cli->ever_joined = TRUE;
    cli_check_done(cli);
}

/* A chat message: print it unless it is our own. */
static void cli_on_chat(LcSession *session, const LcSessionChat *chat, gpointer data)
{
    LcCli *cli = data;
    if (chat->own)
        return;
    g_autofree char *line = cli->json ? cli_format_json(chat) : cli_format_line(chat);
    if (!cli_media_show_line(cli->media, line)) {
        printf("%s\n", line);
        fflush(stdout);
    }
    cli->printed++;
    cli_check_done(cli);
}

/* One of our messages is stored. */
static void cli_on_acked(LcSession *session, guint64 client_id, guint64 id, gpointer data)
{
    cli_check_done(data);
}

/* Presence, shown on stderr with --verbose. */
static void cli_on_presence(LcSession *session, LcWirePresenceKind kind, const char *nick,
                            const char *addr, const char *old, const char *reason, gpointer data)
{
    LcCli *cli = data;
    if (!cli->verbose)
        return;
    if (kind == WIRE_PRESENCE_JOIN)
        cli_print_remote(stderr, "-- %s@%s joined", nick, addr);
    else if (kind == WIRE_PRESENCE_LEAVE)
        cli_print_remote(stderr, "-- %s@%s left (%s)", nick, addr,
                         reason && *reason ? reason : "quit");
    else if (kind == WIRE_PRESENCE_AWAY && reason != NULL && *reason != '\0')
        cli_print_remote(stderr, "-- %s is away: %s", nick, reason);
    else if (kind == WIRE_PRESENCE_AWAY)
        cli_print_remote(stderr, "-- %s is back", nick);
    else
        cli_print_remote(stderr, "-- %s is now %s", old, nick);
}

/* The relay refused a message or request. */
static void cli_on_refused(LcSession *session, const GError *error, guint64 client_id,
                           gpointer data)
{
    LcCli *cli = data;
    if (client_id != 0)
        cli_print_error(&cli->status, "message %" G_GUINT64_FORMAT " refused: %s", client_id,
                        error->message);
    else
        cli_print_error(&cli->status, "%s", error->message);
    cli_check_done(cli);
}

/* Messages lost from history while disconnected. */
static void cli_on_gap(LcSession *session, guint64 first, guint64 last, gpointer data)
{
    LcCli *cli = data;
    cli_print_error(&cli->status,
                    "messages %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                    " were missed and are no longer in the relay's history",
                    first, last);
}

static const LcSessionEvents cli_events = {
    .state = cli_on_state,
    .joined = cli_on_joined,
    .chat = cli_on_chat,
    .acked = cli_on_acked,
    .presence = cli_on_presence,
    .refused = cli_on_refused,
    .gap = cli_on_gap,
};

static void cli_read_line(LcCli *cli);

/* A file transfer ended: the run may be over. */
static void cli_on_files_done(gpointer data)
{
    cli_check_done(data);
}

/* A line from stdin: send it as one chat message. */
static void cli_on_line(GObject *source, GAsyncResult *result, gpointer data)
{
    LcCli *cli = data;
    g_autoptr(GError) error = NULL;
    gsize len = 0;
    g_autofree char *line = g_data_input_stream_read_line_finish_utf8(G_DATA_INPUT_STREAM(source),
                                                                      result, &len, &error);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    if (error != NULL) {
        cli->lines++;
        cli_print_error(&cli->status, "stdin line %u: %s; not sent", cli->lines, error->message);
        /* The stream cannot resynchronise after invalid UTF-8 mid-line. */
        cli->stdin_eof = TRUE;
        cli_check_done(cli);
        return;
    }
    if (line == NULL) {
        cli->stdin_eof = TRUE;
        /* Nothing to send and nothing to wait for: a reader that meant to
         * keep listening (</dev/null) learns how. */
        if (cli->lines == 0 && cli->count == 0 && !cli->follow && cli->media == NULL &&
            cli->files == NULL)
            fprintf(stderr, "lanconf-cli: stdin is empty: nothing to send, so it leaves at "
                            "once; --follow prints the room until interrupted\n");
        cli_check_done(cli);
        return;
    }
    cli->lines++;
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    /* "/me waves" is an action and "/msg bob hi" a private message, as in
     * the TUI. */
    gboolean action = g_str_has_prefix(line, "/me ") && len > 4;
    g_autofree char *to = NULL;
    const char *text = action ? line + 4 : line;
    if (g_str_has_prefix(line, "/msg ")) {
        const char *nick = line + 5, *space = strchr(nick, ' ');
        to = g_strndup(nick, space ? (gsize)(space - nick) : strlen(nick));
        text = space ? space + 1 : "";
        if (*to == '\0' || *text == '\0') {
            cli_print_error(&cli->status, "stdin line %u: usage: /msg NICK TEXT; not sent",
                            cli->lines);
            cli_read_line(cli);
            return;
        }
    }
    guint64 id = to        ? session_send_private(cli->session, to, text, FALSE, &error)
                 : len > 0 ? session_send_chat(cli->session, text, action, &error)
                           : 1;
    if (id == 0)
        cli_print_error(&cli->status, "stdin line %u: %s; not sent", cli->lines, error->message);
    cli_read_line(cli);
}

/* Reads the next stdin line without blocking the loop. */
static void cli_read_line(LcCli *cli)
{
    g_data_input_stream_read_line_async(cli->input, G_PRIORITY_DEFAULT, cli->cancel, cli_on_line,
                                        cli);
}

/* --timeout expired. */
static gboolean cli_on_timeout(gpointer data)
{
    LcCli *cli = data;
    if (cli->follow && cli->ever_joined) {
        /* A logger given a time limit has done what it was asked (one that
         * never got in has not: it fails below). */
        cli->interrupted = TRUE;
        if (cli->media != NULL && !cli->media_done)
            cli_media_finish(cli->media);
        else
            cli_finish(cli);
        return G_SOURCE_REMOVE;
    }
    cli_print_error(&cli->status,
                    "timed out: %d of %d messages from others printed, %u of my messages not "
                    "acknowledged%s",
                    cli->printed, cli->count, session_get_unacked(cli->session),
                    cli->stdin_eof ? "" : ", stdin still open");
    g_main_loop_quit(cli->loop);
    return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
    alloc_tune_for_frames();
    locale_use_utf8(FALSE);
    g_autofree char *server = NULL, *nick = NULL, *config_path = NULL, *password_file = NULL;
    gboolean json = FALSE, no_history = FALSE, verbose = FALSE, no_reconnect = FALSE,
             relay_stats = FALSE, follow = FALSE, version = FALSE, discover = FALSE,
             insecure = FALSE;
    gint count = 0;
    gdouble timeout = 0;
    LcCliMediaOptions media;
    cli_media_options_init(&media);
    LcCliFilesOptions fopts = {.count = CLI_FILES_COUNT_UNSET};
    GOptionEntry media_entries[] = {
        {"channels", 0, 0, G_OPTION_ARG_STRING, &media.channels,
         "Channels for the camera, the view, talking and listening: tcp, udp or both (default "
         "both)",
         "tcp|udp|both"},
        {"ack-mode", 0, 0, G_OPTION_ARG_STRING, &media.ack_mode,
         "pipelined (default), or stop-and-wait: the next frame only after the last is "
         "acknowledged",
         "MODE"},
        {"duration", 0, 0, G_OPTION_ARG_STRING, &media.duration,
         "Send, view, talk or listen for S seconds (default: until stdin ends)", "S"},
        {"private", 0, 0, G_OPTION_ARG_NONE, &media.private,
         "Only the members given with --allow may view the camera and hear --audio; others "
         "are refused",
         NULL},
        {"allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &media.allow,
         "With --private: NICK may view and hear (repeat for each member)", "NICK"},
        {"view", 0, 0, G_OPTION_ARG_STRING, &media.view,
         "Receive NICK's camera (waits until NICK streams)", "NICK"},
        {"summary", 0, 0, G_OPTION_ARG_FILENAME, &media.summary,
         "Write the statistics (camera or view; talk and listen under \"audio\") as JSON to FILE "
         "at the end",
         "FILE"},
        {"headless", 0, 0, G_OPTION_ARG_NONE, &media.headless,
         "With --view: count and time frames, showing nothing", NULL},
        {"tty", 0, 0, G_OPTION_ARG_NONE, &media.tty,
         "With --view: draw the camera in this terminal, in coloured block characters (the "
         "default where no window can open and stdout is a terminal)",
         NULL},
        {"tty-mode", 0, 0, G_OPTION_ARG_STRING, &media.tty_mode,
         "How the terminal draws it: symbols (block characters), sixels (pixels, for mlterm, "
         "foot and other terminals with sixel graphics) or auto (default: sixels where $TERM "
         "has them)",
         "MODE"},
        G_OPTION_ENTRY_NULL};
    LcOptionNumber numbers[] = {
        OPTION_WHOLE("count", 'c', 0, G_MAXINT, &count,
                     "After stdin ends, wait until N messages from others are printed", "N"),
        OPTION_SECONDS("timeout", 't', 0, OPTION_SECONDS_MAX, &timeout,
                       "Fail (exit 1) after S seconds (default: never)", "S"),
        OPTION_NUMBER_END};
    GOptionEntry entries[] = {
        {"server", 's', 0, G_OPTION_ARG_STRING, &server,
         "Relay to join, or auto: one found on the LAN (mDNS). Default: the config file's, else "
         "auto, else 127.0.0.1:" G_STRINGIFY(WIRE_DEFAULT_PORT),
         "HOST:PORT|auto"},
        {"discover", 0, 0, G_OPTION_ARG_NONE, &discover,
         "List the relays that answer on the LAN (mDNS, through avahi-daemon) and exit; --json "
         "for JSON, --timeout S to listen longer than 2 s",
         NULL},
        {"nick", 'n', 0, G_OPTION_ARG_STRING, &nick, "Nick to use (default: login name)", "NICK"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print one JSON object per message", NULL},
        {"follow", 'f', 0, G_OPTION_ARG_NONE, &follow,
         "Keep printing the room after stdin ends, until interrupted (Ctrl-C or SIGTERM: leaves "
         "the room and exits 0) or --timeout S is up (exit 0 if it joined); a camera or view "
         "without --duration runs as long",
         NULL},
        {"no-history", 0, 0, G_OPTION_ARG_NONE, &no_history,
         "Do not print the backlog sent on join", NULL},
        {"no-reconnect", 0, 0, G_OPTION_ARG_NONE, &no_reconnect,
         "Exit 1 when the connection is lost instead of reconnecting", NULL},
        {"config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "Read settings from FILE", "FILE"},
        {"password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
         "The room password, for a relay that asks for one: the first line of FILE (or set "
         "LANCONF_PASSWORD; never on the command line)",
         "FILE"},
        {"insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
         "Speak plaintext, without TLS (a relay run with --insecure serves it): a lab's "
         "baseline; anyone on the network can read and change what is sent",
         NULL},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Show joins and leaves on stderr", NULL},
        {"relay-stats", 0, 0, G_OPTION_ARG_NONE, &relay_stats,
         "Print the relay's camera-channel statistics (a table, or JSON with --json) and exit",
         NULL},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx = g_option_context_new("- lanconf chat from stdin/stdout");
    g_option_context_set_summary(
        ctx, "Every line read from stdin is sent as one chat message; every message from others "
             "is printed as NICK@IP:PORT: TEXT (or JSON). On end of input it exits 0 once the "
             "relay has acknowledged every line; with --follow it goes on printing until "
             "interrupted.\nExit status: 0 done, 1 error or timeout, 2 bad "
             "arguments.");
    g_option_context_set_main_group(ctx, option_number_group_new(numbers, NULL, NULL, NULL));
    g_option_context_add_main_entries(ctx, entries, NULL);
    /* --camera SOURCE both names the source and turns sending on. */
    GOptionGroup *group = camera_options_new_group(
        &media.camera, "camera",
        "Send a camera on the camera channels (the same frames over TCP and UDP at once): test "
        "(a moving test pattern), synthetic[:SEED] (a camera-like scene), /dev/videoN or a video "
        "file",
        NULL);
    g_option_group_add_entries(group, media_entries);
    g_option_context_add_group(ctx, group);
    g_option_context_add_group(ctx, cli_media_audio_group_new(&media));
    g_option_context_add_group(ctx, cli_files_group_new(&fopts));
    g_autoptr(GError) error = NULL;
    gboolean parsed = g_option_context_parse(ctx, &argc, &argv, &error);
    if (parsed && !cli_files_options_check(&fopts, &error)) {
        fprintf(stderr, "lanconf-cli: %s\nTry 'lanconf-cli --help-files'.\n", error->message);
        cli_files_options_clear(&fopts);
        cli_media_options_clear(&media);
        return 2;
    }
    media.send = media.camera.source != NULL;
    if (!parsed || !cli_media_options_check(&media, &error)) {
        /* Point at the help that lists the option at fault. */
        gboolean audio = parsed && (g_str_has_prefix(error->message, "--audio") ||
                                    g_str_has_prefix(error->message, "--jitter") ||
                                    g_str_has_prefix(error->message, "--echo-cancel") ||
                                    g_str_has_prefix(error->message, "--listen"));
        const char *help = audio    ? "--help-audio"
                           : parsed ? "--help-camera"
                           : g_error_matches(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION)
                               ? "--help"
                               : "--help-all";
        fprintf(stderr, "lanconf-cli: %s\nTry 'lanconf-cli %s'.\n", error->message, help);
        cli_media_options_clear(&media);
        return 2;
    }
    if (version) {
        printf("lanconf-cli %s (protocol %d)\n", LANCONF_VERSION, WIRE_VERSION);
        cli_media_options_clear(&media);
        return 0;
    }
    if (follow && count > 0) {
        fprintf(stderr, "lanconf-cli: --follow runs until interrupted, --count until N messages "
                        "came: give one of them\nTry 'lanconf-cli --help'.\n");
        cli_media_options_clear(&media);
        return 2;
    }
    if (argc > 1) {
        fprintf(stderr, "lanconf-cli: unexpected argument '%s'\nTry 'lanconf-cli --help'.\n",
                argv[1]);
        return 2;
    }
    if (discover && (server != NULL || nick != NULL || follow || count > 0 || relay_stats ||
                     cli_media_options_any(&media))) {
        fprintf(stderr, "lanconf-cli: --discover lists the relays on the LAN and exits: it takes "
                        "only --json and --timeout\nTry 'lanconf-cli --help'.\n");
        cli_media_options_clear(&media);
        return 2;
    }
    if (discover) {
        cli_media_options_clear(&media);
        return cli_discover_run(
            json, timeout > 0 ? (guint)(timeout * 1000) : DISCOVER_DEFAULT_WAIT_MS, timeout > 0);
    }
    LcClientSettings settings;
    g_autoptr(GKeyFile) file = config_open(config_path, &error);
    if (file == NULL || !config_read_client(file, &settings, &error)) {
        fprintf(stderr, "lanconf-cli: %s\n", error->message);
        return 2;
    }
    g_autofree char *host = NULL;
    guint16 port = 0;
    const char *use_nick = nick ? nick : settings.nick ? settings.nick : g_get_user_name();
    g_auto(LcServerChoice) choice = {0};
    if (!server_choice_parse(server, settings.server, &choice, &error)) {
        fprintf(stderr, "lanconf-cli: --server: %s\nTry 'lanconf-cli --help'.\n", error->message);
        config_client_clear(&settings);
        return 2;
    }
    /* The relay would refuse a bad nick; say so before connecting. */
    const char *bad_flag = NULL;
    if (!validate_nick(use_nick, &error))
        bad_flag = nick != NULL ? "--nick" : "the nick (login name or config)";
    else if (media.view != NULL && !validate_nick(media.view, &error))
        bad_flag = "--view";
    if (bad_flag != NULL) {
        fprintf(stderr, "lanconf-cli: %s: %s\nTry 'lanconf-cli --help'.\n", bad_flag,
                error->message);
        cli_media_options_clear(&media);
        config_client_clear(&settings);
        return 2;
    }
    /* --server auto, or nothing configured: a relay found on the LAN; with
     * --follow, looked for until one answers (or --timeout is up). */
    g_autofree char *found = NULL;
    gint64 give_up =
        timeout > 0 ? g_get_monotonic_time() + (gint64)(timeout * G_USEC_PER_SEC) : G_MAXINT64;
    gboolean said = FALSE;
    while (!server_choice_find(&choice, DISCOVER_DEFAULT_WAIT_MS, &found, &error)) {
        if (!follow || !g_error_matches(error, DISCOVER_ERROR, DISCOVER_ERROR_NONE) ||
            g_get_monotonic_time() >= give_up) {
            fprintf(stderr, "lanconf-cli: %s\n", error->message);
            cli_media_options_clear(&media);
            config_client_clear(&settings);
            return 1;
        }
        if (!said)
            fprintf(stderr, "lanconf-cli: no relay on the LAN yet: looking again (--follow)\n");
        said = TRUE;
        g_clear_error(&error);
        g_usleep(G_USEC_PER_SEC);
    }
    if (found != NULL)
        fprintf(stderr, "lanconf-cli: %s\n", found);
    host = g_steal_pointer(&choice.host);
    port = choice.port;
    char *password = room_password_find(password_file, settings.password_file, &error);
    if (error != NULL) {
        fprintf(stderr, "lanconf-cli: %s\n", error->message);
        cli_media_options_clear(&media);
        config_client_clear(&settings);
        return 2;
    }
    if (relay_stats) {
        LcCliRelayStatsOptions rso = {
            host, port, use_nick, json, timeout, insecure || settings.insecure, password};
        int status = cli_relay_stats_run(&rso);
        room_auth_free_password(password);
        cli_media_options_clear(&media);
        config_client_clear(&settings);
        return status;
    }

    LcCli cli = {.loop = g_main_loop_new(NULL, FALSE),
                 .json = json,
                 .count = count,
                 .follow = follow,
                 .verbose = verbose,
                 .cancel = g_cancellable_new()};
    LcSessionConfig sc = {
        .host = host,
        .port = port,
        .nick = use_nick,
        .history_limit = no_history ? 0 : WIRE_HISTORY_DEFAULT,
        .reconnect = !no_reconnect,
        .wait_for_relay = follow && !no_reconnect, /* a logger may start before the relay */
        .ping_interval_ms = cli_media_options_any(&media) ? 1000 : 0, /* clock offset */
        .reconnect_max_ms = MIN(settings.reconnect_max_ms, 2000),
        .insecure = insecure || settings.insecure,
        .password = password,
        .files = cli_files_options_any(&fopts),
    };
    cli.known_relays = known_relays_default_path();
    if (sc.insecure)
        fprintf(stderr, "lanconf-cli: --insecure: speaking plaintext; anyone on the network can "
                        "read and change what is sent\n");
    cli.has_password = password != NULL;
    cli.session = session_new(&sc, &cli_events, &cli);
    for (guint i = 0; media.allow != NULL && media.allow[i] != NULL; i++)
        session_allow_viewer(cli.session, media.allow[i], TRUE, NULL); /* checked already */
    room_auth_free_password(password);
    g_autoptr(GInputStream) in = g_unix_input_stream_new(0, FALSE);
    cli.input = g_data_input_stream_new(in);
    g_data_input_stream_set_newline_type(cli.input, G_DATA_STREAM_NEWLINE_TYPE_LF);
    if (timeout > 0)
        g_timeout_add((guint)(timeout * 1000), cli_on_timeout, &cli);
    session_start(cli.session);
    if (cli_files_options_any(&fopts)) {
        cli.files = cli_files_new(cli.session, &fopts, cli_on_files_done, &cli, &error);
        cli.files_finish = (fopts.send != NULL && fopts.send[0] != NULL) || fopts.count > 0;
        if (cli.files == NULL) {
            fprintf(stderr, "lanconf-cli: %s\n", error->message);
            cli.status = 1;
            g_main_loop_quit(cli.loop);
        }
    }
    if (cli_media_options_any(&media)) {
        cli.media_until_eof = media.duration_s <= 0;
        cli.media_start_us = g_get_monotonic_time();
        cli.media = cli_media_new(cli.session, &media, cli_on_media_done, &cli, &error);
        if (cli.media == NULL) {
            fprintf(stderr, "lanconf-cli: %s\n", error->message);
            cli.status = 1;
            g_main_loop_quit(cli.loop);
        }
    }
    g_unix_signal_add(SIGINT, cli_on_signal, &cli);
    g_unix_signal_add(SIGTERM, cli_on_signal, &cli);
    /* A closed terminal: leave as on Ctrl-C, so that the nick is free at
     * once rather than held for a client that will not come back. */
    g_unix_signal_add(SIGHUP, cli_on_signal, &cli);
    cli_read_line(&cli);
    if (cli.status == 0)
        g_main_loop_run(cli.loop);

    g_cancellable_cancel(cli.cancel);
    if (cli.files != NULL)
        cli.status = MAX(cli.status, cli_files_get_status(cli.files));
    cli_files_free(cli.files);
    cli_files_options_clear(&fopts);
    cli_media_free(cli.media);
    cli_media_options_clear(&media);
    session_free(cli.session);
    g_object_unref(cli.input);
    g_object_unref(cli.cancel);
    g_main_loop_unref(cli.loop);
    g_free(cli.known_relays);
    config_client_clear(&settings);
    return cli.status;
}
