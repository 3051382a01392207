/* room_auth.h: the room password, proven without being sent.
 *
 * A relay with a password answers HELLO with AUTH_CHALLENGE: 32 random
 * bytes, never used twice. The client answers AUTH with
 *
 *   proof = HMAC-SHA256(key = password, "lanconf room password 1" || 0x00 || nonce)
 *
 * and the relay, which knows the password, computes the same and compares
 * in constant time. The password never crosses the network, and a proof is
 * good for its one challenge only. The exchange runs inside TLS, so an
 * onlooker sees neither nonce nor proof; a relay that is not the pinned one
 * is refused before it can ask (docs/PROTOCOL.md, "Room password").
 */
#pragma once

#include <glib.h>

#define ROOM_AUTH_SIZE         32                 /* nonce and proof, bytes */
#define ROOM_AUTH_PASSWORD_MAX 1024               /* longest password, bytes */
#define ROOM_AUTH_ENV          "LANCONF_PASSWORD" /* where scripts give it */

/* Fills nonce with ROOM_AUTH_SIZE random bytes. */
void room_auth_make_nonce(guint8 nonce[ROOM_AUTH_SIZE]);

/* The proof of password for one nonce. */
void room_auth_prove(const char *password, const guint8 *nonce, gsize nonce_len,
                     guint8 proof[ROOM_AUTH_SIZE]);

/* Whether proof is the right one for password and nonce (constant time). */
gboolean room_auth_check(const char *password, const guint8 *nonce, gsize nonce_len,
                         const guint8 *proof, gsize proof_len);

/* Reads a password from a file: its first line, without the line end; an
 * empty one, a NUL byte, or one over ROOM_AUTH_PASSWORD_MAX bytes is an
 * error that names the file. Free with room_auth_free_password(). */
char *room_auth_read_password_file(const char *path, GError **error);

/* Checks a password given some other way (the environment): as above. */
gboolean room_auth_check_password(const char *password, const char *where, GError **error);

/* Overwrites a password before freeing it. */
void room_auth_free_password(char *password);
