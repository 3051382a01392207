/* lanconf: the terminal chat client (ncursesw). */
#include "core/alloc_tune.h"
#include "net/wire/addr.h"
#include "net/wire/validate.h"
#include "net/wire/wire.h"
#include "net/discover/discover.h"
#include "src/app/config.h"
#include "src/app/locale_utf8.h"
#include "src/app/room_password.h"
#include "net/secure/room_auth.h"
#include "src/app/server_choice.h"
#include "ui-tui/tui.h"

#include <stdio.h>

/* Prints a usage error; returns the exit status for bad arguments. */
static int lanconf_usage_error(const char *what, const char *message)
{
    fprintf(stderr, "lanconf: %s%s\nTry 'lanconf --help'.\n", what, message);
    return 2;
}

/* Where files taken go: the flag's folder, the config's, the user's
 * Downloads folder where it exists, else the current folder. */
static char *lanconf_files_dir(const char *flag, const char *config)
{
    if (flag != NULL || config != NULL)
        return g_strdup(flag ? flag : config);
    const char *downloads = g_get_user_special_dir(G_USER_DIRECTORY_DOWNLOAD);
    if (downloads != NULL && g_file_test(downloads, G_FILE_TEST_IS_DIR))
        return g_strdup(downloads);
    g_autofree char *home = g_build_filename(g_get_home_dir(), "Downloads", NULL);
    if (g_file_test(home, G_FILE_TEST_IS_DIR))
        return g_steal_pointer(&home);
    return g_get_current_dir();
}

