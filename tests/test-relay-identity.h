/* test-relay-identity.h: the one TLS identity of every relay a test
 * program starts (in-process or as lanconf-relay), made on first use in
 * the program's configuration folder (tests/test-env.c). Clients pin a
 * relay's certificate by address and port; relays started one after
 * another on a port the system hands out again must show the certificate
 * pinned there, unless a test means to change it. Header-only. */
#pragma once

#include "net/secure/tls_identity.h"

/* The certificate and key files (new strings). */
static inline void test_relay_identity(char **cert, char **key)
{
    g_autofree char *dir = g_build_filename(g_get_user_config_dir(), "test-relay", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(LcTlsIdentity) identity = tls_identity_load(dir, NULL, NULL, &error);
    g_assert_no_error(error);
    *cert = g_strdup(identity->cert_path);
    *key = g_strdup(identity->key_path);
}
