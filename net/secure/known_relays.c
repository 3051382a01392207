/* known_relays.c: relays' certificate fingerprints pinned on first use
 * (see known_relays.h). */
#include "net/secure/known_relays.h"

#include <errno.h>
#include <string.h>

/* $XDG_CONFIG_HOME/lanconf/known_relays. */
char *known_relays_default_path(void)
{
    return g_build_filename(g_get_user_config_dir(), "lanconf", "known_relays", NULL);
}

/* Splits a line into relay and fingerprint; FALSE for a comment or a line
 * of another shape. */
static gboolean known_relays_parse(const char *line, char **relay, char **fingerprint)
{
    if (line[0] == '#' || line[0] == '\0')
        return FALSE;
    g_auto(GStrv) fields = g_strsplit_set(line, " \t", -1);
    char *found[2] = {NULL, NULL};
    guint n = 0;
    for (guint i = 0; fields[i] != NULL; i++) {
        if (fields[i][0] == '\0')
            continue;
        if (n == 2)
            return FALSE;
        found[n++] = fields[i];
    }
    if (n != 2 || !g_str_has_prefix(found[1], "SHA256:"))
        return FALSE;
    *relay = g_strdup(found[0]);
    *fingerprint = g_strdup(found[1]);
    return TRUE;
}

/* The file's lines; an absent file has none. NULL with an error when it
 * cannot be read. */
static GStrv known_relays_read(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(path, &text, NULL, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return g_new0(char *, 1);
        g_propagate_prefixed_error(error, g_steal_pointer(&local), "known relays: ");
        return NULL;
    }
    return g_strsplit(text, "\n", -1);
}

/* What the file says of relay and fingerprint. */
int known_relays_check(const char *path, const char *relay, const char *fingerprint, char **pinned,
                       GError **error)
{
    g_auto(GStrv) lines = known_relays_read(path, error);
    if (lines == NULL)
        return -1;
    for (guint i = 0; lines[i] != NULL; i++) {
        g_autofree char *name = NULL, *pin = NULL;
        if (!known_relays_parse(lines[i], &name, &pin) || g_ascii_strcasecmp(name, relay) != 0)
            continue;
        gboolean same = g_ascii_strcasecmp(pin, fingerprint) == 0;
        if (pinned != NULL)
            *pinned = g_steal_pointer(&pin);
        return same ? KNOWN_RELAY_MATCH : KNOWN_RELAY_CHANGED;
    }
    return KNOWN_RELAY_NEW;
}

/* Pins fingerprint for relay. */
gboolean known_relays_pin(const char *path, const char *relay, const char *fingerprint,
                          GError **error)
{
    g_auto(GStrv) lines = known_relays_read(path, error);
    if (lines == NULL)
        return FALSE;
    GString *out = g_string_new(NULL);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_autofree char *name = NULL, *pin = NULL;
        if (lines[i][0] == '\0' && lines[i + 1] == NULL)
            break; /* the newline at the end */
        if (known_relays_parse(lines[i], &name, &pin) && g_ascii_strcasecmp(name, relay) == 0)
            continue; /* replaced below */
        g_string_append_printf(out, "%s\n", lines[i]);
    }
    g_string_append_printf(out, "%s %s\n", relay, fingerprint);
    g_autofree char *text = g_string_free(out, FALSE);
    g_autofree char *dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        int saved = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "cannot create %s: %s", dir,
                    g_strerror(saved));
        return FALSE;
    }
    if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)) {
        g_prefix_error(error, "known relays: ");
        return FALSE;
    }
    return TRUE;
}

/* The error for a relay whose certificate changed. */
GError *known_relays_changed_error(const char *path, const char *relay, const char *pinned,
                                   const char *fingerprint)
{
    return g_error_new(G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                       "REFUSED: relay %s shows another certificate than when it was first "
                       "met (pinned %s, now %s). Someone may be in the middle, or the relay's "
                       "key was made anew: if its owner confirms the new fingerprint, remove "
                       "the line for %s from %s to pin the new one",
                       relay, pinned, fingerprint, relay, path);
}
