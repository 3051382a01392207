/*
 * What the charts' titles say about the run. The caller's options come
 * first; summary.json in the same folder fills in what they leave unset, so
 * that plotting a folder again later still names the run. The summary is a
 * nicety here: a missing or unreadable one only leaves the titles shorter.
 */
#include <json-glib/json-glib.h>
#include <math.h>

#include "src/report/plots_private.h"
#include "src/run/frame_record.h"

/* The run parameters the titles use. */
typedef struct {
    gint width, height, fps;
    const char *encoder;    /* borrowed from the options or the summary */
    const char *codec;      /* borrowed from the summary */
    const char *impairment; /* borrowed from the options */
    const char *label;      /* borrowed from the options */
    double deadline_ms;
    gint64 start_us;
} PlotsRunParams;

/* Member name of object as an integer, or 0 when it is missing or not a number. */
static gint plots_run_get_int(JsonObject *object, const char *name)
{
    JsonNode *node = json_object_get_member(object, name);

    if (node == NULL || json_node_get_value_type(node) != G_TYPE_INT64)
        return 0;
    return (gint)CLAMP(json_node_get_int(node), 0, G_MAXINT);
}

/* Fills what params leaves unset from the "run" object of dir/summary.json, if any. */
static void plots_run_read_summary(const char *dir, PlotsRunParams *params, JsonParser *parser)
{
    g_autofree char *path = g_build_filename(dir, "summary.json", NULL);

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
        !json_parser_load_from_file(parser, path, NULL))
        return;
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return;
    JsonNode *run_node = json_object_get_member(json_node_get_object(root), "run");
    if (run_node == NULL || !JSON_NODE_HOLDS_OBJECT(run_node))
        return;
    JsonObject *run = json_node_get_object(run_node);
    if (params->width <= 0 || params->height <= 0) {
        params->width = plots_run_get_int(run, "width");
        params->height = plots_run_get_int(run, "height");
    }
    if (params->fps <= 0)
        params->fps = plots_run_get_int(run, "fps");
    if (params->encoder == NULL)
        params->encoder = plots_json_get_string(run, "encoder", NULL);
    if (params->codec == NULL)
        params->codec = plots_json_get_string(run, "codec", NULL);
    params->deadline_ms = plots_json_get_double(run, "deadline_ms");
    g_autoptr(GDateTime) start =
        g_date_time_new_from_iso8601(plots_json_get_string(run, "start", ""), NULL);
    if (start != NULL)
        params->start_us =
            g_date_time_to_unix(start) * G_USEC_PER_SEC + g_date_time_get_microsecond(start);
}

/* Whether the run is a voice's (Opus packets, not frames). */
static gboolean plots_run_is_audio(const PlotsRunParams *params)
{
    return g_strcmp0(params->encoder, "opus") == 0 || g_strcmp0(params->codec, "opus") == 0;
}

/* The codec as people write it: "H.264", "JPEG", "Opus". */
static const char *plots_run_codec_title(const char *codec)
{
    if (g_strcmp0(codec, "h264") == 0)
        return "H.264";
    if (g_strcmp0(codec, "jpeg") == 0)
        return "JPEG";
    if (g_strcmp0(codec, "opus") == 0)
        return "Opus";
    return codec;
}

/* Joins the known parameters: "640x480 @ 30 fps, H.264 (x264), impairment delay=20ms, LABEL". */
static char *plots_run_format_subtitle(const PlotsRunParams *params)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);

    if (params->width > 0 && params->height > 0 && params->fps > 0)
        g_ptr_array_add(
            parts, g_strdup_printf("%dx%d @ %d fps", params->width, params->height, params->fps));
    else if (params->width > 0 && params->height > 0)
        g_ptr_array_add(parts, g_strdup_printf("%dx%d", params->width, params->height));
    else if (params->fps > 0 && plots_run_is_audio(params))
        g_ptr_array_add(parts, g_strdup_printf("%d ms packets", 1000 / params->fps));
    else if (params->fps > 0)
        g_ptr_array_add(parts, g_strdup_printf("%d fps", params->fps));
    const char *codec = plots_run_codec_title(params->codec);
    gboolean has_codec = codec != NULL && *codec != '\0';
    gboolean has_encoder = params->encoder != NULL && *params->encoder != '\0' &&
                           g_strcmp0(params->encoder, params->codec) != 0;
    if (has_codec && has_encoder)
        g_ptr_array_add(parts, g_strdup_printf("%s (%s)", codec, params->encoder));
    else if (has_codec || has_encoder)
        g_ptr_array_add(parts, g_strdup(has_codec ? codec : params->encoder));
    if (params->impairment != NULL && *params->impairment != '\0')
        g_ptr_array_add(parts, g_strdup_printf("impairment %s", params->impairment));
    if (params->label != NULL && *params->label != '\0')
        g_ptr_array_add(parts, g_strdup(params->label));
    g_ptr_array_add(parts, NULL);
    return g_strjoinv(", ", (char **)parts->pdata);
}

/* Fills run from opts (may be NULL), then summary.json in dir for what opts leaves unset. */
void plots_run_load(const char *dir, const LcPlotsOptions *opts, PlotsRun *run)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    PlotsRunParams params = {.deadline_ms = NAN, .start_us = FRAME_RECORD_TIME_UNSET};

    if (opts != NULL) {
        params.width = opts->width;
        params.height = opts->height;
        params.fps = opts->fps;
        params.encoder = opts->encoder;
        params.codec = opts->codec;
        params.impairment = opts->impairment;
        params.label = opts->label;
    }
    plots_run_read_summary(dir, &params, parser);
    run->subtitle = plots_run_format_subtitle(&params);
    run->fps = params.fps;
    run->deadline_ms = params.deadline_ms;
    run->start_us = params.start_us;
    run->audio = plots_run_is_audio(&params);
}

/* Frees what plots_run_load() filled in. */
void plots_run_clear(PlotsRun *run)
{
    g_clear_pointer(&run->subtitle, g_free);
}

/* Member name of object as a number, or NAN. */
double plots_json_get_double(JsonObject *object, const char *name)
{
    JsonNode *node = json_object_get_member(object, name);

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node))
        return NAN;
    GType type = json_node_get_value_type(node);
    if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        return NAN;
    return json_node_get_double(node);
}

/* Member name of object as a string, or fallback. */
const char *plots_json_get_string(JsonObject *object, const char *name, const char *fallback)
{
    JsonNode *node = json_object_get_member(object, name);

    if (node == NULL || json_node_get_value_type(node) != G_TYPE_STRING)
        return fallback;
    return json_node_get_string(node);
}
