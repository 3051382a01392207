/* chatlog.c: the chat log model: entries, scrollback and the unread count. */
#include "ui-tui/chatlog.h"

#include "net/wire/clock.h"
#include "ui-tui/chatline.h"

#define CHATLOG_DEFAULT_CAPACITY 10000

struct _LcChatLog {
    GPtrArray *entries; /* LcChatEntry *, oldest first */
    guint capacity;
    guint64 next_seq;
    char *self;
    /* Scroll position: while not following, the bottom row of the view is
     * the entry whose seq is anchor_seq, anchor_back rows up from its last
     * row (counted from the end, so that an entry read whole stays whole
     * when a resize rewraps it). */
    gboolean follow;
    guint64 anchor_seq;
    guint anchor_back;
    guint unread;
};

/* A position in the log: an entry index and a row within the entry. */
typedef struct {
    guint index;
    guint row;
} LcChatPos;

/* Frees an entry. */
static void chatlog_entry_free(gpointer data)
{
    LcChatEntry *e = data;
    g_free(e->nick);
    g_free(e->addr);
    g_free(e->text);
    g_free(e->to);
    g_free(e);
}

/* Creates an empty log. */
LcChatLog *chatlog_new(guint capacity)
{
    LcChatLog *log = g_new0(LcChatLog, 1);
    log->entries = g_ptr_array_new_with_free_func(chatlog_entry_free);
    log->capacity = capacity ? capacity : CHATLOG_DEFAULT_CAPACITY;
    log->next_seq = 1;
    log->follow = TRUE;
    return log;
}

/* Frees a log. */
void chatlog_free(LcChatLog *log)
{
    if (log == NULL)
        return;
    g_ptr_array_unref(log->entries);
    g_free(log->self);
    g_free(log);
}

/* Entry at an index (unchecked). */
static LcChatEntry *chatlog_at(const LcChatLog *log, guint index)
{
    return g_ptr_array_index(log->entries, index);
}

/* Drops the oldest entries over capacity, keeping the anchor valid. */
static void chatlog_trim(LcChatLog *log)
{
    if (log->entries->len <= log->capacity)
        return;
    g_ptr_array_remove_range(log->entries, 0, log->entries->len - log->capacity);
    guint64 first = chatlog_at(log, 0)->seq;
    if (!log->follow && log->anchor_seq < first) {
        log->anchor_seq = first;
        log->anchor_back = G_MAXUINT; /* its first row */
    }
}

/* Appends a copy of an entry. */
const LcChatEntry *chatlog_append(LcChatLog *log, const LcChatEntry *entry)
{
    LcChatEntry *e = g_new(LcChatEntry, 1);
    *e = *entry;
    e->seq = log->next_seq++;
    e->nick = g_strdup(entry->nick ? entry->nick : "");
    e->to = g_strdup(entry->to);
    e->addr = g_strdup(entry->addr ? entry->addr : "");
    e->text = g_strdup(entry->text ? entry->text : "");
    g_ptr_array_add(log->entries, e);
    if (!log->follow && !e->own && (e->kind == CHAT_KIND_MESSAGE || e->kind == CHAT_KIND_ACTION))
        log->unread++;
    chatlog_trim(log);
    return e;
}

/* Appends an entry with only text, stamped now. */
const LcChatEntry *chatlog_append_text(LcChatLog *log, LcChatKind kind, const char *text)
{
    LcChatEntry e = {.kind = kind, .time_us = clock_now_us(), .text = (char *)text};
    return chatlog_append(log, &e);
}

/* Finds the newest own pending message with a client id. */
static LcChatEntry *chatlog_find_pending(LcChatLog *log, guint64 client_id)
{
    for (guint i = log->entries->len; i > 0; i--) {
        LcChatEntry *e = chatlog_at(log, i - 1);
        if (e->client_id == client_id && e->pending)
            return e;
    }
    return NULL;
}

/* Marks an own message as stored. */
const LcChatEntry *chatlog_set_acked(LcChatLog *log, guint64 client_id, const char *addr)
{
    LcChatEntry *e = chatlog_find_pending(log, client_id);
    if (e == NULL)
        return NULL;
    e->pending = FALSE;
    if (addr != NULL && *addr != '\0') {
        g_free(e->addr);
        e->addr = g_strdup(addr);
    }
    return e;
}

/* Marks an own message as refused. */
const LcChatEntry *chatlog_set_failed(LcChatLog *log, guint64 client_id)
{
    LcChatEntry *e = chatlog_find_pending(log, client_id);
    if (e == NULL)
        return NULL;
    e->pending = FALSE;
    e->failed = TRUE;
    return e;
}

/* Removes every entry. */
void chatlog_clear(LcChatLog *log)
{
    g_ptr_array_set_size(log->entries, 0);
    chatlog_scroll_to_bottom(log);
}

/* Number of entries kept. */
guint chatlog_get_length(const LcChatLog *log)
{
    return log->entries->len;
}

