/* chan_kind.c: the one table that maps LcChanKind to text and back, and the
 * one channel-list parser. */
#include "net/wire/chan_kind.h"

static const char *const chan_kind_names[LC_CHAN_KINDS] = {
    [LC_CHAN_TCP] = "tcp",
    [LC_CHAN_UDP] = "udp",
};

/* The channel's lower-case name. */
const char *chan_kind_name(LcChanKind kind)
{
    g_return_val_if_fail((guint)kind < LC_CHAN_KINDS, "unknown");
    return chan_kind_names[kind];
}

/* Finds a channel by name. */
gboolean chan_kind_from_name(const char *name, LcChanKind *out)
{
    for (guint i = 0; name != NULL && i < LC_CHAN_KINDS; i++) {
        if (g_ascii_strcasecmp(name, chan_kind_names[i]) == 0) {
            if (out != NULL)
                *out = (LcChanKind)i;
            return TRUE;
        }
    }
    return FALSE;
}

/* Reports an unparsable channel list, naming the channels that exist. */
static gboolean chan_kind_set_bad_list(const char *text, GError **error)
{
    g_autoptr(GString) known = g_string_new(NULL);

    for (guint i = 0; i < LC_CHAN_KINDS; i++)
        g_string_append_printf(known, "%s%s", i > 0 ? ", " : "", chan_kind_names[i]);
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "invalid channel list \"%s\": expected one or more of %s, comma separated, or both",
                text, known->str);
    return FALSE;
}

/* Parses a comma-separated list of channel names, "both" or "all", into a mask. */
gboolean chan_kind_parse_mask(const char *text, guint *mask_out, GError **error)
{
    g_return_val_if_fail(text != NULL && mask_out != NULL, FALSE);

    if (g_ascii_strcasecmp(text, "all") == 0 || g_ascii_strcasecmp(text, "both") == 0) {
        *mask_out = LC_CHAN_MASK_ALL;
        return TRUE;
    }
    g_auto(GStrv) names = g_strsplit(text, ",", -1);
    guint mask = 0;
    for (guint i = 0; names[i] != NULL; i++) {
        LcChanKind kind;
        if (!chan_kind_from_name(g_strstrip(names[i]), &kind))
            return chan_kind_set_bad_list(text, error);
        mask |= LC_CHAN_BIT(kind);
    }
    if (mask == 0)
        return chan_kind_set_bad_list(text, error);
    *mask_out = mask;
    return TRUE;
}

/* Whether mask contains kind. */
gboolean chan_kind_mask_has(guint mask, LcChanKind kind)
{
    return (guint)kind < LC_CHAN_KINDS && (mask & LC_CHAN_BIT(kind)) != 0;
}
