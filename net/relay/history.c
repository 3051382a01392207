/* history.c: the room's chat history in SQLite (WAL), with group commit. */
#include "net/relay/history_private.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

/* The error domain of this module. */
GQuark history_error_quark(void)
{
    return g_quark_from_static_string("lc-history-error-quark");
}

struct _LcHistory {
    sqlite3 *db;
    sqlite3_stmt *insert;
    sqlite3_stmt *find_dup;
    sqlite3_stmt *after;
    guint64 last_id;
    guint64 oldest_id;
    guint retain;
    gboolean in_batch;
    guint64 batch_last_id; /* last_id and oldest_id when the batch began */
    guint64 batch_oldest_id;
};

static const char history_schema[] =
    "CREATE TABLE IF NOT EXISTS messages ("
    "  id INTEGER PRIMARY KEY,"
    "  time_us INTEGER NOT NULL,"
    "  nick TEXT NOT NULL,"
    "  addr TEXT NOT NULL,"
    "  instance TEXT NOT NULL,"
    "  client_id INTEGER NOT NULL,"
    "  flags INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  to_nick TEXT,"
    "  to_instance TEXT);"
    "CREATE UNIQUE INDEX IF NOT EXISTS messages_client ON messages(instance, client_id);"
    /* Nick holds (history_members.c): left_us 0 while the member is joined. */
    "CREATE TABLE IF NOT EXISTS members ("
    "  nick_key TEXT PRIMARY KEY,"
    "  instance TEXT NOT NULL,"
    "  ip TEXT NOT NULL,"
    "  left_us INTEGER NOT NULL);";

/* Translates the connection's last SQLite error into a GError. */
static gboolean history_fail(LcHistory *history, const char *what, GError **error)
{
    g_set_error(error, HISTORY_ERROR, sqlite3_errcode(history->db), "history: %s: %s", what,
                sqlite3_errmsg(history->db));
    return FALSE;
}

