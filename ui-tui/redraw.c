/* redraw.c: dirty flags and the one redraw per main loop turn. */
#include "ui-tui/redraw.h"

typedef struct {
    GSource base;
    guint dirty;
    LcRedrawFunc func;
    gpointer user_data;
} LcRedrawSource;

/* Ready when something is dirty; no timeout of its own. */
static gboolean redraw_prepare(GSource *source, gint *timeout)
{
    *timeout = -1;
    return ((LcRedrawSource *)source)->dirty != 0;
}

/* Ready when something is dirty. */
static gboolean redraw_check(GSource *source)
{
    return ((LcRedrawSource *)source)->dirty != 0;
}

/* Draws what is dirty; marks made while drawing wait for the next turn. */
static gboolean redraw_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    LcRedrawSource *r = (LcRedrawSource *)source;
    guint dirty = r->dirty;
    r->dirty = 0;
    r->func(dirty, r->user_data);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs redraw_funcs = {
    .prepare = redraw_prepare,
    .check = redraw_check,
    .dispatch = redraw_dispatch,
};

/* Creates the redraw source. */
GSource *redraw_source_new(LcRedrawFunc func, gpointer user_data)
{
    GSource *source = g_source_new(&redraw_funcs, sizeof(LcRedrawSource));
    LcRedrawSource *r = (LcRedrawSource *)source;
    r->func = func;
    r->user_data = user_data;
    g_source_set_name(source, "lanconf-redraw");
    return source;
}

/* Marks views dirty. */
void redraw_mark(GSource *source, guint flags)
{
    ((LcRedrawSource *)source)->dirty |= flags;
}
