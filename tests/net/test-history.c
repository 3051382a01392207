/* test-history.c: chat history in real SQLite files. */
#include "tests/test-tmpdir.h"
#include "net/relay/history.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

typedef struct {
    GArray *ids;
    GPtrArray *texts;
} Collected;

/* Collects ids and texts of a history walk. */
static void collect(const LcHistoryEntry *entry, gpointer data)
{
    Collected *c = data;
    g_array_append_val(c->ids, entry->id);
    g_ptr_array_add(c->texts, g_strdup(entry->text));
}

/* Appends one message with the given sender instance and client id. */
static guint64 append(LcHistory *h, const char *instance, guint64 client_id, const char *text,
                      gboolean *dup)
{
    LcHistoryEntry e = {.time_us = g_get_real_time(),
                        .nick = "n",
                        .addr = "127.0.0.1:1",
                        .instance = instance,
                        .client_id = client_id,
                        .text = text};
    g_autoptr(GError) error = NULL;
    gboolean d = FALSE;
    g_assert_true(history_append(h, &e, &d, &error));
    g_assert_no_error(error);
    if (dup)
        *dup = d;
    return e.id;
}

/* Committed messages survive closing and reopening; an uncommitted batch is
 * committed on close; ids continue after a reopen. */
static void test_persist(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-history-XXXXXX", NULL);
    g_autoptr(GError) error = NULL;
    LcHistory *h = history_open(dir, "full", 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(history_get_last_id(h), ==, 0);
    g_assert_cmpuint(append(h, "i1", 1, "one", NULL), ==, 1);
    g_assert_cmpuint(append(h, "i1", 2, "two", NULL), ==, 2);
    g_assert_true(history_has_pending(h));
    g_assert_true(history_commit(h, &error));
    g_assert_false(history_has_pending(h));
    g_assert_cmpuint(append(h, "i2", 1, "three", NULL), ==, 3);
    history_close(h);

    h = history_open(dir, "normal", 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(history_get_last_id(h), ==, 3);
    g_assert_cmpuint(history_get_oldest_id(h), ==, 1);
    Collected c = {g_array_new(FALSE, FALSE, sizeof(guint64)),
                   g_ptr_array_new_with_free_func(g_free)};
    g_assert_true(history_foreach_after(h, 1, 0, collect, &c, &error));
    g_assert_cmpuint(c.ids->len, ==, 2);
    g_assert_cmpstr(c.texts->pdata[0], ==, "two");
    g_assert_cmpstr(c.texts->pdata[1], ==, "three");
    g_assert_cmpuint(append(h, "i2", 2, "four", NULL), ==, 4);
    history_close(h);
    g_array_unref(c.ids);
    g_ptr_array_unref(c.texts);
    g_autofree char *db = g_build_filename(dir, "history.db", NULL);
    g_remove(db);
    g_autofree char *wal = g_strconcat(db, "-wal", NULL);
    g_autofree char *shm = g_strconcat(db, "-shm", NULL);
    g_remove(wal);
    g_remove(shm);
    g_rmdir(dir);
}

/* The same (instance, client id) is stored once, committed or not. */
static void test_dedupe(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcHistory) h = history_open(NULL, "off", 0, &error);
    g_assert_no_error(error);
    gboolean dup = TRUE;
    g_assert_cmpuint(append(h, "a", 1, "x", &dup), ==, 1);
    g_assert_false(dup);
    g_assert_cmpuint(append(h, "a", 1, "x", &dup), ==, 1); /* same batch */
    g_assert_true(dup);
    g_assert_true(history_commit(h, &error));
    g_assert_cmpuint(append(h, "a", 1, "x", &dup), ==, 1); /* after commit */
    g_assert_true(dup);
    g_assert_cmpuint(append(h, "b", 1, "y", &dup), ==, 2); /* other instance */
    g_assert_false(dup);
    g_assert_cmpuint(history_get_last_id(h), ==, 2);
}

/* Ids are unsigned end to end: "after" an id at or past 2^63 (beyond any id
 * SQLite stores) is nothing, and just below the largest stored id is one. */
static void test_after_huge_ids(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcHistory) h = history_open(NULL, "off", 0, &error);
    for (guint i = 1; i <= 3; i++)
        append(h, "a", i, "x", NULL);
    g_assert_true(history_commit(h, &error));
    static const guint64 afters[] = {G_MAXINT64 - 1, G_MAXINT64, (guint64)G_MAXINT64 + 1,
                                     G_MAXUINT64 - 1, G_MAXUINT64};
    for (guint i = 0; i < G_N_ELEMENTS(afters); i++) {
        Collected c = {g_array_new(FALSE, FALSE, sizeof(guint64)),
                       g_ptr_array_new_with_free_func(g_free)};
        g_assert_true(history_foreach_after(h, afters[i], 0, collect, &c, &error));
        g_assert_no_error(error);
        g_test_message("after %" G_GUINT64_FORMAT ": %u messages", afters[i], c.ids->len);
        g_assert_cmpuint(c.ids->len, ==, 0);
        g_array_unref(c.ids);
        g_ptr_array_unref(c.texts);
    }
    Collected c = {g_array_new(FALSE, FALSE, sizeof(guint64)),
                   g_ptr_array_new_with_free_func(g_free)};
    g_assert_true(history_foreach_after(h, 2, 0, collect, &c, &error));
    g_assert_cmpuint(c.ids->len, ==, 1);
    g_array_unref(c.ids);
    g_ptr_array_unref(c.texts);
}

