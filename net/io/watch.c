/* watch.c: descriptor watches through one epoll set per main context. */
#include "net/io/watch.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#define WATCH_EVENTS 256 /* ready descriptors taken per turn of the loop */
#define WATCH_PER_FD 8   /* watches one descriptor may have at once */

/* One per main context: the GSource that polls the epoll descriptor. */
typedef struct {
    GSource source;
    int epfd;
    gpointer tag;
    GHashTable *fds; /* descriptor -> LcWatchFd */
    guint32 next_gen;
    guint active;
    GQueue soon; /* LcWatchSoon, by their links */
    gboolean dispatching;
} LcWatchHub;

/* A descriptor in the set and its active watches. Its generation tells an
 * event for it from one for an earlier descriptor of the same number. */
typedef struct {
    int fd;
    guint32 gen;
    guint32 events;
    LcWatch *watches[WATCH_PER_FD];
    guint n;
} LcWatchFd;

struct _LcWatch {
    grefcount ref;
    LcWatchHub *hub; /* referenced */
    int fd;
    GIOCondition cond;
    GSocket *socket; /* referenced; NULL for a plain descriptor */
    GSocketSourceFunc socket_func;
    GUnixFDSourceFunc fd_func;
    gpointer data;
    GDestroyNotify data_free; /* called on data when the watch is freed */
    gboolean active;
};

/* Each context's hub; the table holds a reference. */
static GMutex watch_hubs_lock;
static GHashTable *watch_hubs;

/* epoll's events for a condition (errors and hang-ups it always reports). */
static guint32 watch_cond_to_epoll(GIOCondition cond)
{
    return ((cond & G_IO_IN) ? EPOLLIN : 0) | ((cond & G_IO_PRI) ? EPOLLPRI : 0) |
           ((cond & G_IO_OUT) ? EPOLLOUT : 0);
}

/* The condition epoll reported. */
static GIOCondition watch_epoll_to_cond(guint32 events)
{
    return ((events & EPOLLIN) ? G_IO_IN : 0) | ((events & EPOLLPRI) ? G_IO_PRI : 0) |
           ((events & EPOLLOUT) ? G_IO_OUT : 0) | ((events & EPOLLERR) ? G_IO_ERR : 0) |
           ((events & EPOLLHUP) ? G_IO_HUP : 0);
}

/* Takes a reference. */
static LcWatch *watch_ref(LcWatch *watch)
{
    g_ref_count_inc(&watch->ref);
    return watch;
}

/* Calls the ready watches of each descriptor epoll reports. A watch stopped
 * by an earlier callback of the same turn is skipped; the references taken
 * here keep every one alive until its turn is over. */
static void watch_hub_run_soon(LcWatchHub *hub);
static LcWatchHub *watch_hub_get(void);

static gboolean watch_hub_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    LcWatchHub *hub = (LcWatchHub *)source;
    g_source_set_ready_time(source, -1);
    hub->dispatching = TRUE;
    watch_hub_run_soon(hub); /* queued since the last turn */
    struct epoll_event ev[WATCH_EVENTS];
    int n = epoll_wait(hub->epfd, ev, WATCH_EVENTS, 0);
    for (int i = 0; i < n; i++) {
        int fd = (int)(guint32)ev[i].data.u64;
        LcWatchFd *entry = g_hash_table_lookup(hub->fds, GINT_TO_POINTER(fd));
        if (entry == NULL || entry->gen != (guint32)(ev[i].data.u64 >> 32))
            continue; /* gone since the kernel reported it */
        GIOCondition revents = watch_epoll_to_cond(ev[i].events);
        LcWatch *todo[WATCH_PER_FD];
        guint m = entry->n;
        for (guint k = 0; k < m; k++)
            todo[k] = watch_ref(entry->watches[k]);
        for (guint k = 0; k < m; k++) {
            LcWatch *w = todo[k];
            GIOCondition cond = revents & (w->cond | G_IO_ERR | G_IO_HUP | G_IO_NVAL);
            if (w->active && cond != 0) {
                gboolean keep = w->socket != NULL ? w->socket_func(w->socket, cond, w->data)
                                                  : w->fd_func(w->fd, cond, w->data);
                if (!keep)
                    watch_destroy(w);
            }
            watch_unref(w);
        }
    }
    watch_hub_run_soon(hub); /* queued by this turn's callbacks */
    hub->dispatching = FALSE;
    if (hub->soon.length > 0)
        g_source_set_ready_time(source, 0); /* queued by those calls: the next turn */
    return G_SOURCE_CONTINUE;
}

