/* cli_discover.h: `lanconf-cli --discover`: the relays that answer on the LAN. */
#pragma once

#include <glib.h>

/* Lists the relays found within wait_ms (a table, or JSON); returns the
 * exit status: 0 when one or more answered, 1 when none did or Avahi is
 * not there (said on stderr). */
int cli_discover_run(gboolean json, guint wait_ms);
