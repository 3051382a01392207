/* audio_playout.c: Opus packets into a WAV file or the audio output. */
#include "media/audio_playout.h"

#include "media/audio_capture.h"
#include "media/audio_device.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

struct LcAudioPlayout {
    GstElement *pipeline;
    GstElement *src;
    char *label;
    GstClockTime frame_ns;
    guint64 next_seq; /* the packet expected next; 0 before the first */
    guint64 base_seq; /* the first packet's number: its time is 0 */
    LcAudioPlayoutStats stats;
};

G_DEFINE_QUARK(lc - audio - playout - error - quark, audio_playout_error)

/* The pipeline: packets in time order, decoded with concealment and FEC. */
static char *audio_playout_describe(const LcAudioPlayoutConfig *config)
{
    const char *tail =
        config->wav_path != NULL ? "wavenc ! filesink name=file" : "autoaudiosink name=out";
    return g_strdup_printf("appsrc name=src format=time is-live=%s "
                           "caps=\"audio/x-opus,rate=%d,channels=1,channel-mapping-family=0\" ! "
                           "opusdec plc=true use-inband-fec=true ! audioconvert ! "
                           "audioresample ! %s",
                           config->wav_path != NULL ? "false" : "true", AUDIO_RATE, tail);
}

/* The error a failed start left on the bus, or a plain one. */
static void audio_playout_start_error(LcAudioPlayout *playout, GError **error)
{
    g_autoptr(GstBus) bus = gst_element_get_bus(playout->pipeline);
    g_autoptr(GstMessage) message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    g_autoptr(GError) gst_error = NULL;
    if (message != NULL)
        gst_message_parse_error(message, &gst_error, NULL);
    g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_OPEN, "cannot play to %s: %s",
                playout->label, gst_error ? gst_error->message : "the pipeline refused to start");
}

/* Builds and starts the pipeline. */
LcAudioPlayout *audio_playout_new(const LcAudioPlayoutConfig *config, GError **error)
{
    guint frame_ms = config->frame_ms ? config->frame_ms : AUDIO_DEFAULT_FRAME_MS;
    if (frame_ms != 10 && frame_ms != 20) {
        g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_INVALID_ARGUMENT,
                    "audio frames of %u ms: expected 10 or 20", frame_ms);
        return NULL;
    }
    gst_init(NULL, NULL);
    g_autofree char *description = audio_playout_describe(config);
    g_autoptr(GError) parse_error = NULL;
    GstElement *pipeline = gst_parse_launch(description, &parse_error);
    if (pipeline == NULL || parse_error != NULL) {
        g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_PIPELINE,
                    "cannot build the audio playout pipeline (is gstreamer1.0-plugins-base "
                    "installed?): %s",
                    parse_error ? parse_error->message : "unknown error");
        if (pipeline != NULL)
            gst_object_unref(pipeline);
        return NULL;
    }
    g_autoptr(LcAudioPlayout) playout = g_new0(LcAudioPlayout, 1);
    playout->pipeline = pipeline;
    playout->frame_ns = (GstClockTime)frame_ms * GST_MSECOND;
    playout->label = config->wav_path != NULL ? g_strdup_printf("file %s", config->wav_path)
                                              : g_strdup("the default audio output");
    playout->src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
    if (config->wav_path != NULL) {
        g_autoptr(GstElement) file = gst_bin_get_by_name(GST_BIN(pipeline), "file");
        g_object_set(file, "location", config->wav_path, "sync", FALSE, NULL);
    }
    if (config->wav_path == NULL &&
        !audio_device_check(pipeline, "out", "output", AUDIO_PLAYOUT_ERROR,
                            AUDIO_PLAYOUT_ERROR_OPEN, error))
        return NULL;
    if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        audio_playout_start_error(playout, error);
        return NULL;
    }
    return g_steal_pointer(&playout);
}

/* The time of packet seq in the output: packets follow each other without
 * gaps, counted from the first. */
static GstClockTime audio_playout_time(LcAudioPlayout *playout, guint64 seq)
{
    return (GstClockTime)(seq - playout->base_seq) * playout->frame_ns;
}

/*
 * Plays a packet. Every packet missing before it becomes a GAP event of its
 * length: opusdec then conceals it (PLC), or, for the one just before a
 * packet that carries in-band FEC, rebuilds it from that packet. Each is
 * counted concealed here; the decoder does not say which way it filled one.
 */
void audio_playout_push(LcAudioPlayout *playout, const LcFrame *frame)
{
    guint64 seq = frame->meta.seq;
    if (playout->next_seq == 0) {
        playout->base_seq = seq;
        playout->next_seq = seq;
    }
    if (seq < playout->next_seq) {
        playout->stats.frames_late++;
        return;
    }
    for (; playout->next_seq < seq; playout->next_seq++) {
        GstEvent *gap =
            gst_event_new_gap(audio_playout_time(playout, playout->next_seq), playout->frame_ns);
        gst_element_send_event(playout->src, gap);
        playout->stats.frames_concealed++;
    }
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(frame->data, &size);
    GstBuffer *buffer = gst_buffer_new_memdup(data, size);
    GST_BUFFER_PTS(buffer) = audio_playout_time(playout, seq);
    GST_BUFFER_DURATION(buffer) = playout->frame_ns;
    gst_app_src_push_buffer(GST_APP_SRC(playout->src), buffer);
    playout->next_seq = seq + 1;
    playout->stats.frames_played++;
}

/* Sends EOS and waits for it to reach the sink. */
gboolean audio_playout_finish(LcAudioPlayout *playout, guint timeout_ms, GError **error)
{
    gst_app_src_end_of_stream(GST_APP_SRC(playout->src));
    g_autoptr(GstBus) bus = gst_element_get_bus(playout->pipeline);
    g_autoptr(GstMessage) message = gst_bus_timed_pop_filtered(
        bus, (GstClockTime)timeout_ms * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (message != NULL && GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS) {
        gst_element_set_state(playout->pipeline, GST_STATE_NULL);
        return TRUE;
    }
    g_autoptr(GError) gst_error = NULL;
    if (message != NULL)
        gst_message_parse_error(message, &gst_error, NULL);
    g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_OPEN, "playing to %s: %s",
                playout->label, gst_error ? gst_error->message : "did not finish in time");
    return FALSE;
}

void audio_playout_get_stats(LcAudioPlayout *playout, LcAudioPlayoutStats *stats)
{
    *stats = playout->stats;
}

/* Stops and frees. */
void audio_playout_free(LcAudioPlayout *playout)
{
    if (playout == NULL)
        return;
    if (playout->pipeline != NULL)
        gst_element_set_state(playout->pipeline, GST_STATE_NULL);
    gst_clear_object(&playout->src);
    gst_clear_object(&playout->pipeline);
    g_free(playout->label);
    g_free(playout);
}
