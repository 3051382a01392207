/* history_members.c: the nick rows of the history store, which let nick
 * holds (net/relay/nick_hold.c) outlive a relay restart. They are written in
 * the same batches as messages, so a join costs no commit of its own. */
#include "net/relay/history_private.h"

/* Runs one prepared write with up to four bound values, in the open batch. */
static gboolean history_members_write(LcHistory *history, const char *sql,
                                      const LcHistoryMember *member, GError **error)
{
    sqlite3 *db = history_get_db(history);
    sqlite3_stmt *q = NULL;
    if (!history_begin_batch(history, error))
        return FALSE;
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, member->nick_key, -1, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(q) == 4) {
            sqlite3_bind_text(q, 2, member->instance, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 3, member->ip, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 4, member->left_us);
        }
        rc = sqlite3_step(q);
    }
    /* The error is read before finalize, which may reset it. */
    if (rc != SQLITE_DONE)
        g_set_error(error, HISTORY_ERROR, sqlite3_errcode(db), "history: storing nick '%s': %s",
                    member->nick_key, sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return rc == SQLITE_DONE;
}

/* Stores or replaces a nick's row. */
gboolean history_member_store(LcHistory *history, const LcHistoryMember *member, GError **error)
{
    return history_members_write(
        history, "INSERT OR REPLACE INTO members(nick_key, instance, ip, left_us) VALUES (?,?,?,?)",
        member, error);
}

/* Removes a nick's row. */
gboolean history_member_forget(LcHistory *history, const char *nick_key, GError **error)
{
    LcHistoryMember member = {.nick_key = nick_key};
    return history_members_write(history, "DELETE FROM members WHERE nick_key = ?", &member, error);
}

/* Calls func for every stored row. */
gboolean history_foreach_member(LcHistory *history, LcHistoryMemberFunc func, gpointer user_data,
                                GError **error)
{
    sqlite3 *db = history_get_db(history);
    sqlite3_stmt *q = NULL;
    int rc =
        sqlite3_prepare_v2(db, "SELECT nick_key, instance, ip, left_us FROM members", -1, &q, NULL);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        if ((rc = sqlite3_step(q)) != SQLITE_ROW)
            break;
        LcHistoryMember member = {
            .nick_key = (const char *)sqlite3_column_text(q, 0),
            .instance = (const char *)sqlite3_column_text(q, 1),
            .ip = (const char *)sqlite3_column_text(q, 2),
            .left_us = sqlite3_column_int64(q, 3),
        };
        if (member.nick_key != NULL && member.instance != NULL && member.ip != NULL)
            func(&member, user_data);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        g_set_error(error, HISTORY_ERROR, sqlite3_errcode(db), "history: reading nicks: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}
