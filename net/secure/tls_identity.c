/* tls_identity.c: the relay's key and certificate, made on first start
 * with GnuTLS, loaded for GIO (see tls_identity.h). */
#include "net/secure/tls_identity.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <time.h>

#define TLS_IDENTITY_YEARS 20 /* a self-signed certificate is pinned, not renewed */

/* Sets error from a GnuTLS status; TRUE when rc is a success. */
static gboolean tls_identity_ok(int rc, const char *what, GError **error)
{
    if (rc >= 0)
        return TRUE;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror(rc));
    return FALSE;
}

/* Writes a GnuTLS datum to path, readable by mode, whole or not at all. */
static gboolean tls_identity_write(const char *path, const gnutls_datum_t *data, int mode,
                                   GError **error)
{
    if (!g_file_set_contents_full(path, (const char *)data->data, (gssize)data->size,
                                  G_FILE_SET_CONTENTS_CONSISTENT, mode, error)) {
        g_prefix_error(error, "cannot write %s: ", path);
        return FALSE;
    }
    return TRUE;
}

/* Fills a new certificate for key: self-signed, for TLS servers, named
 * after the relay and this host. */
static gboolean tls_identity_fill(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, GError **error)
{
    guint8 serial[16];
    if (!tls_identity_ok(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)), "serial", error))
        return FALSE;
    serial[0] &= 0x7F; /* a positive number */
    time_t now = time(NULL);
    const char *name = "lanconf-relay";
    const char *host = g_get_host_name();
    int rc = gnutls_x509_crt_set_version(crt, 3);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
    if (rc >= 0)
        rc = gnutls_x509_crt_set_activation_time(crt, now - 3600);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_expiration_time(crt,
                                                 now + (time_t)TLS_IDENTITY_YEARS * 365 * 86400);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, name,
                                           (unsigned)strlen(name));
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host,
                                                  (unsigned)strlen(host), GNUTLS_FSAN_SET);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key(crt, key);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
    if (rc >= 0)
        rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
    return tls_identity_ok(rc, "cannot make the relay's certificate", error);
}

/* Makes an ECDSA P-256 key and a self-signed certificate for it. The key
 * is written first, readable by its owner only; a crash between the two
 * leaves a key without a certificate, which the next start reports. */
static gboolean tls_identity_create(const char *cert_path, const char *key_path, GError **error)
{
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t key_pem = {NULL, 0}, crt_pem = {NULL, 0};
    gboolean ok = tls_identity_ok(gnutls_x509_privkey_init(&key), "key", error) &&
                  tls_identity_ok(gnutls_x509_privkey_generate(
                                      key, GNUTLS_PK_ECDSA,
                                      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
                                  "cannot make the relay's key", error) &&
                  tls_identity_ok(gnutls_x509_crt_init(&crt), "certificate", error) &&
                  tls_identity_fill(crt, key, error) &&
                  tls_identity_ok(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &key_pem),
                                  "cannot export the relay's key", error) &&
                  tls_identity_ok(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &crt_pem),
                                  "cannot export the relay's certificate", error) &&
                  tls_identity_write(key_path, &key_pem, 0600, error) &&
                  tls_identity_write(cert_path, &crt_pem, 0644, error);
    gnutls_free(key_pem.data);
    gnutls_free(crt_pem.data);
    if (crt != NULL)
        gnutls_x509_crt_deinit(crt);
    if (key != NULL)
        gnutls_x509_privkey_deinit(key);
    return ok;
}

/* Checks that the key belongs to the certificate (GIO would only find out
 * at the first handshake). */
static gboolean tls_identity_check_pair(const char *cert_path, const char *key_path, GError **error)
{
    const char *paths[] = {cert_path, key_path};
    const char *what[] = {"TLS certificate", "TLS key"};
    for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
        if (!g_file_test(paths[i], G_FILE_TEST_IS_REGULAR)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s %s: %s", what[i], paths[i],
                        g_file_test(paths[i], G_FILE_TEST_EXISTS) ? "not a regular file"
                                                                  : "no such file");
            return FALSE;
        }
    }
    gnutls_certificate_credentials_t creds = NULL;
    int rc = gnutls_certificate_allocate_credentials(&creds);
    if (rc >= 0)
        rc = gnutls_certificate_set_x509_key_file(creds, cert_path, key_path, GNUTLS_X509_FMT_PEM);
    if (creds != NULL)
        gnutls_certificate_free_credentials(creds);
    if (rc >= 0)
        return TRUE;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "TLS certificate %s and key %s: %s (both PEM: the certificate, then its private "
                "key)",
                cert_path, key_path, gnutls_strerror(rc));
    return FALSE;
}

/* The SHA-256 fingerprint of a certificate. */
char *tls_identity_fingerprint(GTlsCertificate *certificate)
{
    g_autoptr(GByteArray) der = NULL;
    g_object_get(certificate, "certificate", &der, NULL);
    if (der == NULL)
        return NULL;
    guint8 digest[32];
    gsize len = sizeof(digest);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, der->data, der->len);
    g_checksum_get_digest(sum, digest, &len);
    GString *out = g_string_new("SHA256");
    for (gsize i = 0; i < len; i++)
        g_string_append_printf(out, ":%02X", digest[i]);
    return g_string_free(out, FALSE);
}

/* Loads the relay's identity, making it on first start. */
LcTlsIdentity *tls_identity_load(const char *dir, const char *cert_path, const char *key_path,
                                 GError **error)
{
    if ((cert_path == NULL) != (key_path == NULL)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "a TLS certificate needs its key, and a key its certificate: give both");
        return NULL;
    }
    g_autoptr(LcTlsIdentity) id = g_new0(LcTlsIdentity, 1);
    if (cert_path != NULL) {
        id->cert_path = g_strdup(cert_path);
        id->key_path = g_strdup(key_path);
    } else {
        id->cert_path = g_build_filename(dir, TLS_IDENTITY_CERT_FILE, NULL);
        id->key_path = g_build_filename(dir, TLS_IDENTITY_KEY_FILE, NULL);
        gboolean has_cert = g_file_test(id->cert_path, G_FILE_TEST_EXISTS);
        gboolean has_key = g_file_test(id->key_path, G_FILE_TEST_EXISTS);
        if (has_cert != has_key) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        "%s is there without %s: restore it, or remove both to make a new "
                        "identity (clients that pinned the old one will refuse the new one)",
                        has_cert ? id->cert_path : id->key_path,
                        has_cert ? id->key_path : id->cert_path);
            return NULL;
        }
        if (!has_cert) {
            if (g_mkdir_with_parents(dir, 0700) != 0) {
                int saved = errno;
                g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "cannot create %s: %s",
                            dir, g_strerror(saved));
                return NULL;
            }
            if (!tls_identity_create(id->cert_path, id->key_path, error))
                return NULL;
            id->created = TRUE;
        }
    }
    if (!tls_identity_check_pair(id->cert_path, id->key_path, error))
        return NULL;
    id->certificate = g_tls_certificate_new_from_files(id->cert_path, id->key_path, error);
    if (id->certificate == NULL) {
        g_prefix_error(error, "TLS certificate %s: ", id->cert_path);
        return NULL;
    }
    id->fingerprint = tls_identity_fingerprint(id->certificate);
    return g_steal_pointer(&id);
}

/* Frees an identity. */
void tls_identity_free(LcTlsIdentity *identity)
{
    if (identity == NULL)
        return;
    g_clear_object(&identity->certificate);
    g_free(identity->fingerprint);
    g_free(identity->cert_path);
    g_free(identity->key_path);
    g_free(identity);
}
