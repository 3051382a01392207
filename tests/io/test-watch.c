/* test-watch.c: the epoll watches of net/io/watch.c on real sockets and a
 * real loop: level-triggered readiness, stopping from inside a callback,
 * two watches on one socket, one-shot watches, descriptor numbers taken
 * again, and a loop per thread. */
#include "net/io/watch.h"

#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    GSocket *socket;
    guint calls;
    guint read;
    guint stop_after; /* return G_SOURCE_REMOVE on this call (0: never) */
    LcWatch **drop;   /* drop this slot on the first call */
    GIOCondition last;
} Probe;

/* Reads one datagram per call, as a slow reader would. */
static gboolean test_watch_on_ready(GSocket *socket, GIOCondition cond, gpointer data)
{
    Probe *p = data;
    p->calls++;
    p->last = cond;
    char buf[16];
    if ((cond & G_IO_IN) && g_socket_receive(socket, buf, sizeof(buf), NULL, NULL) > 0)
        p->read++;
    if (p->drop != NULL) {
        watch_drop(p->drop);
        p->drop = NULL;
        return G_SOURCE_CONTINUE; /* stopped already: what it returns is moot */
    }
    return p->stop_after != 0 && p->calls >= p->stop_after ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* Runs the thread-default context for ms milliseconds. */
static void test_run_for(guint ms)
{
    GMainContext *context = g_main_context_get_thread_default();
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (g_get_monotonic_time() < end)
        g_main_context_iteration(context, FALSE);
}

/* A connected pair of non-blocking datagram sockets. */
static void test_pair(GSocket **a, GSocket **b)
{
    int sv[2];
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv), ==, 0);
    *a = g_socket_new_from_fd(sv[0], NULL);
    *b = g_socket_new_from_fd(sv[1], NULL);
    g_assert_nonnull(*a);
    g_assert_nonnull(*b);
}

/* Readiness is level-triggered: three datagrams, read one per call, make
 * three calls; none when nothing is waiting. */
static void test_watch_level(void)
{
    g_autoptr(GSocket) a = NULL, b = NULL;
    test_pair(&a, &b);
    guint before = watch_count_active();
    Probe p = {0};
    LcWatch *w = watch_add_socket(b, G_IO_IN, test_watch_on_ready, &p);
    g_assert_cmpuint(watch_count_active(), ==, before + 1);
    test_run_for(10);
    g_assert_cmpuint(p.calls, ==, 0);
    for (int i = 0; i < 3; i++)
        g_assert_cmpint(g_socket_send(a, "abc", 3, NULL, NULL), ==, 3);
    test_run_for(20);
    g_assert_cmpuint(p.calls, ==, 3);
    g_assert_cmpuint(p.read, ==, 3);
    g_assert_cmpuint(p.last, ==, G_IO_IN);
    watch_drop(&w);
    g_assert_null(w);
    g_assert_cmpuint(watch_count_active(), ==, before);
    g_assert_cmpint(g_socket_send(a, "abc", 3, NULL, NULL), ==, 3);
    test_run_for(10);
    g_assert_cmpuint(p.calls, ==, 3); /* dropped: no more calls */
}

/* G_SOURCE_REMOVE stops the watch; the caller's reference stays valid. */
static void test_watch_remove(void)
{
    g_autoptr(GSocket) a = NULL, b = NULL;
    test_pair(&a, &b);
    guint before = watch_count_active();
    Probe p = {.stop_after = 2};
    LcWatch *w = watch_add_socket(b, G_IO_IN, test_watch_on_ready, &p);
    for (int i = 0; i < 5; i++)
        g_assert_cmpint(g_socket_send(a, "abc", 3, NULL, NULL), ==, 3);
    test_run_for(20);
    g_assert_cmpuint(p.calls, ==, 2);
    g_assert_cmpuint(watch_count_active(), ==, before);
    watch_drop(&w); /* stopped already: releases the caller's reference only */
}

/* A read and a write watch on one socket: each gets its own condition; the
 * read watch dropping the write watch from its callback stops it at once,
 * even when both were ready in the same turn. */
