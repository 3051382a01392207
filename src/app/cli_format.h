/* cli_format.h: how lanconf-cli prints chat messages (text line or JSON)
 * and its errors. */
#pragma once

#include "net/client/session.h"

#include <stdarg.h>
#include <stdio.h>

/* "NICK@IP:PORT: TEXT" (an /me action: "* NICK@IP:PORT TEXT", as the TUI shows it), no
 * newline. */
char *cli_format_line(const LcSessionChat *chat);

/* One JSON object, no newline: id, time (RFC 3339, ms), nick, addr, text,
 * history, action. */
char *cli_format_json(const LcSessionChat *chat);

/* Prints one line (a newline is added) on out through validate_sanitize():
 * for every line that holds a string from the network. */
void cli_print_remote(FILE *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Prints "lanconf-cli: TEXT" on stderr, sanitized, and sets *status to 1 (a failing
 * exit status). */
void cli_print_error(int *status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* cli_print_error() with a va_list. */
void cli_print_verror(int *status, const char *fmt, va_list args) G_GNUC_PRINTF(2, 0);
