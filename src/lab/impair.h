/* impair.h: an impaired link for a lab run: two fresh network namespaces
 * (clients in A, relay in B) joined by lanconf-linkemu's link, from a spec
 * such as "delay=20ms,jitter=2ms,loss=2%,rate=50mbit". Needs root. */
#pragma once

#include <glib.h>

typedef struct _LcImpair LcImpair;

/* Parses spec, creates the namespaces and starts the link. Without root the
 * error says so. */
LcImpair *impair_start(const char *spec, GError **error);

/* Namespace of the clients (A) and of the relay (B). */
const char *impair_get_client_netns(LcImpair *impair);
const char *impair_get_relay_netns(LcImpair *impair);

const char *impair_get_relay_addr(LcImpair *impair);

/* The spec in canonical form, and how the link is carried ("tun-emulator"
 * or "netem"). */
const char *impair_get_spec(LcImpair *impair);
const char *impair_get_method(LcImpair *impair);

/* Takes the link down and deletes the namespaces. */
void impair_stop(LcImpair *impair);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcImpair, impair_stop)
