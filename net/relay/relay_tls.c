/* relay_tls.c: sniffing, handshaking and capping connections before they are served. */
#include "net/relay/relay_tls.h"

#include "net/io/source.h"
#include "net/io/watch.h"
#include "net/secure/tls_identity.h"
#include "net/wire/wire.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/socket.h>

#define RELAY_TLS_RECORD_HANDSHAKE 0x16  /* the first byte of a ClientHello's record */
#define RELAY_TLS_RECORD_HEAD      5     /* type, version, length */
#define RELAY_TLS_RECORD_MAX       16384 /* a TLS record's largest plaintext */
#define RELAY_TLS_RETRY_MS         20    /* look again: a record half there, or no worker free */
/* Handshakes under way at once, in all and from one address: each holds a
 * worker thread of GLib's shared pool (10 threads, grown slowly while they
 * are all busy). */
#define RELAY_TLS_MAX_HANDSHAKES        64
#define RELAY_TLS_MAX_HANDSHAKES_PER_IP 32

typedef struct {
    LcRelayTls *owner;
    GSocketConnection *connection;
    GTlsConnection *tls; /* once the handshake has started */
    GCancellable *cancel;
    char *ip;
    LcWatch *watch; /* until the first byte */
    GSource *retry; /* a record half there, or no handshake slot free */
    GSource *deadline;
    gboolean counted; /* holds a handshake slot of its address */
} LcTlsPending;

struct _LcRelayTls {
    LcTlsIdentity *identity;
    gboolean allow_plain;
    guint deadline_ms;
    guint max_pending;
    guint max_pending_per_ip;
    LcRelayTlsReadyFunc func;
    gpointer user_data;
    GHashTable *pending; /* LcTlsPending* set */
    GHashTable *per_ip;  /* ip -> connections waiting here */
    GHashTable *ip_busy; /* ip -> its handshakes under way */
    guint in_flight;     /* handshakes whose callback has not run yet */
    guint64 refused;
    guint64 timeouts;
};

/* Counts one more (+1) or one fewer (-1) for ip in a table of counts
 * (ip -> count; an ip at 0 leaves the table). */
static guint relay_tls_count(GHashTable *counts, const char *ip, gint delta)
{
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, ip));
    n = delta > 0 ? n + 1 : n - 1;
    if (n == 0)
        g_hash_table_remove(counts, ip);
    else
        g_hash_table_insert(counts, g_strdup(ip), GUINT_TO_POINTER(n));
    return n;
}

/* Frees an entry (out of the owner's tables already). */
static void relay_tls_pending_free(LcTlsPending *p)
{
    watch_drop(&p->watch);
    source_drop(&p->retry);
    source_drop(&p->deadline);
    g_clear_object(&p->tls);
    g_clear_object(&p->cancel);
    g_clear_object(&p->connection);
    g_free(p->ip);
    g_free(p);
}

/* Takes an entry out of the owner's tables (and its handshake slot). */
static void relay_tls_forget(LcTlsPending *p)
{
    if (p->owner == NULL)
        return;
    g_hash_table_remove(p->owner->pending, p);
    relay_tls_count(p->owner->per_ip, p->ip, -1);
    if (p->counted) {
        relay_tls_count(p->owner->ip_busy, p->ip, -1);
        p->owner->in_flight--;
        p->counted = FALSE;
    }
    p->owner = NULL;
}

/* Closes a connection that will not be served. */
static void relay_tls_drop(LcTlsPending *p)
{
    if (p->owner != NULL)
        p->owner->refused++;
    relay_tls_forget(p);
    g_io_stream_close(G_IO_STREAM(p->connection), NULL, NULL);
    relay_tls_pending_free(p);
}

/* Tells a plaintext client why it is cut off (in clear, best effort: a
 * small frame into an empty socket buffer), and closes. */
