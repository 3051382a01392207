/* addr.h: socket addresses as the protocol writes them ("ip:port"). */
#pragma once

#include <gio/gio.h>

/* Formats a socket address as "ip:port" (IPv4, and IPv4-mapped IPv6 shown as
 * IPv4) or "[ip]:port" (IPv6). */
char *addr_format(GSocketAddress *address);

/* Splits "HOST:PORT", "[V6]:PORT" or "HOST" (port = default_port) into its parts.
 * Fails with a message naming the input when the port is not 1..65535. */
gboolean addr_parse_host_port(const char *text, guint16 default_port, char **host, guint16 *port,
                              GError **error);