/* The entry at an index, or NULL. */
const LcChatEntry *chatlog_get(const LcChatLog *log, guint index)
{
    return index < log->entries->len ? chatlog_at(log, index) : NULL;
}

/* Sets the own nick. */
void chatlog_set_self(LcChatLog *log, const char *nick)
{
    g_free(log->self);
    log->self = g_strdup(nick);
}

/* The own nick, or NULL. */
const char *chatlog_get_self(const LcChatLog *log)
{
    return log->self;
}

/* Rows of the entry at an index. */
static guint chatlog_rows(const LcChatLog *log, guint index, int width)
{
    return chatline_count_rows(chatlog_at(log, index), width);
}

/* The bottom row of the view (the log must not be empty). */
static LcChatPos chatlog_bottom(const LcChatLog *log, int width)
{
    guint last = log->entries->len - 1;
    if (log->follow)
        return (LcChatPos){last, chatlog_rows(log, last, width) - 1};
    guint index = (guint)(log->anchor_seq - chatlog_at(log, 0)->seq);
    guint rows = chatlog_rows(log, index, width);
    return (LcChatPos){index, rows - 1 - MIN(log->anchor_back, rows - 1)};
}

/* Moves a position up by n rows; returns how many it moved. */
static guint chatlog_pos_up(const LcChatLog *log, LcChatPos *pos, guint n, int width)
{
    guint moved = 0;
    while (moved < n) {
        if (pos->row > 0) {
            guint step = MIN(pos->row, n - moved);
            pos->row -= step;
            moved += step;
        } else if (pos->index > 0) {
            pos->index--;
            pos->row = chatlog_rows(log, pos->index, width) - 1;
            moved++;
        } else {
            break;
        }
    }
    return moved;
}

/* Moves a position down by n rows; returns how many it moved. */
static guint chatlog_pos_down(const LcChatLog *log, LcChatPos *pos, guint n, int width)
{
    guint moved = 0;
    guint rows = chatlog_rows(log, pos->index, width);
    while (moved < n) {
        if (pos->row + 1 < rows) {
            guint step = MIN(rows - 1 - pos->row, n - moved);
            pos->row += step;
            moved += step;
        } else if (pos->index + 1 < log->entries->len) {
            pos->index++;
            pos->row = 0;
            rows = chatlog_rows(log, pos->index, width);
            moved++;
        } else {
            break;
        }
    }
    return moved;
}

/* Sets the anchor; at the very bottom the view follows new lines again. */
static void chatlog_set_anchor(LcChatLog *log, LcChatPos pos, int width)
{
    LcChatPos end = pos;
    if (chatlog_pos_down(log, &end, 1, width) == 0) {
        chatlog_scroll_to_bottom(log);
        return;
    }
    log->follow = FALSE;
    log->anchor_seq = chatlog_at(log, pos.index)->seq;
    log->anchor_back = chatlog_rows(log, pos.index, width) - 1 - pos.row;
}

/* Scrolls by rows. */
void chatlog_scroll(LcChatLog *log, int rows, int width, int height)
{
    if (log->entries->len == 0 || rows == 0)
        return;
    LcChatPos pos = chatlog_bottom(log, width);
    if (rows < 0) {
        chatlog_pos_down(log, &pos, (guint)-rows, width);
        chatlog_set_anchor(log, pos, width);
        return;
    }
    chatlog_pos_up(log, &pos, (guint)rows, width);
    /* Stop at the first page: the bottom row must have height-1 rows above
     * it, unless the whole log is shorter than the view. */
    LcChatPos top = pos;
    guint above = chatlog_pos_up(log, &top, (guint)MAX(height - 1, 0), width);
    if (above < (guint)MAX(height - 1, 0))
        chatlog_pos_down(log, &pos, (guint)(height - 1) - above, width);
    chatlog_set_anchor(log, pos, width);
}

/* Returns to the newest line. */
void chatlog_scroll_to_bottom(LcChatLog *log)
{
    log->follow = TRUE;
    log->unread = 0;
}

/* Whether the view is scrolled back. */
gboolean chatlog_is_scrolled(const LcChatLog *log)
{
    return !log->follow;
}

/* Messages from others that arrived while scrolled back. */
guint chatlog_get_unread(const LcChatLog *log)
{
    return log->unread;
}

/* Fills rows with the visible window, top to bottom. */
void chatlog_layout(const LcChatLog *log, int width, int height, GArray *rows)
{
    g_array_set_size(rows, 0);
    if (log->entries->len == 0 || height <= 0)
        return;
    LcChatPos bottom = chatlog_bottom(log, width);
    LcChatPos pos = bottom;
    guint n = 1;
    while (n < (guint)height && chatlog_pos_up(log, &pos, 1, width) == 1)
        n++;
    /* Walk down from the top; after a resize the anchor may sit less than a
     * page from the top, and then the rows below it fill the view. */
    for (guint i = 0; i < (guint)height; i++) {
        LcChatRowRef ref = {pos.index, pos.row};
        g_array_append_val(rows, ref);
        if (chatlog_pos_down(log, &pos, 1, width) == 0)
            break;
    }
}
