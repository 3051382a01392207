/* Viewer-side playback into a window, or headless counting and timing. */
#include "media/display.h"

#include "media/frame_buffer.h"

#include <string.h>

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>

struct LcDisplay {
    char *description;
    GstElement *pipeline; /* NULL when headless */
    GstAppSrc *src;
    GstElement *label; /* textoverlay: whose camera, which channel */
    char *label_text;
    char *title; /* the window's, sent once the first frame is out */
    GSource *bus_source;
    gint caps_width; /* size announced in the appsrc caps; 0 before the first frame */
    gint caps_height;
    LcDisplayStats stats;
    gint64 latency_sum_us;
    guint64 latency_count;
};

/* The error domain of this module. */
GQuark display_error_quark(void)
{
    return g_quark_from_static_string("lanconf-display-error-quark");
}

/* Tears down the window pipeline and goes on headless, saying why. */
static void display_go_headless(LcDisplay *display, const char *why)
{
    if (display->bus_source != NULL) {
        g_source_destroy(display->bus_source);
        g_clear_pointer(&display->bus_source, g_source_unref);
    }
    if (display->pipeline != NULL)
        gst_element_set_state(display->pipeline, GST_STATE_NULL);
    g_clear_object(&display->src);
    g_clear_object(&display->label);
    g_clear_object(&display->pipeline);
    g_free(display->description);
    display->description = g_strdup_printf("headless: %s", why);
}

/* Bus watch (caller's context): a failed or closed window turns the display headless. */
static gboolean display_on_bus_message(GstBus *bus, GstMessage *message, gpointer data)
{
    LcDisplay *display = data;
    g_autoptr(GError) err = NULL;

    if (GST_MESSAGE_TYPE(message) != GST_MESSAGE_ERROR)
        return G_SOURCE_CONTINUE;
    gst_message_parse_error(message, &err, NULL);
    g_autofree char *why = g_strdup_printf("the video window failed: %s", err->message);
    g_message("display: %s; going on headless", why);
    display_go_headless(display, why);
    return G_SOURCE_CONTINUE;
}

/* The sink autovideosink settled on (it chooses on the way to READY), or
 * NULL when it has none. */
static char *display_chosen_sink(GstElement *pipeline)
{
    g_autoptr(GstElement) sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    if (sink == NULL || !GST_IS_CHILD_PROXY(sink))
        return NULL;
    g_autoptr(GObject) child = gst_child_proxy_get_child_by_index(GST_CHILD_PROXY(sink), 0);
    if (child == NULL || !GST_IS_ELEMENT(child))
        return NULL;
    GstElementFactory *factory = gst_element_get_factory(GST_ELEMENT(child));
    return g_strdup(factory != NULL ? gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory))
                                    : G_OBJECT_TYPE_NAME(child));
}

/*
 * Keeps autovideosink from trying sinks that are no window on a desktop.
 * DirectFB's (in GStreamer's bad plugins, installed for the echo canceller)
 * crashes in a thread of its own when tried without a framebuffer console,
 * taking the program with it; a conference window is an X11 or Wayland one.
 */
static void display_pass_over_sinks(void)
{
    static gsize done = 0;
    if (!g_once_init_enter(&done))
        return;
    static const char *const skip[] = {"dfbvideosink"};
    for (guint i = 0; i < G_N_ELEMENTS(skip); i++) {
        GstPluginFeature *sink = gst_registry_lookup_feature(gst_registry_get(), skip[i]);
        if (sink != NULL) {
            gst_plugin_feature_set_rank(sink, GST_RANK_NONE);
            gst_object_unref(sink);
        }
    }
    g_once_init_leave(&done, 1);
}

/* Why autovideosink found no sink that opens a window, with what to do. */
static char *display_no_sink_reason(void)
{
    const char *x = g_getenv("DISPLAY"), *w = g_getenv("WAYLAND_DISPLAY");
    g_autoptr(GstElementFactory) ximage = gst_element_factory_find("ximagesink");
    if (ximage == NULL)
        return g_strdup("no video output available: no GStreamer video sink for X11 or Wayland "
                        "is installed (scripts/install-deps.sh installs gstreamer1.0-x)");
    return g_strdup_printf("no video output available: no video sink could open a window on %s "
                           "(is that display running, and may this user use it?)",
                           w != NULL && *w != '\0' ? w
                           : x != NULL             ? x
                                                   : "the display");
}

