/* chan_kind.h: the transport channels a stream's frames travel over, as
 * data: an enum that indexes per-channel arrays, a table of names, and the
 * one parser for channel lists (--channels, /cam on ... tcp). Code loops over
 * channels; it never branches on which one it has. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every channel a frame is sent on, in the order reports list them. The
 * values are the wire's WIRE_CHANNEL_* bit positions. */
typedef enum {
    LC_CHAN_TCP = 0,
    LC_CHAN_UDP = 1,
    LC_CHAN_KINDS,
} LcChanKind;

/* Bit of a channel kind in a mask; equal to the wire's WIRE_CHANNEL_* bits. */
#define LC_CHAN_BIT(kind) (1u << (kind))
/* Every channel. */
#define LC_CHAN_MASK_ALL ((1u << LC_CHAN_KINDS) - 1u)

/* The channel's lower-case name ("tcp", "udp"), as used in JSON, CSV and text reports. */
const char *chan_kind_name(LcChanKind kind);
/* Finds a channel by name (case-insensitive); FALSE when there is none. */
gboolean chan_kind_from_name(const char *name, LcChanKind *out);
/* Parses a channel list: "tcp", "udp,tcp", "both" or "all" (case-insensitive)
 * into a mask; G_OPTION_ERROR_BAD_VALUE naming the known channels otherwise. */
gboolean chan_kind_parse_mask(const char *text, guint *mask_out, GError **error);
/* Whether mask contains kind. */
gboolean chan_kind_mask_has(guint mask, LcChanKind kind);

G_END_DECLS
