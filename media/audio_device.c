/* audio_device.c: a real audio device behind autoaudiosrc/autoaudiosink. */
#include "media/audio_device.h"

#include <string.h>

/* Whether element, or any element inside it, is the stand-in an auto
 * element makes when it found nothing: a fakesink ("fake-audio-sink"), or an
 * audiotestsrc of silence ("fake-auto-audio-src") in GStreamer 1.22. */
static gboolean audio_device_is_fake(GstElement *element)
{
    GstElementFactory *factory = gst_element_get_factory(element);
    const char *kind = factory != NULL ? gst_plugin_feature_get_name(factory) : "";
    g_autofree char *name = gst_element_get_name(element);
    if (strcmp(kind, "fakesrc") == 0 || strcmp(kind, "fakesink") == 0 ||
        strcmp(kind, "fakeaudiosink") == 0 || g_str_has_prefix(name, "fake-"))
        return TRUE;
    if (!GST_IS_BIN(element))
        return FALSE;
    gboolean fake = FALSE;
    g_autoptr(GstIterator) it = gst_bin_iterate_elements(GST_BIN(element));
    GValue item = G_VALUE_INIT;
    while (!fake && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
        fake = audio_device_is_fake(g_value_get_object(&item));
        g_value_reset(&item);
    }
    g_value_unset(&item);
    return fake;
}

/* Checks the device an auto element picked. */
gboolean audio_device_check(GstElement *pipeline, const char *name, const char *what, GQuark domain,
                            gint code, GError **error)
{
    g_autoptr(GstElement) element = gst_bin_get_by_name(GST_BIN(pipeline), name);
    if (element == NULL)
        return TRUE;
    if (gst_element_set_state(element, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE ||
        audio_device_is_fake(element)) {
        gst_element_set_state(element, GST_STATE_NULL);
        g_set_error(error, domain, code,
                    "no audio %s device available (no PulseAudio server or sound card was "
                    "found)",
                    what);
        return FALSE;
    }
    return TRUE;
}
