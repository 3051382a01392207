/* chatline.c: how a chat log entry reads on screen. */
#include "ui-tui/chatline.h"

#include "net/wire/clock.h"
#include "net/wire/validate.h"

#include <string.h>

/* Builds a line span by span. */
typedef struct {
    GString *text;
    GArray *spans;
    guint color;
} LcLineBuilder;

/* Appends text in a style (sanitized so widths hold). */
static void chatline_add(LcLineBuilder *b, LcChatStyle style, const char *text)
{
    if (text == NULL || *text == '\0')
        return;
    g_autofree char *clean = textwidth_sanitize(text);
    LcChatSpan span = {(guint)b->text->len, 0, style, b->color};
    g_string_append(b->text, clean);
    span.end = (guint)b->text->len;
    g_array_append_val(b->spans, span);
}

/* Appends "nick@addr" (or "nick" when the address is unknown). */
static void chatline_add_tag(LcLineBuilder *b, const LcChatEntry *e, const char *self_nick)
{
    gboolean self = e->own || (self_nick != NULL && g_ascii_strcasecmp(e->nick, self_nick) == 0);
    b->color = chatline_nick_color(e->nick);
    chatline_add(b, self ? CHAT_STYLE_SELF : CHAT_STYLE_NICK, e->nick);
    if (e->addr != NULL && *e->addr != '\0') {
        chatline_add(b, CHAT_STYLE_ADDR, "@");
        chatline_add(b, CHAT_STYLE_ADDR, e->addr);
    }
    b->color = 0;
}

/* Appends the body of a message or action, marked if pending or refused,
 * highlighted if it names this user. */
static void chatline_add_body(LcLineBuilder *b, const LcChatEntry *e, LcChatStyle style)
{
    chatline_add(b,
                 e->pending   ? CHAT_STYLE_PENDING
                 : e->mention ? CHAT_STYLE_MENTION
                              : style,
                 e->text);
    if (e->failed)
        chatline_add(b, CHAT_STYLE_ERROR, " [not sent]");
}

/* Appends what a member said, "nick@addr: text" or "* nick@addr text":
 * lead (may be empty), the tag, sep, the body in style; returns where the
 * body starts. */
static guint chatline_add_said(LcLineBuilder *b, const LcChatEntry *e, const char *self_nick,
                               LcChatStyle style, const char *lead, const char *sep)
{
    chatline_add(b, style, lead);
    chatline_add_tag(b, e, self_nick);
    if (e->to != NULL) {
        /* A private message says who it is for: "alice@ip:port → bob: hi". */
        g_autofree char *to = g_strdup_printf(" → %s", e->to);
        chatline_add(b, CHAT_STYLE_PRIVATE, to);
    }
    chatline_add(b, style, sep);
    guint body = (guint)b->text->len;
    chatline_add_body(b, e, style);
    return body;
}

/* Appends a leave line: "<-- nick@addr left (reason)". */
static void chatline_add_leave(LcLineBuilder *b, const LcChatEntry *e, const char *self_nick)
{
    chatline_add(b, CHAT_STYLE_LEAVE, "<-- ");
    chatline_add_tag(b, e, self_nick);
    g_autofree char *why = g_strdup_printf(" left (%s)", e->text && *e->text ? e->text : "quit");
    chatline_add(b, CHAT_STYLE_LEAVE, why);
}

/* Appends everything after the time; returns where the text body starts. */
static guint chatline_add_entry(LcLineBuilder *b, const LcChatEntry *e, const char *self_nick)
{
    guint body = 0;
    switch (e->kind) {
    case CHAT_KIND_MESSAGE:
        body = chatline_add_said(b, e, self_nick, CHAT_STYLE_TEXT, "", ": ");
        break;
    case CHAT_KIND_ACTION:
        body = chatline_add_said(b, e, self_nick, CHAT_STYLE_ACTION, "* ", " ");
        break;
    case CHAT_KIND_JOIN:
        chatline_add(b, CHAT_STYLE_JOIN, "--> ");
        chatline_add_tag(b, e, self_nick);
        chatline_add(b, CHAT_STYLE_JOIN, " joined");
        break;
    case CHAT_KIND_LEAVE:
        chatline_add_leave(b, e, self_nick);
        break;
    case CHAT_KIND_NICK:
        chatline_add(b, CHAT_STYLE_INFO, "-- ");
        chatline_add(b, CHAT_STYLE_INFO, e->text);
        chatline_add(b, CHAT_STYLE_INFO, " is now known as ");
        chatline_add_tag(b, e, self_nick);
        break;
    case CHAT_KIND_INFO:
    case CHAT_KIND_ERROR:
        chatline_add(b, e->kind == CHAT_KIND_INFO ? CHAT_STYLE_INFO : CHAT_STYLE_ERROR, "-!- ");
        body = (guint)b->text->len;
        chatline_add(b, e->kind == CHAT_KIND_INFO ? CHAT_STYLE_TEXT : CHAT_STYLE_ERROR, e->text);
        break;
    case CHAT_KIND_MARKER:
        chatline_add(b, CHAT_STYLE_MARKER, "-- ");
        body = (guint)b->text->len;
        chatline_add(b, CHAT_STYLE_MARKER, e->text);
        chatline_add(b, CHAT_STYLE_MARKER, " --");
        break;
    }
    return body;
}

