/* server_choice.c: --server HOST:PORT, --server auto (a relay found on the
 * LAN) or nothing configured (auto, else this machine). */
#include "src/app/server_choice.h"

#include "net/discover/discover.h"
#include "net/wire/addr.h"
#include "net/wire/wire.h"

#include <gio/gio.h>
#include <string.h>

/* How long a found relay has to accept a connection before the next is tried, s. */
#define SERVER_CHOICE_PROBE_S 1

/* Whether a relay found on the LAN accepts a TCP connection: an
 * announcement can outlive its relay (a crash leaves it in the LAN's
 * caches), and anyone on the LAN may announce anything. */
static gboolean server_choice_probe(const LcDiscoverRelay *relay)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, SERVER_CHOICE_PROBE_S);
    g_autoptr(GSocketConnection) c =
        g_socket_client_connect_to_host(client, relay->address, relay->port, NULL, NULL);
    return c != NULL;
}

/* Reads the choice; see the header. */
gboolean server_choice_parse(const char *flag, const char *configured, LcServerChoice *choice,
                             GError **error)
{
    memset(choice, 0, sizeof *choice);
    const char *text = flag != NULL ? flag : configured;
    if (text == NULL || g_ascii_strcasecmp(text, "auto") == 0) {
        choice->automatic = TRUE;
        choice->fallback = text == NULL;
        return TRUE;
    }
    return addr_parse_host_port(text, WIRE_DEFAULT_PORT, &choice->host, &choice->port, error);
}

/* Finds a relay for an automatic choice; see the header. */
gboolean server_choice_find(LcServerChoice *choice, guint wait_ms, char **note, GError **error)
{
    *note = NULL;
    if (!choice->automatic)
        return TRUE;
    g_autoptr(GError) find_error = NULL;
    g_autoptr(GPtrArray) relays = discover_find_relays(wait_ms, FALSE, &find_error);
    /* The first, by name, that takes a connection. */
    guint chosen = 0;
    while (relays != NULL && chosen < relays->len && !server_choice_probe(relays->pdata[chosen]))
        chosen++;
    if (relays != NULL && chosen == relays->len) {
        g_set_error(&find_error, DISCOVER_ERROR, DISCOVER_ERROR_NONE,
                    "%u relay%s answered on the LAN, and none took a connection", relays->len,
                    relays->len == 1 ? "" : "s");
        g_clear_pointer(&relays, g_ptr_array_unref);
    }
    if (relays == NULL) {
        if (!choice->fallback) {
            g_set_error(error, DISCOVER_ERROR, find_error->code,
                        "--server auto: %s; give the relay as --server HOST:PORT",
                        find_error->message);
            return FALSE;
        }
        choice->host = g_strdup("127.0.0.1");
        choice->port = WIRE_DEFAULT_PORT;
        *note = g_error_matches(find_error, DISCOVER_ERROR, DISCOVER_ERROR_NONE)
                    ? g_strdup_printf("%s; trying %s:%u", find_error->message, choice->host,
                                      choice->port)
                    : g_strdup_printf("no relay found on the LAN: %s; trying %s:%u",
                                      find_error->message, choice->host, choice->port);
        return TRUE;
    }
    const LcDiscoverRelay *relay = relays->pdata[chosen];
    choice->host = g_strdup(relay->address);
    choice->port = relay->port;
    g_autofree char *more =
        relays->len > 1 ? g_strdup_printf("; %u answered in all (lanconf-cli --discover lists "
                                          "them)",
                                          relays->len)
                        : g_strdup("");
    *note = g_strdup_printf("found relay '%s' on the LAN at %s:%u (%s)%s", relay->name,
                            relay->address, relay->port, relay->host, more);
    return TRUE;
}

/* Frees what the choice holds. */
void server_choice_clear(LcServerChoice *choice)
{
    g_clear_pointer(&choice->host, g_free);
}
