/* worker.h: the one worker-thread helper of media/: a thread that takes jobs
 * from a bounded queue (the oldest dropped when it is full: live media
 * prefers the newest frame) and hands each result to a GMainContext, one per
 * dispatch, through a single source woken with g_source_set_ready_time().
 * The encode worker (raw frames in, encoded out) and the viewer's decoder
 * (received frames in, pictures out) are both built on it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Worker thread: turns a job (borrowed) into a result (NULL: nothing to deliver). */
typedef gpointer (*LcWorkerRunFunc)(gpointer job, gpointer user_data);
/* Context: receives a result (transfer full); it may free the worker. */
typedef void (*LcWorkerDeliverFunc)(gpointer result, gpointer user_data);

/* Counters since the worker was created. */
typedef struct {
    guint64 pushed;    /* jobs handed to worker_push() */
    guint64 dropped;   /* jobs discarded unrun because the queue was full (oldest first) */
    guint64 ran;       /* jobs the thread ran */
    guint64 delivered; /* results handed to the deliver function */
} LcWorkerStats;

typedef struct LcWorker LcWorker;

/*
 * Starts the thread (named name). Jobs wait in a queue of at most
 * max_pending (at least 1); results go to deliver on context (NULL: the
 * thread-default one). job_free and result_free free what is dropped or left
 * over. Fails only when the thread cannot start.
 */
LcWorker *worker_new(const char *name, guint max_pending, GMainContext *context,
                     LcWorkerRunFunc run, GDestroyNotify job_free, LcWorkerDeliverFunc deliver,
                     GDestroyNotify result_free, gpointer user_data, GError **error);
/* Queues a job (transfer full); never blocks. Callable from any thread. */
void worker_push(LcWorker *worker, gpointer job);
/* Changes the bound on waiting jobs (at least 1); jobs already over it go
 * at the next push. Callable from any thread. */
void worker_set_max_pending(LcWorker *worker, guint max_pending);
/* Copies the counters. Callable from any thread. */
void worker_get_stats(LcWorker *worker, LcWorkerStats *stats);
/* Stops and joins the thread; queued jobs and undelivered results are freed
 * unseen. Call on the context's thread (also from inside deliver). NULL is ignored. */
void worker_free(LcWorker *worker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcWorker, worker_free)

G_END_DECLS
