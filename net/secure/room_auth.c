/* room_auth.c: the room password's challenge and proof (HMAC-SHA256 and
 * random bytes from GnuTLS). */
#include "net/secure/room_auth.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#define ROOM_AUTH_LABEL "lanconf room password 1"

/* Fills nonce with random bytes. */
void room_auth_make_nonce(guint8 nonce[ROOM_AUTH_SIZE])
{
    if (gnutls_rnd(GNUTLS_RND_NONCE, nonce, ROOM_AUTH_SIZE) != 0)
        g_error("no random bytes for a room password challenge");
}

/* HMAC-SHA256 under the password over the label and the nonce. */
void room_auth_prove(const char *password, const guint8 *nonce, gsize nonce_len,
                     guint8 proof[ROOM_AUTH_SIZE])
{
    gsize label_len = sizeof(ROOM_AUTH_LABEL); /* the label and its NUL */
    g_autofree guint8 *msg = g_malloc(label_len + nonce_len);
    memcpy(msg, ROOM_AUTH_LABEL, label_len);
    if (nonce_len > 0)
        memcpy(msg + label_len, nonce, nonce_len);
    if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, password, strlen(password), msg, label_len + nonce_len,
                         proof) != 0)
        g_error("HMAC-SHA256 is not available");
}

/* Compares the proof with the right one without an early exit, so that
 * the time taken tells nothing of where they differ. */
gboolean room_auth_check(const char *password, const guint8 *nonce, gsize nonce_len,
                         const guint8 *proof, gsize proof_len)
{
    if (password == NULL || proof_len != ROOM_AUTH_SIZE || nonce_len != ROOM_AUTH_SIZE)
        return FALSE;
    guint8 want[ROOM_AUTH_SIZE];
    room_auth_prove(password, nonce, nonce_len, want);
    guint8 diff = 0;
    for (guint i = 0; i < ROOM_AUTH_SIZE; i++)
        diff |= (guint8)(want[i] ^ proof[i]);
    return diff == 0;
}

/* Checks a password's form; where names its source in the error. */
gboolean room_auth_check_password(const char *password, const char *where, GError **error)
{
    gsize len = strlen(password);
    if (len == 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: the password is empty", where);
        return FALSE;
    }
    if (len > ROOM_AUTH_PASSWORD_MAX) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: the password is %zu bytes long, at most %d are taken", where, len,
                    ROOM_AUTH_PASSWORD_MAX);
        return FALSE;
    }
    return TRUE;
}

/* Reads the first line of a file as the password. */
char *room_auth_read_password_file(const char *path, GError **error)
{
    char *contents = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &contents, &len, error)) {
        g_prefix_error(error, "cannot read the password file: ");
        return NULL;
    }
    if (memchr(contents, '\0', len) != NULL) {
        room_auth_free_password(contents);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: the password file holds a NUL byte", path);
        return NULL;
    }
    /* The first line, copied out; the whole file's bytes are overwritten. */
    char *password = g_strndup(contents, strcspn(contents, "\r\n"));
    volatile char *p = contents;
    for (gsize i = 0; i < len; i++)
        p[i] = '\0';
    g_free(contents);
    if (!room_auth_check_password(password, path, error)) {
        room_auth_free_password(password);
        return NULL;
    }
    return password;
}

/* Overwrites a password, then frees it. */
void room_auth_free_password(char *password)
{
    if (password == NULL)
        return;
    volatile char *p = password;
    while (*p != '\0')
        *p++ = '\0';
    g_free(password);
}
