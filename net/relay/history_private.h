/* history_private.h: what history.c and history_recover.c share. */
#pragma once

#include "net/relay/history.h"

#include <sqlite3.h>

/* The columns every message query selects, in the order
 * history_entry_from_row() reads them. */
#define HISTORY_COLUMNS                                                                            \
    "id, time_us, nick, addr, instance, client_id, flags, text, to_nick, to_instance"
/* The same from a store made before private messages (no recipient). */
#define HISTORY_COLUMNS_V1 "id, time_us, nick, addr, instance, client_id, flags, text, NULL, NULL"

/* Fills entry from the current row of a query selecting HISTORY_COLUMNS; its
 * strings are valid until the query steps again. */
void history_entry_from_row(sqlite3_stmt *q, LcHistoryEntry *entry);

/* Opens a batch unless one is open (refused once SQLite rolled the open
 * batch back by itself): what is written next commits with it. */
gboolean history_begin_batch(LcHistory *history, GError **error);

/* Whether a store's messages have the recipient columns. */
gboolean history_has_recipients(sqlite3 *db);

/* The store's SQLite connection. */
sqlite3 *history_get_db(LcHistory *history);
