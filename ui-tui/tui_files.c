/* tui_files.c: files in the terminal client: /send, the offers shown with
 * their numbers for /accept and /reject, progress in the status line and
 * outcomes in the chat (net/client/files.h). */
#include "ui-tui/tui_private.h"

#include "core/byte_size.h"
#include "net/client/files.h"

#define TUI_FILES_BAR 10

struct _LcTuiFiles {
    LcFiles *files;
    guint last_offer;     /* the newest offer waiting for an answer, or 0 */
    GHashTable *waiting;  /* offers waiting for an answer (a set of ids) */
    GHashTable *progress; /* "s:ID:NICK" or "r:ID" -> its status line */
    char *shown;          /* the key shown in the status line */
};

/* The status line shows the transfer that moved last, and how many more. */
static void tui_files_show(LcTui *tui)
{
    LcTuiFiles *tf = tui->files;
    guint n = g_hash_table_size(tf->progress);
    const char *line = tf->shown ? g_hash_table_lookup(tf->progress, tf->shown) : NULL;
    g_clear_pointer(&tui->status.files, g_free);
    if (line != NULL)
        tui->status.files = n > 1 ? g_strdup_printf("%s (+%u more)", line, n - 1) : g_strdup(line);
    tui_mark(tui, VIEW_STATUS);
}

/* The key a transfer's progress is kept under. */
static char *tui_files_key(const LcFilesProgress *p)
{
    return p->sending ? g_strdup_printf("s:%u:%s", p->id, p->nick) : g_strdup_printf("r:%u", p->id);
}

/* An offer: shown with its number, the bell rung. */
static void tui_files_on_offered(LcFiles *files, const LcFilesProgress *p, gpointer data)
{
    LcTui *tui = data;
    LcTuiFiles *tf = tui->files;
    g_autofree char *size = byte_size_format((double)p->size);
    g_hash_table_add(tf->waiting, GUINT_TO_POINTER(p->id));
    tf->last_offer = p->id;
    tui_append_text(tui, CHAT_KIND_INFO,
                    "%s offers you %s (%s): /accept %u takes it into %s, /reject %u turns it down",
                    p->nick, p->name, size, p->id, tui->config.files_dir, p->id);
    if (tui->screen != NULL && tui->config.bell_on_mention)
        screen_bell(tui->screen);
}

/* Bytes moved: the status line's bar. */
static void tui_files_on_progress(LcFiles *files, const LcFilesProgress *p, gpointer data)
{
    LcTui *tui = data;
    LcTuiFiles *tf = tui->files;
    g_autofree char *line = files_format_progress(p, TUI_FILES_BAR);
    char *key = tui_files_key(p);
    g_hash_table_replace(tf->progress, key, g_strdup_printf("%s %s", p->sending ? "^" : "v", line));
    g_free(tf->shown);
    tf->shown = g_strdup(key);
    tui_files_show(tui);
}

/* A transfer ended: said in the chat, gone from the status line. */
static void tui_files_on_finished(LcFiles *files, const LcFilesProgress *p, const GError *error,
                                  gpointer data)
{
    LcTui *tui = data;
    LcTuiFiles *tf = tui->files;
    g_autofree char *key = tui_files_key(p);
    g_hash_table_remove(tf->progress, key);
    g_hash_table_remove(tf->waiting, GUINT_TO_POINTER(p->id));
    if (g_strcmp0(tf->shown, key) == 0)
        g_clear_pointer(&tf->shown, g_free);
    if (tf->shown == NULL && g_hash_table_size(tf->progress) > 0) {
        GHashTableIter iter;
        gpointer k;
        g_hash_table_iter_init(&iter, tf->progress);
        if (g_hash_table_iter_next(&iter, &k, NULL))
            tf->shown = g_strdup(k);
    }
    tui_files_show(tui);
    g_autofree char *size = byte_size_format((double)p->size);
    if (error != NULL)
        tui_append_text(tui, CHAT_KIND_ERROR, "%s %s %s: %s", p->name, p->sending ? "to" : "from",
                        p->nick, error->message);
    else if (p->sending)
        tui_append_text(tui, CHAT_KIND_INFO, "%s has %s (%s), SHA-256 checked", p->nick, p->name,
                        size);
    else
        tui_append_text(tui, CHAT_KIND_INFO, "received %s from %s (%s): %s, SHA-256 checked",
                        p->name, p->nick, size, p->path ? p->path : "?");
}

/* A line worth saying that is not an end. */
static void tui_files_on_notice(LcFiles *files, const char *text, gpointer data)
{
    tui_append_text(data, CHAT_KIND_INFO, "%s", text);
}

/* Files for the session: received into the configured folder, never
 * without /accept. */
void tui_files_init(LcTui *tui)
{
    LcTuiFiles *tf = g_new0(LcTuiFiles, 1);
    tf->waiting = g_hash_table_new(NULL, NULL);
    tf->progress = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    tui->files = tf;
    LcFilesConfig config = {.dir = tui->config.files_dir, .max_size = tui->config.max_file_size};
    LcFilesEvents events = {.offered = tui_files_on_offered,
                            .progress = tui_files_on_progress,
                            .finished = tui_files_on_finished,
                            .notice = tui_files_on_notice};
    tf->files = files_new(tui->session, &config, &events, tui);
}

/* Stops every transfer (part files stay for later). */
void tui_files_clear(LcTui *tui)
{
    LcTuiFiles *tf = tui->files;
    if (tf == NULL)
        return;
    files_free(tf->files);
    g_hash_table_unref(tf->waiting);
    g_hash_table_unref(tf->progress);
    g_free(tf->shown);
    g_free(tf);
    tui->files = NULL;
}

/* /send FILE [NICK]. */
void tui_files_send(LcTui *tui, const char *path, const char *nick)
{
    g_autoptr(GError) error = NULL;
    if (files_send(tui->files->files, path, nick, 0, &error) == 0) {
        tui_append_text(tui, CHAT_KIND_ERROR, "not sent: %s", error->message);
        return;
    }
    g_autofree char *base = g_path_get_basename(path);
    tui_append_text(tui, CHAT_KIND_INFO, "offering %s to %s (hashing it first)", base,
                    nick ? nick : "the room");
}

/* /accept [N] and /reject [N]. */
void tui_files_answer(LcTui *tui, const char *number, gboolean accept)
{
    LcTuiFiles *tf = tui->files;
    guint id = number ? (guint)g_ascii_strtoull(number, NULL, 10) : tf->last_offer;
    if (id == 0 || !g_hash_table_contains(tf->waiting, GUINT_TO_POINTER(id))) {
        if (number != NULL)
            tui_append_text(tui, CHAT_KIND_ERROR, "no file offer %s is waiting for an answer",
                            number);
        else
            tui_append_text(tui, CHAT_KIND_ERROR, "no file offer is waiting for an answer");
        return;
    }
    g_hash_table_remove(tf->waiting, GUINT_TO_POINTER(id));
    if (tf->last_offer == id)
        tf->last_offer = 0;
    g_autoptr(GError) error = NULL;
    if (!accept)
        files_reject(tf->files, id);
    else if (!files_accept(tf->files, id, &error))
        return; /* the reason is in the chat already (finished) */
}
