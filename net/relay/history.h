/* history.h: the room's chat history in SQLite (WAL), with group commit.
 *
 * Messages are appended inside an open transaction and become durable when
 * history_commit() runs; the relay commits once per loop turn and only then
 * acknowledges and delivers, so every id a client ever sees is on disk.
 */
#pragma once

#include <glib.h>

typedef struct _LcHistory LcHistory;

typedef struct {
    guint64 id;
    gint64 time_us;
    const char *nick;
    const char *addr;
    const char *instance;
    guint64 client_id;
    guint16 flags; /* WIRE_FLAG_ACTION */
    const char *text;
    const char *to_nick;     /* a private message's recipient, as its nick was; NULL: the room */
    const char *to_instance; /* and its client instance, the one that may read it */
} LcHistoryEntry;

/* Called for each stored message, oldest first. */
typedef void (*LcHistoryFunc)(const LcHistoryEntry *entry, gpointer user_data);

/* Errors of this module besides SQLite's own codes. */
#define HISTORY_ERROR (history_error_quark())
GQuark history_error_quark(void);
#define HISTORY_ERROR_DAMAGED 1000 /* the store fails SQLite's quick_check */

/* Opens (creating if needed) DIR/history.db; dir NULL keeps history in memory.
 * synchronous is SQLite's setting for commits: "full", "normal" or "off".
 * retain is how many messages are kept (0 = all). A store that fails
 * SQLite's quick_check is refused (HISTORY_ERROR_DAMAGED, naming the file
 * and the way out: history_recover()). */
LcHistory *history_open(const char *dir, const char *synchronous, guint retain, GError **error);

/* Checks DIR/history.db and, if it is damaged, moves it aside (with its WAL
 * files) to history.db.damaged-DATE and writes a new store of every message
 * SQLite can still read from it, ids kept. *moved_to (may be NULL) gets the
 * new name, or NULL when the store was sound (nothing is done); *salvaged
 * the messages kept. */
gboolean history_recover(const char *dir, char **moved_to, guint *salvaged, GError **error);

/* Closes the store; an open batch is committed first. */
void history_close(LcHistory *history);

/* Appends a message to the open batch, filling entry->id. When the same
 * (instance, client_id) is already stored, nothing is added: entry->id and
 * entry->time_us are set to the stored message's and *duplicate is TRUE. */
gboolean history_append(LcHistory *history, LcHistoryEntry *entry, gboolean *duplicate,
                        GError **error);

/* Whether the message (instance, client_id) is stored already (committed or
 * in the open batch). */
gboolean history_has_message(LcHistory *history, const char *instance, guint64 client_id);

/* Stores a message under the id it carries (salvage keeps ids), outside
 * any batch logic: no duplicate check. */
gboolean history_insert_with_id(LcHistory *history, const LcHistoryEntry *entry, GError **error);

/* Commits the open batch, if any. On failure nothing of the batch is
 * stored and its ids are given again: stored ids stay one apart. */
gboolean history_commit(LcHistory *history, GError **error);

/* Caps the store's size at pages database pages (SQLite's max_page_count):
 * past it, storing fails as on a full disk. */
void history_set_max_pages(LcHistory *history, guint pages);

/* Whether a batch is open (appends not yet committed). */
gboolean history_has_pending(LcHistory *history);

/* Newest and oldest stored ids (0 when empty). */
guint64 history_get_last_id(LcHistory *history);
guint64 history_get_oldest_id(LcHistory *history);

/* Calls func for every message with id > after_id, oldest first, at most
 * limit of them (0 = no limit). */
gboolean history_foreach_after(LcHistory *history, guint64 after_id, guint limit,
                               LcHistoryFunc func, gpointer user_data, GError **error);

/* Calls func for the last `limit` messages, oldest first. */
gboolean history_foreach_last(LcHistory *history, guint limit, LcHistoryFunc func,
                              gpointer user_data, GError **error);

/* A nick's row for nick holds (history_members.c, net/relay/nick_hold.h):
 * the client instance and address that had it, and when it left. */
typedef struct {
    const char *nick_key; /* the nick folded to lower case */
    const char *instance;
    const char *ip;
    gint64 left_us; /* wall clock, us; 0 while the member is joined */
} LcHistoryMember;

/* Called for each stored member row. */
typedef void (*LcHistoryMemberFunc)(const LcHistoryMember *member, gpointer user_data);

/* Stores or replaces a nick's row, in the open batch (one is opened if
 * needed: the caller commits it). */
gboolean history_member_store(LcHistory *history, const LcHistoryMember *member, GError **error);

/* Removes a nick's row, in the open batch. */
gboolean history_member_forget(LcHistory *history, const char *nick_key, GError **error);

/* Calls func for every stored member row. */
gboolean history_foreach_member(LcHistory *history, LcHistoryMemberFunc func, gpointer user_data,
                                GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcHistory, history_close)
