/* server_choice.h: which relay a client joins: the one --server (or the
 * config file) names, or, with "auto" or nothing configured, one found on
 * the LAN through mDNS. */
#pragma once

#include <glib.h>

/* The relay to join, once chosen. */
typedef struct {
    gboolean automatic; /* find one on the LAN */
    gboolean fallback;  /* nothing configured: when none is found, 127.0.0.1 */
    char *host;
    guint16 port;
} LcServerChoice;

/* Reads the choice: flag (--server, may be NULL) over configured (the
 * config file's, may be NULL). A malformed address is a usage error. */
gboolean server_choice_parse(const char *flag, const char *configured, LcServerChoice *choice,
                             GError **error);

/* For an automatic choice, finds a relay on the LAN (listening for up to
 * wait_ms, less once the daemon has told what it knows): the first, by
 * name, that takes a TCP connection. *note gets a line for the user saying
 * what was found and, with nothing configured, that 127.0.0.1 is tried
 * when nothing was. FALSE with an error when "auto" was asked for and no
 * relay answered. */
gboolean server_choice_find(LcServerChoice *choice, guint wait_ms, char **note, GError **error);

/* Frees what the choice holds. */
void server_choice_clear(LcServerChoice *choice);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LcServerChoice, server_choice_clear)
