/* netns_pair: the two namespaces at either end of an emulated link.
 *
 * Generated names are NETNS_PAIR_PREFIX + "PID-SEQ-a" and "-b", unique per
 * process and per pair, so parallel runs never collide; the pid in the name
 * lets a later run delete the namespaces of a run that died.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every generated namespace name starts with this. */
#define NETNS_PAIR_PREFIX "lcemu-"

typedef struct _LcNetnsPair LcNetnsPair;

/* Creates the pair; a NULL name gets a unique one, an existing name is reused and kept at free. */
LcNetnsPair *netns_pair_new(const char *name_a, const char *name_b, GError **error);

/* Returns the name of namespace A. */
const char *netns_pair_get_a(const LcNetnsPair *pair);

/* Returns the name of namespace B. */
const char *netns_pair_get_b(const LcNetnsPair *pair);

/* Deletes the namespaces the pair created, and frees it. */
void netns_pair_free(LcNetnsPair *pair);

/* Deletes (and empties) generated namespaces whose creator is gone; returns how many. */
guint netns_pair_reap_stale(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcNetnsPair, netns_pair_free)

G_END_DECLS
