/* linkemu_tun: the user-space link, a TUN device in each namespace and a thread between them. */
#pragma once

#include "net/linkemu/linkemu.h"

G_BEGIN_DECLS

typedef struct _LcLinkTun LcLinkTun;

/* Creates the devices in ns_a and ns_b, addresses them and starts moving packets. */
LcLinkTun *linkemu_tun_start(const LcLinkSpec *spec, const char *ns_a, const char *ns_b,
                             guint32 seed, GError **error);

/* Copies the counters of one direction. */
void linkemu_tun_get_counters(LcLinkTun *tun, LcLinkDir dir, LcLinkCounters *counters);

/* Stops the thread, closes the devices (they vanish) and frees tun. */
void linkemu_tun_stop(LcLinkTun *tun);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcLinkTun, linkemu_tun_stop)

G_END_DECLS
