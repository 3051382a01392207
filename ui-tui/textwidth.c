/* textwidth.c: display width of UTF-8 text in terminal columns, and wrapping. */
#include "ui-tui/textwidth.h"

#include "net/wire/validate.h"

#include <string.h>
#include <wchar.h>

/* Columns a character takes. */
int textwidth_char(gunichar ch)
{
    int w = wcwidth((wchar_t)ch);
    return w < 0 ? 1 : w;
}

/* Whether the terminal prints a character as itself. */
gboolean textwidth_is_printable(gunichar ch)
{
    return ch != 0 && wcwidth((wchar_t)ch) >= 0;
}

/* Columns the first len bytes of text take. */
int textwidth_str(const char *text, gssize len)
{
    const char *end = len < 0 ? text + strlen(text) : text + len;
    int cols = 0;
    for (const char *p = text; p < end && *p && g_utf8_next_char(p) <= end; p = g_utf8_next_char(p))
        cols += textwidth_char(g_utf8_get_char(p));
    return cols;
}

/* Byte length of the longest prefix that fits in max_cols. */
gsize textwidth_fit(const char *text, gsize len, int max_cols)
{
    const char *end = text + len;
    int cols = 0;
    const char *p = text;
    while (p < end && *p) {
        int w = textwidth_char(g_utf8_get_char(p));
        if (w > 0 && cols + w > max_cols)
            break;
        cols += w;
        p = g_utf8_next_char(p);
    }
    return (gsize)(p - text);
}

/* Skips the spaces at p (a row never starts with the space it broke at). */
static const char *textwidth_skip_spaces(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* Finds where the row starting at p ends when it may take max_cols columns. */
static const char *textwidth_row_end(const char *p, int max_cols)
{
    const char *brk = NULL; /* just after the last space that fits */
    int cols = 0;
    const char *q = p;
    while (*q) {
        gunichar ch = g_utf8_get_char(q);
        int w = textwidth_char(ch);
        if (w > 0 && cols + w > max_cols && q > p)
            break;
        cols += w;
        q = g_utf8_next_char(q);
        if (ch == ' ')
            brk = q;
    }
    if (*q == '\0' || brk == NULL || *q == ' ')
        return q;
    return brk;
}

/* Wraps text into rows. */
guint textwidth_wrap(const char *text, int width, int indent, GArray *rows)
{
    guint n = 0;
    const char *p = text;
    width = MAX(width, 1);
    indent = CLAMP(indent, 0, width - 1);
    do {
        int avail = n == 0 ? width : width - indent;
        const char *end = textwidth_row_end(p, avail);
        const char *trim = end;
        while (trim > p && trim[-1] == ' ' && *end != '\0')
            trim--;
        LcTextRow row = {(guint)(p - text), (guint)(trim - text), n == 0 ? 0 : (guint)indent};
        g_array_append_val(rows, row);
        n++;
        p = textwidth_skip_spaces(end);
    } while (*p);
    return n;
}

/* Replaces what the terminal cannot print. */
char *textwidth_sanitize(const char *text)
{
    GString *out = g_string_sized_new(strlen(text));
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (ch == '\t')
            g_string_append_c(out, ' ');
        else if (textwidth_is_printable(ch) && !validate_is_unsafe_char(ch))
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
        else
            g_string_append_unichar(out, 0xFFFD);
    }
    return g_string_free(out, FALSE);
}