static void relay_tls_refuse_plain(LcTlsPending *p, LcWireErrorCode code, const char *reason)
{
    g_autoptr(GBytes) frame = wire_encode_error(code, TRUE, 0, reason);
    gsize size = 0;
    const void *bytes = g_bytes_get_data(frame, &size);
    GSocket *socket = g_socket_connection_get_socket(p->connection);
    if (send(g_socket_get_fd(socket), bytes, size, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        g_debug("could not tell a plaintext client why: %s", g_strerror(errno));
    relay_tls_drop(p);
}

/* The handshake is over: serve the connection, or close it. */
static void relay_tls_on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
    LcTlsPending *p = data;
    g_autoptr(GError) error = NULL;
    gboolean ok = g_tls_connection_handshake_finish(G_TLS_CONNECTION(source), result, &error);
    if (p->owner == NULL) { /* the relay is gone: its cancelled handshake ends here */
        relay_tls_pending_free(p);
        return;
    }
    LcRelayTls *tls = p->owner;
    if (!ok) {
        if (error != NULL)
            g_debug("TLS handshake with %s: %s", p->ip, error->message);
        relay_tls_drop(p);
        return;
    }
    relay_tls_forget(p);
    tls->func(p->connection, p->tls, tls->user_data);
    relay_tls_pending_free(p);
}

static void relay_tls_on_first_byte(gpointer data);

/* Starts the handshake, once a worker may take it. */
static void relay_tls_start(LcTlsPending *p)
{
    LcRelayTls *tls = p->owner;
    if (tls->in_flight >= RELAY_TLS_MAX_HANDSHAKES ||
        GPOINTER_TO_UINT(g_hash_table_lookup(tls->ip_busy, p->ip)) >=
            RELAY_TLS_MAX_HANDSHAKES_PER_IP) {
        source_once(&p->retry, RELAY_TLS_RETRY_MS, relay_tls_on_first_byte, p);
        return;
    }
    g_autoptr(GError) error = NULL;
    GIOStream *server =
        g_tls_server_connection_new(G_IO_STREAM(p->connection), tls->identity->certificate, &error);
    if (server == NULL) {
        g_warning("TLS: %s", error->message);
        relay_tls_drop(p);
        return;
    }
    p->tls = G_TLS_CONNECTION(server);
    p->counted = TRUE;
    tls->in_flight++;
    relay_tls_count(tls->ip_busy, p->ip, +1);
    g_tls_connection_handshake_async(p->tls, G_PRIORITY_DEFAULT, p->cancel, relay_tls_on_handshake,
                                     p);
}

/*
 * What the connection has sent: TLS, plaintext, or neither. A handshake
 * starts only once the whole first record (the ClientHello) is there, so
 * that a client that stops in the middle of it holds no worker thread: it
 * waits here, looked at again every RELAY_TLS_RETRY_MS, until the deadline.
 */
static void relay_tls_on_first_byte(gpointer data)
{
    LcTlsPending *p = data;
    LcRelayTls *tls = p->owner;
    GSocket *socket = g_socket_connection_get_socket(p->connection);
    guint8 head[RELAY_TLS_RECORD_HEAD + RELAY_TLS_RECORD_MAX];
    ssize_t n = recv(g_socket_get_fd(socket), head, sizeof(head), MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        watch_once_socket(&p->watch, socket, G_IO_IN, relay_tls_on_first_byte, p);
        return;
    }
    if (n == 0) { /* closed without a word: a client probing which relays answer */
        relay_tls_forget(p);
        g_io_stream_close(G_IO_STREAM(p->connection), NULL, NULL);
        relay_tls_pending_free(p);
        return;
    }
    if (n < 0) {
        relay_tls_drop(p);
        return;
    }
    guint8 first = head[0];
    if (first != RELAY_TLS_RECORD_HANDSHAKE && (tls->allow_plain || first == WIRE_MAGIC_0)) {
        if (!tls->allow_plain) {
            relay_tls_refuse_plain(p, WIRE_ERR_PROTOCOL,
                                   "this relay speaks TLS only: a client speaking plaintext "
                                   "(--insecure, insecure=true, a bench's plain run) cannot join; "
                                   "run the relay with --insecure to serve plaintext too");
            return;
        }
        relay_tls_forget(p);
        tls->func(p->connection, NULL, tls->user_data);
        relay_tls_pending_free(p);
        return;
    }
    if (first != RELAY_TLS_RECORD_HANDSHAKE) {
        relay_tls_drop(p);
        return;
    }
    gsize record =
        n >= RELAY_TLS_RECORD_HEAD
            ? RELAY_TLS_RECORD_HEAD + MIN((gsize)head[3] << 8 | head[4], RELAY_TLS_RECORD_MAX)
            : G_MAXSIZE;
    if ((gsize)n < record) {
        source_once(&p->retry, RELAY_TLS_RETRY_MS, relay_tls_on_first_byte, p);
        return;
    }
    relay_tls_start(p);
}

/* The deadline passed before the connection could be served. */
static void relay_tls_on_deadline(gpointer data)
{
    LcTlsPending *p = data;
    p->owner->timeouts++;
    if (p->tls == NULL && p->owner->allow_plain) {
        /* It may be a plaintext client that never said HELLO. */
        relay_tls_refuse_plain(p, WIRE_ERR_TIMEOUT, "no HELLO in time");
        return;
    }
    if (p->tls == NULL) {
        relay_tls_drop(p);
        return;
    }
    g_cancellable_cancel(p->cancel); /* the handshake's callback closes it */
}

/* Takes an accepted connection. */
void relay_tls_accept(LcRelayTls *tls, GSocketConnection *connection)
{
    LcTlsPending *p = g_new0(LcTlsPending, 1);
    p->owner = tls;
    p->connection = g_object_ref(connection);
    p->cancel = g_cancellable_new();
    g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address(connection, NULL);
    p->ip = remote && G_IS_INET_SOCKET_ADDRESS(remote)
                ? g_inet_address_to_string(
                      g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(remote)))
                : g_strdup("unknown");
    g_hash_table_add(tls->pending, p);
    guint from_ip = relay_tls_count(tls->per_ip, p->ip, +1);
    if (g_hash_table_size(tls->pending) > tls->max_pending || from_ip > tls->max_pending_per_ip) {
        relay_tls_drop(p);
        return;
    }
    source_once(&p->deadline, tls->deadline_ms, relay_tls_on_deadline, p);
    watch_once_socket(&p->watch, g_socket_connection_get_socket(connection), G_IO_IN,
                      relay_tls_on_first_byte, p);
}

