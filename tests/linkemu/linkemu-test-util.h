/* Shared by the linkemu tests that need root: whether they can run here, and small helpers. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The exit status with which a test program tells ctest that it skipped everything. */
#define LINKEMU_TEST_SKIPPED 77

/* Whether namespaces, TUN devices and the programs in tools are usable; why not in *why. */
gboolean linkemu_test_can_run(const char *const *tools, gchar **why);

/* Returns a pid that no process has (one that just ended). */
GPid linkemu_test_dead_pid(void);

/* Makes a child process drop root for the nobody user; a GSpawnChildSetupFunc. */
void linkemu_test_become_nobody(gpointer unused);

/* Whether the user nobody may run the program at path (a checkout under a
 * private directory, such as one from mktemp -d, is out of its reach). */
gboolean linkemu_test_nobody_can_run(const char *path);

G_END_DECLS
