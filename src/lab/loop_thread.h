/* loop_thread.h: a main loop on a thread of its own, and calls made on it
 * from another thread. The in-process relay runs on one; the conference
 * bench spreads its members over several, as if they were machines. */
#pragma once

#include <glib.h>

typedef struct _LcLoopThread LcLoopThread;

/* Starts a thread running a loop on a new context, its thread-default. */
LcLoopThread *loop_thread_new(const char *name);

/* Runs func(data) on the thread and waits for it to return. What func
 * makes there (sockets, timers, sessions) belongs to that thread's loop. */
void loop_thread_call(LcLoopThread *thread, void (*func)(gpointer data), gpointer data);

/* Stops the loop and joins the thread. */
void loop_thread_free(LcLoopThread *thread);
