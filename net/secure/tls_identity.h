/* tls_identity.h: the relay's TLS identity: a private key and a
 * certificate, and the certificate's SHA-256 fingerprint that clients pin.
 *
 * On first start the relay has neither: tls_identity_load() creates an
 * ECDSA P-256 key and a self-signed certificate for it (GnuTLS) in the
 * relay's data directory, the key readable by its owner only, and every
 * later start loads the same pair, so the fingerprint clients pinned stays
 * true. A real certificate and key (--tls-cert, --tls-key) are loaded as
 * they are. The certificate is handed to GIO (GTlsCertificate, through
 * glib-networking's GnuTLS backend) for the connections themselves.
 */
#pragma once

#include <gio/gio.h>

#define TLS_IDENTITY_CERT_FILE "relay-cert.pem"
#define TLS_IDENTITY_KEY_FILE  "relay-key.pem"

typedef struct {
    GTlsCertificate *certificate; /* with its private key */
    char *fingerprint;            /* "SHA256:" and 32 hex pairs joined by ':' */
    char *cert_path;
    char *key_path;
    gboolean created; /* made just now (first start) */
} LcTlsIdentity;

/* Loads cert_path and key_path when both are given; else the pair in dir,
 * made there (dir too) when neither file exists yet. One of the two
 * files without the other, an unreadable or mismatched pair, is an error
 * that names the file. */
LcTlsIdentity *tls_identity_load(const char *dir, const char *cert_path, const char *key_path,
                                 GError **error);

/* The SHA-256 fingerprint of a certificate (its DER bytes), as
 * "SHA256:AB:CD:..." (what `openssl x509 -fingerprint -sha256` prints after
 * its "=" sign). */
char *tls_identity_fingerprint(GTlsCertificate *certificate);

void tls_identity_free(LcTlsIdentity *identity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcTlsIdentity, tls_identity_free)