/* Parses the options, reads the config and runs the client. */
int main(int argc, char **argv)
{
    alloc_tune_for_frames();
    g_autofree char *server = NULL, *nick = NULL, *config_path = NULL, *log_path = NULL,
                    *password_file = NULL, *files_dir = NULL;
    gboolean no_history = FALSE, version = FALSE, no_bell = FALSE, insecure = FALSE;
    GOptionEntry entries[] = {
        {"server", 's', 0, G_OPTION_ARG_STRING, &server,
         "Relay to join, or auto: one found on the LAN (mDNS). Default: the config file's, else "
         "auto, else 127.0.0.1:" G_STRINGIFY(WIRE_DEFAULT_PORT),
         "HOST:PORT|auto"},
        {"nick", 'n', 0, G_OPTION_ARG_STRING, &nick, "Nick to use (default: login name)", "NICK"},
        {"log", 'l', 0, G_OPTION_ARG_FILENAME, &log_path,
         "Append the chat to FILE as plain text with timestamps", "FILE"},
        {"no-bell", 0, 0, G_OPTION_ARG_NONE, &no_bell,
         "Do not ring the bell when a message names you (config: bell=off)", NULL},
        {"no-history", 0, 0, G_OPTION_ARG_NONE, &no_history,
         "Do not show the recent messages the relay sends on joining", NULL},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
         "Read settings from FILE (default $XDG_CONFIG_HOME/lanconf/lanconf.conf)", "FILE"},
        {"password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
         "The room password, for a relay that asks for one: the first line of FILE (or set "
         "LANCONF_PASSWORD; without either it is asked for when needed)",
         "FILE"},
        {"insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
         "Speak plaintext, without TLS (a relay run with --insecure serves it): a lab's "
         "baseline; anyone on the network can read and change what is sent",
         NULL},
        {"files-dir", 0, 0, G_OPTION_ARG_FILENAME, &files_dir,
         "Where files taken with /accept go (config: files_dir; default: the Downloads folder "
         "where there is one, else the current folder)",
         "DIR"},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
        G_OPTION_ENTRY_NULL};
    locale_use_utf8(TRUE);
    g_autoptr(GOptionContext) ctx = g_option_context_new("- LAN chat in the terminal");
    g_option_context_set_summary(
        ctx,
        "Joins the chat room of a lanconf-relay. Start the relay once on any machine of the LAN "
        "(lanconf-relay), then run lanconf --nick NAME in each terminal: it finds the relay on "
        "the LAN where avahi-daemon runs (else give --server RELAY_HOST:" G_STRINGIFY(
            WIRE_DEFAULT_PORT) ").\n\n"
                               "Type a line and press Enter to send it. Every message shows its "
                               "sender as nick@ip:port.\n"
                               "Chat: /me ACTION, /msg NICK TEXT, /nick NEW, /who, /away "
                               "[MESSAGE], /lag, "
                               "/stats, /clear, /help [COMMAND], /quit [MESSAGE]. A message "
                               "that names you is highlighted and rings the bell.\n"
                               "Camera: /cam on [--private] [SOURCE] [tcp|udp|both], /cam off, "
                               "/allow [NICK] and /deny NICK (who may view a private camera), "
                               "/view NICK "
                               "[window|terminal] (a window where one can open, else drawn in "
                               "the terminal above the chat), /unview NICK.\n"
                               "Files: /send FILE [NICK] (to NICK or the room), /accept [N] and "
                               "/reject [N] (an offer, by its number), progress in the status "
                               "line.\n"
                               "Sound: /audio on [SOURCE] [tcp|udp|both] (mic by default, echo "
                               "cancelled where GStreamer's webrtcdsp is installed), /audio off, "
                               "/listen [FILE.wav], /listen off, /mute "
                               "[NICK], /volume NICK LEVEL.\n"
                               "Keys: PgUp/PgDn scroll, Up/Down recall sent lines, Tab completes "
                               "nicks, Ctrl-A/E/W/U/K/Y edit as in a shell, F2 shows or hides the "
                               "stats pane, F4 turns your microphone on or off, Ctrl-C quits.\n"
                               "Lost connections are re-established by themselves; nothing said "
                               "meanwhile is lost; a relay not up yet is waited for.\n\n"
                               "Exit status: 0 after /quit, 1 when the relay refuses to let it "
                               "join (a nick taken, a full room), 2 bad arguments.");
    /* The camera flags set what /cam on uses; they are main options too (one --help). */
    LcCameraOptions camera;
    camera_options_init(&camera);
    GOptionGroup *group = camera_options_new_group(
        &camera, NULL,
        "Camera for /cam on without SOURCE: test, synthetic[:SEED] (camera-like), /dev/videoN or a "
        "video file (default test)",
        entries);
    g_option_context_set_main_group(ctx, group);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        camera_options_clear(&camera);
        return lanconf_usage_error("", error->message);
    }
    if (version) {
        printf("lanconf %s (protocol %d)\n", LANCONF_VERSION, WIRE_VERSION);
        return 0;
    }
    if (argc > 1)
        return lanconf_usage_error("unexpected argument ", argv[1]);

    LcClientSettings settings;
    g_autoptr(GKeyFile) file = config_open(config_path, &error);
    if (file == NULL || !config_read_client(file, &settings, &error)) {
        fprintf(stderr, "lanconf: %s\n", error->message);
        return 2;
    }
    char *password = room_password_find(password_file, settings.password_file, &error);
    if (error != NULL) {
        fprintf(stderr, "lanconf: %s\n", error->message);
        config_client_clear(&settings);
        camera_options_clear(&camera);
        return 2;
    }
    g_autofree char *host = NULL;
    guint16 port = 0;
    const char *use_nick = nick ? nick : settings.nick ? settings.nick : g_get_user_name();
    int status = 2;
    g_autofree char *use_files_dir = lanconf_files_dir(files_dir, settings.files_dir);
    g_auto(LcServerChoice) choice = {0};
    g_autofree char *found = NULL;
    if (!g_file_test(use_files_dir, G_FILE_TEST_IS_DIR)) {
        lanconf_usage_error("--files-dir: not a folder: ", use_files_dir);
    } else if (!server_choice_parse(server, settings.server, &choice, &error)) {
        lanconf_usage_error("--server: ", error->message);
    } else if (!validate_nick(use_nick, &error)) {
        g_autofree char *why = g_strdup_printf("%s (choose one with --nick)", error->message);
        lanconf_usage_error("", why);
    } else if (!server_choice_find(&choice, DISCOVER_DEFAULT_WAIT_MS, &found, &error)) {
        /* --server auto and no relay answered. */
        fprintf(stderr, "lanconf: %s\n", error->message);
        status = 1;
    } else {
        host = g_steal_pointer(&choice.host);
        port = choice.port;
        LcTuiConfig tc = {
            .host = host,
            .port = port,
            .nick = use_nick,
            .log_path = log_path,
            .ping_interval_ms = settings.ping_interval_ms,
            .reconnect_max_ms = settings.reconnect_max_ms,
            .history_limit = no_history ? 0 : WIRE_HISTORY_DEFAULT,
            .bell_on_mention = settings.bell_on_mention && !no_bell,
            .camera = &camera,
            .found = found,
            .insecure = insecure || settings.insecure,
            .password = password,
            .files_dir = use_files_dir,
            .max_file_size = settings.max_file_size,
        };
        status = tui_run(&tc, &error);
        if (error != NULL)
            fprintf(stderr, "lanconf: %s\n", error->message);
    }
    room_auth_free_password(password);
    config_client_clear(&settings);
    camera_options_clear(&camera);
    return status;
}