static void test_watch_two_on_one(void)
{
    g_autoptr(GSocket) a = NULL, b = NULL;
    test_pair(&a, &b);
    Probe reader = {0}, writer = {0};
    LcWatch *w_write = watch_add_socket(b, G_IO_OUT, test_watch_on_ready, &writer);
    writer.stop_after = 1;
    test_run_for(10);
    g_assert_cmpuint(writer.calls, ==, 1); /* writable at once, then it stopped */
    g_assert_cmpuint(writer.last, ==, G_IO_OUT);
    watch_drop(&w_write);

    writer = (Probe){0};
    w_write = watch_add_socket(b, G_IO_OUT, test_watch_on_ready, &writer);
    LcWatch *w_read = watch_add_socket(b, G_IO_IN, test_watch_on_ready, &reader);
    reader.drop = &w_write;
    g_assert_cmpint(g_socket_send(a, "abc", 3, NULL, NULL), ==, 3);
    test_run_for(20);
    g_assert_cmpuint(reader.calls, ==, 1);
    g_assert_cmpuint(reader.read, ==, 1);
    g_assert_null(w_write);
    guint writes = writer.calls;
    test_run_for(20);
    g_assert_cmpuint(writer.calls, ==, writes); /* no call after the drop */
    watch_drop(&w_read);
}

/* A watch dropping itself from its own callback. */
static void test_watch_drop_self(void)
{
    g_autoptr(GSocket) a = NULL, b = NULL;
    test_pair(&a, &b);
    Probe p = {0};
    LcWatch *w = watch_add_socket(b, G_IO_IN, test_watch_on_ready, &p);
    p.drop = &w;
    for (int i = 0; i < 3; i++)
        g_assert_cmpint(g_socket_send(a, "abc", 3, NULL, NULL), ==, 3);
    test_run_for(20);
    g_assert_cmpuint(p.calls, ==, 1);
    g_assert_null(w);
}

/* A socket closed while watched, its number taken by a new socket: the new
 * socket's watch works, and the old watch is never called for it. */
static void test_watch_fd_reused(void)
{
    g_autoptr(GSocket) a = NULL, b = NULL, c = NULL, d = NULL;
    test_pair(&a, &b);
    Probe old = {0}, fresh = {0};
    LcWatch *w_old = watch_add_socket(b, G_IO_IN, test_watch_on_ready, &old);
    int fd = g_socket_get_fd(b);
    g_socket_close(b, NULL);
    g_socket_close(a, NULL);
    test_pair(&c, &d);
    if (g_socket_get_fd(c) != fd && g_socket_get_fd(d) != fd) {
        watch_drop(&w_old);
        g_test_skip("the kernel gave other descriptor numbers");
        return;
    }
    GSocket *reader = g_socket_get_fd(c) == fd ? c : d, *writer = reader == c ? d : c;
    LcWatch *w_new = watch_add_socket(reader, G_IO_IN, test_watch_on_ready, &fresh);
    g_assert_cmpint(g_socket_send(writer, "abc", 3, NULL, NULL), ==, 3);
    test_run_for(20);
    g_assert_cmpuint(fresh.read, ==, 1);
    g_assert_cmpuint(old.calls, ==, 0);
    watch_drop(&w_old);
    g_assert_cmpint(g_socket_send(writer, "abc", 3, NULL, NULL), ==, 3);
    test_run_for(20);
    g_assert_cmpuint(fresh.read, ==, 2); /* dropping the old one left the new one */
    watch_drop(&w_new);
}

typedef struct {
    LcWatch *slot;
    guint fired;
    gboolean slot_was_empty;
} Once;

/* Counts a one-shot firing. */
static void test_watch_once_fire(gpointer data)
{
    Once *o = data;
    o->fired++;
    o->slot_was_empty = o->slot == NULL;
}

/* A one-shot watch fires once, with its slot empty; dropping it cancels it
 * (and frees what it held: LeakSanitizer). */
static void test_watch_once(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
    g_assert_no_error(error);
    Once o = {0};
    watch_once_socket(&o.slot, socket, G_IO_OUT, test_watch_once_fire, &o);
    LcWatch *first = o.slot;
    watch_once_socket(&o.slot, socket, G_IO_OUT, test_watch_once_fire, &o); /* armed: ignored */
    g_assert_true(o.slot == first);
    test_run_for(30); /* an idle UDP socket is always writable */
    g_assert_cmpuint(o.fired, ==, 1);
    g_assert_true(o.slot_was_empty);
    g_assert_null(o.slot);

    Once cancelled = {0};
    watch_once_socket(&cancelled.slot, socket, G_IO_OUT, test_watch_once_fire, &cancelled);
    watch_drop(&cancelled.slot);
    test_run_for(20);
    g_assert_cmpuint(cancelled.fired, ==, 0);
}

