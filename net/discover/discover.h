/* discover.h: finding the relay on the LAN. A relay announces itself with
 * mDNS/DNS-SD (service type _lanconf._tcp) through the Avahi daemon; a
 * client browses for it. Both need avahi-daemon on the system D-Bus; where
 * it is not running, each says so in words and nothing else changes. */
#pragma once

#include <glib.h>

/* The DNS-SD service type a relay announces. */
#define DISCOVER_SERVICE_TYPE "_lanconf._tcp"
/* How long a client listens for relays by default, ms. */
#define DISCOVER_DEFAULT_WAIT_MS 2000

#define DISCOVER_ERROR discover_error_quark()
typedef enum {
    DISCOVER_ERROR_NO_DAEMON, /* avahi-daemon (or the system D-Bus) is not there */
    DISCOVER_ERROR_FAILED,    /* Avahi refused the browse or the announcement */
    DISCOVER_ERROR_NONE,      /* nothing answered in time */
} LcDiscoverError;

GQuark discover_error_quark(void);

/* A relay found on the LAN. */
typedef struct {
    char *name;    /* its service name, e.g. "lanconf relay on lab-pc" (printable: control
                    * characters replaced) */
    char *host;    /* its mDNS host name, e.g. "lab-pc.local" */
    char *address; /* IPv4, text */
    guint16 port;
} LcDiscoverRelay;

void discover_relay_free(LcDiscoverRelay *relay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcDiscoverRelay, discover_relay_free)

/* Browses for relays on a main context of its own (the caller's loop does
 * not run meanwhile): until the daemon has told what it knows (about a
 * second) or wait_ms, whichever comes first; with full_wait, for all of
 * wait_ms. Returns the relays, one per name and address (element type
 * LcDiscoverRelay, sorted by name), or NULL with an error:
 * DISCOVER_ERROR_NO_DAEMON, DISCOVER_ERROR_FAILED, or DISCOVER_ERROR_NONE
 * when nothing answered. */
GPtrArray *discover_find_relays(guint wait_ms, gboolean full_wait, GError **error);

typedef struct LcDiscoverAnnounce LcDiscoverAnnounce;

/* What became of an announcement: established (under the name given, which
 * differs from the one asked for after a clash with another relay's), or a
 * message saying why it is not (yet). */
typedef void (*LcDiscoverAnnounceFunc)(LcDiscoverAnnounce *announce, gboolean established,
                                       const char *message, gpointer user_data);

/* Announces a relay listening on port as name, on the thread-default main
 * context: on every interface, or where the relay listens on one address
 * (address not NULL, not 0.0.0.0 or ::), on the interface that has it only. A daemon that is not
 * running, or that restarts, is waited for: the announcement is made when it comes. notify reports
 * each change of state. Returns NULL only when Avahi cannot be used at all (error set). */
LcDiscoverAnnounce *discover_announce_new(const char *name, const char *address, guint16 port,
                                          LcDiscoverAnnounceFunc notify, gpointer user_data,
                                          GError **error);
/* Withdraws the announcement. */
void discover_announce_free(LcDiscoverAnnounce *announce);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcDiscoverAnnounce, discover_announce_free)

/* The name a relay announces by default: "lanconf relay on HOSTNAME". */
char *discover_default_name(void);
