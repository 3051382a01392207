/* The transport channels a camera frame travels over, as data: an enum that
 * indexes per-channel arrays and a table of names. Code loops over channels;
 * it never branches on which one it has. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every channel a frame is sent on, in the order reports list them. */
typedef enum {
    FRAME_CHANNEL_TCP,
    FRAME_CHANNEL_UDP,
    FRAME_N_CHANNELS,
} LcFrameChannel;

/* A set of channels: bit (1 << channel) for each member. */
#define FRAME_CHANNEL_MASK_ALL ((1u << FRAME_N_CHANNELS) - 1u)

/* The channel's lower-case name ("tcp", "udp"), as used in JSON, CSV and text reports. */
const char *frame_channel_get_name(LcFrameChannel channel);
/* Finds a channel by name (exact, lower case); FALSE when there is none. */
gboolean frame_channel_from_name(const char *name, LcFrameChannel *out);
/* Parses "tcp,udp"-style lists into a mask (FRAME_CHANNEL_MASK_ALL for "all"); GError on an unknown
 * name. */
gboolean frame_channel_parse_mask(const char *text, guint *mask_out, GError **error);
/* Whether mask contains channel. */
gboolean frame_channel_mask_has(guint mask, LcFrameChannel channel);

G_END_DECLS
