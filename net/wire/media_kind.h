/* media_kind.h: what a stream carries. A stream is of one media kind (video
 * or audio) and every layer below the camera and the microphone (channels,
 * relay, statistics) treats the kinds alike; the kind travels in the flags of
 * the stream set-up messages (docs/PROTOCOL.md, "Media kinds"). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every media kind, indexing per-kind arrays. */
typedef enum {
    LC_MEDIA_VIDEO = 0,
    LC_MEDIA_AUDIO = 1,
    LC_MEDIA_KINDS,
} LcMediaKind;

/* The kind's lower-case name ("video", "audio"), as reports print it. */
const char *media_kind_name(LcMediaKind kind);
/* Finds a kind by name (case-insensitive); FALSE when there is none. */
gboolean media_kind_from_name(const char *name, LcMediaKind *out);
/* The header flags that say kind (WIRE_FLAG_AUDIO or none). */
guint16 media_kind_to_flags(LcMediaKind kind);
/* The kind a message's header flags say. */
LcMediaKind media_kind_from_flags(guint16 flags);

G_END_DECLS
