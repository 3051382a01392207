/* dgram_crypt.h: lanconf's UDP datagrams (net/wire/chan_dgram.h) sealed
 * and opened with a stream's or a view's key (net/secure/dgram_seal.h).
 *
 * A sealed datagram is the plain one with its version byte set to
 * DGRAM_VERSION_SEALED and its token replaced by the key's id (the token
 * itself travels over TLS only: it is what opens a video TCP channel), its
 * 20-byte header left in clear (a receiver finds the key by it) and
 * authenticated, then the 8-byte counter, the rest encrypted, and the
 * 16-byte tag: DGRAM_SEAL_OVERHEAD bytes more. Keys come in STREAM_READY and
 * VIEW_READY over TLS; each key has two directions.
 */
#pragma once

#include "net/secure/dgram_seal.h"
#include "net/wire/chan_dgram.h"

#define DGRAM_CRYPT_TO_RELAY   1 /* client to relay */
#define DGRAM_CRYPT_FROM_RELAY 2 /* relay to client */
#define DGRAM_CRYPT_MAX_SIZE   (DGRAM_MAX_SIZE + DGRAM_SEAL_OVERHEAD)

/* The two ends of one key (a stream's or a view's): what the holder seals
 * with and what it opens with. */
typedef struct {
    LcDgramSeal *tx;
    LcDgramSeal *rx;
    guint64 token;  /* the stream's or view's token, which sealed datagrams do not carry */
    guint64 udp_id; /* what they carry in its place: HMAC-SHA256(key, "lanconf udp id") */
} LcDgramKey;

/* Sets up both directions of a WIRE_UDP_KEY_SIZE-byte key for the relay
 * (relay: TRUE) or a client, for the stream or view of token; FALSE with
 * an error if the cipher is missing. */
gboolean dgram_crypt_key_init(LcDgramKey *key, const guint8 *bytes, gboolean relay, guint64 token,
                              GError **error);
void dgram_crypt_key_clear(LcDgramKey *key);
/* Whether the key is set (a sealed stream or view). */
#define dgram_crypt_key_is_set(k) ((k)->tx != NULL)

/* A fresh random key (gnutls_rnd). */
GBytes *dgram_crypt_new_key(void);

/* Seals the plain datagram in vec[0..n) (len bytes in all) into out (room
 * for DGRAM_CRYPT_MAX_SIZE bytes); returns the sealed length, 0 when the
 * key's counter is used up. */
gsize dgram_crypt_seal(LcDgramKey *key, const GOutputVector *vec, guint n, guint8 *out);

/* Opens a sealed datagram into out (room for out_size bytes: a longer one
 * is DGRAM_SEAL_TOO_LONG); on DGRAM_SEAL_OK *out_len is the plain
 * datagram's length and out, its token back in place, parses with
 * chan_dgram_parse(). */
LcDgramSealVerdict dgram_crypt_open(LcDgramKey *key, const guint8 *in, gsize len, guint8 *out,
                                    gsize out_size, gsize *out_len);
