/* test-env.c: linked into every test program: before main(), the program
 * gets a configuration folder of its own ($XDG_CONFIG_HOME, a fresh
 * temporary folder removed at exit), inherited by the programs it starts.
 * Clients pin the certificates of the relays they meet there (the
 * known-relays file): each test starts knowing none, and never touches the
 * configuration of whoever runs it. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include <unistd.h>

static char *test_env_dir;
static pid_t test_env_owner; /* a forked child leaves the folder to its parent */

/* Removes a folder and everything in it. */
static void test_env_remove(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        GDir *dir = g_dir_open(path, 0, NULL);
        const char *name;
        while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
            char *child = g_build_filename(path, name, NULL);
            test_env_remove(child);
            g_free(child);
        }
        if (dir != NULL)
            g_dir_close(dir);
        g_rmdir(path);
        return;
    }
    g_remove(path);
}

/* Removes the folder, in the process that made it only. */
static void test_env_cleanup(void)
{
    if (test_env_dir != NULL && getpid() == test_env_owner)
        test_env_remove(test_env_dir);
}

/* Gives the program its own configuration folder. */
__attribute__((constructor)) static void test_env_setup(void)
{
    test_env_dir = g_dir_make_tmp("lanconf-test-XXXXXX", NULL);
    if (test_env_dir == NULL)
        return;
    char *config = g_build_filename(test_env_dir, "config", NULL);
    g_setenv("XDG_CONFIG_HOME", config, TRUE);
    test_env_owner = getpid();
    g_free(config);
    atexit(test_env_cleanup);
}
