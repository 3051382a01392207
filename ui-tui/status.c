/* status.c: the status line model. */
#include "ui-tui/status.h"

#include "ui-tui/textwidth.h"

#include <string.h>

#define STATUS_FIELDS 8

/* Sets defaults. */
void status_init(LcStatus *status)
{
    memset(status, 0, sizeof(*status));
    status->state = STATUS_CONNECTING;
    status->rtt_ms = -1;
}

/* Frees the strings. */
void status_clear(LcStatus *status)
{
    g_clear_pointer(&status->server, g_free);
    g_clear_pointer(&status->nick, g_free);
    g_clear_pointer(&status->addr, g_free);
    g_clear_pointer(&status->files, g_free);
}

/* Replaces a string field. */
void status_set_string(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

/* The state as one word. */
const char *status_state_name(LcStatusState state)
{
    switch (state) {
    case STATUS_CONNECTING:
        return "connecting";
    case STATUS_JOINED:
        return "joined";
    case STATUS_RECONNECTING:
        return "reconnecting";
    case STATUS_CLOSED:
        return "closed";
    }
    return "?";
}

/* The state field, with how long the connection has been down. */
static char *status_format_state(const LcStatus *s, gint64 now_us)
{
    if (s->state == STATUS_RECONNECTING && s->lost_us > 0) {
        gint64 secs = MAX(now_us - s->lost_us, 0) / G_USEC_PER_SEC;
        if (!s->ever_joined) /* the relay never answered: nothing was lost */
            return g_strdup_printf("[waiting for the relay, %" G_GINT64_FORMAT "s]", secs);
        return g_strdup_printf("[reconnecting, lost %" G_GINT64_FORMAT "s ago]", secs);
    }
    return g_strdup_printf("[%s]", status_state_name(s->state));
}

/* The round-trip field: unknown while not in the room (an old figure
 * would say the link is fine while it is down). */
static char *status_format_lag(const LcStatus *s)
{
    if (s->rtt_ms < 0 || s->state != STATUS_JOINED)
        return g_strdup("lag ?");
    if (s->rtt_ms < 10)
        return g_strdup_printf("lag %.2f ms", s->rtt_ms);
    return g_strdup_printf("lag %.0f ms", s->rtt_ms);
}

/* The scroll marker. */
static char *status_format_more(const LcStatus *s)
{
    if (!s->scrolled)
        return g_strdup("");
    if (s->unread > 0)
        return g_strdup_printf("-- MORE (%u new) --", s->unread);
    return g_strdup("-- MORE --");
}

/* Lays the status line out for a width. */
void status_format(const LcStatus *s, gint64 now_us, int width, char **left, char **right)
{
    /* Fields in display order with their importance (0 = kept longest). */
    char *text[STATUS_FIELDS] = {
        status_format_state(s, now_us),
        g_strdup_printf("%s@%s", s->nick ? s->nick : "?", s->addr && *s->addr ? s->addr : "?"),
        g_strdup_printf("relay %s", s->server ? s->server : "?"),
        status_format_lag(s),
        s->state == STATUS_JOINED || !s->ever_joined
            ? g_strdup_printf("%u member%s", s->members, s->members == 1 ? "" : "s")
            : g_strdup("members ?"), /* who is in is unknown until the relay is back */
        s->pending ? g_strdup_printf("%u unsent", s->pending) : g_strdup(""),
        g_strdup(s->away ? "away" : ""),
        g_strdup(s->files ? s->files : ""),
    };
    /* The order fields go in as the terminal narrows: the highest first. */
    static const int rank[STATUS_FIELDS] = {0, 5, 3, 4, 7, 6, 1, 2};
    char *more = status_format_more(s);
    int avail = width - (int)strlen(more) - (*more ? 1 : 0);
    GString *out = g_string_new(NULL);
    for (int keep = STATUS_FIELDS; keep >= 0; keep--) {
        g_string_truncate(out, 0);
        for (int i = 0; i < STATUS_FIELDS; i++)
            if (rank[i] < keep && *text[i])
                g_string_append_printf(out, "%s%s", out->len ? "  " : "", text[i]);
        if (textwidth_str(out->str, -1) <= avail)
            break;
    }
    g_string_truncate(out, textwidth_fit(out->str, out->len, MAX(avail, 0)));
    if ((int)strlen(more) > width)
        more[MAX(width, 0)] = '\0';
    for (int i = 0; i < STATUS_FIELDS; i++)
        g_free(text[i]);
    *left = g_string_free(out, FALSE);
    *right = more;
}
