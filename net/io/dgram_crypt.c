/* dgram_crypt.c: lanconf datagrams sealed and opened. */
#include "net/io/dgram_crypt.h"

#include "net/wire/wire.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

/* Sets up both directions of a key. */
gboolean dgram_crypt_key_init(LcDgramKey *key, const guint8 *bytes, gboolean relay, GError **error)
{
    key->tx = dgram_seal_new(bytes, relay ? DGRAM_CRYPT_FROM_RELAY : DGRAM_CRYPT_TO_RELAY, error);
    key->rx = key->tx ? dgram_seal_new(bytes, relay ? DGRAM_CRYPT_TO_RELAY : DGRAM_CRYPT_FROM_RELAY,
                                       error)
                      : NULL;
    if (key->rx == NULL)
        g_clear_pointer(&key->tx, dgram_seal_free);
    return key->rx != NULL;
}

/* Frees both directions. */
void dgram_crypt_key_clear(LcDgramKey *key)
{
    g_clear_pointer(&key->tx, dgram_seal_free);
    g_clear_pointer(&key->rx, dgram_seal_free);
}

/* A fresh random key. */
GBytes *dgram_crypt_new_key(void)
{
    guint8 *bytes = g_malloc(WIRE_UDP_KEY_SIZE);
    if (gnutls_rnd(GNUTLS_RND_KEY, bytes, WIRE_UDP_KEY_SIZE) < 0)
        g_error("no random numbers for a UDP key"); /* the system is broken */
    return g_bytes_new_take(bytes, WIRE_UDP_KEY_SIZE);
}

/* Seals a plain datagram given as vectors. */
gsize dgram_crypt_seal(LcDgramKey *key, const GOutputVector *vec, guint n, guint8 *out)
{
    guint8 plain[DGRAM_MAX_SIZE];
    gsize len = 0;
    for (guint i = 0; i < n; i++) {
        if (vec[i].size > sizeof(plain) - len)
            return 0;
        memcpy(plain + len, vec[i].buffer, vec[i].size);
        len += vec[i].size;
    }
    if (len < DGRAM_HEADER_SIZE)
        return 0;
    plain[2] = DGRAM_VERSION_SEALED; /* authenticated with the rest of the header */
    return dgram_seal_seal(key->tx, plain, len, DGRAM_HEADER_SIZE, out, NULL);
}

/* Opens a sealed datagram. */
LcDgramSealVerdict dgram_crypt_open(LcDgramKey *key, const guint8 *in, gsize len, guint8 *out,
                                    gsize *out_len)
{
    LcDgramSealVerdict verdict = dgram_seal_open(key->rx, in, len, DGRAM_HEADER_SIZE, out, out_len);
    if (verdict == DGRAM_SEAL_OK)
        out[2] = DGRAM_VERSION;
    return verdict;
}
