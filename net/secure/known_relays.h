/* known_relays.h: the relays a client has met and the fingerprints of
 * their certificates, pinned on first use as ssh pins host keys in
 * known_hosts.
 *
 * One line per relay, "HOST:PORT SHA256:AB:CD:...", in
 * $XDG_CONFIG_HOME/lanconf/known_relays; lines starting with '#' and lines
 * that are not of that shape are kept as they are and otherwise ignored.
 * A relay met for the first time is added; one whose certificate has
 * changed is refused until its line is replaced (known_relays_pin()), which
 * a user does knowingly: the refusal says how.
 */
#pragma once

#include <gio/gio.h>

typedef enum {
    KNOWN_RELAY_NEW,     /* not met before */
    KNOWN_RELAY_MATCH,   /* met, with this certificate */
    KNOWN_RELAY_CHANGED, /* met with another certificate: refuse */
} LcKnownRelay;

/* $XDG_CONFIG_HOME/lanconf/known_relays. */
char *known_relays_default_path(void);

/* What the file says of relay ("host:port") and fingerprint; *pinned (when
 * given) gets the fingerprint pinned, if any. A file that does not exist
 * knows no relay; one that cannot be read is an error (-1). */
int known_relays_check(const char *path, const char *relay, const char *fingerprint, char **pinned,
                       GError **error);

/* Pins fingerprint for relay: adds its line, or replaces the one it had;
 * creates the file and its folder as needed. */
gboolean known_relays_pin(const char *path, const char *relay, const char *fingerprint,
                          GError **error);

/* The error for a relay whose certificate changed: both fingerprints and
 * how to accept the new one. */
GError *known_relays_changed_error(const char *path, const char *relay, const char *pinned,
                                   const char *fingerprint);
