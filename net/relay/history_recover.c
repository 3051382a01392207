/* history_recover.c: salvaging a damaged history store.
 *
 * SQLite can often still read most rows of a damaged file: a scan in id
 * order stops at the first bad page, a scan from the newest id backwards at
 * the last one. Both are tried, and every row read is written, under its own
 * id, into a new store; the damaged file is kept beside it for a closer look.
 */
#include "net/relay/history_private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

/* What a scan of the damaged store copies into the new one. */
typedef struct {
    LcHistory *into;
    GHashTable *seen; /* ids copied (the two scans may meet) */
    guint salvaged;
} HistorySalvage;

/* Copies rows from a query over the damaged store until it ends or fails. */
static void history_salvage_scan(sqlite3 *db, const char *sql, HistorySalvage *s)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(q) == SQLITE_ROW) {
        LcHistoryEntry e;
        history_entry_from_row(q, &e);
        if (e.id == 0 || e.nick == NULL || e.addr == NULL || e.instance == NULL || e.text == NULL ||
            g_hash_table_contains(s->seen, &e.id))
            continue;
        if (!history_insert_with_id(s->into, &e, NULL))
            continue;
        guint64 *key = g_new(guint64, 1);
        *key = e.id;
        g_hash_table_add(s->seen, key);
        s->salvaged++;
    }
    sqlite3_finalize(q);
}

/* Moves path and its WAL files to path.damaged-DATE; returns the new name. */
static char *history_move_aside(const char *path, GError **error)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    char *moved = g_strdup_printf("%s.damaged-%s", path, stamp);
    static const char *const tails[] = {"", "-wal", "-shm"};
    for (guint i = 0; i < G_N_ELEMENTS(tails); i++) {
        g_autofree char *from = g_strconcat(path, tails[i], NULL);
        g_autofree char *to = g_strconcat(moved, tails[i], NULL);
        if (g_file_test(from, G_FILE_TEST_EXISTS) && g_rename(from, to) != 0) {
            int err = errno;
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        "history: cannot move %s aside: %s", from, g_strerror(err));
            g_free(moved);
            return NULL;
        }
    }
    return moved;
}

/* Checks the store and salvages it if it is damaged. */
gboolean history_recover(const char *dir, char **moved_to, guint *salvaged, GError **error)
{
    if (moved_to != NULL)
        *moved_to = NULL;
    *salvaged = 0;
    g_autoptr(GError) local = NULL;
    LcHistory *check = history_open(dir, "normal", 0, &local);
    if (check != NULL) {
        history_close(check);
        return TRUE; /* sound: nothing to do */
    }
    if (!g_error_matches(local, HISTORY_ERROR, HISTORY_ERROR_DAMAGED)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    g_autofree char *path = g_build_filename(dir, "history.db", NULL);
    g_autofree char *moved = history_move_aside(path, error);
    if (moved == NULL)
        return FALSE;
    LcHistory *into = history_open(dir, "normal", 0, error);
    if (into == NULL)
        return FALSE;
    sqlite3 *db = NULL;
    HistorySalvage s = {into, g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL), 0};
    if (sqlite3_open_v2(moved, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        const char *columns = history_has_recipients(db) ? HISTORY_COLUMNS : HISTORY_COLUMNS_V1;
        g_autofree char *up = g_strdup_printf("SELECT %s FROM messages ORDER BY id", columns);
        g_autofree char *down =
            g_strdup_printf("SELECT %s FROM messages ORDER BY id DESC", columns);
        history_salvage_scan(db, up, &s);
        history_salvage_scan(db, down, &s);
    }
    sqlite3_close(db);
    g_hash_table_unref(s.seen);
    *salvaged = s.salvaged;
    history_close(into); /* commits nothing pending: salvage wrote outside batches */
    if (moved_to != NULL)
        *moved_to = g_steal_pointer(&moved);
    return TRUE;
}
