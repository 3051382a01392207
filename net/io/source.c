/* source.c: GSource helpers on the thread-default main context. */
#include "net/io/source.h"

/* Starts a timeout. */
GSource *source_add_timeout(guint ms, GSourceFunc func, gpointer data)
{
    GSource *src = g_timeout_source_new(ms);
    g_source_set_callback(src, func, data, NULL);
    g_source_attach(src, g_main_context_get_thread_default());
    return src;
}

/* Restarts a timeout slot. */
void source_reset_timeout(GSource **slot, guint ms, GSourceFunc func, gpointer data)
{
    source_drop(slot);
    *slot = source_add_timeout(ms, func, data);
}

/* A one-shot source's slot and what it calls. */
typedef struct {
    GSource **slot;
    LcSourceOnceFunc func;
    gpointer data;
} LcSourceOnce;

/* Fires a one-shot source: empties its slot, then calls its function. The
 * loop holds its own reference while dispatching, so dropping the slot's
 * reference here is safe. */
static gboolean source_once_fire(gpointer data)
{
    LcSourceOnce *once = data;
    g_clear_pointer(once->slot, g_source_unref);
    once->func(once->data);
    return G_SOURCE_REMOVE;
}

/* Sets a one-shot source's callback and keeps it in *slot; the caller
 * attaches it. */
static GSource *source_once_prepare(GSource **slot, GSource *src, GSourceFunc fire,
                                    LcSourceOnceFunc func, gpointer data)
{
    LcSourceOnce *once = g_new(LcSourceOnce, 1);
    *once = (LcSourceOnce){slot, func, data};
    g_source_set_callback(src, fire, once, g_free);
    *slot = src;
    return src;
}

/* Arms a one-shot timeout or idle. */
void source_once(GSource **slot, guint ms, LcSourceOnceFunc func, gpointer data)
{
    if (*slot != NULL)
        return;
    GSource *src = ms > 0 ? g_timeout_source_new(ms) : g_idle_source_new();
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_attach(source_once_prepare(slot, src, source_once_fire, func, data),
                    g_main_context_get_thread_default());
}

/* Destroys and forgets a source. */
void source_drop(GSource **src)
{
    if (*src != NULL) {
        g_source_destroy(*src);
        g_source_unref(*src);
        *src = NULL;
    }
}
