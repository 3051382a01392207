/* linkemu_tun: the user-space link between two TUN devices, in the manner of Mahimahi.
 *
 * Each namespace gets a TUN device (IFF_TUN | IFF_NO_PI: bare IP packets).
 * What namespace A routes to B leaves A's stack through A's device, is read
 * here, passes the A-to-B linkemu_queue, and is written into B's device,
 * which hands it to B's stack as if it had arrived on a wire; the same
 * happens the other way. One thread does both directions with ppoll(): it
 * wakes for readable devices and for the next departure time, so packets
 * leave within tens of microseconds of their due time.
 *
 * Each device is created directly in its namespace (the thread enters the
 * namespace while opening /dev/net/tun) rather than in the root namespace
 * and moved: it never exists in the root namespace, so its name cannot
 * collide with another run's. Closing the file descriptor removes it.
 */
#include "net/linkemu/linkemu_tun.h"

#include "net/linkemu/linkemu_iface.h"
#include "net/linkemu/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define TUN_DEVICE "/dev/net/tun"
/* Packets read or written per device before turning to the other one. */
#define TUN_BATCH 64
/* Largest packet a TUN device hands over (without offloads it is at most the MTU). */
#define TUN_READ_MAX 65536
/* Mixed into the seed of the B-to-A direction so that it differs from A-to-B. */
#define TUN_SEED_MIX 0x85ebca6bu

struct _LcLinkTun {
    gchar *ns[2]; /* namespace of device i: A, B */
    int fd[2];    /* device i; direction i reads fd[i] and writes fd[1 - i] */
    int wake_fd;  /* eventfd, written to wake the thread for stopping */
    GThread *thread;
    gint stopping;           /* set once, by linkemu_tun_stop() */
    GMutex lock;             /* protects queue[] and write_errors[] */
    LcLinkQueue *queue[2];   /* queue[dir]: packets travelling in dir */
    guint64 write_errors[2]; /* per direction: packets the far device refused */
};

/* Sets error from errno for a failed step on the device in namespace ns. */
static void tun_set_errno_error(GError **error, int saved_errno, const char *step, const char *ns)
{
    const char *hint = "";
    if (saved_errno == ENOENT || saved_errno == ENODEV)
        hint = " (the tun module is missing)";
    else if (saved_errno == EPERM || saved_errno == EACCES)
        hint = " (needs CAP_NET_ADMIN)";
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                "%s in network namespace %s%s: %s", step, ns, hint, g_strerror(saved_errno));
}

/* Opens a new TUN device named LINKEMU_IFNAME inside namespace ns; returns its fd or -1. */
static int tun_device_open(const char *ns, GError **error)
{
    struct ifreq ifr = {0};
    g_autoptr(LcNetnsSaved) saved = netns_enter(ns, error);

    if (saved == NULL)
        return -1;
    /* The device belongs to the namespace of the thread that opens the file. */
    int fd = open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        tun_set_errno_error(error, errno, "opening " TUN_DEVICE, ns);
        return -1;
    }
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    g_strlcpy(ifr.ifr_name, LINKEMU_IFNAME, sizeof ifr.ifr_name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        tun_set_errno_error(error, errno, "creating TUN device " LINKEMU_IFNAME, ns);
        close(fd);
        return -1;
    }
    return fd;
}

/* Returns the earliest departure time over both directions, or -1 when nothing waits. */
static gint64 tun_next_due(LcLinkTun *tun)
{
    gint64 due = -1;

    g_mutex_lock(&tun->lock);
    for (guint dir = 0; dir < 2; dir++) {
        gint64 next = linkemu_queue_next_due(tun->queue[dir]);
        if (next >= 0 && (due < 0 || next < due))
            due = next;
    }
    g_mutex_unlock(&tun->lock);
    return due;
}

/* Sleeps until a device is readable, a packet is due, or a stop request; FALSE on failure. */
static gboolean tun_wait(LcLinkTun *tun, gboolean readable[2])
{
    struct pollfd pfd[3] = {
        {tun->fd[0], POLLIN, 0}, {tun->fd[1], POLLIN, 0}, {tun->wake_fd, POLLIN, 0}};
    struct timespec ts;
    struct timespec *timeout = NULL;
    gint64 due = tun_next_due(tun);

    if (due >= 0) {
        gint64 now = g_get_monotonic_time();
        gint64 wait_us = due > now ? due - now : 0;
        ts.tv_sec = wait_us / G_USEC_PER_SEC;
        ts.tv_nsec = (wait_us % G_USEC_PER_SEC) * 1000;
        timeout = &ts;
    }
    if (ppoll(pfd, G_N_ELEMENTS(pfd), timeout, NULL) < 0 && errno != EINTR) {
        g_warning("link emulator: waiting for packets: %s; the link is down", g_strerror(errno));
        return FALSE;
    }
    for (guint i = 0; i < 2; i++)
        readable[i] = (pfd[i].revents & POLLIN) != 0;
    return TRUE;
}

/* Reads up to TUN_BATCH packets sent in direction dir into its queue; FALSE on failure. */
static gboolean tun_read_batch(LcLinkTun *tun, LcLinkDir dir, guint8 *buf)
{
    for (guint i = 0; i < TUN_BATCH; i++) {
        ssize_t n = read(tun->fd[dir], buf, TUN_READ_MAX);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return TRUE;
        if (n < 0) {
            g_warning("link emulator: reading " LINKEMU_IFNAME " in network namespace %s: %s; "
                      "the link is down",
                      tun->ns[dir], g_strerror(errno));
            return FALSE;
        }
        if (n == 0)
            return TRUE;
        g_autoptr(GBytes) packet = g_bytes_new(buf, (gsize)n);
        gint64 now = g_get_monotonic_time();
        g_mutex_lock(&tun->lock);
        linkemu_queue_push(tun->queue[dir], packet, now);
        g_mutex_unlock(&tun->lock);
    }
    return TRUE;
}

