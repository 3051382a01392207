/* cli_discover.h: `lanconf-cli --discover`: the relays that answer on the LAN. */
#pragma once

#include <glib.h>

/* Lists the relays found (a table, or JSON), listening until the daemon has
 * told what it knows, or with full_wait for all of wait_ms; returns the
 * exit status: 0 when one or more answered, 1 when none did or Avahi is
 * not there (said on stderr). */
int cli_discover_run(gboolean json, guint wait_ms, gboolean full_wait);
