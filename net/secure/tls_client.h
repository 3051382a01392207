/* tls_client.h: a client's side of TLS to the relay: the handshake over a
 * connected socket, and the relay's certificate checked against a pin.
 *
 * The relay's certificate is self-signed (tls_identity.h), so no CA could
 * vouch for it; what is checked instead is its SHA-256 fingerprint, as ssh
 * checks host keys. The control connection pins it on first use in the
 * known-relays file (known_relays.h) and refuses a changed one; the
 * channels that follow (video TCP, the shared viewer connection) must show
 * the very fingerprint their session accepted.
 */
#pragma once

#include <gio/gio.h>

typedef struct {
    const char *relay;        /* "host:port": the relay's name in the known-relays file */
    const char *expect;       /* the fingerprint the relay must show, or NULL: */
    const char *known_relays; /* check (and pin on first use) in this file; NULL: the default */
} LcTlsPin;

/* Starts a TLS handshake as a client over base (a connected
 * GSocketConnection); callback runs on the thread-default main context. */
void tls_client_handshake_async(GIOStream *base, const LcTlsPin *pin, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);

/* The connection, its handshake done and the relay's certificate checked;
 * *fingerprint (when given) gets the relay's fingerprint and *first_use
 * (when given) whether it was pinned just now. A changed certificate is
 * G_TLS_ERROR_BAD_CERTIFICATE with both fingerprints and what to do. */
GTlsConnection *tls_client_handshake_finish(GAsyncResult *result, char **fingerprint,
                                            gboolean *first_use, GError **error);

/* Connects to ip:port within timeout_s and, when pin is given, makes TLS
 * over the connection and checks the relay's certificate against pin (its
 * strings are copied); callback runs on the thread-default main context. */
void tls_client_connect_async(GInetAddress *ip, guint16 port, guint timeout_s, const LcTlsPin *pin,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);

/* The connection: a GTlsConnection when a pin was given, else the
 * GSocketConnection. */
GIOStream *tls_client_connect_finish(GAsyncResult *result, GError **error);