/* Takes up to TUN_BATCH due packets of direction dir into due[]; returns how many. */
static guint tun_pop_due(LcLinkTun *tun, LcLinkDir dir, GBytes **due)
{
    guint n = 0;
    gint64 now = g_get_monotonic_time();

    g_mutex_lock(&tun->lock);
    while (n < TUN_BATCH && (due[n] = linkemu_queue_pop_due(tun->queue[dir], now)) != NULL)
        n++;
    g_mutex_unlock(&tun->lock);
    return n;
}

/* Writes every due packet of direction dir into the far device. */
static void tun_write_due(LcLinkTun *tun, LcLinkDir dir)
{
    GBytes *due[TUN_BATCH];
    guint n;

    do {
        guint errors = 0;
        n = tun_pop_due(tun, dir, due);
        for (guint i = 0; i < n; i++) {
            gsize size = 0;
            const void *data = g_bytes_get_data(due[i], &size);
            if (write(tun->fd[1 - dir], data, size) < 0)
                errors++;
            g_bytes_unref(due[i]);
        }
        if (errors > 0) {
            g_mutex_lock(&tun->lock);
            tun->write_errors[dir] += errors;
            g_mutex_unlock(&tun->lock);
        }
    } while (n == TUN_BATCH);
}

/* The emulator thread: reads, queues and writes until stopped. */
static gpointer tun_thread_main(gpointer data)
{
    LcLinkTun *tun = data;
    g_autofree guint8 *buf = g_malloc(TUN_READ_MAX);
    gboolean readable[2];

    /* Ask for wake-ups as close to the departure times as the kernel allows. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    while (!g_atomic_int_get(&tun->stopping) && tun_wait(tun, readable)) {
        for (guint dir = 0; dir < 2; dir++) {
            if (readable[dir] && !tun_read_batch(tun, dir, buf))
                return NULL;
        }
        for (guint dir = 0; dir < 2; dir++)
            tun_write_due(tun, dir);
    }
    return NULL;
}

/* Creates and addresses the device of side i (0: A, 1: B). */
static gboolean tun_side_open(LcLinkTun *tun, guint i, GError **error)
{
    static const char *const addr[2] = {LINKEMU_ADDR_A, LINKEMU_ADDR_B};

    tun->fd[i] = tun_device_open(tun->ns[i], error);
    if (tun->fd[i] < 0)
        return FALSE;
    return linkemu_iface_configure(tun->ns[i], LINKEMU_IFNAME, addr[i], addr[1 - i], LINKEMU_MTU,
                                   error);
}

/* Creates the devices in ns_a and ns_b, addresses them and starts moving packets. */
LcLinkTun *linkemu_tun_start(const LcLinkSpec *spec, const char *ns_a, const char *ns_b,
                             guint32 seed, GError **error)
{
    g_autoptr(LcLinkTun) tun = g_new0(LcLinkTun, 1);

    tun->fd[0] = tun->fd[1] = tun->wake_fd = -1;
    g_mutex_init(&tun->lock);
    tun->ns[0] = g_strdup(ns_a);
    tun->ns[1] = g_strdup(ns_b);
    tun->queue[LINKEMU_DIR_A_TO_B] = linkemu_queue_new(spec, seed);
    tun->queue[LINKEMU_DIR_B_TO_A] = linkemu_queue_new(spec, seed ^ TUN_SEED_MIX);
    if (!tun_side_open(tun, 0, error) || !tun_side_open(tun, 1, error))
        return NULL;
    tun->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (tun->wake_fd < 0) {
        int saved_errno = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                    "creating the link emulator's wake-up eventfd: %s", g_strerror(saved_errno));
        return NULL;
    }
    tun->thread = g_thread_try_new("linkemu", tun_thread_main, tun, error);
    if (tun->thread == NULL)
        return NULL;
    return g_steal_pointer(&tun);
}

/* Copies the counters of one direction. */
void linkemu_tun_get_counters(LcLinkTun *tun, LcLinkDir dir, LcLinkCounters *counters)
{
    g_mutex_lock(&tun->lock);
    linkemu_queue_get_counters(tun->queue[dir], counters);
    counters->write_errors = tun->write_errors[dir];
    g_mutex_unlock(&tun->lock);
}

/* Wakes the thread with a stop request and waits for it to end. */
static void tun_thread_stop(LcLinkTun *tun)
{
    guint64 one = 1;

    g_atomic_int_set(&tun->stopping, 1);
    if (write(tun->wake_fd, &one, sizeof one) < 0)
        g_warning("link emulator: waking the thread to stop: %s", g_strerror(errno));
    g_thread_join(tun->thread);
    tun->thread = NULL;
}

/* Stops the thread, closes the devices (they vanish) and frees tun. */
void linkemu_tun_stop(LcLinkTun *tun)
{
    if (tun == NULL)
        return;
    if (tun->thread != NULL)
        tun_thread_stop(tun);
    for (guint i = 0; i < 2; i++) {
        if (tun->fd[i] >= 0)
            close(tun->fd[i]);
        linkemu_queue_free(tun->queue[i]);
        g_free(tun->ns[i]);
    }
    if (tun->wake_fd >= 0)
        close(tun->wake_fd);
    g_mutex_clear(&tun->lock);
    g_free(tun);
}
