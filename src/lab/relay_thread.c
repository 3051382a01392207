/* relay_thread.c: a relay running in-process on its own thread. */
#include "src/lab/relay_thread.h"

#include "net/linkemu/netns.h"
#include "src/lab/loop_thread.h"

struct _LcRelayThread {
    LcLoopThread *thread;
    const LcRelayConfig *config;
    const char *netns;
    LcNetnsSaved *saved; /* the namespace the thread left, while in netns */
    LcRelay *relay;
    GError *error;
    guint16 port;
    char *fingerprint;
};

/* On the relay's thread: enters the namespace, if any, and opens the
 * relay. */
static void relay_thread_open(gpointer data)
{
    LcRelayThread *t = data;
    if (t->netns != NULL && (t->saved = netns_enter(t->netns, &t->error)) == NULL)
        return;
    t->relay = relay_new(t->config, &t->error);
    t->port = t->relay != NULL ? relay_get_port(t->relay) : 0;
    t->fingerprint = t->relay != NULL ? g_strdup(relay_get_fingerprint(t->relay)) : NULL;
}

/* On the relay's thread: closes the relay and leaves the namespace. */
static void relay_thread_close(gpointer data)
{
    LcRelayThread *t = data;
    g_clear_pointer(&t->relay, relay_free);
    if (t->saved != NULL)
        netns_leave(g_steal_pointer(&t->saved));
}

/* Stops the thread and frees the record. */
static void relay_thread_free(LcRelayThread *t)
{
    loop_thread_call(t->thread, relay_thread_close, t);
    loop_thread_free(t->thread);
    g_clear_error(&t->error);
    g_free(t->fingerprint);
    g_free(t);
}

/* Starts a relay on a new thread and waits until it listens. */
LcRelayThread *relay_thread_start(const LcRelayConfig *config, const char *netns, GError **error)
{
    LcRelayThread *t = g_new0(LcRelayThread, 1);
    t->netns = netns;
    t->config = config;
    t->thread = loop_thread_new("relay");
    loop_thread_call(t->thread, relay_thread_open, t);
    if (t->relay == NULL) {
        g_propagate_error(error, g_steal_pointer(&t->error));
        relay_thread_free(t);
        return NULL;
    }
    return t;
}

/* The relay's certificate's fingerprint. */
const char *relay_thread_get_fingerprint(LcRelayThread *t)
{
    return t->fingerprint;
}

/* The port the relay listens on. */
guint16 relay_thread_get_port(LcRelayThread *t)
{
    return t->port;
}

typedef struct {
    LcRelayThread *thread;
    void (*func)(LcRelay *relay, gpointer data);
    gpointer data;
} LcRelayThreadCall;

/* On the relay's thread: the call. */
static void relay_thread_run_call(gpointer data)
{
    LcRelayThreadCall *call = data;
    call->func(call->thread->relay, call->data);
}

/* Runs func on the relay's thread and waits for it. */
void relay_thread_call(LcRelayThread *t, void (*func)(LcRelay *relay, gpointer data), gpointer data)
{
    LcRelayThreadCall call = {t, func, data};
    loop_thread_call(t->thread, relay_thread_run_call, &call);
}

/* Stops the relay and joins its thread. */
void relay_thread_stop(LcRelayThread *t)
{
    if (t != NULL)
        relay_thread_free(t);
}
