/* validate.c: the protocol's rules for nicks and chat text. */
#include "net/wire/validate.h"

#include "net/wire/wire.h"

#include <string.h>

/* Whether c may appear in a nick. */
gboolean validate_nick_char(char c)
{
    return c != '\0' && (g_ascii_isalnum(c) || strchr("_-.[]{}^|", c) != NULL);
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
                        "nick '%s' has a character that is not allowed (use ASCII letters, "
                        "digits and _ - . [ ] { } ^ |)",
                        shown);
            return FALSE;
        }
    }
    return TRUE;
}

/* Whether a terminal would act on c, or c reorders text unseen. */
gboolean validate_is_unsafe_char(gunichar c)
{
    return (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

/* Checks a string a person will read: valid UTF-8, nothing unsafe. */
gboolean validate_display_string(const char *text, const char *what, GError **error)
{
    if (text == NULL)
        return TRUE;
    if (!g_utf8_validate(text, -1, NULL)) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_UTF8, "%s is not valid UTF-8", what);
        return FALSE;
    }
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        /* Controls could move a terminal's cursor or change its state on
         * every recipient's screen; bidirectional controls could make text
         * read differently from what it is. */
        if (validate_is_unsafe_char(c)) {
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_TEXT, "%s contains %s character U+%04X",
                        what, c >= 0x2000 ? "a bidirectional control" : "a control", c);
            return FALSE;
        }
    }
    return TRUE;
}

/* A copy of a remote string that is safe to print. */
char *validate_sanitize(const char *text)
{
    g_autofree char *valid = g_utf8_make_valid(text ? text : "", -1);
    GString *out = g_string_sized_new(strlen(valid));
    for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (validate_is_unsafe_char(c))
            g_string_append_unichar(out, 0xFFFD);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    return g_string_free(out, FALSE);
}

/* Checks chat text: 1..4096 bytes of a displayable string. */
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
    return validate_display_string(text, "message", error);
}

/* Compares two nicks without regard to ASCII case. */
gboolean validate_nick_equal(const char *a, const char *b)
{
    return g_ascii_strcasecmp(a, b) == 0;
}