/* Formats an entry. */
LcChatLine *chatline_new(const LcChatEntry *entry, const char *self_nick)
{
    LcChatLine *line = g_new0(LcChatLine, 1);
    LcLineBuilder b = {g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(LcChatSpan)), 0};
    g_autofree char *hms = clock_format_hms(entry->time_us);
    chatline_add(&b, CHAT_STYLE_TIME, hms);
    chatline_add(&b, CHAT_STYLE_TEXT, " ");
    guint time_len = (guint)b.text->len;
    guint body = chatline_add_entry(&b, entry, self_nick);
    if (body == 0)
        body = time_len;
    line->text = g_string_free(b.text, FALSE);
    line->spans = b.spans;
    line->rows = g_array_new(FALSE, FALSE, sizeof(LcTextRow));
    line->body_col = textwidth_str(line->text, body);
    return line;
}

/* Frees a line. */
void chatline_free(LcChatLine *line)
{
    if (line == NULL)
        return;
    g_free(line->text);
    g_array_unref(line->spans);
    g_array_unref(line->rows);
    g_free(line);
}

/* Wraps the line for width columns. */
guint chatline_wrap(LcChatLine *line, int width)
{
    /* Continuation rows hang under the message text (weechat style) while
     * that keeps at least 3/5 of the width for text; else under the nick,
     * else at the left edge. */
    int time_col = textwidth_str(line->text, 9);
    int indent = 0;
    if (line->body_col * 5 <= width * 2)
        indent = line->body_col;
    else if (time_col * 5 <= width * 2)
        indent = time_col;
    g_array_set_size(line->rows, 0);
    return textwidth_wrap(line->text, width, indent, line->rows);
}

/* Rows an entry takes at width columns. */
guint chatline_count_rows(const LcChatEntry *entry, int width)
{
    g_autoptr(LcChatLine) line = chatline_new(entry, NULL);
    return chatline_wrap(line, width);
}

/* The span containing a byte offset. */
const LcChatSpan *chatline_span_at(const LcChatLine *line, guint offset)
{
    for (guint i = 0; i < line->spans->len; i++) {
        const LcChatSpan *s = &g_array_index(line->spans, LcChatSpan, i);
        if (offset >= s->start && offset < s->end)
            return s;
    }
    return NULL;
}

/* Whether text continues a nick at p: a nick character, but not a '.' or
 * ',' that ends a sentence or a list ("alice." and "alice, look" name
 * alice though '.' may be part of a nick). */
static gboolean chatline_continues_nick(const char *p)
{
    if ((*p == '.' || *p == ',') && !validate_nick_char(p[1]))
        return FALSE;
    return *p != '\0' && validate_nick_char(*p);
}

/* Whether text names nick as a word of its own. */
gboolean chatline_mentions(const char *text, const char *nick)
{
    gsize n = nick != NULL ? strlen(nick) : 0;
    if (text == NULL || n == 0)
        return FALSE;
    for (const char *p = text; *p != '\0'; p++) {
        if (g_ascii_strncasecmp(p, nick, n) != 0)
            continue;
        gboolean start = p == text || !validate_nick_char(p[-1]);
        gboolean end = !chatline_continues_nick(p + n);
        if (start && end)
            return TRUE;
    }
    return FALSE;
}

/* A nick's colour: a hash of the lower-cased nick (FNV-1a). */
guint chatline_nick_color(const char *nick)
{
    guint32 h = 2166136261u;
    for (const char *p = nick; p && *p; p++) {
        h ^= (guint8)g_ascii_tolower(*p);
        h *= 16777619u;
    }
    return h % CHATLINE_NICK_COLORS_256;
}

/* The entry as one plain line without the time. */
char *chatline_format_plain(const LcChatEntry *entry)
{
    g_autoptr(LcChatLine) line = chatline_new(entry, NULL);
    /* Skip "HH:MM:SS " (the time span and the space after it). */
    guint skip = g_array_index(line->spans, LcChatSpan, 0).end + 1;
    return g_strdup(line->text + MIN(skip, strlen(line->text)));
}
