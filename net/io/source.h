/* source.h: the GSource helpers every loop user in net/ shares (descriptor
 * watches are in net/io/watch.h). Sources are
 * attached to the thread-default main context, so the relay works the same
 * on its own thread (the bench, the tests) as in lanconf-relay's main(). */
#pragma once

#include <gio/gio.h>

/* A source that calls func(data) every ms milliseconds (until it returns
 * G_SOURCE_REMOVE), attached; the caller holds the returned reference. */
GSource *source_add_timeout(guint ms, GSourceFunc func, gpointer data);
/* Replaces *slot with a new timeout (source_add_timeout), dropping the old one. */
void source_reset_timeout(GSource **slot, guint ms, GSourceFunc func, gpointer data);
/* What a one-shot source calls. */
typedef void (*LcSourceOnceFunc)(gpointer data);
/* Arms a one-shot source in *slot unless one is armed already: func(data)
 * runs once, after ms milliseconds (0: as soon as the loop is back, at
 * default priority so that load cannot starve it). *slot holds the source
 * until then and is NULL again when func runs, so func may arm it anew;
 * source_drop(slot) cancels it. */
void source_once(GSource **slot, guint ms, LcSourceOnceFunc func, gpointer data);
/* Destroys and unrefs *src and sets it to NULL; a NULL *src is ignored. */
void source_drop(GSource **src);
