/* cli-harness.h: lanconf-relay and lanconf-cli as processes, for end-to-end
 * tests: the relay on 127.0.0.1 with a data folder of its own and the test
 * program's relay identity (tests/test-relay-identity.h). */
#pragma once

#include <gio/gio.h>

/* A sanitizer build runs the programs several times slower (camera and
 * TLS alike): rates and durations are held to less there. */
#ifdef __SANITIZE_ADDRESS__
#define CLI_SANITIZED 1
#else
#define CLI_SANITIZED 0
#endif

#define RELAY LANCONF_BIN_DIR "/lanconf-relay"
#define CLI   LANCONF_BIN_DIR "/lanconf-cli"

typedef struct {
    GSubprocess *proc;
    char *dir;
    guint16 port;
    char **extra;          /* more arguments for the relay (NULL-terminated), or NULL */
    gboolean own_identity; /* the relay's own key, made in its data folder */
} Relay;

/* Starts lanconf-relay on 127.0.0.1 (port 0 unless given) and reads its
 * port; a relay started again keeps its folder (and its key). */
void relay_start(Relay *r, guint16 port);
/* Kills the relay with a signal and waits for it. */
void relay_kill(Relay *r, int sig);
/* Stops the relay and removes its directory. */
void relay_stop(Relay *r);
/* Starts lanconf-cli with pipes; extra arguments end with NULL. */
GSubprocess *cli_spawn(const char *first, ...) G_GNUC_NULL_TERMINATED;
/* Feeds stdin, collects stdout/stderr and returns the exit status. */
int cli_finish(GSubprocess *p, const char *input, char **out, char **err);
