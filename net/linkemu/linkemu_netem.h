/* linkemu_netem: the kernel link, a veth pair with a netem qdisc on each end.
 *
 * netem differs from the TUN emulator in ways the caller should know: it has
 * no seed (runs are not reproducible), jitter may reorder packets, a lost or
 * queue-dropped packet is counted in one "drops" figure, and its limit
 * counts every held packet, so the limit is set to the spec's queue plus the
 * bandwidth-delay product in full-size packets. Byte limits cannot be
 * expressed.
 */
#pragma once

#include "net/linkemu/linkemu.h"

G_BEGIN_DECLS

typedef struct _LcLinkNetem LcLinkNetem;

/* Whether netem works here, tried on a scratch veth pair in namespace ns; error says why not. */
gboolean linkemu_netem_probe(const char *ns, GError **error);

/* Whether netem can express spec; error says why not. */
gboolean linkemu_netem_supports(const LcLinkSpec *spec, GError **error);

/* Returns the qdisc arguments for spec, from "netem" on ("netem limit 1000 delay 20000us ..."). */
GStrv linkemu_netem_build_args(const LcLinkSpec *spec);

/* Reads `tc -s -j qdisc show` output for one device into counters. */
gboolean linkemu_netem_parse_stats(const char *json, LcLinkCounters *counters, GError **error);

/* Creates the veth pair between ns_a and ns_b, addresses it and attaches netem to both ends. */
LcLinkNetem *linkemu_netem_start(const LcLinkSpec *spec, const char *ns_a, const char *ns_b,
                                 GError **error);

/* Reads the counters of one direction from the sending end's qdisc. */
gboolean linkemu_netem_get_counters(LcLinkNetem *netem, LcLinkDir dir, LcLinkCounters *counters,
                                    GError **error);

/* Deletes the veth pair and frees netem. */
void linkemu_netem_stop(LcLinkNetem *netem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcLinkNetem, linkemu_netem_stop)

G_END_DECLS
