/* netns: creating, entering and running commands in named network namespaces.
 *
 * Namespaces are created and deleted with `ip netns`, which bind-mounts each
 * one under NETNS_RUN_DIR and sets up the mount propagation this needs. Commands
 * run inside through `ip netns exec`, which also gives them a matching /sys.
 * Entering a namespace is done here with setns(), which moves only the
 * calling thread, so a process can open sockets and devices in several
 * namespaces.
 */
#include "net/linkemu/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/* Capabilities needed, as bit numbers in /proc/self/status CapEff. */
#define NETNS_CAP_NET_ADMIN 12
#define NETNS_CAP_SYS_ADMIN 21

struct _LcNetnsSaved {
    int fd; /* the thread's namespace before entering */
};

/* Reads the effective capability mask of this process; 0 when unknown. */
static guint64 netns_read_cap_eff(void)
{
    g_autofree gchar *status = NULL;
    guint64 caps = 0;

    if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
        return 0;
    const char *line = strstr(status, "\nCapEff:");
    if (line != NULL)
        caps = g_ascii_strtoull(line + strlen("\nCapEff:"), NULL, 16);
    return caps;
}

/* Fails with a clear message unless the process may create and enter namespaces. */
gboolean netns_check_privileges(GError **error)
{
    guint64 caps = netns_read_cap_eff();
    guint64 needed = (G_GUINT64_CONSTANT(1) << NETNS_CAP_SYS_ADMIN) |
                     (G_GUINT64_CONSTANT(1) << NETNS_CAP_NET_ADMIN);

    if ((caps & needed) == needed)
        return TRUE;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                "creating network namespaces needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN): %s",
                g_strerror(EPERM));
    return FALSE;
}

/* Whether name is a valid namespace name (letters, digits, '.', '_', '-'). */
gboolean netns_name_is_valid(const char *name)
{
    gsize len = name != NULL ? strlen(name) : 0;

    if (len == 0 || len > NETNS_NAME_MAX || name[0] == '.' || name[0] == '-')
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isalnum(name[i]) && strchr("._-", name[i]) == NULL)
            return FALSE;
    }
    return TRUE;
}

/* Fails unless name is a valid namespace name. */
static gboolean netns_check_name(const char *name, GError **error)
{
    if (netns_name_is_valid(name))
        return TRUE;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                "'%s' is not a valid network namespace name (use up to %d letters, digits, "
                "'.', '_' or '-')",
                name != NULL ? name : "", NETNS_NAME_MAX);
    return FALSE;
}

/* Returns the path of program; system tools are also looked for in the sbin folders. */
static gchar *netns_find_program(const char *program)
{
    static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};
    gchar *path = g_find_program_in_path(program);

    for (guint i = 0; path == NULL && i < G_N_ELEMENTS(dirs); i++) {
        g_autofree gchar *candidate = g_build_filename(dirs[i], program, NULL);
        if (g_file_test(candidate, G_FILE_TEST_IS_EXECUTABLE))
            path = g_steal_pointer(&candidate);
    }
    return path != NULL ? path : g_strdup(program);
}

/* Builds the argv that runs argv inside namespace name (NULL: here), programs resolved. */
static GStrv netns_build_argv(const char *name, const char *const *argv)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

    if (name != NULL) {
        g_autofree gchar *ip = netns_find_program("ip");
        const char *const prefix[] = {ip, "netns", "exec", name, NULL};
        g_strv_builder_addv(builder, (const char **)prefix);
        g_strv_builder_add(builder, argv[0]);
    } else {
        g_autofree gchar *program = netns_find_program(argv[0]);
        g_strv_builder_add(builder, program);
    }
    g_strv_builder_addv(builder, (const char **)&argv[1]);
    return g_strv_builder_end(builder);
}

/* Turns a finished command's wait status into an error quoting its stderr. */
static gboolean netns_check_status(const char *name, const char *const *argv, gint status,
                                   const char *err_text, GError **error)
{
    g_autoptr(GError) wait_error = NULL;

    if (g_spawn_check_wait_status(status, &wait_error))
        return TRUE;
    g_autofree gchar *command = g_strjoinv(" ", (gchar **)argv);
    g_autofree gchar *detail = g_strstrip(g_strdup(err_text != NULL ? err_text : ""));
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "'%s'%s%s failed (%s)%s%s", command,
                name != NULL ? " in network namespace " : "", name != NULL ? name : "",
                wait_error->message, *detail != '\0' ? ": " : "", detail);
    return FALSE;
}

