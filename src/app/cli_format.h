/* cli_format.h: how lanconf-cli prints chat messages (text line or JSON). */
#pragma once

#include "net/client/session.h"

/* "NICK@IP:PORT: TEXT" (an /me action: "NICK@IP:PORT: * TEXT"), no newline. */
char *cli_format_line(const LcSessionChat *chat);

/* One JSON object, no newline: id, time (RFC 3339, ms), nick, addr, text,
 * history, action. */
char *cli_format_json(const LcSessionChat *chat);