/* A batch that cannot be stored (a full disk) stores nothing and gives its
 * ids back: once there is room again, ids go on one apart. */
static void test_ids_after_full(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcHistory) h = history_open(NULL, "off", 0, &error);
    for (guint i = 1; i <= 3; i++)
        g_assert_cmpuint(append(h, "a", i, "x", NULL), ==, i);
    g_assert_true(history_commit(h, &error));
    history_set_max_pages(h, 1); /* no room for anything more */
    g_autofree char *big = g_strnfill(4000, 'y');
    gboolean failed = FALSE;
    for (guint i = 4; i <= 40 && !failed; i++) {
        LcHistoryEntry e = {.nick = "n", .addr = "a", .instance = "b", .client_id = i, .text = big};
        gboolean dup = FALSE;
        g_clear_error(&error);
        failed = !history_append(h, &e, &dup, &error);
    }
    if (!failed) {
        g_assert_false(history_commit(h, &error));
    } else {
        g_test_message("append failed: %s", error->message);
        g_clear_error(&error);
        g_assert_false(history_commit(h, &error));
    }
    g_clear_error(&error);
    g_assert_cmpuint(history_get_last_id(h), ==, 3);
    history_set_max_pages(h, 1000000);
    g_assert_cmpuint(append(h, "c", 1, "after", NULL), ==, 4);
    g_assert_true(history_commit(h, &error));
    Collected c = {g_array_new(FALSE, FALSE, sizeof(guint64)),
                   g_ptr_array_new_with_free_func(g_free)};
    g_assert_true(history_foreach_after(h, 0, 0, collect, &c, &error));
    g_assert_cmpuint(c.ids->len, ==, 4);
    for (guint i = 0; i < c.ids->len; i++)
        g_assert_cmpuint(g_array_index(c.ids, guint64, i), ==, i + 1);
    g_array_unref(c.ids);
    g_ptr_array_unref(c.texts);
}

/* Retention keeps about the configured number of messages, newest kept. */
static void test_retention(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcHistory) h = history_open(NULL, "off", 100, &error);
    for (guint i = 1; i <= 1000; i++) {
        append(h, "a", i, "m", NULL);
        if (i % 10 == 0)
            g_assert_true(history_commit(h, &error));
    }
    guint64 oldest = history_get_oldest_id(h);
    g_assert_cmpuint(history_get_last_id(h), ==, 1000);
    g_assert_cmpuint(1000 - oldest + 1, <=, 100);
    g_assert_cmpuint(1000 - oldest + 1, >=, 80);
    Collected c = {g_array_new(FALSE, FALSE, sizeof(guint64)),
                   g_ptr_array_new_with_free_func(g_free)};
    g_assert_true(history_foreach_last(h, 5, collect, &c, &error));
    g_assert_cmpuint(c.ids->len, ==, 5);
    g_assert_cmpuint(g_array_index(c.ids, guint64, 0), ==, 996);
    g_assert_cmpuint(g_array_index(c.ids, guint64, 4), ==, 1000);
    g_array_unref(c.ids);
    g_ptr_array_unref(c.texts);
}

/* A store with garbage in its middle pages is refused, naming the file and
 * the way out; recovery moves it aside and keeps what can be read, ids
 * included, so that new messages never reuse an id the members have seen. */
