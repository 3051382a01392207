/* loop_thread.c: a main loop on a thread of its own. */
#include "src/lab/loop_thread.h"

struct _LcLoopThread {
    GThread *thread;
    GMainContext *ctx;
    GMainLoop *loop;
    GMutex lock;
    GCond cond;
};

/* The thread: its context made thread-default, the loop until stopped. */
static gpointer loop_thread_main(gpointer data)
{
    LcLoopThread *t = data;
    g_main_context_push_thread_default(t->ctx);
    g_main_loop_run(t->loop);
    g_main_context_pop_thread_default(t->ctx);
    return NULL;
}

/* Starts the thread. */
LcLoopThread *loop_thread_new(const char *name)
{
    LcLoopThread *t = g_new0(LcLoopThread, 1);
    t->ctx = g_main_context_new();
    t->loop = g_main_loop_new(t->ctx, FALSE);
    g_mutex_init(&t->lock);
    g_cond_init(&t->cond);
    t->thread = g_thread_new(name, loop_thread_main, t);
    return t;
}

typedef struct {
    LcLoopThread *thread;
    void (*func)(gpointer data);
    gpointer data;
    gboolean done;
} LcLoopThreadCall;

/* Runs on the thread: the call, then wakes the caller. */
static gboolean loop_thread_run_call(gpointer data)
{
    LcLoopThreadCall *call = data;
    call->func(call->data);
    g_mutex_lock(&call->thread->lock);
    call->done = TRUE;
    g_cond_broadcast(&call->thread->cond);
    g_mutex_unlock(&call->thread->lock);
    return G_SOURCE_REMOVE;
}

/* Runs func on the thread and waits for it. */
void loop_thread_call(LcLoopThread *t, void (*func)(gpointer data), gpointer data)
{
    LcLoopThreadCall call = {t, func, data, FALSE};
    g_main_context_invoke(t->ctx, loop_thread_run_call, &call);
    g_mutex_lock(&t->lock);
    while (!call.done)
        g_cond_wait(&t->cond, &t->lock);
    g_mutex_unlock(&t->lock);
}

/* Runs on the thread: stops its loop. */
static gboolean loop_thread_quit(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

/* Stops the loop, joins the thread and frees it. */
void loop_thread_free(LcLoopThread *t)
{
    if (t == NULL)
        return;
    g_main_context_invoke(t->ctx, loop_thread_quit, t->loop);
    g_thread_join(t->thread);
    g_main_loop_unref(t->loop);
    g_main_context_unref(t->ctx);
    g_mutex_clear(&t->lock);
    g_cond_clear(&t->cond);
    g_free(t);
}
