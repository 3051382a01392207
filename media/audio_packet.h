/* audio_packet.h: what an Opus packet's TOC byte (RFC 6716, 3.1) says of
 * it: how long it plays, and whether it can carry in-band FEC. Pure. */
#pragma once

#include <glib.h>

#include "core/frame.h"

G_BEGIN_DECLS

/* How long the packet plays, us (its frames' count times their length);
 * 0 for an empty or malformed packet. */
gint64 audio_packet_duration_us(const LcFrame *packet);
/* Whether the packet can carry in-band FEC: a SILK or hybrid configuration
 * (0 to 15); CELT-only packets (the low-delay mode) carry none. */
gboolean audio_packet_has_fec(const LcFrame *packet);

G_END_DECLS
