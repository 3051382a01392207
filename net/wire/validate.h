/* validate.h: the protocol's rules for nicks and for every string a person
 * reads (chat text, QUIT reasons), and the one sanitizer every front end
 * prints remote strings through (docs/PROTOCOL.md). */
#pragma once

#include <glib.h>

/* Checks a nick: 1..32 bytes of ASCII letters, digits and _ - . [ ] { } ^ |,
 * not starting with a digit or '-'. Errors are LC_WIRE_ERROR / BAD_NICK. */
gboolean validate_nick(const char *nick, GError **error);
/* Whether c may appear in a nick (letters, digits and _ - . [ ] { } ^ |). */
gboolean validate_nick_char(char c);

/* Checks chat text: 1..4096 bytes of a displayable string
 * (validate_display_string). Errors are LC_WIRE_ERROR / BAD_TEXT or BAD_UTF8. */
gboolean validate_text(const char *text, GError **error);

/* Whether a terminal would act on c instead of showing it, or c would
 * reorder what follows it unseen: C0 controls but TAB, DEL, C1 controls, and
 * the bidirectional embeddings, overrides and isolates (U+202A..U+202E,
 * U+2066..U+2069). */
gboolean validate_is_unsafe_char(gunichar c);

/* Checks a string a person will read (may be empty): valid UTF-8 without an
 * unsafe character; what names it in the error ("message", "quit reason").
 * Errors are LC_WIRE_ERROR / BAD_TEXT or BAD_UTF8. */
gboolean validate_display_string(const char *text, const char *what, GError **error);

/* A copy of a remote string that is safe to print: invalid UTF-8 and every
 * unsafe character replaced by U+FFFD. NULL gives "". */
char *validate_sanitize(const char *text);

/* Compares two nicks without regard to ASCII case, as uniqueness requires. */
gboolean validate_nick_equal(const char *a, const char *b);
