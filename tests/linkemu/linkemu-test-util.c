/* Shared helpers of the linkemu tests that need root. */
#include "linkemu-test-util.h"

#include "net/linkemu/netns.h"

#include <grp.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The nobody user and group on Debian. */
#define TEST_NOBODY_ID 65534

/* Whether program is on PATH or in /usr/sbin. */
static gboolean test_program_exists(const char *program)
{
    g_autofree gchar *path = g_find_program_in_path(program);
    g_autofree gchar *sbin = g_build_filename("/usr/sbin", program, NULL);
    return path != NULL || g_file_test(sbin, G_FILE_TEST_IS_EXECUTABLE);
}

/* Whether namespaces, TUN devices and the programs in tools are usable; why not in *why. */
gboolean linkemu_test_can_run(const char *const *tools, gchar **why)
{
    g_autoptr(GError) error = NULL;

    if (!netns_check_privileges(&error)) {
        *why = g_strdup(error->message);
        return FALSE;
    }
    if (!g_file_test("/dev/net/tun", G_FILE_TEST_EXISTS)) {
        *why = g_strdup("/dev/net/tun is missing");
        return FALSE;
    }
    for (guint i = 0; tools != NULL && tools[i] != NULL; i++) {
        if (!test_program_exists(tools[i])) {
            *why = g_strdup_printf("%s is not installed", tools[i]);
            return FALSE;
        }
    }
    return TRUE;
}

/* Returns a pid that no process has (one that just ended). */
GPid linkemu_test_dead_pid(void)
{
    const char *const argv[] = {"/bin/true", NULL};
    GPid pid = 0;
    int status;

    g_assert_true(g_spawn_async(NULL, (gchar **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, NULL));
    waitpid(pid, &status, 0);
    return pid;
}

/* Makes a child process drop root for the nobody user; a GSpawnChildSetupFunc. */
void linkemu_test_become_nobody(gpointer unused)
{
    if (setgroups(0, NULL) < 0 || setresgid(TEST_NOBODY_ID, TEST_NOBODY_ID, TEST_NOBODY_ID) < 0 ||
        setresuid(TEST_NOBODY_ID, TEST_NOBODY_ID, TEST_NOBODY_ID) < 0)
        _exit(125);
}

/* Whether nobody may run the program at path: a child becomes nobody and
 * asks. */
gboolean linkemu_test_nobody_can_run(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        linkemu_test_become_nobody(NULL);
        _exit(access(path, X_OK) == 0 ? 0 : 1);
    }
    int status = 0;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}
