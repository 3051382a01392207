/* relay_thread.h: a relay running in-process on its own thread and main
 * context, for the bench and the tests. */
#pragma once

#include "net/relay/relay.h"

typedef struct _LcRelayThread LcRelayThread;

/* Starts a relay with `config` on a new thread; returns once it listens.
 * With netns set, the thread enters that network namespace first, so the
 * relay's sockets live there (the rest of the process stays where it is). */
LcRelayThread *relay_thread_start(const LcRelayConfig *config, const char *netns, GError **error);

/* The fingerprint of the relay's TLS certificate: what this process's own
 * sessions expect of it (no known-relays file involved). */
const char *relay_thread_get_fingerprint(LcRelayThread *t);

/* The port the relay listens on. */
guint16 relay_thread_get_port(LcRelayThread *thread);

/* Runs func(relay, data) on the relay's thread and waits for it: the way to
 * read the relay's counters from another thread. */
void relay_thread_call(LcRelayThread *thread, void (*func)(LcRelay *relay, gpointer data),
                       gpointer data);

/* Stops the relay and joins its thread. */
void relay_thread_stop(LcRelayThread *thread);
