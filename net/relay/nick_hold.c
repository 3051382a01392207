/* nick_hold.c: nicks held for the client that last had them. */
#include "net/relay/nick_hold.h"

typedef struct {
    char *instance;
    char *ip;
    gint64 until_us; /* wall clock */
} LcNickHold;

struct _LcNickHolds {
    LcHistory *history;
    gint64 hold_us;
    guint max;
    guint max_per_ip;
    GHashTable *held; /* nick_key -> LcNickHold */
};

/* Frees one hold. */
static void nick_hold_free(gpointer data)
{
    LcNickHold *hold = data;
    g_free(hold->instance);
    g_free(hold->ip);
    g_free(hold);
}

/* Writes a row, or says why not: a hold that is not stored only fails to
 * outlive a restart, so it is no reason to refuse anyone. */
static void nick_holds_store(LcNickHolds *holds, const char *nick_key, const char *instance,
                             const char *ip, gint64 left_us)
{
    g_autoptr(GError) error = NULL;
    LcHistoryMember row = {nick_key, instance, ip, left_us};
    if (!history_member_store(holds->history, &row, &error))
        g_message("nick holds: %s", error->message);
}

/* Removes a row, or says why not. */
static void nick_holds_forget(LcNickHolds *holds, const char *nick_key)
{
    g_autoptr(GError) error = NULL;
    if (!history_member_forget(holds->history, nick_key, &error))
        g_message("nick holds: %s", error->message);
}

/* Drops the hold that ends soonest among those from ip (NULL: among all). */
static void nick_holds_evict(LcNickHolds *holds, const char *ip)
{
    GHashTableIter iter;
    gpointer key, value;
    const char *victim = NULL;
    gint64 soonest = G_MAXINT64;
    g_hash_table_iter_init(&iter, holds->held);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        LcNickHold *hold = value;
        if ((ip == NULL || g_strcmp0(hold->ip, ip) == 0) && hold->until_us < soonest) {
            soonest = hold->until_us;
            victim = key;
        }
    }
    if (victim == NULL)
        return;
    g_autofree char *nick_key = g_strdup(victim);
    g_hash_table_remove(holds->held, nick_key);
    nick_holds_forget(holds, nick_key);
}

/* How many holds ip has. */
static guint nick_holds_count_ip(LcNickHolds *holds, const char *ip)
{
    GHashTableIter iter;
    gpointer value;
    guint n = 0;
    g_hash_table_iter_init(&iter, holds->held);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        n += g_strcmp0(((LcNickHold *)value)->ip, ip) == 0;
    return n;
}

/* Holds nick_key for instance until until_us, making room within the limits. */
static void nick_holds_add(LcNickHolds *holds, const char *nick_key, const char *instance,
                           const char *ip, gint64 until_us)
{
    g_hash_table_remove(holds->held, nick_key);
    while (holds->max_per_ip > 0 && nick_holds_count_ip(holds, ip) >= holds->max_per_ip)
        nick_holds_evict(holds, ip);
    while (holds->max > 0 && g_hash_table_size(holds->held) >= holds->max)
        nick_holds_evict(holds, NULL);
    LcNickHold *hold = g_new0(LcNickHold, 1);
    hold->instance = g_strdup(instance);
    hold->ip = g_strdup(ip);
    hold->until_us = until_us;
    g_hash_table_insert(holds->held, g_strdup(nick_key), hold);
}

/* Copies one stored row: they are applied once the read is over. */
static void nick_holds_copy_row(const LcHistoryMember *row, gpointer data)
{
    LcNickHold *copy = g_new0(LcNickHold, 1);
    copy->instance = g_strdup(row->instance);
    copy->ip = g_strdup(row->ip);
    copy->until_us = row->left_us;
    g_ptr_array_add(data, g_strdup(row->nick_key));
    g_ptr_array_add(data, copy);
}

/* Creates the holds and loads the stored rows. */
LcNickHolds *nick_holds_new(LcHistory *history, guint hold_s, guint max, guint max_per_ip,
                            gint64 now_us)
{
    LcNickHolds *holds = g_new0(LcNickHolds, 1);
    holds->history = history;
    holds->hold_us = (gint64)hold_s * G_USEC_PER_SEC;
    holds->max = max;
    holds->max_per_ip = max_per_ip;
    holds->held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, nick_hold_free);

    g_autoptr(GPtrArray) rows = g_ptr_array_new(); /* nick_key, LcNickHold (until = left) */
    g_autoptr(GError) error = NULL;
    if (!history_foreach_member(history, nick_holds_copy_row, rows, &error))
        g_message("nick holds: %s", error->message);
    for (guint i = 0; i + 1 < rows->len; i += 2) {
        char *nick_key = rows->pdata[i];
        LcNickHold *row = rows->pdata[i + 1];
        /* A member still joined when the relay stopped is held from now:
         * when it went is not known, and it will be reconnecting. The row
         * says it left now, so that a second restart does not extend it. */
        gint64 from = row->until_us > 0 ? MIN(row->until_us, now_us) : now_us;
        if (holds->hold_us <= 0 || from + holds->hold_us <= now_us) {
            nick_holds_forget(holds, nick_key);
        } else {
            nick_holds_add(holds, nick_key, row->instance, row->ip, from + holds->hold_us);
            if (row->until_us != from)
                nick_holds_store(holds, nick_key, row->instance, row->ip, from);
        }
        g_free(nick_key);
        nick_hold_free(row);
    }
    g_autoptr(GError) commit_error = NULL;
    if (!history_commit(history, &commit_error))
        g_message("nick holds: %s", commit_error->message);
    return holds;
}

/* Frees the holds. */
void nick_holds_free(LcNickHolds *holds)
{
    if (holds == NULL)
        return;
    g_hash_table_destroy(holds->held);
    g_free(holds);
}

/* The instance a nick is held for, if the hold still lasts. */
const char *nick_holds_find(LcNickHolds *holds, const char *nick_key, gint64 now_us,
                            guint *remaining_s)
{
    LcNickHold *hold = g_hash_table_lookup(holds->held, nick_key);
    /* An ended hold leaves memory here; its row goes with the next write of
     * that nick, or at the next start (a lookup opens no transaction). */
    if (hold != NULL && hold->until_us <= now_us) {
        g_hash_table_remove(holds->held, nick_key);
        hold = NULL;
    }
    if (remaining_s != NULL)
        *remaining_s =
            hold ? (guint)((hold->until_us - now_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
    return hold ? hold->instance : NULL;
}

/* A member took nick_key: its hold ends; the row says joined. */
void nick_holds_take(LcNickHolds *holds, const char *nick_key, const char *instance, const char *ip)
{
    if (holds->hold_us <= 0)
        return;
    g_hash_table_remove(holds->held, nick_key);
    nick_holds_store(holds, nick_key, instance, ip, 0);
}

/* A member gave nick_key up: held for a while, or free at once. */
void nick_holds_release(LcNickHolds *holds, const char *nick_key, const char *instance,
                        const char *ip, gboolean hold, gint64 now_us)
{
    if (holds->hold_us <= 0)
        return;
    if (!hold) {
        g_hash_table_remove(holds->held, nick_key);
        nick_holds_forget(holds, nick_key);
        return;
    }
    nick_holds_add(holds, nick_key, instance, ip, now_us + holds->hold_us);
    nick_holds_store(holds, nick_key, instance, ip, now_us);
}
