/* config.h: settings from configs/lanconf.conf-style files (GKeyFile). */
#pragma once

#include "net/relay/relay.h"

/* Client settings shared by lanconf and lanconf-cli. */
typedef struct {
    char *server;
    char *nick;
    guint ping_interval_ms;
    guint reconnect_max_ms;
    gboolean bell_on_mention; /* bell=mention (the default) or off */
    gboolean insecure;        /* insecure=true: plaintext, for a lab's baseline only */
    char *password_file;      /* the room password's file (src/app/room_password.h) */
    char *files_dir;          /* where the terminal client puts files taken (/accept) */
    guint64 max_file_size;    /* the largest file taken; 0: no limit */
} LcClientSettings;

/* Opens the config file: `path` if given (it must exist), else the user's
 * $XDG_CONFIG_HOME/lanconf/lanconf.conf if it exists. Returns an empty key
 * file when there is none. */
GKeyFile *config_open(const char *path, GError **error);

/* Applies the [relay] group over the values already in config. */
gboolean config_read_relay(GKeyFile *file, LcRelayConfig *config, GError **error);

/* Fills client settings with defaults, then applies the [client] group. */
gboolean config_read_client(GKeyFile *file, LcClientSettings *settings, GError **error);

/* Frees the strings client settings own. */
void config_client_clear(LcClientSettings *settings);