/* Loads an identity made for this run only (no data directory). */
static LcTlsIdentity *relay_tls_load_ephemeral(GError **error)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-relay-XXXXXX", error);
    if (dir == NULL)
        return NULL;
    LcTlsIdentity *identity = tls_identity_load(dir, NULL, NULL, error);
    g_autofree char *cert = g_build_filename(dir, TLS_IDENTITY_CERT_FILE, NULL);
    g_autofree char *key = g_build_filename(dir, TLS_IDENTITY_KEY_FILE, NULL);
    g_remove(cert);
    g_remove(key);
    g_rmdir(dir);
    if (identity != NULL)
        g_clear_pointer(&identity->cert_path, g_free);
    return identity;
}

/* Loads the relay's identity. */
LcRelayTls *relay_tls_new(const LcRelayConfig *config, LcRelayTlsReadyFunc func, gpointer user_data,
                          GError **error)
{
    LcTlsIdentity *identity =
        config->tls_cert == NULL && config->data_dir == NULL
            ? relay_tls_load_ephemeral(error)
            : tls_identity_load(config->data_dir, config->tls_cert, config->tls_key, error);
    if (identity == NULL)
        return NULL;
    LcRelayTls *tls = g_new0(LcRelayTls, 1);
    tls->identity = identity;
    tls->allow_plain = config->insecure;
    tls->deadline_ms = MAX(config->hello_timeout_s, 1) * 1000;
    tls->max_pending = MAX(config->max_clients, 1);
    tls->max_pending_per_ip = MAX(config->max_clients_per_ip, 1);
    tls->func = func;
    tls->user_data = user_data;
    tls->pending = g_hash_table_new(NULL, NULL);
    tls->per_ip = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    tls->ip_busy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return tls;
}

/* The certificate's fingerprint. */
const char *relay_tls_get_fingerprint(LcRelayTls *tls)
{
    return tls->identity->fingerprint;
}

/* Where the certificate is, and whether it was made just now. */
const char *relay_tls_get_cert_path(LcRelayTls *tls, gboolean *created)
{
    if (created != NULL)
        *created = tls->identity->created;
    return tls->identity->cert_path;
}

/* Connections closed before being served. */
guint64 relay_tls_get_refused(LcRelayTls *tls)
{
    return tls->refused;
}

/* Connections that did not finish their handshake (or say anything) in time. */
guint64 relay_tls_get_timeouts(LcRelayTls *tls)
{
    return tls->timeouts;
}

/*
 * Frees. A handshake under way runs on a worker thread and reports to this
 * thread's main context: it is cancelled and let go of, and its callback
 * frees what it holds (whenever the context runs again; nothing of the
 * relay's is touched then).
 */
void relay_tls_free(LcRelayTls *tls)
{
    if (tls == NULL)
        return;
    GList *all = g_hash_table_get_keys(tls->pending);
    for (GList *l = all; l != NULL; l = l->next) {
        LcTlsPending *p = l->data;
        if (p->tls != NULL) {
            /* Its callback needs this context, which may never run again
             * (a relay thread ending): the client is told at once that the
             * connection is over, not left waiting for the handshake. */
            g_socket_shutdown(g_socket_connection_get_socket(p->connection), TRUE, TRUE, NULL);
            g_cancellable_cancel(p->cancel);
            relay_tls_forget(p);
        } else {
            relay_tls_drop(p);
        }
    }
    g_list_free(all);
    g_hash_table_destroy(tls->pending);
    g_hash_table_destroy(tls->per_ip);
    g_hash_table_destroy(tls->ip_busy);
    tls_identity_free(tls->identity);
    g_free(tls);
}
