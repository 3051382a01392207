/* dgram_crypt.c: lanconf datagrams sealed and opened. */
#include "net/io/dgram_crypt.h"

#include "net/wire/wire.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

/* Sets up both directions of a key. */
gboolean dgram_crypt_key_init(LcDgramKey *key, const guint8 *bytes, gboolean relay, guint64 token,
                              GError **error)
{
    static const char label[] = "lanconf udp id";
    guint8 digest[32];
    gsize digest_len = sizeof(digest);
    g_autoptr(GHmac) hmac = g_hmac_new(G_CHECKSUM_SHA256, bytes, WIRE_UDP_KEY_SIZE);
    g_hmac_update(hmac, (const guchar *)label, sizeof(label) - 1);
    g_hmac_get_digest(hmac, digest, &digest_len);
    guint64 id = 0;
    memcpy(&id, digest, sizeof(id));
    key->udp_id = GUINT64_FROM_BE(id) | 1; /* never 0 */
    key->token = token;
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
    /* Authenticated with the rest of the header: the version, and the key's
     * id in place of the token. */
    plain[2] = DGRAM_VERSION_SEALED;
    guint64 id = GUINT64_TO_BE(key->udp_id);
    memcpy(plain + 8, &id, sizeof(id));
    return dgram_seal_seal(key->tx, plain, len, DGRAM_HEADER_SIZE, out, NULL);
}

/* Opens a sealed datagram. */
LcDgramSealVerdict dgram_crypt_open(LcDgramKey *key, const guint8 *in, gsize len, guint8 *out,
                                    gsize out_size, gsize *out_len)
{
    LcDgramSealVerdict verdict =
        dgram_seal_open(key->rx, in, len, DGRAM_HEADER_SIZE, out, out_size, out_len);
    if (verdict == DGRAM_SEAL_OK) {
        out[2] = DGRAM_VERSION;
        guint64 token = GUINT64_TO_BE(key->token);
        memcpy(out + 8, &token, sizeof(token));
    }
    return verdict;
}