/* Makes the calls queued now; one a call queues goes in the next run. */
static void watch_hub_run_soon(LcWatchHub *hub)
{
    for (guint n = hub->soon.length; n > 0 && hub->soon.head != NULL; n--) {
        GList *link = g_queue_pop_head_link(&hub->soon);
        LcWatchSoon *soon = link->data;
        soon->hub = NULL;
        soon->func(soon->data);
        g_source_unref(&hub->source); /* the queued call's reference */
    }
}

/* Queues a call. */
void watch_soon(LcWatchSoon *soon, LcWatchOnceFunc func, gpointer data)
{
    if (soon->hub != NULL)
        return;
    LcWatchHub *hub = watch_hub_get();
    if (hub == NULL)
        g_error("epoll_create1: %s", g_strerror(errno));
    soon->func = func;
    soon->data = data;
    soon->hub = hub;
    soon->link = (GList){.data = soon};
    g_queue_push_tail_link(&hub->soon, &soon->link);
    if (!hub->dispatching)
        g_source_set_ready_time(&hub->source, 0); /* the next turn runs it at once */
}

/* Takes a queued call back. */
void watch_soon_cancel(LcWatchSoon *soon)
{
    LcWatchHub *hub = soon->hub;
    if (hub == NULL)
        return;
    g_queue_unlink(&hub->soon, &soon->link);
    soon->hub = NULL;
    g_source_unref(&hub->source);
}

/* Whether the call is queued. */
gboolean watch_soon_is_queued(const LcWatchSoon *soon)
{
    return soon->hub != NULL;
}

/* Whether the epoll descriptor is readable (something is ready). */
static gboolean watch_hub_check(GSource *source)
{
    LcWatchHub *hub = (LcWatchHub *)source;
    return g_source_query_unix_fd(source, hub->tag) != 0;
}

/* Frees the hub once its context and its last watch are gone. */
static void watch_hub_finalize(GSource *source)
{
    LcWatchHub *hub = (LcWatchHub *)source;
    g_hash_table_destroy(hub->fds);
    close(hub->epfd);
}

static GSourceFuncs watch_hub_funcs = {
    .check = watch_hub_check,
    .dispatch = watch_hub_dispatch,
    .finalize = watch_hub_finalize,
};

/* A new hub attached to context, or NULL when epoll is refused. */
static LcWatchHub *watch_hub_new(GMainContext *context)
{
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        return NULL;
    LcWatchHub *hub = (LcWatchHub *)g_source_new(&watch_hub_funcs, sizeof(LcWatchHub));
    hub->epfd = epfd;
    hub->fds = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    hub->tag = g_source_add_unix_fd(&hub->source, epfd, G_IO_IN);
    g_source_set_name(&hub->source, "lanconf descriptor watches");
    /* Marked as one that may recurse. GLib blocks a source that may not
     * while its callback runs: it takes the source's descriptors out of
     * the poll set and puts them back afterwards, and each of the two
     * changes wakes the context through its eventfd: a write and a read, a
     * system call each, on every dispatch. Nothing here runs a nested main
     * loop from a callback, so a callback never re-enters the hub. */
    g_source_set_can_recurse(&hub->source, TRUE);
    g_source_attach(&hub->source, context);
    return hub;
}

/* The context's hub, referenced (made on first use). A hub whose context
 * is gone is replaced (another context may have its address), and when a
 * hub is made, every hub whose context is gone leaves the table (its epoll
 * descriptor closes once its last watch goes). */
static LcWatchHub *watch_hub_find(GMainContext *context)
{
    g_autoptr(GPtrArray) dead = g_ptr_array_new_with_free_func((GDestroyNotify)g_source_unref);
    g_mutex_lock(&watch_hubs_lock);
    if (watch_hubs == NULL)
        watch_hubs = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_source_unref);
    LcWatchHub *hub = g_hash_table_lookup(watch_hubs, context);
    if (hub == NULL || g_source_is_destroyed(&hub->source)) {
        GHashTableIter iter;
        gpointer value;
        g_hash_table_iter_init(&iter, watch_hubs);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            if (!g_source_is_destroyed(value))
                continue;
            g_ptr_array_add(dead, g_source_ref(value)); /* unreferenced outside the lock */
            g_hash_table_iter_remove(&iter);
        }
        hub = watch_hub_new(context);
        if (hub != NULL)
            g_hash_table_insert(watch_hubs, context, hub);
    }
    if (hub != NULL)
        g_source_ref(&hub->source);
    g_mutex_unlock(&watch_hubs_lock);
    return hub;
}

