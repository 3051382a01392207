/* Internals shared by the frame log's files (framelog.c and its writers). Not for other users. */
#pragma once

#include "src/run/framelog.h"

struct LcFramelog {
    LcFramelogRole role;
    LcFramelogRun run; /* strings point at the copies below */
    char *source;
    char *encoder;
    char *ack_mode;
    gint64 start_us;
    gint64 relay_offset_us;                     /* relay clock - local clock */
    gint64 sender_offset_us;                    /* sender clock - local clock */
    LcChannelStats *channels[FRAME_N_CHANNELS]; /* NULL for a disabled channel */
    GHashTable *records[FRAME_N_CHANNELS];      /* &record->seq -> LcFrameRecord * (owned) */
    GArray *intervals;                          /* LcChannelInterval, in closing order */
};

/* Adds member name with a number, or null when it is NAN (JSON has no NaN). */
void framelog_json_add_double(JsonBuilder *builder, const char *name, double value);
/* Adds member name with an unsigned count. */
void framelog_json_add_uint(JsonBuilder *builder, const char *name, guint64 value);
/* Adds member name with a string, or null. */
void framelog_json_add_string(JsonBuilder *builder, const char *name, const char *value);
/* Renders a JSON node as text, pretty-printed or on one line. */
char *framelog_json_to_text(JsonNode *node, gboolean pretty);
/* Writes text to path, replacing the file atomically. */
gboolean framelog_write_text(const char *path, const char *text, gsize length, GError **error);
