/* lanconf-relay: the LAN chat relay. */
#include "core/alloc_tune.h"
#include "core/option_number.h"
#include "net/discover/discover.h"
#include "net/relay/relay.h"
#include "net/secure/room_auth.h"
#include "net/relay/relay_video.h"
#include "src/app/config.h"
#include "src/app/locale_utf8.h"
#include "src/app/log_writer.h"
#include "net/wire/wire.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RELAY_SHUTDOWN_MS 1500

typedef struct {
    GMainLoop *loop;
    LcRelay *relay;
    gint64 deadline;
    guint stats_interval;
} LcRelayMain;

/* Quits once every client is closed or the deadline passes. */
static gboolean relay_main_drain(gpointer data)
{
    LcRelayMain *m = data;
    if (relay_get_n_connections(m->relay) == 0 || g_get_monotonic_time() > m->deadline) {
        g_main_loop_quit(m->loop);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* SIGINT/SIGTERM: tell clients, flush, quit. A second signal quits at once. */
static gboolean relay_main_on_signal(gpointer data)
{
    LcRelayMain *m = data;
    if (m->deadline != 0) {
        g_main_loop_quit(m->loop);
        return G_SOURCE_CONTINUE;
    }
    g_message("shutting down");
    m->deadline = g_get_monotonic_time() + RELAY_SHUTDOWN_MS * 1000;
    relay_shutdown(m->relay, RELAY_SHUTDOWN_MS);
    g_timeout_add(20, relay_main_drain, m);
    return G_SOURCE_CONTINUE;
}

/* Appends " NAME_tcp=N NAME_udp=N": one field per channel kind. */
static void relay_log_per_kind(GString *out, const char *name, const guint64 values[LC_CHAN_KINDS])
{
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        g_string_append_printf(out, " %s_%s=%" G_GUINT64_FORMAT, name, chan_kind_name(k),
                               values[k]);
}

/* Logs the camera channels' counters: a summary line, then one per stream and viewer. */
static void relay_main_log_video_stats(LcRelay *relay)
{
    LcRelayVideoStats v;
    relay_get_video_stats(relay, &v);
    g_message("stats: video streams=%u viewers=%u bad_datagrams=%" G_GUINT64_FORMAT
              " unknown_token=%" G_GUINT64_FORMAT " bad_seal=%" G_GUINT64_FORMAT
              " udp_send_errors=%" G_GUINT64_FORMAT,
              v.streams->len, v.viewers->len, v.bad_datagrams, v.unknown_token, v.bad_seal,
              v.udp_send_errors);
    for (guint i = 0; i < v.streams->len; i++) {
        const LcRelayStreamStats *s = &g_array_index(v.streams, LcRelayStreamStats, i);
        g_autoptr(GString) in = g_string_new(NULL);
        relay_log_per_kind(in, "in", s->frames_in);
        g_message("stats: stream %u nick=%s viewers=%u%s udp_lost=%" G_GUINT64_FORMAT
                  " udp_dup=%" G_GUINT64_FORMAT " udp_rejected=%" G_GUINT64_FORMAT
                  " udp_pending=%u bad_token=%" G_GUINT64_FORMAT,
                  s->stream_id, s->nick, s->viewers, in->str, s->udp_lost, s->udp_duplicates,
                  s->udp_rejected, s->udp_pending, s->bad_token);
    }
    for (guint i = 0; i < v.viewers->len; i++) {
        const LcRelayViewerStats *w = &g_array_index(v.viewers, LcRelayViewerStats, i);
        g_autoptr(GString) counts = g_string_new(NULL);
        relay_log_per_kind(counts, "out", w->frames_out);
        relay_log_per_kind(counts, "drops", w->drops);
        relay_log_per_kind(counts, "queue", w->queue);
        g_message("stats: viewer %u nick=%s stream=%u%s bad_token=%" G_GUINT64_FORMAT, w->viewer_id,
                  w->nick, w->stream_id, counts->str, w->bad_token);
    }
    relay_video_stats_clear(&v);
}

/* Logs the relay's counters. */
static gboolean relay_main_log_stats(gpointer data)
{
    LcRelayMain *m = data;
    LcRelayCounters c;
    relay_get_counters(m->relay, &c);
    g_message("stats: clients=%u connections=%" G_GUINT64_FORMAT " stored=%" G_GUINT64_FORMAT
              " duplicates=%" G_GUINT64_FORMAT " delivered=%" G_GUINT64_FORMAT
              " rate_limited=%" G_GUINT64_FORMAT " slow_consumers=%" G_GUINT64_FORMAT
              " protocol_errors=%" G_GUINT64_FORMAT " timeouts=%" G_GUINT64_FORMAT
              " tls_refused=%" G_GUINT64_FORMAT " wrong_passwords=%" G_GUINT64_FORMAT,
              c.clients, c.connections, c.messages_stored, c.messages_duplicate, c.frames_delivered,
              c.rate_limited, c.slow_consumer_drops, c.protocol_errors, c.timeouts, c.tls_refused,
              c.auth_failures);
    relay_main_log_video_stats(m->relay);
    return G_SOURCE_CONTINUE;
}

/* Says what clients will be shown and should check: the certificate's
 * fingerprint (and where it is), and whether plaintext is served too. */
static void relay_main_say_identity(LcRelay *relay, gboolean insecure)
{
    gboolean created = FALSE;
    const char *path = relay_get_cert_path(relay, &created);
    g_message("TLS certificate %s%s%s: fingerprint %s", created ? "made just now in " : "",
              path ? path : "made for this run only", "", relay_get_fingerprint(relay));
    g_message("clients pin this fingerprint on first use; tell members to compare it with the "
              "one their client shows");
    if (insecure)
        g_warning("--insecure: plaintext clients are served too; anyone on the network can read "
                  "and change what they send");
}

/* Logs what became of the announcement on the LAN, each message once in a row. */
static void relay_main_on_announce(LcDiscoverAnnounce *announce, gboolean established,
                                   const char *message, gpointer data)
{
    char **last = data;
    if (g_strcmp0(*last, message) == 0)
        return;
    g_free(*last);
    *last = g_strdup(message);
    g_message("%s", message);
}

/* Announces the relay on the LAN (mDNS, through Avahi) unless it listens on
 * loopback only, where no one on the LAN could reach it. */
static LcDiscoverAnnounce *relay_main_announce(const char *listen, const char *name, guint16 port,
                                               char **last)
{
    if (listen != NULL && *listen != '\0') {
        g_autoptr(GInetAddress) ip = g_inet_address_new_from_string(listen);
        if (ip != NULL && g_inet_address_get_is_loopback(ip)) {
            g_message("not announced on the LAN: listening on %s only", listen);
            return NULL;
        }
    }
    g_autofree char *fallback = discover_default_name();
    g_autoptr(GError) error = NULL;
    LcDiscoverAnnounce *a = discover_announce_new(name != NULL ? name : fallback, listen, port,
                                                  relay_main_on_announce, last, &error);
    if (a == NULL)
        g_message("not announced on the LAN: %s", error->message);
    return a;
}

/* Writes the port to a file (for scripts that start the relay on port 0). */
static gboolean relay_main_write_port(const char *path, guint16 port, GError **error)
{
    g_autofree char *text = g_strdup_printf("%u\n", port);
    return g_file_set_contents(path, text, -1, error);
}

int main(int argc, char **argv)
{
    alloc_tune_for_frames();
    locale_use_utf8(FALSE);
    log_writer_install("lanconf-relay");
    g_autofree char *listen = NULL, *data_dir = NULL, *config_path = NULL, *port_file = NULL;
    g_autofree char *announce_name = NULL, *announce_last = NULL;
    gint port = -1, rate_limit = -1, stats_interval = 0, nick_hold = -1;
    gboolean verbose = FALSE, version = FALSE, recover = FALSE, no_announce = FALSE;
    gboolean insecure = FALSE;
    g_autofree char *tls_cert = NULL, *tls_key = NULL, *password_file = NULL;
    LcOptionNumber numbers[] = {
        OPTION_WHOLE(
            "port", 'p', 0, 65535, &port,
            "TCP port, 0..65535 (default " G_STRINGIFY(WIRE_DEFAULT_PORT) "; 0 = any free port)",
            "N"),
        OPTION_WHOLE("rate-limit", 'r', 0, 65535, &rate_limit,
                     "Chat messages per second per client after a burst, 0..65535 (0 = no "
                     "flood control)",
                     "N"),
        OPTION_WHOLE("nick-hold", 0, 0, 86400, &nick_hold,
                     "Seconds a member that left without quitting keeps its nick for its own "
                     "client to reconnect, 0..86400 (default 120; 0 = off)",
                     "S"),
        OPTION_WHOLE("stats-interval", 0, 0, 86400, &stats_interval,
                     "Log statistics every S seconds, 0..86400 (0 = never)", "S"),
        OPTION_NUMBER_END};
    GOptionEntry entries[] = {
        {"listen", 'l', 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default: all)",
         "ADDR"},
        {"data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
         "Chat history directory (default $XDG_DATA_HOME/lanconf-relay)", "DIR"},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Read settings from FILE", "FILE"},
        {"port-file", 0, 0, G_OPTION_ARG_FILENAME, &port_file,
         "Write the port listened on to FILE (for scripts using --port 0)", "FILE"},
        {"recover", 0, 0, G_OPTION_ARG_NONE, &recover,
         "If the history store is damaged, move it aside (history.db.damaged-DATE), keep every "
         "message that can still be read in a new one, and start",
         NULL},
        {"announce", 0, 0, G_OPTION_ARG_STRING, &announce_name,
         "Name to announce the relay by on the LAN (mDNS/DNS-SD " DISCOVER_SERVICE_TYPE
         " through avahi-daemon; default \"lanconf relay on HOSTNAME\")",
         "NAME"},
        {"no-announce", 0, 0, G_OPTION_ARG_NONE, &no_announce,
         "Do not announce the relay on the LAN (clients then need --server HOST:PORT)", NULL},
        {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
         "TLS certificate (PEM) to show clients, with --tls-key (default: a self-signed one made "
         "on first start in the data directory)",
         "FILE"},
        {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "The private key (PEM) of --tls-cert",
         "FILE"},
        {"insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
         "Also serve clients that speak plaintext (lanconf-cli --insecure): a lab's baseline; "
         "anyone on the network can read and change what they send",
         NULL},
        {"password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
         "Room password: the first line of FILE. Members prove they know it (they never send "
         "it) before they join",
         "FILE"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log every join, leave and drop", NULL},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx = g_option_context_new("- lanconf chat relay");
    g_option_context_set_summary(ctx, "Relays a LAN chat room: every message is stored, tagged "
                                      "with its sender's nick@ip:port and fanned out to all "
                                      "members.");
    g_option_context_set_main_group(ctx, option_number_group_new(numbers, NULL, NULL, NULL));
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    option_number_parse_args(ctx, &argc, &argv, &error);
    if (error == NULL && listen != NULL && *listen != '\0') {
        g_autoptr(GInetAddress) ip = g_inet_address_new_from_string(listen);
        if (ip == NULL)
            error = g_error_new(G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                "--listen: '%s' is not an IP address (e.g. 0.0.0.0, ::, "
                                "192.168.1.7)",
                                listen);
    }
    if (error == NULL && port_file != NULL) {
        g_autofree char *folder = g_path_get_dirname(port_file);
        if (!g_file_test(folder, G_FILE_TEST_IS_DIR))
            error = g_error_new(G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                "--port-file: the folder %s does not exist", folder);
    }
    if (error == NULL && announce_name != NULL &&
        (*announce_name == '\0' || strlen(announce_name) > 63 ||
         !g_utf8_validate(announce_name, -1, NULL)))
        error = g_error_new(G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--announce: %s: a name takes 1 to 63 bytes of UTF-8 (DNS-SD's limit)",
                            *announce_name == '\0'       ? "the name is empty"
                            : strlen(announce_name) > 63 ? "the name is too long"
                                                         : "the name is not UTF-8");
    if (error == NULL && announce_name != NULL && no_announce)
        error = g_error_new_literal(G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                    "--announce and --no-announce contradict each other");
    if (error == NULL && (tls_cert == NULL) != (tls_key == NULL))
        error = g_error_new_literal(G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                    tls_cert ? "--tls-cert needs --tls-key (its private key)"
                                             : "--tls-key needs --tls-cert (its certificate)");
    if (error != NULL) {
        fprintf(stderr, "lanconf-relay: %s\nTry 'lanconf-relay --help'.\n", error->message);
        return 2;
    }
    if (version) {
        printf("lanconf-relay %s (protocol 1)\n", LANCONF_VERSION);
        return 0;
    }
    if (verbose)
        g_log_set_debug_enabled(TRUE);

    LcRelayConfig config;
    relay_config_init(&config);
    g_autoptr(GKeyFile) file = config_open(config_path, &error);
    if (file == NULL || !config_read_relay(file, &config, &error)) {
        fprintf(stderr, "lanconf-relay: %s\n", error->message);
        relay_config_clear(&config);
        return 2;
    }
    if (listen != NULL) {
        g_free(config.listen);
        config.listen = g_strdup(listen);
    }
    if (data_dir != NULL) {
        g_free(config.data_dir);
        config.data_dir = g_strdup(data_dir);
    }
    if (config.data_dir == NULL)
        config.data_dir = g_build_filename(g_get_user_data_dir(), "lanconf-relay", NULL);
    config.recover_history = recover;
    config.insecure = config.insecure || insecure;
    if (tls_cert != NULL) {
        g_free(config.tls_cert);
        g_free(config.tls_key);
        config.tls_cert = g_strdup(tls_cert);
        config.tls_key = g_strdup(tls_key);
    }
    if (password_file != NULL) {
        g_free(config.password_file);
        config.password_file = g_strdup(password_file);
    }
    if (config.password_file != NULL &&
        (config.password = room_auth_read_password_file(config.password_file, &error)) == NULL) {
        fprintf(stderr, "lanconf-relay: %s: %s\n",
                password_file ? "--password-file" : "[relay] password_file", error->message);
        relay_config_clear(&config);
        return 2;
    }
    if (numbers[0].given)
        config.port = (guint16)port;
    if (numbers[1].given)
        config.rate_limit = (guint)rate_limit;
    if (numbers[2].given)
        config.nick_hold_s = (guint)nick_hold;

    LcRelayMain m = {.loop = g_main_loop_new(NULL, FALSE)};
    m.relay = relay_new(&config, &error);
    if (m.relay == NULL) {
        fprintf(stderr, "lanconf-relay: %s\n", error->message);
        relay_config_clear(&config);
        g_main_loop_unref(m.loop);
        return 1;
    }
    if (port_file != NULL && !relay_main_write_port(port_file, relay_get_port(m.relay), &error)) {
        fprintf(stderr, "lanconf-relay: --port-file: %s\n", error->message);
        return 1;
    }
    g_message("listening on %s port %u, history in %s, flood control %s",
              config.listen ? config.listen : "all interfaces", relay_get_port(m.relay),
              config.data_dir, config.rate_limit ? "on" : "off");
    relay_main_say_identity(m.relay, config.insecure);
    if (config.password != NULL) {
        g_message("room password from %s: members must prove they know it to join",
                  config.password_file);
        GStatBuf st;
        if (g_stat(config.password_file, &st) == 0 && (st.st_mode & 0077) != 0)
            g_warning("%s can be read by other users of this machine: chmod 600 it",
                      config.password_file);
    }
    g_unix_signal_add(SIGINT, relay_main_on_signal, &m);
    g_unix_signal_add(SIGTERM, relay_main_on_signal, &m);
    if (stats_interval > 0)
        g_timeout_add_seconds((guint)stats_interval, relay_main_log_stats, &m);
    g_autoptr(LcDiscoverAnnounce) announce =
        no_announce ? NULL
                    : relay_main_announce(config.listen, announce_name, relay_get_port(m.relay),
                                          &announce_last);
    g_main_loop_run(m.loop);
    g_clear_pointer(&announce, discover_announce_free);

    relay_free(m.relay);
    relay_config_clear(&config);
    g_main_loop_unref(m.loop);
    return 0;
}
