/* chatline.h: how a chat log entry reads on screen: text, styles, wrapping.
 *
 * Plain C, no curses: the view maps each style to colours. A line is
 * "HH:MM:SS " then the entry (for a message "nick@ip:port: text"); wrapped
 * rows hang under the start of the text when that leaves room to read.
 */
#pragma once

#include "ui-tui/chatlog.h"
#include "ui-tui/textwidth.h"

#define CHATLINE_NICK_COLORS     6  /* nick colours on 8- and 16-colour terminals */
#define CHATLINE_NICK_COLORS_256 30 /* on 256-colour ones; a multiple of the above */

typedef enum {
    CHAT_STYLE_TEXT,
    CHAT_STYLE_TIME,
    CHAT_STYLE_NICK, /* another member's nick: coloured by chatline_nick_color() */
    CHAT_STYLE_SELF, /* this user's nick */
    CHAT_STYLE_ADDR,
    CHAT_STYLE_ACTION,
    CHAT_STYLE_JOIN,
    CHAT_STYLE_LEAVE,
    CHAT_STYLE_INFO,
    CHAT_STYLE_ERROR,
    CHAT_STYLE_MARKER,
    CHAT_STYLE_PENDING, /* own text the relay has not stored yet */
    CHAT_STYLE_MENTION, /* the text of a message that names this user */
    CHAT_STYLE_PRIVATE, /* "→ nick" of a private message */
} LcChatStyle;

/* Bytes [start, end) of a line's text drawn in one style. */
typedef struct {
    guint start;
    guint end;
    LcChatStyle style;
    guint color; /* CHAT_STYLE_NICK: 0..CHATLINE_NICK_COLORS-1 */
} LcChatSpan;

typedef struct {
    char *text;    /* printable, one line */
    GArray *spans; /* LcChatSpan in order, covering text */
    GArray *rows;  /* LcTextRow, after chatline_wrap() */
    int body_col;  /* column where the message text starts */
} LcChatLine;

/* Formats an entry; self_nick (may be NULL) is drawn as this user. */
LcChatLine *chatline_new(const LcChatEntry *entry, const char *self_nick);
void chatline_free(LcChatLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcChatLine, chatline_free)

/* Wraps the line for width columns; returns the number of rows. */
guint chatline_wrap(LcChatLine *line, int width);

/* Rows an entry takes at width columns. */
guint chatline_count_rows(const LcChatEntry *entry, int width);

/* The style of the byte at offset (the span containing it). */
const LcChatSpan *chatline_span_at(const LcChatLine *line, guint offset);

/* Whether text names nick as a word of its own, in any case ("Alice:",
 * "hi alice!", not "malice"). */
gboolean chatline_mentions(const char *text, const char *nick);

/* A nick's colour, 0..CHATLINE_NICK_COLORS_256-1, the same for any case;
 * modulo CHATLINE_NICK_COLORS where the terminal has fewer colours. */
guint chatline_nick_color(const char *nick);

/* The entry as one plain line without the time, for log files. */
char *chatline_format_plain(const LcChatEntry *entry);
