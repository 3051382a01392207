/* validate.c: the protocol's rules for nicks and chat text. */
#include "net/wire/validate.h"

#include "net/wire/wire.h"

#include <string.h>

/* Whether c may appear in a nick. */
static gboolean validate_nick_char(char c)
{
    return g_ascii_isalnum(c) || strchr("_-.[]{}^|", c) != NULL;
}

/* Checks a nick against the protocol's nick rules. */
gboolean validate_nick(const char *nick, GError **error)
{
    gsize len = nick ? strlen(nick) : 0;
    if (len == 0) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_NICK, "nick is empty");
        return FALSE;
    }
    if (len > WIRE_NICK_MAX) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_NICK,
                    "nick is %zu bytes long, the limit is %d", len, WIRE_NICK_MAX);
        return FALSE;
    }
    if (g_ascii_isdigit(nick[0]) || nick[0] == '-') {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_NICK,
                    "nick '%s' must not start with a digit or '-'", nick);
        return FALSE;
    }
    for (gsize i = 0; i < len; i++) {
        if (!validate_nick_char(nick[i])) {
            g_autofree char *shown = g_utf8_make_valid(nick, -1);
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_NICK,
                        "nick '%s' has a character that is not allowed (use letters, digits "
                        "and _ - . [ ] { } ^ |)",
                        shown);
            return FALSE;
        }
    }
    return TRUE;
}

/* Checks chat text: valid UTF-8, 1..4096 bytes, no control characters but TAB. */
gboolean validate_text(const char *text, GError **error)
{
    gsize len = text ? strlen(text) : 0;
    if (len == 0) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_TEXT, "message is empty");
        return FALSE;
    }
    if (len > WIRE_TEXT_MAX) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_TEXT,
                    "message is %zu bytes long, the limit is %d", len, WIRE_TEXT_MAX);
        return FALSE;
    }
    if (!g_utf8_validate_len(text, len, NULL)) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_UTF8, "message is not valid UTF-8");
        return FALSE;
    }
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        /* C0 controls, DEL and C1 controls could move a terminal's cursor or
         * change its state on every recipient's screen. */
        if ((c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0)) {
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_TEXT,
                        "message contains control character U+%04X", c);
            return FALSE;
        }
    }
    return TRUE;
}

/* Compares two nicks without regard to ASCII case. */
gboolean validate_nick_equal(const char *a, const char *b)
{
    return g_ascii_strcasecmp(a, b) == 0;
}
