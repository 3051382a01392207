/* relay_tls.h: the relay's side of TLS, between accepting a connection and
 * serving it.
 *
 * Every accepted connection waits here until it speaks. A first byte of
 * 0x16 (a TLS record carrying a ClientHello) starts a handshake with the
 * relay's identity (tls_identity.h) through GIO's GTlsServerConnection.
 * A relay that allows plaintext (--insecure) serves anything else in clear
 * (its framing errors are told as ever); a TLS-only one answers a first
 * byte 'L' (a lanconf frame) in clear with an ERROR that says why, and
 * closes anything else without a word; so is a
 * connection silent past the deadline (with a TIMEOUT ERROR in clear where
 * plaintext is allowed: it may be a plaintext client that never said HELLO).
 *
 * glib-networking runs each handshake on a worker thread of GLib's pool,
 * so connections that say nothing or stall could hold those threads: a
 * handshake starts only once the whole first record (the ClientHello) is
 * there, at most 64 run at once (32 from one address; the others wait their
 * turn), every connection here has until the HELLO deadline to be served,
 * and those waiting at once are capped in all (max_clients) and per
 * address (max_clients_per_ip); past a cap a connection is closed at once.
 */
#pragma once

#include "net/relay/relay.h"

#include <gio/gio.h>

typedef struct _LcRelayTls LcRelayTls;

/* A connection ready to serve: tls is its TLS connection, handshake done,
 * or NULL for a plaintext one. The callee takes its own references. */
typedef void (*LcRelayTlsReadyFunc)(GSocketConnection *connection, GTlsConnection *tls,
                                    gpointer user_data);

/* Loads (or makes, on first start) the relay's identity as config says:
 * tls_cert and tls_key, else the pair in data_dir, else (no data_dir) a
 * pair for this run only. */
LcRelayTls *relay_tls_new(const LcRelayConfig *config, LcRelayTlsReadyFunc func, gpointer user_data,
                          GError **error);

/* Takes an accepted connection (a reference). */
void relay_tls_accept(LcRelayTls *tls, GSocketConnection *connection);

/* The certificate's fingerprint, "SHA256:AB:...". */
const char *relay_tls_get_fingerprint(LcRelayTls *tls);
/* Where the certificate is (NULL for one made for this run only), and
 * whether it was made just now. */
const char *relay_tls_get_cert_path(LcRelayTls *tls, gboolean *created);
/* Connections closed before being served: failed or late handshakes,
 * plaintext refused, caps reached. */
guint64 relay_tls_get_refused(LcRelayTls *tls);
/* Those of them that ran out of time (counted in both). */
guint64 relay_tls_get_timeouts(LcRelayTls *tls);

/* Cancels the handshakes under way (each one's callback frees what it
 * holds) and frees. NULL is ignored. */
void relay_tls_free(LcRelayTls *tls);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcRelayTls, relay_tls_free)
