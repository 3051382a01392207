/* status.h: the status line model: connection state, relay, lag, unread.
 *
 * Plain C, no curses. status_format() lays the fields out for a width,
 * dropping the least important ones first when the terminal is narrow.
 */
#pragma once

#include <glib.h>

typedef enum {
    STATUS_CONNECTING,   /* first connection, or opening a new one */
    STATUS_JOINED,       /* in the room */
    STATUS_RECONNECTING, /* lost the connection; trying again */
    STATUS_CLOSED,       /* not connected and not trying */
} LcStatusState;

typedef struct {
    LcStatusState state;
    gboolean ever_joined;
    char *server; /* relay "host:port" */
    char *nick;
    char *addr;    /* this client's ip:port as the relay sees it ("" before) */
    double rtt_ms; /* latest relay round-trip; negative when unknown */
    guint members;
    guint pending;  /* messages typed but not yet stored by the relay */
    gboolean away;  /* this user said /away */
    gint64 lost_us; /* when the connection was lost (RECONNECTING) */
    gboolean scrolled;
    guint unread;
    char *files; /* the file transfer under way, as a short line, or NULL */
} LcStatus;

/* Sets defaults (CONNECTING, no round-trip yet). */
void status_init(LcStatus *status);
/* Frees the strings a status owns. */
void status_clear(LcStatus *status);

/* Replaces a string field (server, nick, addr). */
void status_set_string(char **field, const char *value);

/* The state as one word: "connecting", "joined", "reconnecting", "closed". */
const char *status_state_name(LcStatusState state);

/* The status line for width columns at time now_us (for "lost 5s ago"):
 * left gets the fields that fit, right the scroll marker ("" when at the
 * bottom; "-- MORE (3 new) --" when scrolled back). Both are ASCII and
 * together take at most width columns. */
void status_format(const LcStatus *status, gint64 now_us, int width, char **left, char **right);