/* A thread with its own context gets its own set: its watch runs there,
 * not in the default context. */
static gpointer test_watch_thread(gpointer data)
{
    GSocket *b = data;
    g_autoptr(GMainContext) context = g_main_context_new();
    g_main_context_push_thread_default(context);
    Probe p = {0};
    LcWatch *w = watch_add_socket(b, G_IO_IN, test_watch_on_ready, &p);
    gint64 end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    while (p.read == 0 && g_get_monotonic_time() < end)
        g_main_context_iteration(context, FALSE);
    watch_drop(&w);
    g_main_context_pop_thread_default(context);
    return GUINT_TO_POINTER(p.read);
}

static void test_watch_per_thread(void)
{
    g_autoptr(GSocket) a = NULL, b = NULL;
    test_pair(&a, &b);
    Probe main_probe = {0};
    LcWatch *w_main = watch_add_socket(a, G_IO_IN, test_watch_on_ready, &main_probe);
    GThread *thread = g_thread_new("watch", test_watch_thread, b);
    g_assert_cmpint(g_socket_send(a, "abc", 3, NULL, NULL), ==, 3);
    guint read = GPOINTER_TO_UINT(g_thread_join(thread));
    g_assert_cmpuint(read, ==, 1);
    test_run_for(10);
    g_assert_cmpuint(main_probe.calls, ==, 0); /* nothing came back to a */
    watch_drop(&w_main);
}

/* Epoll descriptors the process has open. */
static guint test_watch_epoll_fds(void)
{
    guint n = 0;
    g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename("/proc/self/fd", name, NULL);
        g_autofree char *target = g_file_read_link(path, NULL);
        n += target != NULL && strstr(target, "eventpoll") != NULL;
    }
    return n;
}

typedef struct {
    GMainContext *context;
    GSocket *socket;
} ShortThread;

/* A thread that watches a socket on its own context, then goes. */
static gpointer test_watch_short_thread(gpointer data)
{
    ShortThread *t = data;
    g_main_context_push_thread_default(t->context);
    Probe p = {0};
    LcWatch *w = watch_add_socket(t->socket, G_IO_IN, test_watch_on_ready, &p);
    g_main_context_iteration(t->context, FALSE);
    watch_drop(&w);
    g_main_context_pop_thread_default(t->context);
    return NULL;
}

/* Contexts that come and go (a relay thread, a bench's member threads)
 * leave no epoll descriptor behind, even when no later context takes a
 * gone one's address. */
static void test_watch_contexts_go(void)
{
    g_autoptr(GSocket) a = NULL, b = NULL;
    test_pair(&a, &b);
    guint before = test_watch_epoll_fds();
    GMainContext *contexts[30];
    for (guint i = 0; i < G_N_ELEMENTS(contexts); i++) {
        contexts[i] = g_main_context_new(); /* all alive at once: distinct addresses */
        ShortThread t = {contexts[i], b};
        g_thread_join(g_thread_new("short", test_watch_short_thread, &t));
    }
    g_assert_cmpuint(test_watch_epoll_fds(), >=, 30); /* their hubs, still held */
    for (guint i = 0; i < G_N_ELEMENTS(contexts); i++)
        g_main_context_unref(contexts[i]);
    g_autoptr(GMainContext) last = g_main_context_new();
    ShortThread t = {last, b};
    g_thread_join(g_thread_new("short", test_watch_short_thread, &t));
    g_assert_cmpuint(test_watch_epoll_fds(), <=, before + 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/watch/level", test_watch_level);
    g_test_add_func("/watch/remove", test_watch_remove);
    g_test_add_func("/watch/two-on-one", test_watch_two_on_one);
    g_test_add_func("/watch/drop-self", test_watch_drop_self);
    g_test_add_func("/watch/fd-reused", test_watch_fd_reused);
    g_test_add_func("/watch/once", test_watch_once);
    g_test_add_func("/watch/per-thread", test_watch_per_thread);
    g_test_add_func("/watch/contexts-go", test_watch_contexts_go);
    return g_test_run();
}
