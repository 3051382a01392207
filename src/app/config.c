/* config.c: settings from configs/lanconf.conf-style files (GKeyFile). */
#include "src/app/config.h"

#include "core/byte_size.h"

#include "net/wire/wire.h"

#include <string.h>

/* Opens the config file given, or the user's if it exists. */
GKeyFile *config_open(const char *path, GError **error)
{
    g_autoptr(GKeyFile) file = g_key_file_new();
    g_autofree char *user =
        g_build_filename(g_get_user_config_dir(), "lanconf", "lanconf.conf", NULL);
    const char *use = path;
    if (use == NULL && g_file_test(user, G_FILE_TEST_EXISTS))
        use = user;
    if (use != NULL && !g_key_file_load_from_file(file, use, G_KEY_FILE_NONE, error)) {
        g_prefix_error(error, "config file %s: ", use);
        return NULL;
    }
    return g_steal_pointer(&file);
}

static const char *const config_relay_keys[] = {"listen",
                                                "port",
                                                "data_dir",
                                                "tls_cert",
                                                "tls_key",
                                                "password_file",
                                                "insecure",
                                                "synchronous",
                                                "history_on_join",
                                                "history_retain",
                                                "rate_limit",
                                                "rate_burst",
                                                "keepalive_interval",
                                                "keepalive_timeout",
                                                "hello_timeout",
                                                "max_clients",
                                                "max_clients_per_ip",
                                                "chat_queue_hard",
                                                "chat_queue_soft",
                                                "chat_queue_soft_seconds",
                                                "nick_hold",
                                                "video_frame_max",
                                                "video_queue_frames",
                                                "video_queue_bytes",
                                                "video_control_max",
                                                "video_tcp_notsent_lowat",
                                                "video_reassembly_ms",
                                                "video_reassembly_frames",
                                                "video_udp_pace_mbps",
                                                "video_udp_pace_burst",
                                                "video_socket_buffer",
                                                "video_max_views",
                                                "audio_max_views",
                                                NULL};
static const char *const config_client_keys[] = {
    "server",   "nick", "password_file", "ping_interval_ms", "reconnect_max_ms",
    "insecure", "bell", "files_dir",     "max_file_size",    NULL};

/* Refuses a key the group does not have: a misspelt setting (a password
 * file, say) would otherwise be left out without a word. */
static gboolean config_check_keys(GKeyFile *file, const char *group, const char *const *known,
                                  GError **error)
{
    g_auto(GStrv) keys = g_key_file_get_keys(file, group, NULL, NULL);
    for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
        if (g_strv_contains(known, keys[i]))
            continue;
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                    "[%s] %s: no such setting (configs/lanconf.conf lists them)", group, keys[i]);
        return FALSE;
    }
    return TRUE;
}

/* Reads an unsigned integer key within [min, max] if present. */
static gboolean config_uint(GKeyFile *file, const char *group, const char *key, guint64 min,
                            guint64 max, guint64 *out, GError **error)
{
    if (!g_key_file_has_key(file, group, key, NULL))
        return TRUE;
    g_autofree char *text = g_key_file_get_string(file, group, key, NULL);
    g_strstrip(text);
    if (!g_ascii_string_to_unsigned(text, 10, min, max, out, NULL)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[%s] %s = '%s': expected a whole number from %" G_GUINT64_FORMAT
                    " to %" G_GUINT64_FORMAT,
                    group, key, text, min, max);
        return FALSE;
    }
    return TRUE;
}

/* Reads a string key if present (an empty value means "default": NULL). */
static void config_string(GKeyFile *file, const char *group, const char *key, char **out)
{
    if (!g_key_file_has_key(file, group, key, NULL))
        return;
    g_autofree char *text = g_key_file_get_string(file, group, key, NULL);
    g_free(*out);
    *out = (text && *g_strstrip(text)) ? g_steal_pointer(&text) : NULL;
}

/* Reads a boolean key (true or false) if present. */
static gboolean config_bool(GKeyFile *file, const char *group, const char *key, gboolean *out,
                            GError **error)
{
    if (!g_key_file_has_key(file, group, key, NULL))
        return TRUE;
    g_autofree char *text = g_key_file_get_string(file, group, key, NULL);
    g_strstrip(text);
    if (g_ascii_strcasecmp(text, "true") == 0 || g_ascii_strcasecmp(text, "false") == 0) {
        *out = g_ascii_strcasecmp(text, "true") == 0;
        return TRUE;
    }
    g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                "[%s] %s = '%s': expected true or false", group, key, text);
    return FALSE;
}

#define READ_UINT(group, key, min, max, field)                                                     \
    do {                                                                                           \
        guint64 v_ = (field);                                                                      \
        if (!config_uint(file, group, key, min, max, &v_, error))                                  \
            return FALSE;                                                                          \
        (field) = v_;                                                                              \
    } while (0)