static void test_damaged_store(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-history-XXXXXX", NULL);
    g_autoptr(GError) error = NULL;
    LcHistory *h = history_open(dir, "full", 0, &error);
    g_autofree char *text = g_strnfill(1000, 't');
    for (guint i = 1; i <= 300; i++)
        append(h, "a", i, text, NULL);
    g_assert_true(history_commit(h, &error));
    history_close(h);

    g_autofree char *path = g_build_filename(dir, "history.db", NULL);
    gchar *bytes = NULL;
    gsize size = 0;
    g_assert_true(g_file_get_contents(path, &bytes, &size, NULL));
    g_assert_cmpuint(size, >, 40 * 4096);
    memset(bytes + 20 * 4096, 0xA5, 4 * 4096); /* four pages in the middle */
    g_assert_true(g_file_set_contents(path, bytes, (gssize)size, NULL));
    g_free(bytes);

    h = history_open(dir, "normal", 0, &error);
    g_assert_null(h);
    g_assert_error(error, HISTORY_ERROR, HISTORY_ERROR_DAMAGED);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, "--recover"));
    g_clear_error(&error);

    g_autofree char *moved = NULL;
    guint salvaged = 0;
    g_assert_true(history_recover(dir, &moved, &salvaged, &error));
    g_assert_no_error(error);
    g_test_message("salvaged %u of 300 messages; the damaged store is %s", salvaged, moved);
    g_assert_nonnull(moved);
    g_assert_true(g_file_test(moved, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(salvaged, >, 0);
    g_assert_cmpuint(salvaged, <, 300);

    h = history_open(dir, "normal", 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(history_get_last_id(h), ==, 300); /* the newest was read back */
    g_assert_cmpuint(append(h, "b", 1, "after", NULL), ==, 301);
    g_assert_true(history_commit(h, &error));
    history_close(h);

    /* A sound store is left alone. */
    g_autofree char *again = NULL;
    g_assert_true(history_recover(dir, &again, &salvaged, &error));
    g_assert_null(again);
    test_tmpdir_remove(dir);
}

/* Bad settings and unusable directories give clear errors. */
static void test_errors(void)
{
    g_autoptr(GError) error = NULL;
    LcHistory *h = history_open(NULL, "sometimes", 0, &error);
    g_assert_null(h);
    g_assert_nonnull(strstr(error->message, "synchronous"));
    g_clear_error(&error);
    h = history_open("/proc/lanconf-no-such-dir", "normal", 0, &error);
    g_assert_null(h);
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "/proc/lanconf-no-such-dir"));
}

/* Collects "text>to_nick/to_instance" of a history walk. */
static void collect_recipients(const LcHistoryEntry *entry, gpointer data)
{
    g_string_append_printf(data, "%s>%s/%s;", entry->text, entry->to_nick ? entry->to_nick : "-",
                           entry->to_instance ? entry->to_instance : "-");
}

/* A store made before private messages opens: its messages read as the
 * room's, and private ones can be stored in it from then on. */
static void test_store_before_private(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-history-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "history.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(
        sqlite3_exec(db,
                     "CREATE TABLE messages (id INTEGER PRIMARY KEY, time_us INTEGER "
                     "NOT NULL, nick TEXT NOT NULL, addr TEXT NOT NULL, instance TEXT "
                     "NOT NULL, client_id INTEGER NOT NULL, flags INTEGER NOT NULL, "
                     "text TEXT NOT NULL);"
                     "INSERT INTO messages VALUES (1, 1, 'a', 'x:1', 'i1', 1, 0, 'old');",
                     NULL, NULL, NULL),
        ==, SQLITE_OK);
    sqlite3_close(db);
    g_autoptr(GError) error = NULL;
    LcHistory *h = history_open(dir, "normal", 0, &error);
    g_assert_no_error(error);
    LcHistoryEntry e = {.time_us = 2,
                        .nick = "a",
                        .addr = "x:1",
                        .instance = "i1",
                        .client_id = 2,
                        .text = "psst",
                        .to_nick = "bob",
                        .to_instance = "i2"};
    gboolean dup = FALSE;
    g_assert_true(history_append(h, &e, &dup, &error));
    g_assert_true(history_commit(h, &error));
    history_close(h);
    h = history_open(dir, "normal", 0, &error);
    g_assert_no_error(error);
    g_autoptr(GString) seen = g_string_new(NULL);
    g_assert_true(history_foreach_after(h, 0, 0, collect_recipients, seen, &error));
    g_assert_cmpstr(seen->str, ==, "old>-/-;psst>bob/i2;");
    history_close(h);
    g_autofree char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
    g_remove(wal);
    g_remove(shm);
    g_remove(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/history/persist", test_persist);
    g_test_add_func("/history/dedupe", test_dedupe);
    g_test_add_func("/history/retention", test_retention);
    g_test_add_func("/history/after-huge-ids", test_after_huge_ids);
    g_test_add_func("/history/ids-after-full", test_ids_after_full);
    g_test_add_func("/history/damaged-store", test_damaged_store);
    g_test_add_func("/history/errors", test_errors);
    g_test_add_func("/history/store-before-private", test_store_before_private);
    return g_test_run();
}
