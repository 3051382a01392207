/* addr.c: socket addresses as the protocol writes them ("ip:port"). */
#include "net/wire/addr.h"

#include <string.h>

/* Formats a socket address as "ip:port" or "[ip]:port". */
char *addr_format(GSocketAddress *address)
{
    if (!G_IS_INET_SOCKET_ADDRESS(address))
        return g_strdup("unknown");
    GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS(address);
    GInetAddress *ip = g_inet_socket_address_get_address(inet);
    guint16 port = g_inet_socket_address_get_port(inet);
    g_autofree char *text = g_inet_address_to_string(ip);

    if (g_inet_address_get_family(ip) == G_SOCKET_FAMILY_IPV6) {
        /* Dual-stack listeners see IPv4 peers as ::ffff:a.b.c.d; show them as IPv4. */
        if (g_str_has_prefix(text, "::ffff:") && strchr(text + 7, '.') != NULL)
            return g_strdup_printf("%s:%u", text + 7, port);
        return g_strdup_printf("[%s]:%u", text, port);
    }
    return g_strdup_printf("%s:%u", text, port);
}

/* Parses the port part of HOST:PORT. */
static gboolean addr_parse_port(const char *text, const char *port_text, guint16 *port,
                                GError **error)
{
    guint64 value = 0;
    if (!g_ascii_string_to_unsigned(port_text, 10, 1, 65535, &value, NULL)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "invalid address '%s': port must be 1..65535", text);
        return FALSE;
    }
    *port = (guint16)value;
    return TRUE;
}

/* Splits "HOST:PORT", "[V6]:PORT" or "HOST" into host and port. */
gboolean addr_parse_host_port(const char *text, guint16 default_port, char **host, guint16 *port,
                              GError **error)
{
    const char *colon = NULL;
    g_autofree char *h = NULL;

    if (text == NULL || *text == '\0') {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "empty address");
        return FALSE;
    }
    if (text[0] == '[') {
        const char *end = strchr(text, ']');
        if (end == NULL || end == text + 1 || (end[1] != '\0' && end[1] != ':')) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                        "invalid address '%s': expected [IPv6]:PORT", text);
            return FALSE;
        }
        h = g_strndup(text + 1, end - text - 1);
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strrchr(text, ':');
        if (colon != NULL && strchr(text, ':') != colon) {
            /* A bare IPv6 address without brackets: no port part. */
            colon = NULL;
            h = g_strdup(text);
        } else {
            h = colon ? g_strndup(text, colon - text) : g_strdup(text);
        }
    }
    if (*h == '\0') {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "invalid address '%s': host is empty", text);
        return FALSE;
    }
    *port = default_port;
    if (colon != NULL && !addr_parse_port(text, colon + 1, port, error))
        return FALSE;
    *host = g_steal_pointer(&h);
    return TRUE;
}
