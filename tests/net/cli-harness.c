/* cli-harness.c: lanconf-relay and lanconf-cli as processes. */
#include "tests/net/cli-harness.h"
#include "tests/test-relay-identity.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Child setup: the relay is killed if the test process dies. */
static void die_with_parent(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts lanconf-relay on 127.0.0.1 (port 0 unless given) and reads its port. */
void relay_start(Relay *r, guint16 port)
{
    if (r->dir == NULL)
        r->dir = g_dir_make_tmp("lanconf-cli-XXXXXX", NULL);
    g_autofree char *port_file = g_build_filename(r->dir, "port", NULL);
    g_autofree char *port_arg = g_strdup_printf("%u", port);
    unlink(port_file);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    g_autofree char *cert = NULL, *key = NULL;
    test_relay_identity(&cert, &key);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *base[] = {RELAY,    "--listen",     "127.0.0.1", "--port",
                          port_arg, "--port-file",  port_file,   "--data-dir",
                          r->dir,   "--rate-limit", "0"};
    for (guint i = 0; i < G_N_ELEMENTS(base); i++)
        g_ptr_array_add(argv, (char *)base[i]);
    if (!r->own_identity) {
        const char *tls[] = {"--tls-cert", cert, "--tls-key", key};
        for (guint i = 0; i < G_N_ELEMENTS(tls); i++)
            g_ptr_array_add(argv, (char *)tls[i]);
    }
    for (guint i = 0; r->extra != NULL && r->extra[i] != NULL; i++)
        g_ptr_array_add(argv, r->extra[i]);
    g_ptr_array_add(argv, NULL);
    r->proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
    g_assert_no_error(error);
    for (int i = 0; i < 500; i++) {
        g_autofree char *text = NULL;
        if (g_file_get_contents(port_file, &text, NULL, NULL) && strchr(text, '\n')) {
            r->port = (guint16)atoi(text);
            return;
        }
        g_usleep(10000);
    }
    g_assert_not_reached();
}

/* Kills the relay with a signal and waits for it. */
void relay_kill(Relay *r, int sig)
{
    g_subprocess_send_signal(r->proc, sig);
    g_subprocess_wait(r->proc, NULL, NULL);
    g_clear_object(&r->proc);
}

/* Stops the relay and removes its directory. */
void relay_stop(Relay *r)
{
    if (r->proc)
        relay_kill(r, SIGTERM);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", r->dir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_free(r->dir);
}

/* Starts lanconf-cli with pipes; extra arguments end with NULL. */
GSubprocess *cli_spawn(const char *first, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)CLI);
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (char *)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    g_autoptr(GError) error = NULL;
    GSubprocess *p =
        g_subprocess_newv((const char *const *)argv->pdata,
                          G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          &error);
    g_assert_no_error(error);
    return p;
}

/* Feeds stdin, collects stdout/stderr and returns the exit status. */
int cli_finish(GSubprocess *p, const char *input, char **out, char **err)
{
    g_autoptr(GError) error = NULL;
    g_subprocess_communicate_utf8(p, input, NULL, out, err, &error);
    g_assert_no_error(error);
    return g_subprocess_get_exit_status(p);
}
