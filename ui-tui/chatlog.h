/* chatlog.h: the chat log model: entries, scrollback and the unread count.
 *
 * Plain C, no curses. The log keeps at most `capacity` entries (oldest
 * dropped first). Scrolling is counted in screen rows, so functions that move
 * or lay out the view take the width of the chat area; the position is kept
 * as an anchor (an entry and a row within it) so that what the user is
 * reading stays put while new lines arrive or the terminal is resized.
 */
#pragma once

#include <glib.h>

typedef enum {
    CHAT_KIND_MESSAGE, /* nick@addr: text */
    CHAT_KIND_ACTION,  /* * nick@addr text */
    CHAT_KIND_JOIN,    /* --> nick@addr joined */
    CHAT_KIND_LEAVE,   /* <-- nick@addr left (reason) */
    CHAT_KIND_NICK,    /* -- old is now known as nick */
    CHAT_KIND_INFO,    /* -!- text from the client itself */
    CHAT_KIND_ERROR,   /* -!- text, highlighted */
    CHAT_KIND_MARKER,  /* -- text --: a gap in the conversation */
} LcChatKind;

typedef struct {
    guint64 seq; /* position in the log: grows by one per entry */
    LcChatKind kind;
    gint64 time_us;
    char *nick;        /* sender (or the member who joined, left, renamed) */
    char *addr;        /* sender's ip:port as the relay saw it; may be empty */
    char *text;        /* message, action, reason, old nick or info text */
    guint64 client_id; /* own message: id in the session's outbox; else 0 */
    gboolean own;      /* written by this user */
    gboolean history;  /* replayed from the relay's history */
    gboolean pending;  /* own message not yet stored by the relay */
    gboolean failed;   /* own message the relay refused */
    gboolean mention;  /* another member's message that names this user: highlighted */
    char *to;          /* a private message's recipient (/msg); NULL: for the room */
} LcChatEntry;

typedef struct _LcChatLog LcChatLog;

/* Creates an empty log that keeps at most capacity entries (0: 10000). */
LcChatLog *chatlog_new(guint capacity);
void chatlog_free(LcChatLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcChatLog, chatlog_free)

/* Appends a copy of entry (its seq is assigned) and returns the stored one.
 * While the view is scrolled back, messages from others count as unread. */
const LcChatEntry *chatlog_append(LcChatLog *log, const LcChatEntry *entry);

/* Shorthand: appends an entry of a kind with only text, stamped now. */
const LcChatEntry *chatlog_append_text(LcChatLog *log, LcChatKind kind, const char *text);

/* Marks the own message with client_id as stored (sender address known now);
 * returns it, or NULL if it is not in the log. */
const LcChatEntry *chatlog_set_acked(LcChatLog *log, guint64 client_id, const char *addr);

/* Marks the own message with client_id as refused; returns it or NULL. */
const LcChatEntry *chatlog_set_failed(LcChatLog *log, guint64 client_id);

/* Removes every entry and returns to the bottom. */
void chatlog_clear(LcChatLog *log);

guint chatlog_get_length(const LcChatLog *log);
/* The entry at index (0 = oldest kept), or NULL. */
const LcChatEntry *chatlog_get(const LcChatLog *log, guint index);

/* Own nick, drawn in its own colour; NULL for none. */
void chatlog_set_self(LcChatLog *log, const char *nick);
const char *chatlog_get_self(const LcChatLog *log);

/* Scrolls by rows (positive: back in time) for a chat area width columns
 * wide and height rows high; stops at the first page and at the bottom. */
void chatlog_scroll(LcChatLog *log, int rows, int width, int height);

/* Returns to the newest line; clears the unread count. */
void chatlog_scroll_to_bottom(LcChatLog *log);

/* Whether the view is scrolled back (not following new lines). */
gboolean chatlog_is_scrolled(const LcChatLog *log);

/* Messages from others appended while scrolled back. */
guint chatlog_get_unread(const LcChatLog *log);

/* One row of the visible window: a wrapped row of an entry. */
typedef struct {
    guint index; /* entry index */
    guint row;   /* wrapped row within the entry */
} LcChatRowRef;

/* Fills rows (LcChatRowRef, top to bottom) with at most height rows that end
 * at the scroll position, for a chat area width columns wide. */
void chatlog_layout(const LcChatLog *log, int width, int height, GArray *rows);
