/* relay_config.c: the relay's settings: defaults, copies, and the history
 * store they name. */
#include "net/relay/relay_private.h"
#include "net/relay/relay_defaults.h"
#include "net/relay/relay_video_private.h"
#include "net/secure/room_auth.h"

#include <string.h>

/* Fills a config with the documented defaults. */
void relay_config_init(LcRelayConfig *config)
{
    memset(config, 0, sizeof(*config));
    config->port = RELAY_DEFAULT_PORT;
    config->synchronous = g_strdup(RELAY_DEFAULT_SYNCHRONOUS);
    config->history_on_join = RELAY_DEFAULT_HISTORY_ON_JOIN;
    config->history_retain = RELAY_DEFAULT_HISTORY_RETAIN;
    config->rate_limit = RELAY_DEFAULT_RATE_LIMIT;
    config->rate_burst = RELAY_DEFAULT_RATE_BURST;
    config->keepalive_interval_s = RELAY_DEFAULT_KEEPALIVE_INTERVAL;
    config->keepalive_timeout_s = RELAY_DEFAULT_KEEPALIVE_TIMEOUT;
    config->hello_timeout_s = RELAY_DEFAULT_HELLO_TIMEOUT;
    config->max_clients = RELAY_DEFAULT_MAX_CLIENTS;
    config->max_clients_per_ip = RELAY_DEFAULT_MAX_CLIENTS_PER_IP;
    config->chat_queue_hard = RELAY_DEFAULT_CHAT_QUEUE_HARD;
    config->chat_queue_soft = RELAY_DEFAULT_CHAT_QUEUE_SOFT;
    config->chat_queue_soft_s = RELAY_DEFAULT_CHAT_QUEUE_SOFT_S;
    config->nick_hold_s = RELAY_DEFAULT_NICK_HOLD;
    relay_video_config_init(config);
}

/* Frees the strings a config owns. */
void relay_config_clear(LcRelayConfig *config)
{
    g_clear_pointer(&config->listen, g_free);
    g_clear_pointer(&config->data_dir, g_free);
    g_clear_pointer(&config->synchronous, g_free);
    g_clear_pointer(&config->tls_cert, g_free);
    g_clear_pointer(&config->tls_key, g_free);
    g_clear_pointer(&config->password, room_auth_free_password);
    g_clear_pointer(&config->password_file, g_free);
}

/* Copies a config, duplicating its strings. */
void relay_config_copy(LcRelayConfig *dst, const LcRelayConfig *src)
{
    *dst = *src;
    dst->listen = g_strdup(src->listen);
    dst->data_dir = g_strdup(src->data_dir);
    dst->synchronous = g_strdup(src->synchronous ? src->synchronous : "normal");
    dst->tls_cert = g_strdup(src->tls_cert);
    dst->tls_key = g_strdup(src->tls_key);
    dst->password = g_strdup(src->password);
    dst->password_file = g_strdup(src->password_file);
}

/* Opens the history store. A damaged one is refused, unless the config asks
 * to recover it: then it is salvaged and opened anew. The store is checked
 * once on the way in; only a damaged one costs a second look. */
LcHistory *relay_open_history(const LcRelayConfig *config, GError **error)
{
    g_autoptr(GError) local = NULL;
    LcHistory *history =
        history_open(config->data_dir, config->synchronous, config->history_retain, &local);
    if (history != NULL || !config->recover_history || config->data_dir == NULL ||
        !g_error_matches(local, HISTORY_ERROR, HISTORY_ERROR_DAMAGED)) {
        if (local != NULL)
            g_propagate_error(error, g_steal_pointer(&local));
        return history;
    }
    g_autofree char *moved = NULL;
    guint salvaged = 0;
    if (!history_recover(config->data_dir, &moved, &salvaged, error))
        return NULL;
    if (moved != NULL)
        g_warning("history was damaged: moved it to %s and kept the %u messages that could "
                  "still be read",
                  moved, salvaged);
    return history_open(config->data_dir, config->synchronous, config->history_retain, error);
}
