/* dgram_seal.c: UDP datagrams sealed with AES-256-GCM (GnuTLS),
 * and a receiver's replay window (see dgram_seal.h). */
#include "net/secure/dgram_seal.h"

#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#define DGRAM_SEAL_NONCE_SIZE 12
#define DGRAM_SEAL_WORDS      (DGRAM_SEAL_WINDOW / 64)

struct _LcDgramSeal {
    gnutls_aead_cipher_hd_t cipher;
    guint32 direction;
    guint64 next; /* the next counter to seal with (from 1) */
    /* The receiver's window: the highest counter opened, and which of the
     * DGRAM_SEAL_WINDOW counters up to it have been (bit i: top - i). */
    guint64 top;
    guint64 seen[DGRAM_SEAL_WORDS];
};

/* A sealer and opener for one key and direction. */
LcDgramSeal *dgram_seal_new(const guint8 key[DGRAM_SEAL_KEY_SIZE], guint32 direction,
                            GError **error)
{
    LcDgramSeal *seal = g_new0(LcDgramSeal, 1);
    gnutls_datum_t k = {(unsigned char *)key, DGRAM_SEAL_KEY_SIZE};
    int rc = gnutls_aead_cipher_init(&seal->cipher, GNUTLS_CIPHER_AES_256_GCM, &k);
    if (rc < 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "AES-256-GCM: %s",
                    gnutls_strerror(rc));
        g_free(seal);
        return NULL;
    }
    seal->direction = direction;
    seal->next = 1;
    return seal;
}

/* The nonce for a counter: the direction, then the counter, big-endian. */
static void dgram_seal_nonce(const LcDgramSeal *seal, guint64 counter,
                             guint8 nonce[DGRAM_SEAL_NONCE_SIZE])
{
    guint32 d = GUINT32_TO_BE(seal->direction);
    guint64 c = GUINT64_TO_BE(counter);
    memcpy(nonce, &d, 4);
    memcpy(nonce + 4, &c, 8);
}

/* Seals a datagram. */
gsize dgram_seal_seal(LcDgramSeal *seal, const guint8 *in, gsize len, gsize clear_len, guint8 *out,
                      GError **error)
{
    g_return_val_if_fail(clear_len <= len, 0);
    if (seal->next == G_MAXUINT64) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                    "datagram counter used up: new key due");
        return 0;
    }
    guint64 counter = seal->next++;
    memmove(out, in, clear_len);
    guint64 be = GUINT64_TO_BE(counter);
    memcpy(out + clear_len, &be, DGRAM_SEAL_COUNTER_SIZE);
    guint8 nonce[DGRAM_SEAL_NONCE_SIZE];
    dgram_seal_nonce(seal, counter, nonce);
    gsize auth = clear_len + DGRAM_SEAL_COUNTER_SIZE;
    size_t ctext_len = len - clear_len + DGRAM_SEAL_TAG_SIZE;
    int rc = gnutls_aead_cipher_encrypt(seal->cipher, nonce, sizeof(nonce), out, auth,
                                        DGRAM_SEAL_TAG_SIZE, in + clear_len, len - clear_len,
                                        out + auth, &ctext_len);
    if (rc < 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "sealing: %s", gnutls_strerror(rc));
        return 0;
    }
    return auth + ctext_len;
}

/* Whether a counter may be opened: not seen, not too old. */
static LcDgramSealVerdict dgram_seal_check(const LcDgramSeal *seal, guint64 counter)
{
    if (counter == 0)
        return DGRAM_SEAL_BAD_TAG; /* never sealed: the first is 1 */
    if (counter > seal->top)
        return DGRAM_SEAL_OK;
    guint64 age = seal->top - counter;
    if (age >= DGRAM_SEAL_WINDOW)
        return DGRAM_SEAL_TOO_OLD;
    return (seal->seen[age / 64] >> (age % 64)) & 1 ? DGRAM_SEAL_REPLAY : DGRAM_SEAL_OK;
}

/* Marks a counter seen, sliding the window up to it when it is newer. */
static void dgram_seal_mark(LcDgramSeal *seal, guint64 counter)
{
    if (counter > seal->top) {
        guint64 shift = counter - seal->top;
        if (shift >= DGRAM_SEAL_WINDOW) {
            memset(seal->seen, 0, sizeof(seal->seen));
        } else {
            /* Bit i moves to bit i + shift: whole words first, then bits. */
            guint words = (guint)(shift / 64), bits = (guint)(shift % 64);
            for (gint w = DGRAM_SEAL_WORDS - 1; w >= 0; w--) {
                guint64 v = (guint)w >= words ? seal->seen[w - words] << bits : 0;
                if (bits > 0 && (guint)w >= words + 1)
                    v |= seal->seen[w - words - 1] >> (64 - bits);
                seal->seen[w] = v;
            }
        }
        seal->top = counter;
    }
    guint64 age = seal->top - counter;
    seal->seen[age / 64] |= G_GUINT64_CONSTANT(1) << (age % 64);
}

/* Opens a sealed datagram. */
LcDgramSealVerdict dgram_seal_open(LcDgramSeal *seal, const guint8 *in, gsize len, gsize clear_len,
                                   guint8 *out, gsize out_size, gsize *out_len)
{
    gsize auth = clear_len + DGRAM_SEAL_COUNTER_SIZE;
    if (len < auth + DGRAM_SEAL_TAG_SIZE)
        return DGRAM_SEAL_SHORT;
    if (len > out_size)
        return DGRAM_SEAL_TOO_LONG;
    guint64 be;
    memcpy(&be, in + clear_len, DGRAM_SEAL_COUNTER_SIZE);
    guint64 counter = GUINT64_FROM_BE(be);
    /* The window is asked before the tag is checked (cheaper for a flood of
     * replays) and marked only after: a forged counter moves nothing. */
    LcDgramSealVerdict verdict = dgram_seal_check(seal, counter);
    if (verdict != DGRAM_SEAL_OK)
        return verdict;
    guint8 nonce[DGRAM_SEAL_NONCE_SIZE];
    dgram_seal_nonce(seal, counter, nonce);
    size_t ptext_len = len - auth - DGRAM_SEAL_TAG_SIZE;
    int rc = gnutls_aead_cipher_decrypt(seal->cipher, nonce, sizeof(nonce), in, auth,
                                        DGRAM_SEAL_TAG_SIZE, in + auth, len - auth, out + clear_len,
                                        &ptext_len);
    if (rc < 0)
        return DGRAM_SEAL_BAD_TAG;
    memmove(out, in, clear_len);
    dgram_seal_mark(seal, counter);
    *out_len = clear_len + ptext_len;
    return DGRAM_SEAL_OK;
}

/* The verdict's name. */
const char *dgram_seal_verdict_name(LcDgramSealVerdict verdict)
{
    static const char *const names[] = {
        [DGRAM_SEAL_OK] = "ok",           [DGRAM_SEAL_SHORT] = "short",
        [DGRAM_SEAL_BAD_TAG] = "bad_tag", [DGRAM_SEAL_REPLAY] = "replay",
        [DGRAM_SEAL_TOO_OLD] = "too_old", [DGRAM_SEAL_TOO_LONG] = "too_long",
    };
    return (guint)verdict < G_N_ELEMENTS(names) ? names[verdict] : "unknown";
}

/* Frees a sealer. */
void dgram_seal_free(LcDgramSeal *seal)
{
    if (seal == NULL)
        return;
    gnutls_aead_cipher_deinit(seal->cipher);
    g_free(seal);
}
