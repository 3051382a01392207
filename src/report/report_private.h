/* Internals shared by the report writers (src/report/framelog_*.c). Not for other users. */
#pragma once

#include <json-glib/json-glib.h>

#include "net/stats/stats_json.h"
#include "src/run/framelog_private.h"

/* Adds member name with an unsigned count. */
void framelog_json_add_uint(JsonBuilder *builder, const char *name, guint64 value);
/* Adds a sender's frame and byte counts: frames_sent ... bytes_acked. */
void framelog_json_add_sent_counts(JsonBuilder *builder, const LcStatsCounts *counts);
/* Adds a viewer's frames_received and bytes_received. */
void framelog_json_add_received_counts(JsonBuilder *builder, const LcStatsCounts *counts);
/* Adds member name with a string, or null. */
void framelog_json_add_string(JsonBuilder *builder, const char *name, const char *value);
/* Renders a JSON node as text, pretty-printed or on one line. */
char *framelog_json_to_text(JsonNode *node, gboolean pretty);
/* Writes text to path, replacing the file atomically. */
gboolean framelog_write_text(const char *path, const char *text, gsize length, GError **error);
