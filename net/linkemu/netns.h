/* netns: named network namespaces, kept where `ip netns` keeps them.
 *
 * Creating, deleting and entering namespaces needs CAP_SYS_ADMIN and
 * CAP_NET_ADMIN (root). Errors are in the G_IO_ERROR domain.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where named namespaces are bind-mounted (as iproute2 does). */
#define NETNS_RUN_DIR "/var/run/netns"
/* Longest namespace name accepted. */
#define NETNS_NAME_MAX 64

/* The thread's namespace before netns_enter(), to return to. */
typedef struct _LcNetnsSaved LcNetnsSaved;

/* Fails with a clear message unless the process may create and enter namespaces. */
gboolean netns_check_privileges(GError **error);

/* Whether name is a valid namespace name (letters, digits, '.', '_', '-'). */
gboolean netns_name_is_valid(const char *name);

/* Creates the namespace name with its loopback device up; fails if it exists. */
gboolean netns_create(const char *name, GError **error);

/* Deletes the namespace name; processes still inside keep it alive but nameless. */
gboolean netns_delete(const char *name, GError **error);

/* Whether the namespace name exists. */
gboolean netns_exists(const char *name);

/* Runs argv in namespace name (NULL: here) and waits; a non-zero exit fails, quoting stderr. */
gboolean netns_run(const char *name, const char *const *argv, gchar **out_stdout, GError **error);

/* Starts argv inside namespace name (NULL: here) without waiting. */
GSubprocess *netns_spawn(const char *name, const char *const *argv, GSubprocessFlags flags,
                         GError **error);

/* Moves the calling thread into namespace name; returns how to come back, or NULL on error. */
LcNetnsSaved *netns_enter(const char *name, GError **error);

/* Returns the calling thread to the namespace saved by netns_enter() and frees saved. */
void netns_leave(LcNetnsSaved *saved);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcNetnsSaved, netns_leave)

G_END_DECLS
