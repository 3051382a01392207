/* relay_listen.c: the relay's TCP accept loop, with a descriptor in reserve. */
#include "net/relay/relay_listen.h"

#include "net/io/source.h"
#include "net/io/watch.h"
#include "net/wire/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELAY_ACCEPT_BATCH    64  /* connections taken per wake-up */
#define RELAY_ACCEPT_PAUSE_MS 100 /* pause after running out of descriptors */

struct _LcRelayListener {
    GSocket *socket;
    guint16 port;
    LcRelayAcceptFunc func;
    gpointer user_data;
    LcWatch *watch;   /* G_IO_IN while accepting */
    GSource *resume;  /* one-shot: accept again after a pause */
    int spare_fd;     /* held in reserve, given up to accept-and-refuse */
    gboolean starved; /* out of descriptors since the last accept that worked */
    gboolean stopped;
    guint64 refused;
};

static gboolean relay_listener_on_incoming(GSocket *socket, GIOCondition cond, gpointer data);

/* Takes the reserve descriptor (again). */
static void relay_listener_take_spare(LcRelayListener *l)
{
    if (l->spare_fd < 0)
        l->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Watches for connections, unless stopped or pausing. */
static void relay_listener_watch(LcRelayListener *l)
{
    if (l->watch == NULL && l->resume == NULL && !l->stopped)
        l->watch = watch_add_socket(l->socket, G_IO_IN, relay_listener_on_incoming, l);
}

/* The pause is over. */
static void relay_listener_on_resume(gpointer data)
{
    LcRelayListener *l = data;
    relay_listener_take_spare(l);
    relay_listener_watch(l);
}

/*
 * Out of descriptors: give up the reserve, accept the first waiting
 * connection with it, tell it SERVER_FULL (best effort: a small frame into
 * an empty socket buffer) and close it; then pause accepting. Logged once
 * per episode.
 */
static void relay_listener_starve(LcRelayListener *l, const GError *error)
{
    if (!l->starved)
        g_warning("out of file descriptors (%s): refusing new connections with SERVER_FULL "
                  "until some close; raise the limit (ulimit -n) or lower max_clients",
                  error->message);
    l->starved = TRUE;
    if (l->spare_fd >= 0) {
        close(l->spare_fd);
        l->spare_fd = -1;
    }
    int fd = accept4(g_socket_get_fd(l->socket), NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
        g_autoptr(GBytes) frame =
            wire_encode_error(WIRE_ERR_SERVER_FULL, TRUE, 0, "relay out of file descriptors");
        gsize size = 0;
        const void *bytes = g_bytes_get_data(frame, &size);
        if (send(fd, bytes, size, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
            g_debug("could not tell a refused connection why: %s", g_strerror(errno));
        close(fd);
        l->refused++;
    }
    relay_listener_take_spare(l);
    watch_drop(&l->watch);
    source_once(&l->resume, RELAY_ACCEPT_PAUSE_MS, relay_listener_on_resume, l);
}

/* Accepts what is waiting (a batch at most, for fairness). */
static gboolean relay_listener_on_incoming(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcRelayListener *l = data;
    for (guint i = 0; i < RELAY_ACCEPT_BATCH && !l->stopped; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSocket) accepted = g_socket_accept(socket, NULL, &error);
        if (accepted == NULL) {
            if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                break;
            if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES)) {
                relay_listener_starve(l, error);
                return G_SOURCE_CONTINUE; /* the watch was dropped; a pause follows */
            }
            g_debug("accept: %s", error->message); /* the peer gave up meanwhile */
            continue;
        }
        if (l->starved)
            g_message("descriptors available again after %" G_GUINT64_FORMAT
                      " connections were refused",
                      l->refused);
        l->starved = FALSE;
        g_autoptr(GSocketConnection) connection =
            g_socket_connection_factory_create_connection(accepted);
        l->func(connection, l->user_data);
    }
    return G_SOURCE_CONTINUE;
}

/* Raises the soft limit on open files and fits max_clients into it. */
guint relay_listen_fit_descriptors(guint max_clients)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return max_clients;
    if (limit.rlim_cur < limit.rlim_max) {
        struct rlimit raised = {limit.rlim_max, limit.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    rlim_t need = (rlim_t)max_clients + RELAY_FD_RESERVE;
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= need)
        return max_clients;
    guint fit = limit.rlim_cur > 2 * RELAY_FD_RESERVE ? (guint)(limit.rlim_cur - RELAY_FD_RESERVE)
                                                      : (guint)(limit.rlim_cur / 2);
    g_warning("max_clients lowered from %u to %u: this process may open only %llu files "
              "(ulimit -n); raise that limit to serve more",
              max_clients, fit, (unsigned long long)limit.rlim_cur);
    return fit;
}

/* Listens on ip:port. */
LcRelayListener *relay_listener_new(GInetAddress *ip, guint16 port, LcRelayAcceptFunc func,
                                    gpointer user_data, GError **error)
{
    g_autoptr(GSocket) socket = g_socket_new(g_inet_address_get_family(ip), G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, error);
    if (socket == NULL)
        return NULL;
    g_autoptr(GSocketAddress) want = g_inet_socket_address_new(ip, port);
    g_socket_set_blocking(socket, FALSE);
    g_socket_set_listen_backlog(socket, SOMAXCONN);
    if (!g_socket_bind(socket, want, TRUE, error) || !g_socket_listen(socket, error))
        return NULL;
    g_autoptr(GSocketAddress) got = g_socket_get_local_address(socket, error);
    if (got == NULL)
        return NULL;
    LcRelayListener *l = g_new0(LcRelayListener, 1);
    l->socket = g_steal_pointer(&socket);
    l->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(got));
    l->func = func;
    l->user_data = user_data;
    l->spare_fd = -1;
    relay_listener_take_spare(l);
    relay_listener_watch(l);
    return l;
}

/* The port listened on. */
guint16 relay_listener_get_port(LcRelayListener *listener)
{
    return listener->port;
}

/* Connections refused for want of descriptors. */
guint64 relay_listener_get_refused(LcRelayListener *listener)
{
    return listener->refused;
}

/* Stops accepting. */
void relay_listener_stop(LcRelayListener *listener)
{
    listener->stopped = TRUE;
    watch_drop(&listener->watch);
    source_drop(&listener->resume);
}

/* Stops and closes. */
void relay_listener_free(LcRelayListener *listener)
{
    if (listener == NULL)
        return;
    relay_listener_stop(listener);
    if (listener->spare_fd >= 0)
        close(listener->spare_fd);
    g_socket_close(listener->socket, NULL);
    g_object_unref(listener->socket);
    g_free(listener);
}
