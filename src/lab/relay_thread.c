/* relay_thread.c: a relay running in-process on its own thread. */
#include "src/lab/relay_thread.h"

#include "net/linkemu/netns.h"

struct _LcRelayThread {
    GThread *thread;
    GMainContext *ctx;
    GMainLoop *loop;
    const LcRelayConfig *config;
    const char *netns;
    LcRelay *relay;
    GError *error;
    guint16 port;
    GMutex lock;
    GCond cond;
    gboolean ready;
};

/* The relay's thread: its own context, the relay, the loop. */
static gpointer relay_thread_main(gpointer data)
{
    LcRelayThread *t = data;
    g_main_context_push_thread_default(t->ctx);
    LcNetnsSaved *saved = NULL;
    LcRelay *relay = NULL;
    if (t->netns == NULL || (saved = netns_enter(t->netns, &t->error)) != NULL)
        relay = relay_new(t->config, &t->error);
    g_mutex_lock(&t->lock);
    t->relay = relay;
    t->port = relay ? relay_get_port(relay) : 0;
    t->ready = TRUE;
    g_cond_signal(&t->cond);
    g_mutex_unlock(&t->lock);
    if (relay != NULL) {
        g_main_loop_run(t->loop);
        relay_free(relay);
    }
    if (saved != NULL)
        netns_leave(saved);
    g_main_context_pop_thread_default(t->ctx);
    return NULL;
}

/* Frees the thread record (the thread must be joined). */
static void relay_thread_free(LcRelayThread *t)
{
    g_main_loop_unref(t->loop);
    g_main_context_unref(t->ctx);
    g_mutex_clear(&t->lock);
    g_cond_clear(&t->cond);
    g_clear_error(&t->error);
    g_free(t);
}

/* Starts a relay on a new thread and waits until it listens. */
LcRelayThread *relay_thread_start(const LcRelayConfig *config, const char *netns, GError **error)
{
    LcRelayThread *t = g_new0(LcRelayThread, 1);
    t->netns = netns;
    t->ctx = g_main_context_new();
    t->loop = g_main_loop_new(t->ctx, FALSE);
    t->config = config;
    g_mutex_init(&t->lock);
    g_cond_init(&t->cond);
    t->thread = g_thread_new("relay", relay_thread_main, t);
    g_mutex_lock(&t->lock);
    while (!t->ready)
        g_cond_wait(&t->cond, &t->lock);
    g_mutex_unlock(&t->lock);
    if (t->relay == NULL) {
        g_thread_join(t->thread);
        g_propagate_error(error, g_steal_pointer(&t->error));
        relay_thread_free(t);
        return NULL;
    }
    return t;
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
    gboolean done;
} LcRelayThreadCall;

/* Runs on the relay's thread: the call, then wakes the caller. */
static gboolean relay_thread_run_call(gpointer data)
{
    LcRelayThreadCall *call = data;
    call->func(call->thread->relay, call->data);
    g_mutex_lock(&call->thread->lock);
    call->done = TRUE;
    g_cond_broadcast(&call->thread->cond);
    g_mutex_unlock(&call->thread->lock);
    return G_SOURCE_REMOVE;
}

/* Runs func on the relay's thread and waits for it. */
void relay_thread_call(LcRelayThread *t, void (*func)(LcRelay *relay, gpointer data), gpointer data)
{
    LcRelayThreadCall call = {t, func, data, FALSE};
    g_main_context_invoke(t->ctx, relay_thread_run_call, &call);
    g_mutex_lock(&t->lock);
    while (!call.done)
        g_cond_wait(&t->cond, &t->lock);
    g_mutex_unlock(&t->lock);
}

/* Runs on the relay's thread: stops its loop. */
static gboolean relay_thread_quit(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

/* Stops the relay and joins its thread. */
void relay_thread_stop(LcRelayThread *t)
{
    if (t == NULL)
        return;
    g_main_context_invoke(t->ctx, relay_thread_quit, t->loop);
    g_thread_join(t->thread);
    relay_thread_free(t);
}