/* A thread's hub for its thread-default context, so that queueing a write
 * (watch_soon(), once a stream a turn) takes no process-wide lock. */
typedef struct {
    GMainContext *context;
    LcWatchHub *hub; /* referenced */
} LcWatchCache;

static void watch_cache_free(gpointer data)
{
    LcWatchCache *cache = data;
    if (cache->hub != NULL)
        g_source_unref(&cache->hub->source);
    g_free(cache);
}

static GPrivate watch_cache = G_PRIVATE_INIT(watch_cache_free);

/* The thread-default context's hub, referenced. */
static LcWatchHub *watch_hub_get(void)
{
    GMainContext *context = g_main_context_get_thread_default();
    if (context == NULL)
        context = g_main_context_default();
    LcWatchCache *cache = g_private_get(&watch_cache);
    if (cache != NULL && cache->context == context && !g_source_is_destroyed(&cache->hub->source))
        return (LcWatchHub *)g_source_ref(&cache->hub->source);
    LcWatchHub *hub = watch_hub_find(context);
    if (hub == NULL)
        return NULL;
    if (cache == NULL) {
        cache = g_new0(LcWatchCache, 1);
        g_private_set(&watch_cache, cache);
    }
    if (cache->hub != NULL)
        g_source_unref(&cache->hub->source);
    cache->context = context;
    cache->hub = (LcWatchHub *)g_source_ref(&hub->source);
    return hub;
}

/* Sets the descriptor's events to what its watches want; takes it out of
 * the set when none is left. */
static void watch_fd_update(LcWatchHub *hub, LcWatchFd *entry)
{
    if (entry->n == 0) {
        epoll_ctl(hub->epfd, EPOLL_CTL_DEL, entry->fd, NULL); /* may be closed already */
        g_hash_table_remove(hub->fds, GINT_TO_POINTER(entry->fd));
        return;
    }
    guint32 events = 0;
    for (guint k = 0; k < entry->n; k++)
        events |= watch_cond_to_epoll(entry->watches[k]->cond);
    if (events == entry->events)
        return;
    struct epoll_event ev = {.events = events,
                             .data.u64 = ((guint64)entry->gen << 32) | (guint32)entry->fd};
    /* The descriptor may have been closed and its number taken again by a
     * new one, which the set does not hold yet. */
    if (epoll_ctl(hub->epfd, EPOLL_CTL_MOD, entry->fd, &ev) < 0 && errno == ENOENT)
        epoll_ctl(hub->epfd, EPOLL_CTL_ADD, entry->fd, &ev);
    entry->events = events;
}

/* Takes out of a descriptor's watches those whose socket was closed while
 * watched: the number now belongs to a new descriptor, whose events are
 * not theirs. They stay stopped until their owners drop them. */
static void watch_fd_evict_closed(LcWatchHub *hub, LcWatchFd *entry)
{
    for (guint k = 0; k < entry->n;) {
        LcWatch *w = entry->watches[k];
        if (w->socket == NULL || !g_socket_is_closed(w->socket)) {
            k++;
            continue;
        }
        entry->watches[k] = entry->watches[--entry->n];
        w->active = FALSE;
        hub->active--;
        watch_unref(w); /* the context's reference */
    }
}

