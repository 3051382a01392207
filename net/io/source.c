/* source.c: GSource helpers on the thread-default main context. */
#include "net/io/source.h"

/* Watches a socket. */
GSource *source_watch_socket(GSocket *socket, GIOCondition cond, GSocketSourceFunc func,
                             gpointer data)
{
    GSource *src = g_socket_create_source(socket, cond, NULL);
    g_source_set_callback(src, G_SOURCE_FUNC(func), data, NULL);
    g_source_attach(src, g_main_context_get_thread_default());
    return src;
}

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

/* Destroys and forgets a source. */
void source_drop(GSource **src)
{
    if (*src != NULL) {
        g_source_destroy(*src);
        g_source_unref(*src);
        *src = NULL;
    }
}
