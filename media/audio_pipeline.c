/* audio_pipeline.c: building and starting the audio pipelines alike. */
#include "media/audio_pipeline.h"

/* Opus packets of 10 or 20 ms. */
gboolean audio_pipeline_check_frame_ms(guint frame_ms, GQuark domain, gint code, GError **error)
{
    if (frame_ms == 10 || frame_ms == 20)
        return TRUE;
    g_set_error(error, domain, code, "audio frames of %u ms: expected 10 or 20", frame_ms);
    return FALSE;
}

/* Parses a description; a missing element names the packages to install. */
GstElement *audio_pipeline_parse(const char *description, const char *what, GQuark domain,
                                 gint code, GError **error)
{
    gst_init(NULL, NULL);
    g_autoptr(GError) parse_error = NULL;
    GstElement *pipeline = gst_parse_launch(description, &parse_error);
    if (pipeline != NULL && parse_error == NULL)
        return pipeline;
    g_set_error(error, domain, code,
                "cannot build the %s pipeline (are gstreamer1.0-plugins-base and -good "
                "installed?): %s",
                what, parse_error ? parse_error->message : "unknown error");
    if (pipeline != NULL)
        gst_object_unref(pipeline);
    return NULL;
}

/* The first error on the pipeline's bus, or a plain message. */
char *audio_pipeline_start_error(GstElement *pipeline)
{
    g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
    g_autoptr(GstMessage) message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    g_autoptr(GError) gst_error = NULL;
    if (message != NULL)
        gst_message_parse_error(message, &gst_error, NULL);
    return g_strdup(gst_error ? gst_error->message : "the pipeline refused to start");
}
