/* audio_echo.c: the echo canceller and the probe it listens to. */
#include "media/audio_echo.h"

#include <gst/gst.h>

#define AUDIO_ECHO_PROBE_NAME "lanconf-echo-probe"

/* The error domain of this module. */
GQuark audio_echo_error_quark(void)
{
    return g_quark_from_static_string("lanconf-audio-echo-error-quark");
}

/* Reads an echo setting. */
gboolean audio_echo_parse(const char *text, AudioEcho *echo, GError **error)
{
    static const char *const names[] = {"auto", "on", "off"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (text != NULL && g_ascii_strcasecmp(text, names[i]) == 0) {
            *echo = (AudioEcho)i;
            return TRUE;
        }
    }
    g_set_error(error, AUDIO_ECHO_ERROR, AUDIO_ECHO_ERROR_INVALID_ARGUMENT,
                "echo cancellation '%s': expected auto, on or off", text ? text : "");
    return FALSE;
}

/* An echo setting's name. */
const char *audio_echo_to_string(AudioEcho echo)
{
    return echo == AUDIO_ECHO_ON ? "on" : echo == AUDIO_ECHO_OFF ? "off" : "auto";
}

/* Whether both elements are installed. */
gboolean audio_echo_available(GError **error)
{
    gst_init(NULL, NULL);
    g_autoptr(GstElementFactory) dsp = gst_element_factory_find("webrtcdsp");
    g_autoptr(GstElementFactory) probe = gst_element_factory_find("webrtcechoprobe");
    if (dsp != NULL && probe != NULL)
        return TRUE;
    g_set_error(error, AUDIO_ECHO_ERROR, AUDIO_ECHO_ERROR_MISSING,
                "no echo cancellation: GStreamer's webrtcdsp is not installed; install "
                "gstreamer1.0-plugins-bad");
    return FALSE;
}

/* The process's one probe, made on first use and kept: webrtcdsp finds it by
 * name when its capture starts, and must find it then, whether or not a
 * playout has it yet. */
static GstElement *audio_echo_probe(void)
{
    static gsize made = 0;
    static GstElement *probe = NULL;
    if (g_once_init_enter(&made)) {
        probe = gst_element_factory_make("webrtcechoprobe", AUDIO_ECHO_PROBE_NAME);
        if (probe != NULL)
            gst_object_ref_sink(probe);
        g_once_init_leave(&made, 1);
    }
    return probe;
}

/* Captures holding the canceller: webrtcdsp takes the probe for itself
 * while it runs, so that one capture at a time can cancel echo. */
static gint audio_echo_holders;

/* Takes the canceller for a capture. */
gboolean audio_echo_acquire(void)
{
    return g_atomic_int_compare_and_exchange(&audio_echo_holders, 0, 1);
}

/* Gives the canceller back. */
void audio_echo_release(void)
{
    g_atomic_int_set(&audio_echo_holders, 0);
}

/* The canceller's description. Delay-agnostic: the capture and the playout
 * are separate pipelines, whose running times say nothing of each other, so
 * the canceller finds the delay from the sound itself. */
char *audio_echo_describe_canceller(void)
{
    (void)audio_echo_probe();
    return g_strdup("audioconvert ! capsfilter caps=\"audio/x-raw,format=S16LE,"
                    "layout=interleaved,rate=48000,channels=1\" ! "
                    "webrtcdsp name=echo probe=" AUDIO_ECHO_PROBE_NAME " delay-agnostic=true "
                    "echo-cancel=true noise-suppression=true gain-control=true "
                    "high-pass-filter=true");
}

/* Puts the probe between upstream and downstream. */
gboolean audio_echo_insert_probe(GstElement *upstream, GstElement *downstream)
{
    if (!audio_echo_available(NULL))
        return FALSE;
    GstElement *probe = audio_echo_probe();
    GstObject *bin = gst_object_get_parent(GST_OBJECT(upstream));
    if (probe == NULL || bin == NULL) {
        gst_clear_object(&bin);
        return FALSE;
    }
    g_autoptr(GstObject) held = gst_object_get_parent(GST_OBJECT(probe));
    gboolean ok = held == NULL && gst_bin_add(GST_BIN(bin), probe);
    if (ok) {
        gst_element_unlink(upstream, downstream);
        ok = gst_element_link_many(upstream, probe, downstream, NULL);
        if (!ok) {
            gst_element_unlink(upstream, probe);
            gst_bin_remove(GST_BIN(bin), probe);
            if (!gst_element_link(upstream, downstream))
                g_message("audio echo: the playout could not be put back together");
        }
    }
    gst_object_unref(bin);
    return ok;
}
