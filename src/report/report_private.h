/* Internals shared by the report writers (src/report/framelog_*.c). Not for other users. */
#pragma once

#include <json-glib/json-glib.h>

#include "net/stats/stats_json.h"
#include "src/run/framelog_private.h"

/* Adds member name with an unsigned count. */
void framelog_json_add_uint(JsonBuilder *builder, const char *name, guint64 value);
/* Adds member name with a string, or null. */
void framelog_json_add_string(JsonBuilder *builder, const char *name, const char *value);
/* Renders a JSON node as text, pretty-printed or on one line. */
char *framelog_json_to_text(JsonNode *node, gboolean pretty);
/* Writes text to path, replacing the file atomically. */
gboolean framelog_write_text(const char *path, const char *text, gsize length, GError **error);