/* Makes and starts a watch. */
static LcWatch *watch_new(int fd, GIOCondition cond, gpointer data)
{
    LcWatchHub *hub = watch_hub_get();
    if (hub == NULL)
        g_error("epoll_create1: %s", g_strerror(errno)); /* out of descriptors at start */
    LcWatch *watch = g_new0(LcWatch, 1);
    g_ref_count_init(&watch->ref);
    watch->hub = hub;
    watch->fd = fd;
    watch->cond = cond;
    watch->data = data;
    watch->active = TRUE;
    LcWatchFd *entry = g_hash_table_lookup(hub->fds, GINT_TO_POINTER(fd));
    if (entry != NULL)
        watch_fd_evict_closed(hub, entry);
    if (entry == NULL) {
        entry = g_new0(LcWatchFd, 1);
        entry->fd = fd;
        g_hash_table_insert(hub->fds, GINT_TO_POINTER(fd), entry);
    }
    if (entry->n == 0)
        entry->gen = ++hub->next_gen; /* events of an earlier descriptor are not its */
    g_assert(entry->n < WATCH_PER_FD);
    entry->watches[entry->n++] = watch_ref(watch); /* the context's reference */
    hub->active++;
    if (entry->n == 1) {
        struct epoll_event ev = {.events = watch_cond_to_epoll(cond),
                                 .data.u64 = ((guint64)entry->gen << 32) | (guint32)fd};
        if (epoll_ctl(hub->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 && errno == EEXIST)
            epoll_ctl(hub->epfd, EPOLL_CTL_MOD, fd, &ev);
        entry->events = ev.events;
    } else {
        entry->events = 0; /* the set may not hold this descriptor: see watch_fd_update() */
        watch_fd_update(hub, entry);
    }
    return watch;
}

/* Watches a socket. */
LcWatch *watch_add_socket(GSocket *socket, GIOCondition cond, GSocketSourceFunc func, gpointer data)
{
    LcWatch *watch = watch_new(g_socket_get_fd(socket), cond, data);
    watch->socket = g_object_ref(socket);
    watch->socket_func = func;
    return watch;
}

/* Watches a descriptor. */
LcWatch *watch_add_fd(int fd, GIOCondition cond, GUnixFDSourceFunc func, gpointer data)
{
    LcWatch *watch = watch_new(fd, cond, data);
    watch->fd_func = func;
    return watch;
}

/* A one-shot watch's slot and what it calls. */
typedef struct {
    LcWatch **slot;
    LcWatchOnceFunc func;
    gpointer data;
} LcWatchOnce;

/* Fires a one-shot watch: empties its slot, then calls its function. The
 * dispatch holds its own reference, so releasing the slot's is safe. */
static gboolean watch_once_fire(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcWatchOnce *once = data;
    watch_unref(g_steal_pointer(once->slot));
    once->func(once->data);
    return G_SOURCE_REMOVE;
}

/* Arms a one-shot socket watch. */
void watch_once_socket(LcWatch **slot, GSocket *socket, GIOCondition cond, LcWatchOnceFunc func,
                       gpointer data)
{
    if (*slot != NULL)
        return;
    LcWatchOnce *once = g_new(LcWatchOnce, 1);
    *once = (LcWatchOnce){slot, func, data};
    *slot = watch_add_socket(socket, cond, watch_once_fire, once);
    (*slot)->data_free = g_free;
}

/* Stops watching and releases the context's reference. */
void watch_destroy(LcWatch *watch)
{
    if (watch == NULL || !watch->active)
        return;
    watch->active = FALSE;
    LcWatchHub *hub = watch->hub;
    hub->active--;
    LcWatchFd *entry = g_hash_table_lookup(hub->fds, GINT_TO_POINTER(watch->fd));
    for (guint k = 0; entry != NULL && k < entry->n; k++) {
        if (entry->watches[k] == watch) {
            entry->watches[k] = entry->watches[--entry->n];
            watch_fd_update(hub, entry);
            break;
        }
    }
    watch_unref(watch);
}

/* Releases a reference; the last frees the watch. */
void watch_unref(LcWatch *watch)
{
    if (watch == NULL || !g_ref_count_dec(&watch->ref))
        return;
    g_clear_object(&watch->socket);
    if (watch->data_free != NULL)
        watch->data_free(watch->data);
    g_source_unref(&watch->hub->source);
    g_free(watch);
}

/* Stops a watch and releases the caller's reference. */
void watch_drop(LcWatch **watch)
{
    if (*watch == NULL)
        return;
    LcWatch *w = g_steal_pointer(watch);
    watch_destroy(w);
    watch_unref(w);
}

/* Active watches in every context. */
guint watch_count_active(void)
{
    guint n = 0;
    g_mutex_lock(&watch_hubs_lock);
    if (watch_hubs != NULL) {
        GHashTableIter iter;
        gpointer value;
        g_hash_table_iter_init(&iter, watch_hubs);
        while (g_hash_table_iter_next(&iter, NULL, &value))
            n += ((LcWatchHub *)value)->active;
    }
    g_mutex_unlock(&watch_hubs_lock);
    return n;
}
