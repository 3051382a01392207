/* netns_pair: creating, naming and tearing down the two namespaces of a link. */
#include "net/linkemu/netns_pair.h"

#include "net/linkemu/netns.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Attempts at finding a free generated name before giving up. */
#define PAIR_NAME_ATTEMPTS 100

struct _LcNetnsPair {
    gchar *name[2];    /* A, B */
    gboolean owned[2]; /* created here, so deleted at free */
};

/* Pairs made by this process, for unique names. */
static guint pair_seq;

/* Returns the generated name of one side of pair number seq. */
static gchar *pair_name_generate(guint seq, char side)
{
    return g_strdup_printf(NETNS_PAIR_PREFIX "%d-%u-%c", (int)getpid(), seq, side);
}

/* Fills in generated names for the sides not named by the caller, unused by anyone. */
static gboolean pair_names_generate(LcNetnsPair *pair, GError **error)
{
    for (guint attempt = 0; attempt < PAIR_NAME_ATTEMPTS; attempt++) {
        guint seq = g_atomic_int_add(&pair_seq, 1);
        g_autofree gchar *a = pair_name_generate(seq, 'a');
        g_autofree gchar *b = pair_name_generate(seq, 'b');
        if ((pair->name[0] == NULL && netns_exists(a)) ||
            (pair->name[1] == NULL && netns_exists(b)))
            continue;
        if (pair->name[0] == NULL)
            pair->name[0] = g_steal_pointer(&a);
        if (pair->name[1] == NULL)
            pair->name[1] = g_steal_pointer(&b);
        return TRUE;
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                "no free network namespace name " NETNS_PAIR_PREFIX "%d-* after %d attempts",
                (int)getpid(), PAIR_NAME_ATTEMPTS);
    return FALSE;
}

/* Creates side i unless a namespace of that name already exists. */
static gboolean pair_side_open(LcNetnsPair *pair, guint i, GError **error)
{
    if (netns_exists(pair->name[i]))
        return TRUE;
    if (!netns_create(pair->name[i], error))
        return FALSE;
    pair->owned[i] = TRUE;
    return TRUE;
}

/* Creates the pair; a NULL name gets a unique one, an existing name is reused and kept at free. */
LcNetnsPair *netns_pair_new(const char *name_a, const char *name_b, GError **error)
{
    if (!netns_check_privileges(error))
        return NULL;
    if (name_a != NULL && name_b != NULL && strcmp(name_a, name_b) == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "the two ends of the link need different namespaces (both are %s)", name_a);
        return NULL;
    }
    g_autoptr(LcNetnsPair) pair = g_new0(LcNetnsPair, 1);
    pair->name[0] = g_strdup(name_a);
    pair->name[1] = g_strdup(name_b);
    if (!pair_names_generate(pair, error))
        return NULL;
    for (guint i = 0; i < 2; i++) {
        if (!pair_side_open(pair, i, error))
            return NULL;
    }
    return g_steal_pointer(&pair);
}

/* Returns the name of namespace A. */
const char *netns_pair_get_a(const LcNetnsPair *pair)
{
    return pair->name[0];
}

/* Returns the name of namespace B. */
const char *netns_pair_get_b(const LcNetnsPair *pair)
{
    return pair->name[1];
}

/* Deletes the namespaces the pair created, and frees it. */
void netns_pair_free(LcNetnsPair *pair)
{
    if (pair == NULL)
        return;
    for (guint i = 0; i < 2; i++) {
        g_autoptr(GError) error = NULL;
        if (pair->owned[i] && !netns_delete(pair->name[i], &error))
            g_warning("%s", error->message);
        g_free(pair->name[i]);
    }
    g_free(pair);
}

/* Returns the pid in a generated name, or 0 when name is not one. */
static pid_t pair_name_pid(const char *name)
{
    gchar *end = NULL;

    if (!g_str_has_prefix(name, NETNS_PAIR_PREFIX))
        return 0;
    const char *digits = name + strlen(NETNS_PAIR_PREFIX);
    guint64 pid = g_ascii_strtoull(digits, &end, 10);
    if (end == digits || *end != '-' || pid == 0 || pid > G_MAXINT32)
        return 0;
    return (pid_t)pid;
}

/* Whether process pid still runs. */
static gboolean pair_pid_is_alive(pid_t pid)
{
    return kill(pid, 0) == 0 || errno == EPERM;
}

/* Kills the processes left inside namespace name by a run that died. */
static void pair_kill_inside(const char *name)
{
    g_autofree gchar *out = NULL;
    const char *const argv[] = {"ip", "netns", "pids", name, NULL};

    if (!netns_run(NULL, argv, &out, NULL))
        return;
    g_auto(GStrv) pids = g_strsplit(out, "\n", -1);
    for (guint i = 0; pids[i] != NULL; i++) {
        guint64 pid = g_ascii_strtoull(pids[i], NULL, 10);
        if (pid > 1 && pid <= G_MAXINT32)
            kill((pid_t)pid, SIGKILL);
    }
}

/* Returns the generated namespace names whose creating process is gone. */
static GPtrArray *pair_list_stale(void)
{
    g_autoptr(GDir) dir = g_dir_open(NETNS_RUN_DIR, 0, NULL);
    GPtrArray *stale = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        pid_t pid = pair_name_pid(name);
        if (pid != 0 && pid != getpid() && !pair_pid_is_alive(pid))
            g_ptr_array_add(stale, g_strdup(name));
    }
    return stale;
}

/* Deletes (and empties) generated namespaces whose creator is gone; returns how many. */
guint netns_pair_reap_stale(void)
{
    g_autoptr(GPtrArray) stale = pair_list_stale();
    guint reaped = 0;

    for (guint i = 0; i < stale->len; i++) {
        const char *name = g_ptr_array_index(stale, i);
        g_autoptr(GError) error = NULL;
        pair_kill_inside(name);
        if (netns_delete(name, &error))
            reaped++;
        else
            g_warning("deleting stale namespace: %s", error->message);
    }
    return reaped;
}