/* Gives the window its title: ximagesink and its kin take it from the
 * stream's tags. They go out in the streaming thread just before the first
 * frame, after its caps and segment (which tags must follow). */
static GstPadProbeReturn display_on_first_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    const char *title = data;
    gst_pad_push_event(pad, gst_event_new_tag(gst_tag_list_new(GST_TAG_TITLE, title, NULL)));
    return GST_PAD_PROBE_REMOVE;
}

/* Builds and starts appsrc ! videoconvert ! textoverlay ! videoconvert !
 * autovideosink. */
static gboolean display_open_window(LcDisplay *display, const char *title, GError **error)
{
    g_autoptr(GError) gst_error = NULL;
    g_autofree char *launch = g_strdup_printf(
        "appsrc name=src is-live=true format=time do-timestamp=true max-buffers=%d "
        "leaky-type=downstream ! videoconvert ! textoverlay name=label "
        "valignment=top halignment=left font-desc=\"Sans Bold 14\" "
        "shaded-background=true ! videoconvert ! autovideosink name=sink sync=false",
        DISPLAY_MAX_QUEUED);

    display->pipeline = gst_parse_launch(launch, &gst_error);
    if (display->pipeline != NULL)
        gst_object_ref_sink(display->pipeline);
    if (display->pipeline == NULL || gst_error != NULL) {
        g_set_error(error, DISPLAY_ERROR, DISPLAY_ERROR_WINDOW, "cannot open a video window: %s",
                    gst_error ? gst_error->message : "unknown error");
        return FALSE;
    }
    display->src = GST_APP_SRC(gst_bin_get_by_name(GST_BIN(display->pipeline), "src"));
    display->label = gst_bin_get_by_name(GST_BIN(display->pipeline), "label");
    if (title != NULL) {
        display_set_label(display, title);
        display->title = g_strdup(title);
        g_autoptr(GstPad) pad = gst_element_get_static_pad(display->label, "src");
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, display_on_first_buffer, display->title,
                          NULL);
    }

    g_autoptr(GstBus) bus = gst_element_get_bus(display->pipeline);
    if (gst_element_set_state(display->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        g_autoptr(GstMessage) message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
        if (message != NULL)
            gst_message_parse_error(message, &gst_error, NULL);
        g_set_error(error, DISPLAY_ERROR, DISPLAY_ERROR_WINDOW, "cannot open a video window: %s",
                    gst_error ? gst_error->message : "the pipeline refused to play");
        return FALSE;
    }
    display->bus_source = gst_bus_create_watch(bus);
    g_source_set_callback(display->bus_source, G_SOURCE_FUNC(display_on_bus_message), display,
                          NULL);
    g_source_attach(display->bus_source, g_main_context_get_thread_default());
    /* With no sink that can open a window, autovideosink quietly becomes a
     * fake sink: no window would ever appear. Say so instead. */
    g_autofree char *sink = display_chosen_sink(display->pipeline);
    if (sink == NULL || strcmp(sink, "fakesink") == 0) {
        g_autofree char *why = display_no_sink_reason();
        display_go_headless(display, why);
        return TRUE;
    }
    const char *x = g_getenv("DISPLAY"), *w = g_getenv("WAYLAND_DISPLAY");
    display->description = g_strdup_printf("window (%s on %s)", sink,
                                           w != NULL && *w != '\0' ? w
                                           : x != NULL             ? x
                                                                   : "?");
    return TRUE;
}

/* Says why there is no window to open, or returns NULL when there is a display. */
static const char *display_headless_reason(gboolean headless_forced)
{
    const char *x = g_getenv("DISPLAY"), *w = g_getenv("WAYLAND_DISPLAY");
    if (headless_forced)
        return "requested";
    if ((x == NULL || *x == '\0') && (w == NULL || *w == '\0'))
        return "no video output available: neither $DISPLAY nor $WAYLAND_DISPLAY is set";
    return NULL;
}

/* Opens a window when a display is available and not forced headless. */
LcDisplay *display_new(gboolean headless_forced, const char *title, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    g_autoptr(LcDisplay) display = g_new0(LcDisplay, 1);
    const char *reason = display_headless_reason(headless_forced);
    if (reason != NULL) {
        display->description = g_strdup_printf("headless: %s", reason);
        return g_steal_pointer(&display);
    }
    gst_init(NULL, NULL);
    display_pass_over_sinks();
    if (!display_open_window(display, title, error))
        return NULL;
    return g_steal_pointer(&display);
}