/* Applies the [relay] group. */
gboolean config_read_relay(GKeyFile *file, LcRelayConfig *c, GError **error)
{
    const char *g = "relay";
    if (!config_check_keys(file, g, config_relay_keys, error))
        return FALSE;
    config_string(file, g, "listen", &c->listen);
    config_string(file, g, "data_dir", &c->data_dir);
    config_string(file, g, "tls_cert", &c->tls_cert);
    config_string(file, g, "tls_key", &c->tls_key);
    config_string(file, g, "password_file", &c->password_file);
    if (!config_bool(file, g, "insecure", &c->insecure, error))
        return FALSE;
    char *sync = g_strdup(c->synchronous);
    config_string(file, g, "synchronous", &sync);
    g_free(c->synchronous);
    c->synchronous = sync ? sync : g_strdup("normal");
    READ_UINT(g, "port", 0, 65535, c->port);
    READ_UINT(g, "history_on_join", 0, 10000, c->history_on_join);
    READ_UINT(g, "history_retain", 0, G_MAXUINT32, c->history_retain);
    READ_UINT(g, "rate_limit", 0, 65535, c->rate_limit);
    READ_UINT(g, "rate_burst", 1, 65535, c->rate_burst);
    READ_UINT(g, "keepalive_interval", 1, 3600, c->keepalive_interval_s);
    READ_UINT(g, "keepalive_timeout", 2, 86400, c->keepalive_timeout_s);
    READ_UINT(g, "hello_timeout", 1, 3600, c->hello_timeout_s);
    READ_UINT(g, "max_clients", 1, 1000000, c->max_clients);
    READ_UINT(g, "max_clients_per_ip", 1, 1000000, c->max_clients_per_ip);
    READ_UINT(g, "chat_queue_hard", 65536, G_MAXUINT32, c->chat_queue_hard);
    READ_UINT(g, "chat_queue_soft", 0, G_MAXUINT32, c->chat_queue_soft);
    READ_UINT(g, "chat_queue_soft_seconds", 1, 3600, c->chat_queue_soft_s);
    READ_UINT(g, "nick_hold", 0, 86400, c->nick_hold_s);
    READ_UINT(g, "video_frame_max", 1024, WIRE_VIDEO_FRAME_MAX, c->video_frame_max);
    READ_UINT(g, "video_queue_frames", 1, 1024, c->video_queue_frames);
    READ_UINT(g, "video_queue_bytes", 65536, G_MAXUINT32, c->video_queue_bytes);
    READ_UINT(g, "video_control_max", 65536, G_MAXUINT32, c->video_control_max);
    READ_UINT(g, "video_tcp_notsent_lowat", 0, G_MAXUINT32, c->video_tcp_notsent_lowat);
    READ_UINT(g, "video_reassembly_ms", 10, 60000, c->video_reassembly_ms);
    READ_UINT(g, "video_reassembly_frames", 1, 4096, c->video_reassembly_frames);
    READ_UINT(g, "video_udp_pace_mbps", 0, 100000, c->video_udp_pace_mbps);
    READ_UINT(g, "video_udp_pace_burst", 1500, G_MAXUINT32, c->video_udp_pace_burst);
    READ_UINT(g, "video_socket_buffer", 65536, 1u << 30, c->video_socket_buffer);
    READ_UINT(g, "video_max_views", 1, 1024, c->video_max_views);
    READ_UINT(g, "audio_max_views", 1, 1024, c->audio_max_views);
    return TRUE;
}

/* Fills client settings with defaults, then applies the [client] group. */
gboolean config_read_client(GKeyFile *file, LcClientSettings *s, GError **error)
{
    const char *g = "client";
    memset(s, 0, sizeof(*s));
    if (!config_check_keys(file, g, config_client_keys, error))
        return FALSE;
    s->ping_interval_ms = 5000;
    s->reconnect_max_ms = 30000;
    config_string(file, g, "server", &s->server); /* NULL: none configured (auto) */
    config_string(file, g, "nick", &s->nick);
    config_string(file, g, "password_file", &s->password_file);
    READ_UINT(g, "ping_interval_ms", 0, 3600000, s->ping_interval_ms);
    READ_UINT(g, "reconnect_max_ms", 100, 3600000, s->reconnect_max_ms);
    if (!config_bool(file, g, "insecure", &s->insecure, error))
        return FALSE;
    config_string(file, g, "files_dir", &s->files_dir);
    g_autofree char *max_file = NULL;
    config_string(file, g, "max_file_size", &max_file);
    if (max_file != NULL && !byte_size_parse(max_file, &s->max_file_size, error)) {
        g_prefix_error(error, "[client] max_file_size: ");
        return FALSE;
    }
    g_autofree char *bell = NULL;
    config_string(file, g, "bell", &bell);
    s->bell_on_mention = bell == NULL || g_ascii_strcasecmp(bell, "mention") == 0;
    if (bell != NULL && !s->bell_on_mention && g_ascii_strcasecmp(bell, "off") != 0) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "[client] bell: '%s': expected mention or off", bell);
        return FALSE;
    }
    return TRUE;
}

/* Frees the strings client settings own. */
void config_client_clear(LcClientSettings *s)
{
    g_clear_pointer(&s->server, g_free);
    g_clear_pointer(&s->nick, g_free);
    g_clear_pointer(&s->password_file, g_free);
    g_clear_pointer(&s->files_dir, g_free);
}
