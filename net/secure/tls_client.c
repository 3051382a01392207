/* tls_client.c: the client's TLS handshake and the relay's pinned fingerprint. */
#include "net/secure/tls_client.h"

#include "net/secure/known_relays.h"
#include "net/secure/tls_identity.h"

typedef struct {
    char *relay;
    char *expect;
    char *known_relays;
    GTlsConnection *tls;
    char *fingerprint; /* the relay's, once checked */
    gboolean first_use;
} LcTlsDial;

/* Frees a handshake's state. */
static void tls_dial_free(gpointer data)
{
    LcTlsDial *dial = data;
    g_free(dial->relay);
    g_free(dial->expect);
    g_free(dial->known_relays);
    g_clear_object(&dial->tls);
    g_free(dial->fingerprint);
    g_free(dial);
}

/* No CA vouches for a relay's self-signed certificate: every certificate
 * passes the handshake, and its fingerprint is checked once it is done. */
static gboolean tls_client_on_accept_certificate(GTlsConnection *tls, GTlsCertificate *peer,
                                                 GTlsCertificateFlags errors, gpointer data)
{
    return TRUE;
}

/* Checks the relay's fingerprint against the expected one or the pins. */
static gboolean tls_client_check_pin(LcTlsDial *dial, GError **error)
{
    GTlsCertificate *peer = g_tls_connection_get_peer_certificate(dial->tls);
    if (peer != NULL)
        dial->fingerprint = tls_identity_fingerprint(peer);
    if (dial->fingerprint == NULL) {
        g_set_error(error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                    "the relay %s showed no certificate", dial->relay);
        return FALSE;
    }
    if (dial->expect != NULL) {
        if (g_ascii_strcasecmp(dial->expect, dial->fingerprint) == 0)
            return TRUE;
        g_set_error(error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                    "REFUSED: relay %s showed certificate %s where %s was expected (the one "
                    "its control connection showed)",
                    dial->relay, dial->fingerprint, dial->expect);
        return FALSE;
    }
    g_autofree char *path =
        dial->known_relays ? g_strdup(dial->known_relays) : known_relays_default_path();
    g_autofree char *pinned = NULL;
    g_autoptr(GError) file_error = NULL;
    int known = known_relays_check(path, dial->relay, dial->fingerprint, &pinned, &file_error);
    if (known < 0 || (known == KNOWN_RELAY_NEW &&
                      !known_relays_pin(path, dial->relay, dial->fingerprint, &file_error))) {
        /* Not a passing trouble: every try would meet it (a file that
         * cannot be read or written), and the relay would go unchecked. */
        g_set_error(error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                    "cannot check relay %s's certificate %s against the pins: %s", dial->relay,
                    dial->fingerprint, file_error->message);
        return FALSE;
    }
    if (known == KNOWN_RELAY_CHANGED) {
        g_propagate_error(error,
                          known_relays_changed_error(path, dial->relay, pinned, dial->fingerprint));
        return FALSE;
    }
    dial->first_use = known == KNOWN_RELAY_NEW;
    return TRUE;
}

/* The handshake is over: check the pin. */
static void tls_client_on_handshake(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GTask) task = data;
    LcTlsDial *dial = g_task_get_task_data(task);
    GError *error = NULL;
    if (!g_tls_connection_handshake_finish(G_TLS_CONNECTION(source), result, &error)) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error(&error, "TLS handshake with %s: ", dial->relay);
        g_task_return_error(task, error);
        return;
    }
    if (!tls_client_check_pin(dial, &error)) {
        g_task_return_error(task, error);
        return;
    }
    g_task_return_boolean(task, TRUE);
}

/* Starts the handshake. */
void tls_client_handshake_async(GIOStream *base, const LcTlsPin *pin, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    LcTlsDial *dial = g_new0(LcTlsDial, 1);
    dial->relay = g_strdup(pin->relay);
    dial->expect = g_strdup(pin->expect);
    dial->known_relays = g_strdup(pin->known_relays);
    g_task_set_task_data(task, dial, tls_dial_free);
    GError *error = NULL;
    GIOStream *tls = g_tls_client_connection_new(base, NULL, &error);
    if (tls == NULL) {
        g_prefix_error(&error, "TLS (is glib-networking installed?): ");
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    dial->tls = G_TLS_CONNECTION(tls);
    g_signal_connect(tls, "accept-certificate", G_CALLBACK(tls_client_on_accept_certificate), NULL);
    g_tls_connection_handshake_async(dial->tls, G_PRIORITY_DEFAULT, cancellable,
                                     tls_client_on_handshake, task);
}

/* The connection, checked. */
GTlsConnection *tls_client_handshake_finish(GAsyncResult *result, char **fingerprint,
                                            gboolean *first_use, GError **error)
{
    GTask *task = G_TASK(result);
    if (!g_task_propagate_boolean(task, error))
        return NULL;
    LcTlsDial *dial = g_task_get_task_data(task);
    if (fingerprint != NULL)
        *fingerprint = g_strdup(dial->fingerprint);
    if (first_use != NULL)
        *first_use = dial->first_use;
    return g_object_ref(dial->tls);
}

typedef struct {
    gboolean tls;
    LcTlsPin pin; /* its strings owned */
} LcTlsConnect;

/* Frees a connect's state. */
static void tls_connect_free(gpointer data)
{
    LcTlsConnect *c = data;
    g_free((char *)c->pin.relay);
    g_free((char *)c->pin.expect);
    g_free((char *)c->pin.known_relays);
    g_free(c);
}

/* TLS is up over the connection, or failed. */
static void tls_client_on_connect_tls(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GTask) task = data;
    GError *error = NULL;
    GTlsConnection *tls = tls_client_handshake_finish(result, NULL, NULL, &error);
    if (tls == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, tls, g_object_unref);
}

/* Connected, or not: TLS next, when asked for. */
static void tls_client_on_connect(GObject *source, GAsyncResult *result, gpointer data)
{
    g_autoptr(GTask) task = data;
    LcTlsConnect *c = g_task_get_task_data(task);
    GError *error = NULL;
    GSocketConnection *connection =
        g_socket_client_connect_finish(G_SOCKET_CLIENT(source), result, &error);
    if (connection == NULL) {
        g_task_return_error(task, error);
        return;
    }
    if (!c->tls) {
        g_task_return_pointer(task, connection, g_object_unref);
        return;
    }
    tls_client_handshake_async(G_IO_STREAM(connection), &c->pin, g_task_get_cancellable(task),
                               tls_client_on_connect_tls, g_object_ref(task));
    g_object_unref(connection);
}

/* Connects, and makes TLS when pinned. */
void tls_client_connect_async(GInetAddress *ip, guint16 port, guint timeout_s, const LcTlsPin *pin,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    LcTlsConnect *c = g_new0(LcTlsConnect, 1);
    c->tls = pin != NULL;
    if (pin != NULL) {
        c->pin.relay = g_strdup(pin->relay);
        c->pin.expect = g_strdup(pin->expect);
        c->pin.known_relays = g_strdup(pin->known_relays);
    }
    g_task_set_task_data(task, c, tls_connect_free);
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new(ip, port);
    g_socket_client_set_timeout(client, timeout_s);
    g_socket_client_connect_async(client, G_SOCKET_CONNECTABLE(address), cancellable,
                                  tls_client_on_connect, task);
}

/* The connection. */
GIOStream *tls_client_connect_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}