/* Draws a label on the picture. */
void display_set_label(LcDisplay *display, const char *label)
{
    if (display->label == NULL || g_strcmp0(label, display->label_text) == 0)
        return;
    g_free(display->label_text);
    display->label_text = g_strdup(label);
    g_object_set(display->label, "text", label != NULL ? label : "", NULL);
}

/* Tells the appsrc the frame size when it changes (first frame included). */
static void display_update_caps(LcDisplay *display, const LcRawFrame *frame)
{
    if (frame->width == display->caps_width && frame->height == display->caps_height)
        return;
    g_autoptr(GstCaps) caps = gst_caps_new_simple(
        "video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT, frame->width, "height",
        G_TYPE_INT, frame->height, "framerate", GST_TYPE_FRACTION, 0, 1, NULL);
    gst_app_src_set_caps(display->src, caps);
    display->caps_width = frame->width;
    display->caps_height = frame->height;
}

/* Sends a frame to the window pipeline. */
static gboolean display_show(LcDisplay *display, const LcRawFrame *frame, GError **error)
{
    display_update_caps(display, frame);
    GstBuffer *buffer = frame_buffer_copy_raw(frame);
    if (buffer == NULL) {
        g_set_error(error, DISPLAY_ERROR, DISPLAY_ERROR_INVALID_FRAME,
                    "cannot show frame %" G_GUINT64_FORMAT ": buffer mapping failed", frame->seq);
        return FALSE;
    }
    GstFlowReturn ret = gst_app_src_push_buffer(display->src, buffer);
    if (ret != GST_FLOW_OK) {
        g_set_error(error, DISPLAY_ERROR, DISPLAY_ERROR_CLOSED,
                    "the video window no longer accepts frames (%s)", gst_flow_get_name(ret));
        return FALSE;
    }
    return TRUE;
}

/* Updates counters and timings for a frame that was accepted. */
static void display_account_frame(LcDisplay *display, const LcRawFrame *frame)
{
    LcDisplayStats *stats = &display->stats;
    gint64 now = g_get_real_time();

    if (stats->frames_shown++ == 0)
        stats->first_time_us = now;
    stats->last_time_us = now;
    if (stats->last_time_us > stats->first_time_us)
        stats->fps = (gdouble)(stats->frames_shown - 1) * G_USEC_PER_SEC /
                     (gdouble)(stats->last_time_us - stats->first_time_us);
    if (frame->capture_time_us <= 0)
        return;
    stats->last_latency_us = now - frame->capture_time_us;
    stats->max_latency_us = MAX(stats->max_latency_us, stats->last_latency_us);
    display->latency_sum_us += stats->last_latency_us;
    display->latency_count++;
    stats->mean_latency_us = (gdouble)display->latency_sum_us / (gdouble)display->latency_count;
}

/* Shows (or, headless, counts) one frame. */
gboolean display_push(LcDisplay *display, const LcRawFrame *frame, GError **error)
{
    g_return_val_if_fail(display != NULL && frame != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (frame->width <= 0 || frame->height <= 0 || frame->planes[0] == NULL ||
        frame->planes[1] == NULL || frame->planes[2] == NULL) {
        g_set_error(error, DISPLAY_ERROR, DISPLAY_ERROR_INVALID_FRAME,
                    "cannot show frame %" G_GUINT64_FORMAT ": it has no picture (%dx%d)",
                    frame->seq, frame->width, frame->height);
        return FALSE;
    }
    if (display->pipeline != NULL && !display_show(display, frame, error))
        return FALSE;
    display_account_frame(display, frame);
    return TRUE;
}

/* Whether frames are only counted. */
gboolean display_is_headless(LcDisplay *display)
{
    g_return_val_if_fail(display != NULL, TRUE);
    return display->pipeline == NULL;
}

/* One line on the mode. */
const char *display_get_description(LcDisplay *display)
{
    g_return_val_if_fail(display != NULL, NULL);
    return display->description;
}

/* Copies the counters and timings. */
void display_get_stats(LcDisplay *display, LcDisplayStats *stats)
{
    g_return_if_fail(display != NULL && stats != NULL);
    *stats = display->stats;
}

/* Closes the window (if any) and frees. NULL is ignored. */
void display_free(LcDisplay *display)
{
    if (display == NULL)
        return;
    display_go_headless(display, "closed");
    g_free(display->description);
    g_free(display->label_text);
    g_free(display->title);
    g_free(display);
}
