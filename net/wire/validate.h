/* validate.h: the protocol's rules for nicks and chat text (docs/PROTOCOL.md). */
#pragma once

#include <glib.h>

/* Checks a nick: 1..32 bytes of ASCII letters, digits and _ - . [ ] { } ^ |,
 * not starting with a digit or '-'. Errors are LC_WIRE_ERROR / BAD_NICK. */
gboolean validate_nick(const char *nick, GError **error);

/* Checks chat text: 1..4096 bytes of valid UTF-8 with no control characters
 * but TAB. Errors are LC_WIRE_ERROR / BAD_TEXT or BAD_UTF8. */
gboolean validate_text(const char *text, GError **error);

/* Compares two nicks without regard to ASCII case, as uniqueness requires. */
gboolean validate_nick_equal(const char *a, const char *b);
