/* worker.c: a bounded job queue, one thread, results delivered on a context. */
#include "media/worker.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#define WORKER_NICE 5 /* see worker_lower_priority() */

/* The delivery source: woken by ready time only. */
typedef struct {
    GSource base;
    LcWorker *worker;
} LcWorkerSource;

struct LcWorker {
    LcWorkerRunFunc run;
    GDestroyNotify job_free;
    LcWorkerDeliverFunc deliver;
    GDestroyNotify result_free;
    gpointer user_data;
    guint max_pending;
    GMainContext *context;
    GSource *source;
    GThread *thread;

    /* The lock protects everything below; cond signals a new job or stopping. */
    GMutex lock;
    GCond cond;
    GQueue jobs;    /* oldest first */
    GQueue results; /* oldest first */
    gboolean stopping;
    LcWorkerStats stats;
};

/*
 * Runs the calling thread at a lower CPU priority (a higher nice value) than
 * the network threads. A worker encodes or decodes a whole picture at once:
 * on a machine with few cores that can take a core for tens of milliseconds
 * just when a frame's datagrams, ACKs and the relay's forwarding want it, and
 * every such wait shows in the channels' RTT. Codecs have a frame interval to
 * finish in; the network path's latency is what is being measured and
 * promised. Raising one's nice value needs no privilege; where it fails the
 * thread runs as before.
 */
static void worker_lower_priority(void)
{
#ifdef __linux__
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), WORKER_NICE) != 0)
        g_debug("worker: nice %d not set: %s", WORKER_NICE, g_strerror(errno));
#endif
}

/* Thread: waits for the oldest job; NULL once stopping. */
static gpointer worker_wait_job(LcWorker *worker)
{
    gpointer job = NULL;

    g_mutex_lock(&worker->lock);
    while (!worker->stopping && g_queue_is_empty(&worker->jobs))
        g_cond_wait(&worker->cond, &worker->lock);
    if (!worker->stopping)
        job = g_queue_pop_head(&worker->jobs);
    g_mutex_unlock(&worker->lock);
    return job;
}

/* Thread body: runs jobs until told to stop, posting each result. */
static gpointer worker_thread(gpointer data)
{
    LcWorker *worker = data;
    gpointer job;

    worker_lower_priority();

    while ((job = worker_wait_job(worker)) != NULL) {
        gpointer result = worker->run(job, worker->user_data);
        worker->job_free(job);
        g_mutex_lock(&worker->lock);
        worker->stats.ran++;
        if (result != NULL)
            g_queue_push_tail(&worker->results, result);
        g_mutex_unlock(&worker->lock);
        /* Thread-safe; worker_free() joins this thread before destroying the source. */
        if (result != NULL)
            g_source_set_ready_time(worker->source, 0);
    }
    return NULL;
}

/*
 * Context: hands out the oldest result, re-arming while more remain. Nothing
 * touches the worker after the deliver function, which may free it.
 */
static gboolean worker_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    LcWorker *worker = ((LcWorkerSource *)source)->worker;

    g_source_set_ready_time(source, -1);
    g_mutex_lock(&worker->lock);
    gpointer result = g_queue_pop_head(&worker->results);
    if (!g_queue_is_empty(&worker->results))
        g_source_set_ready_time(source, 0);
    if (result != NULL)
        worker->stats.delivered++;
    g_mutex_unlock(&worker->lock);
    if (result != NULL)
        worker->deliver(result, worker->user_data);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs worker_source_funcs = {
    .dispatch = worker_dispatch,
};

/* Starts the thread. */
LcWorker *worker_new(const char *name, guint max_pending, GMainContext *context,
                     LcWorkerRunFunc run, GDestroyNotify job_free, LcWorkerDeliverFunc deliver,
                     GDestroyNotify result_free, gpointer user_data, GError **error)
{
    g_return_val_if_fail(run != NULL && job_free != NULL && deliver != NULL, NULL);
    g_return_val_if_fail(result_free != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    LcWorker *worker = g_new0(LcWorker, 1);
    worker->run = run;
    worker->job_free = job_free;
    worker->deliver = deliver;
    worker->result_free = result_free;
    worker->user_data = user_data;
    worker->max_pending = MAX(max_pending, 1);
    worker->context =
        context != NULL ? g_main_context_ref(context) : g_main_context_ref_thread_default();
    g_mutex_init(&worker->lock);
    g_cond_init(&worker->cond);
    g_queue_init(&worker->jobs);
    g_queue_init(&worker->results);
    worker->source = g_source_new(&worker_source_funcs, sizeof(LcWorkerSource));
    ((LcWorkerSource *)worker->source)->worker = worker;
    g_source_set_name(worker->source, name);
    g_source_set_ready_time(worker->source, -1);
    g_source_attach(worker->source, worker->context);

    g_autoptr(GError) thread_error = NULL;
    worker->thread = g_thread_try_new(name, worker_thread, worker, &thread_error);
    if (worker->thread == NULL) {
        g_set_error(error, G_THREAD_ERROR, G_THREAD_ERROR_AGAIN, "cannot start the %s thread: %s",
                    name, thread_error->message);
        worker_free(worker);
        return NULL;
    }
    return worker;
}

/* Queues a job, dropping the oldest waiting ones beyond the bound. */
void worker_push(LcWorker *worker, gpointer job)
{
    GQueue dropped = G_QUEUE_INIT;

    g_return_if_fail(worker != NULL && job != NULL);

    g_mutex_lock(&worker->lock);
    worker->stats.pushed++;
    while (g_queue_get_length(&worker->jobs) >= worker->max_pending) {
        g_queue_push_tail(&dropped, g_queue_pop_head(&worker->jobs));
        worker->stats.dropped++;
    }
    g_queue_push_tail(&worker->jobs, job);
    g_cond_signal(&worker->cond);
    g_mutex_unlock(&worker->lock);
    /* A job may hold GStreamer memory; free it outside the lock. */
    g_queue_clear_full(&dropped, worker->job_free);
}

/* Changes the bound on waiting jobs. */
void worker_set_max_pending(LcWorker *worker, guint max_pending)
{
    g_mutex_lock(&worker->lock);
    worker->max_pending = MAX(max_pending, 1);
    g_mutex_unlock(&worker->lock);
}

/* Copies the counters. */
void worker_get_stats(LcWorker *worker, LcWorkerStats *stats)
{
    g_return_if_fail(worker != NULL && stats != NULL);

    g_mutex_lock(&worker->lock);
    *stats = worker->stats;
    g_mutex_unlock(&worker->lock);
}

/* Stops and joins the thread, then frees what is left. */
void worker_free(LcWorker *worker)
{
    if (worker == NULL)
        return;

    g_mutex_lock(&worker->lock);
    worker->stopping = TRUE;
    g_cond_signal(&worker->cond);
    g_mutex_unlock(&worker->lock);
    if (worker->thread != NULL)
        g_thread_join(worker->thread);

    /* The thread is gone: nothing else touches the queues or wakes the source now. */
    g_source_destroy(worker->source);
    g_source_unref(worker->source);
    g_main_context_unref(worker->context);
    g_queue_clear_full(&worker->jobs, worker->job_free);
    g_queue_clear_full(&worker->results, worker->result_free);
    g_mutex_clear(&worker->lock);
    g_cond_clear(&worker->cond);
    g_free(worker);
}