/* Runs argv in namespace name (NULL: here) and waits; a non-zero exit fails, quoting stderr. */
gboolean netns_run(const char *name, const char *const *argv, gchar **out_stdout, GError **error)
{
    g_autofree gchar *out_text = NULL;
    g_autofree gchar *err_text = NULL;
    gint status = 0;

    g_return_val_if_fail(argv != NULL && argv[0] != NULL, FALSE);
    if (name != NULL && !netns_check_name(name, error))
        return FALSE;
    g_auto(GStrv) full = netns_build_argv(name, argv);
    if (!g_spawn_sync(NULL, full, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out_text, &err_text, &status,
                      error))
        return FALSE;
    if (!netns_check_status(name, argv, status, err_text, error))
        return FALSE;
    if (out_stdout != NULL)
        *out_stdout = g_steal_pointer(&out_text);
    return TRUE;
}

/* Starts argv inside namespace name (NULL: here) without waiting. */
GSubprocess *netns_spawn(const char *name, const char *const *argv, GSubprocessFlags flags,
                         GError **error)
{
    g_return_val_if_fail(argv != NULL && argv[0] != NULL, NULL);
    if (name != NULL && !netns_check_name(name, error))
        return NULL;
    g_auto(GStrv) full = netns_build_argv(name, argv);
    return g_subprocess_newv((const char *const *)full, flags, error);
}

/* Whether the namespace name exists. */
gboolean netns_exists(const char *name)
{
    if (!netns_name_is_valid(name))
        return FALSE;
    g_autofree gchar *path = g_build_filename(NETNS_RUN_DIR, name, NULL);
    return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* Creates the namespace name with its loopback device up; fails if it exists. */
gboolean netns_create(const char *name, GError **error)
{
    if (!netns_check_name(name, error) || !netns_check_privileges(error))
        return FALSE;
    if (netns_exists(name)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "network namespace %s already exists",
                    name);
        return FALSE;
    }
    const char *const add[] = {"ip", "netns", "add", name, NULL};
    if (!netns_run(NULL, add, NULL, error))
        return FALSE;
    const char *const lo_up[] = {"ip", "-n", name, "link", "set", "dev", "lo", "up", NULL};
    if (!netns_run(NULL, lo_up, NULL, error)) {
        netns_delete(name, NULL);
        return FALSE;
    }
    return TRUE;
}

/* Deletes the namespace name; processes still inside keep it alive but nameless. */
gboolean netns_delete(const char *name, GError **error)
{
    if (!netns_check_name(name, error))
        return FALSE;
    if (!netns_exists(name)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "network namespace %s does not exist",
                    name);
        return FALSE;
    }
    const char *const del[] = {"ip", "netns", "delete", name, NULL};
    return netns_run(NULL, del, NULL, error);
}

/* Opens path read-only; on failure sets error to "WHAT (PATH): strerror". */
static int netns_open_fd(const char *path, const char *what, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int saved_errno = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno), "opening %s (%s): %s",
                    what, path, g_strerror(saved_errno));
    }
    return fd;
}

/* Moves the calling thread into namespace name; returns how to come back, or NULL on error. */
LcNetnsSaved *netns_enter(const char *name, GError **error)
{
    if (!netns_check_name(name, error))
        return NULL;
    g_autofree gchar *path = g_build_filename(NETNS_RUN_DIR, name, NULL);
    g_autofree gchar *what = g_strdup_printf("network namespace %s", name);
    int target = netns_open_fd(path, what, error);
    if (target < 0)
        return NULL;
    int current = netns_open_fd("/proc/thread-self/ns/net", "this thread's namespace", error);
    if (current < 0) {
        close(target);
        return NULL;
    }
    if (setns(target, CLONE_NEWNET) < 0) {
        int saved_errno = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                    "entering network namespace %s needs CAP_SYS_ADMIN: %s", name,
                    g_strerror(saved_errno));
        close(target);
        close(current);
        return NULL;
    }
    close(target);
    LcNetnsSaved *saved = g_new(LcNetnsSaved, 1);
    saved->fd = current;
    return saved;
}

/* Returns the calling thread to the namespace saved by netns_enter() and frees saved. */
void netns_leave(LcNetnsSaved *saved)
{
    if (saved == NULL)
        return;
    /* Returning only fails if privileges were dropped while inside. */
    if (setns(saved->fd, CLONE_NEWNET) < 0)
        g_critical("returning to the original network namespace: %s", g_strerror(errno));
    close(saved->fd);
    g_free(saved);
}