/* Runs SQL with no results. */
static gboolean history_exec(LcHistory *history, const char *sql, GError **error)
{
    if (sqlite3_exec(history->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return history_fail(history, sql, error);
    return TRUE;
}

/* Reads one integer from a query with no parameters. */
static guint64 history_query_u64(LcHistory *history, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    guint64 value = 0;
    if (sqlite3_prepare_v2(history->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = (guint64)sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

/* Whether a store's messages have the recipient columns (a store made
 * before private messages does not). */
gboolean history_has_recipients(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    gboolean has = sqlite3_prepare_v2(db, "SELECT to_nick, to_instance FROM messages LIMIT 0", -1,
                                      &q, NULL) == SQLITE_OK;
    sqlite3_finalize(q);
    return has;
}

/* Applies pragmas, creates the schema and prepares statements. */
static gboolean history_setup(LcHistory *history, const char *synchronous, GError **error)
{
    if (g_strcmp0(synchronous, "full") != 0 && g_strcmp0(synchronous, "normal") != 0 &&
        g_strcmp0(synchronous, "off") != 0) {
        g_set_error(error, HISTORY_ERROR, 0,
                    "history: synchronous must be full, normal or off, not '%s'", synchronous);
        return FALSE;
    }
    g_autofree char *pragmas =
        g_strdup_printf("PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;", synchronous);
    sqlite3_busy_timeout(history->db, 2000);
    if (!history_exec(history, pragmas, error) || !history_exec(history, history_schema, error))
        return FALSE;
    /* A store made before private messages gets their two columns, empty
     * (every message in it was for the room). */
    if (!history_has_recipients(history->db) &&
        !history_exec(history,
                      "ALTER TABLE messages ADD COLUMN to_nick TEXT;"
                      "ALTER TABLE messages ADD COLUMN to_instance TEXT;",
                      error))
        return FALSE;
    if (sqlite3_prepare_v2(history->db,
                           "INSERT INTO messages(id, time_us, nick, addr, instance, client_id, "
                           "flags, text, to_nick, to_instance) VALUES (?,?,?,?,?,?,?,?,?,?)",
                           -1, &history->insert, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(history->db,
                           "SELECT id, time_us FROM messages WHERE instance = ? AND client_id = ?",
                           -1, &history->find_dup, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(history->db,
                           "SELECT " HISTORY_COLUMNS " FROM messages WHERE id > ? ORDER BY id "
                           "LIMIT ?",
                           -1, &history->after, NULL) != SQLITE_OK)
        return history_fail(history, "preparing statements", error);
    history->last_id = history_query_u64(history, "SELECT max(id) FROM messages");
    history->oldest_id = history_query_u64(history, "SELECT min(id) FROM messages");
    return TRUE;
}

/* Runs SQLite's quick_check; FALSE (HISTORY_ERROR_DAMAGED) when the store
 * is damaged or cannot be read. */
static gboolean history_check(sqlite3 *db, const char *path, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    g_autofree char *verdict = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        verdict = g_strdup((const char *)sqlite3_column_text(stmt, 0));
    else
        verdict = g_strdup(sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    if (g_strcmp0(verdict, "ok") == 0)
        return TRUE;
    if (verdict != NULL)
        g_strdelimit(verdict, "\n", ' ');
    g_set_error(error, HISTORY_ERROR, HISTORY_ERROR_DAMAGED,
                "history: %s is damaged (%s); start once with --recover to move it aside and "
                "keep every message that can still be read",
                path, verdict ? verdict : "unreadable");
    return FALSE;
}

/* Opens (creating if needed) DIR/history.db, or an in-memory store. */
LcHistory *history_open(const char *dir, const char *synchronous, guint retain, GError **error)
{
    g_autofree char *path = NULL;
    if (dir != NULL) {
        if (g_mkdir_with_parents(dir, 0700) != 0) {
            int err = errno;
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        "history: cannot create data directory %s: %s", dir, g_strerror(err));
            return NULL;
        }
        path = g_build_filename(dir, "history.db", NULL);
    }
    LcHistory *history = g_new0(LcHistory, 1);
    history->retain = retain;
    if (sqlite3_open(path ? path : ":memory:", &history->db) != SQLITE_OK) {
        g_set_error(error, HISTORY_ERROR, 0, "history: cannot open %s: %s", path,
                    sqlite3_errmsg(history->db));
        history_close(history);
        return NULL;
    }
    if ((path != NULL && !history_check(history->db, path, error)) ||
        !history_setup(history, synchronous, error)) {
        history_close(history);
        return NULL;
    }
    return history;
}

/* Closes the store, committing an open batch. */
void history_close(LcHistory *history)
{
    if (history == NULL)
        return;
    if (history->in_batch)
        history_commit(history, NULL);
    sqlite3_finalize(history->insert);
    sqlite3_finalize(history->find_dup);
    sqlite3_finalize(history->after);
    sqlite3_close(history->db);
    g_free(history);
}

/* Looks up a message by its sender's (instance, client_id). */
static gboolean history_find_dup(LcHistory *history, LcHistoryEntry *entry)
{
    sqlite3_stmt *q = history->find_dup;
    gboolean found = FALSE;
    sqlite3_bind_text(q, 1, entry->instance, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)entry->client_id);
    if (sqlite3_step(q) == SQLITE_ROW) {
        entry->id = (guint64)sqlite3_column_int64(q, 0);
        entry->time_us = sqlite3_column_int64(q, 1);
        found = TRUE;
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return found;
}

/* Whether a sender's message is stored already. */
gboolean history_has_message(LcHistory *history, const char *instance, guint64 client_id)
{
    LcHistoryEntry probe = {.instance = instance, .client_id = client_id};
    return history_find_dup(history, &probe);
}

/* Stores a message under the id it carries (a new one, or a salvaged one). */
gboolean history_insert_with_id(LcHistory *history, const LcHistoryEntry *entry, GError **error)
{
    sqlite3_stmt *q = history->insert;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)entry->id);
    sqlite3_bind_int64(q, 2, entry->time_us);
    sqlite3_bind_text(q, 3, entry->nick, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, entry->addr, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, entry->instance, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 6, (sqlite3_int64)entry->client_id);
    sqlite3_bind_int(q, 7, entry->flags);
    sqlite3_bind_text(q, 8, entry->text, -1, SQLITE_STATIC);
    if (entry->to_nick != NULL) {
        sqlite3_bind_text(q, 9, entry->to_nick, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 10, entry->to_instance, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE)
        return history_fail(history, "storing a message", error);
    history->last_id = MAX(history->last_id, entry->id);
    if (history->oldest_id == 0 || entry->id < history->oldest_id)
        history->oldest_id = entry->id;
    return TRUE;
}

/* Opens a batch unless one is open: what is written next commits with it. */
gboolean history_begin_batch(LcHistory *history, GError **error)
{
    /* SQLite rolls a transaction back by itself on some errors (a full
     * disk): the batch is lost, and what follows must not be stored outside
     * it. The commit reports the loss. */
    if (history->in_batch && sqlite3_get_autocommit(history->db)) {
        g_set_error(error, HISTORY_ERROR, SQLITE_ABORT,
                    "history: the open batch was rolled back; storing stops until it ends");
        return FALSE;
    }
    if (history->in_batch)
        return TRUE;
    if (!history_exec(history, "BEGIN", error))
        return FALSE;
    history->in_batch = TRUE;
    history->batch_last_id = history->last_id;
    history->batch_oldest_id = history->oldest_id;
    return TRUE;
}

/* The store's SQLite connection. */
sqlite3 *history_get_db(LcHistory *history)
{
    return history->db;
}

/* Appends a message to the open batch (or finds its stored twin). */
gboolean history_append(LcHistory *history, LcHistoryEntry *entry, gboolean *duplicate,
                        GError **error)
{
    *duplicate = FALSE;
    if (!history_begin_batch(history, error))
        return FALSE;
    if (history_find_dup(history, entry)) {
        *duplicate = TRUE;
        return TRUE;
    }
    entry->id = history->last_id + 1;
    return history_insert_with_id(history, entry, error);
}

/* Deletes messages beyond the retention limit (inside the open batch). */
static gboolean history_prune(LcHistory *history, GError **error)
{
    /* oldest_id above last_id (a damaged store) must not underflow into a
     * delete of everything. */
    if (history->retain == 0 || history->last_id < history->oldest_id ||
        history->last_id - history->oldest_id < history->retain)
        return TRUE;
    /* Prune in steps of a tenth of the limit so the delete is rare and cheap. */
    guint64 keep_from = history->last_id - history->retain + history->retain / 10 + 1;
    g_autofree char *sql =
        g_strdup_printf("DELETE FROM messages WHERE id < %" G_GUINT64_FORMAT, keep_from);
    if (!history_exec(history, sql, error))
        return FALSE;
    history->oldest_id = history_query_u64(history, "SELECT min(id) FROM messages");
    return TRUE;
}

/* Commits the open batch, if any. On failure nothing of it is stored, and
 * its ids will be given again, so that stored ids stay one apart. */
gboolean history_commit(LcHistory *history, GError **error)
{
    if (!history->in_batch)
        return TRUE;
    if (history_prune(history, error) && history_exec(history, "COMMIT", error)) {
        history->in_batch = FALSE;
        return TRUE;
    }
    if (!sqlite3_get_autocommit(history->db))
        sqlite3_exec(history->db, "ROLLBACK", NULL, NULL, NULL);
    history->in_batch = FALSE;
    history->last_id = history->batch_last_id;
    history->oldest_id = history->batch_oldest_id;
    return FALSE;
}

/* Caps the store's size at pages database pages (SQLite's max_page_count):
 * past it, storing fails as on a full disk. */
void history_set_max_pages(LcHistory *history, guint pages)
{
    g_autofree char *sql = g_strdup_printf("PRAGMA max_page_count = %u", pages);
    history_exec(history, sql, NULL);
}

/* Whether appends are waiting for a commit. */
gboolean history_has_pending(LcHistory *history)
{
    return history->in_batch;
}

/* Newest stored id. */
guint64 history_get_last_id(LcHistory *history)
{
    return history->last_id;
}

/* Oldest stored id. */
guint64 history_get_oldest_id(LcHistory *history)
{
    return history->oldest_id;
}

/* Fills an entry from the current row of a HISTORY_COLUMNS query. */
void history_entry_from_row(sqlite3_stmt *q, LcHistoryEntry *entry)
{
    *entry = (LcHistoryEntry){
        .id = (guint64)sqlite3_column_int64(q, 0),
        .time_us = sqlite3_column_int64(q, 1),
        .nick = (const char *)sqlite3_column_text(q, 2),
        .addr = (const char *)sqlite3_column_text(q, 3),
        .instance = (const char *)sqlite3_column_text(q, 4),
        .client_id = (guint64)sqlite3_column_int64(q, 5),
        .flags = (guint16)sqlite3_column_int(q, 6),
        .text = (const char *)sqlite3_column_text(q, 7),
        .to_nick = (const char *)sqlite3_column_text(q, 8),
        .to_instance = (const char *)sqlite3_column_text(q, 9),
    };
}

/* Calls func for messages with id > after_id, oldest first. */
gboolean history_foreach_after(LcHistory *history, guint64 after_id, guint limit,
                               LcHistoryFunc func, gpointer user_data, GError **error)
{
    sqlite3_stmt *q = history->after;
    int rc;
    /* Ids are unsigned on the wire but SQLite integers are signed: no stored
     * id is above G_MAXINT64, so nothing comes after a larger one (cast, it
     * would turn negative and select everything). */
    if (after_id > (guint64)G_MAXINT64)
        return TRUE;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)after_id);
    sqlite3_bind_int64(q, 2, limit == 0 ? -1 : (sqlite3_int64)limit);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        LcHistoryEntry e;
        history_entry_from_row(q, &e);
        func(&e, user_data);
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE)
        return history_fail(history, "reading history", error);
    return TRUE;
}

/* Calls func for the last `limit` messages, oldest first. */
gboolean history_foreach_last(LcHistory *history, guint limit, LcHistoryFunc func,
                              gpointer user_data, GError **error)
{
    if (limit == 0)
        return TRUE;
    guint64 after = history->last_id > limit ? history->last_id - limit : 0;
    return history_foreach_after(history, after, limit, func, user_data, error);
}
