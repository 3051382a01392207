/* Channel names: the one table that maps LcFrameChannel to text and back. */
#include "src/run/frame_channel.h"

static const char *const frame_channel_names[FRAME_N_CHANNELS] = {
    [FRAME_CHANNEL_TCP] = "tcp",
    [FRAME_CHANNEL_UDP] = "udp",
};

/* The channel's lower-case name. */
const char *frame_channel_get_name(LcFrameChannel channel)
{
    g_return_val_if_fail(channel < FRAME_N_CHANNELS, "unknown");
    return frame_channel_names[channel];
}

/* Finds a channel by name. */
gboolean frame_channel_from_name(const char *name, LcFrameChannel *out)
{
    for (guint i = 0; i < FRAME_N_CHANNELS; i++) {
        if (g_strcmp0(name, frame_channel_names[i]) == 0) {
            if (out != NULL)
                *out = (LcFrameChannel)i;
            return TRUE;
        }
    }
    return FALSE;
}

/* Reports an unparsable channel list, naming the channels that exist. */
static gboolean frame_channel_set_bad_list(const char *text, GError **error)
{
    g_autoptr(GString) known = g_string_new(NULL);

    for (guint i = 0; i < FRAME_N_CHANNELS; i++)
        g_string_append_printf(known, "%s%s", i > 0 ? ", " : "", frame_channel_names[i]);
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "invalid channel list \"%s\": expected one or more of %s, comma separated, or all",
                text, known->str);
    return FALSE;
}

/* Parses a comma-separated list of channel names, or "all", into a mask. */
gboolean frame_channel_parse_mask(const char *text, guint *mask_out, GError **error)
{
    g_return_val_if_fail(text != NULL && mask_out != NULL, FALSE);

    if (g_strcmp0(text, "all") == 0) {
        *mask_out = FRAME_CHANNEL_MASK_ALL;
        return TRUE;
    }
    g_auto(GStrv) names = g_strsplit(text, ",", -1);
    guint mask = 0;
    for (guint i = 0; names[i] != NULL; i++) {
        LcFrameChannel channel;
        if (!frame_channel_from_name(g_strstrip(names[i]), &channel))
            return frame_channel_set_bad_list(text, error);
        mask |= 1u << channel;
    }
    if (mask == 0)
        return frame_channel_set_bad_list(text, error);
    *mask_out = mask;
    return TRUE;
}

/* Whether mask contains channel. */
gboolean frame_channel_mask_has(guint mask, LcFrameChannel channel)
{
    return channel < FRAME_N_CHANNELS && (mask & (1u << channel)) != 0;
}
