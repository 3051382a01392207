/* audio_playout.c: speakers' Opus packets mixed into a WAV file or the
 * audio output. */
#include "media/audio_playout.h"

#include "media/audio_capture.h"
#include "media/audio_device.h"
#include "media/audio_echo.h"
#include "media/audio_packet.h"
#include "media/audio_pipeline.h"

#include <gst/app/gstappsrc.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

/* One speaker: its own source and decoder, into its own mixer pad. */
typedef struct {
    GstElement *bin; /* appsrc ! opusdec ! audioconvert ! audioresample */
    GstElement *src;
    GstPad *mix_pad;       /* the audiomixer's request pad: volume and mute */
    guint64 next_seq;      /* the packet expected next */
    guint64 base_seq;      /* the first packet's number */
    GstClockTime base;     /* where the first packet sits in the mix */
    GstClockTime frame_ns; /* its packets' length (from the first one) */
    gboolean ended;        /* its stream ended: no more packets are taken */
    LcAudioPlayoutStats stats;
} LcSpeaker;

struct LcAudioPlayout {
    GstElement *pipeline;
    GstElement *mixer;
    char *label;
    char *wav_path;      /* the file written, or NULL */
    gboolean live;       /* playing in real time: speakers' sources are live */
    gboolean echo_probe; /* the echo canceller hears what this plays */
    GstClockTime frame_ns;
    gint64 start_us;      /* monotonic: the mix's time 0 */
    gboolean finished;    /* finish() was called: packets are ignored */
    gboolean finish_ok;   /* what it returned */
    GHashTable *speakers; /* name -> LcSpeaker */
};

/* The error domain of this module. */
GQuark audio_playout_error_quark(void)
{
    return g_quark_from_static_string("lanconf-audio-playout-error-quark");
}

/* A packet this far ahead of the one expected, or behind the last played,
 * starts the speaker's stream over where the mix is (a sender that
 * restarted, or numbers no sender would send), instead of filling the gap
 * or dropping everything after it as late. */
#define AUDIO_PLAYOUT_MAX_GAP 50

/* The mix and its output: 16-bit mono at 48 kHz. */
static char *audio_playout_describe(const LcAudioPlayoutConfig *config)
{
    g_autofree char *sink = config->sink != NULL ? g_strdup_printf("%s name=out", config->sink)
                                                 : g_strdup("autoaudiosink name=out");
    const char *tail = config->wav_path != NULL ? "wavenc ! filesink name=file" : sink;
    /* A file is written as fast as packets come: the mixer then waits for
     * every speaker. A device plays in real time: the mixer mixes what has
     * come by each moment (live). */
    return g_strdup_printf("audiomixer name=mix force-live=%s ! audioconvert ! audioresample ! "
                           "capsfilter name=pcm caps=\"audio/x-raw,format=S16LE,rate=%d,"
                           "channels=1\" ! %s",
                           config->wav_path == NULL ? "true" : "false", AUDIO_RATE, tail);
}

/* A speaker's branch: packets in time order, decoded with concealment and
 * in-band FEC. */
static char *audio_playout_describe_speaker(gboolean live)
{
    return g_strdup_printf("appsrc name=src format=time is-live=%s "
                           "caps=\"audio/x-opus,rate=%d,channels=1,channel-mapping-family=0\" ! "
                           "opusdec plc=true use-inband-fec=true ! audioconvert ! audioresample",
                           live ? "true" : "false", AUDIO_RATE);
}

/* Frees a speaker (its elements belong to the pipeline). */
static void audio_playout_speaker_free(gpointer data)
{
    LcSpeaker *speaker = data;
    gst_clear_object(&speaker->src);
    gst_clear_object(&speaker->mix_pad);
    gst_clear_object(&speaker->bin);
    g_free(speaker);
}

/* Builds and starts the pipeline. */
LcAudioPlayout *audio_playout_new(const LcAudioPlayoutConfig *config, GError **error)
{
    guint frame_ms = config->frame_ms ? config->frame_ms : AUDIO_DEFAULT_FRAME_MS;
    if (!audio_pipeline_check_frame_ms(frame_ms, AUDIO_PLAYOUT_ERROR,
                                       AUDIO_PLAYOUT_ERROR_INVALID_ARGUMENT, error))
        return NULL;
    g_autofree char *description = audio_playout_describe(config);
    GstElement *pipeline = audio_pipeline_parse(description, "audio playout", AUDIO_PLAYOUT_ERROR,
                                                AUDIO_PLAYOUT_ERROR_PIPELINE, error);
    if (pipeline == NULL)
        return NULL;
    g_autoptr(LcAudioPlayout) playout = g_new0(LcAudioPlayout, 1);
    playout->pipeline = pipeline;
    playout->mixer = gst_bin_get_by_name(GST_BIN(pipeline), "mix");
    playout->frame_ns = (GstClockTime)frame_ms * GST_MSECOND;
    playout->live = config->wav_path == NULL;
    playout->start_us = g_get_monotonic_time();
    playout->speakers =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, audio_playout_speaker_free);
    playout->wav_path = g_strdup(config->wav_path);
    playout->label = config->wav_path != NULL ? g_strdup_printf("file %s", config->wav_path)
                     : config->sink != NULL   ? g_strdup(config->sink)
                                              : g_strdup("the default audio output");
    if (config->wav_path != NULL) {
        g_autoptr(GstElement) file = gst_bin_get_by_name(GST_BIN(pipeline), "file");
        g_object_set(file, "location", config->wav_path, "sync", FALSE, NULL);
    } else if (config->sink == NULL &&
               !audio_device_check(pipeline, "out", "output", AUDIO_PLAYOUT_ERROR,
                                   AUDIO_PLAYOUT_ERROR_OPEN, error)) {
        return NULL;
    }
    if (config->wav_path == NULL) {
        /* What plays in the room may come back through a microphone. */
        g_autoptr(GstElement) pcm = gst_bin_get_by_name(GST_BIN(pipeline), "pcm");
        g_autoptr(GstElement) out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
        playout->echo_probe = audio_echo_insert_probe(pcm, out);
    }
    if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        g_autofree char *why = audio_pipeline_start_error(pipeline);
        g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_OPEN, "cannot play to %s: %s",
                    playout->label, why);
        return NULL;
    }
    return g_steal_pointer(&playout);
}

/* The speaker of that name, added to the mix if new. */
static LcSpeaker *audio_playout_speaker(LcAudioPlayout *playout, const char *name, gboolean add)
{
    LcSpeaker *speaker = g_hash_table_lookup(playout->speakers, name ? name : "");
    if (speaker != NULL || !add)
        return speaker;
    g_autofree char *description = audio_playout_describe_speaker(playout->live);
    g_autoptr(GError) error = NULL;
    GstElement *bin = gst_parse_bin_from_description(description, TRUE, &error);
    if (bin == NULL) {
        g_message("audio playout: cannot add a speaker: %s", error->message);
        return NULL;
    }
    speaker = g_new0(LcSpeaker, 1);
    speaker->bin = gst_object_ref(bin);
    speaker->src = gst_bin_get_by_name(GST_BIN(bin), "src");
    gst_bin_add(GST_BIN(playout->pipeline), bin);
    speaker->mix_pad = gst_element_request_pad_simple(playout->mixer, "sink_%u");
    g_autoptr(GstPad) out = gst_element_get_static_pad(bin, "src");
    if (speaker->mix_pad == NULL || gst_pad_link(out, speaker->mix_pad) != GST_PAD_LINK_OK ||
        !gst_element_sync_state_with_parent(bin)) {
        g_message("audio playout: cannot add speaker '%s' to the mix", name ? name : "");
        if (speaker->mix_pad != NULL)
            gst_element_release_request_pad(playout->mixer, speaker->mix_pad);
        gst_element_set_state(bin, GST_STATE_NULL);
        gst_bin_remove(GST_BIN(playout->pipeline), bin);
        audio_playout_speaker_free(speaker);
        return NULL;
    }
    g_hash_table_insert(playout->speakers, g_strdup(name ? name : ""), speaker);
    return speaker;
}

/* Where packet seq of speaker sits in the mix. */
static GstClockTime audio_playout_time(LcAudioPlayout *playout, LcSpeaker *speaker, guint64 seq)
{
    return speaker->base + (GstClockTime)(seq - speaker->base_seq) * speaker->frame_ns;
}

/* Conceals the packets expected before seq: GAP events the decoder fills. */
static void audio_playout_conceal_until(LcAudioPlayout *playout, LcSpeaker *speaker, guint64 seq)
{
    for (; speaker->next_seq < seq; speaker->next_seq++) {
        GstEvent *gap = gst_event_new_gap(audio_playout_time(playout, speaker, speaker->next_seq),
                                          speaker->frame_ns);
        gst_element_send_event(speaker->src, gap);
        speaker->stats.frames_concealed++;
    }
}

/*
 * Plays a packet. A speaker's first packet sits in the mix where the mix is
 * when it comes; the rest follow it without gaps. Every packet missing
 * before one becomes a GAP event of its length: opusdec then conceals it
 * (PLC), or, for the one just before a packet that carries in-band FEC,
 * rebuilds it from that packet. Each is counted concealed here; the decoder
 * does not say which way it filled one.
 */
void audio_playout_push(LcAudioPlayout *playout, const char *name, const LcFrame *frame)
{
    if (playout->finished)
        return;
    LcSpeaker *speaker = audio_playout_speaker(playout, name, TRUE);
    if (speaker == NULL || speaker->ended)
        return;
    guint64 seq = frame->meta.seq;
    gboolean restart = speaker->next_seq != 0 && (seq > speaker->next_seq + AUDIO_PLAYOUT_MAX_GAP ||
                                                  seq + AUDIO_PLAYOUT_MAX_GAP < speaker->next_seq);
    if (speaker->next_seq == 0) {
        /* The speaker's packet length, whatever this end was told. */
        gint64 length = audio_packet_duration_us(frame);
        speaker->frame_ns = length >= 2500 && length <= 60000 ? (GstClockTime)length * GST_USECOND
                                                              : playout->frame_ns;
        speaker->base_seq = seq;
        speaker->next_seq = seq;
        speaker->base = (GstClockTime)(g_get_monotonic_time() - playout->start_us) * GST_USECOND;
    } else if (restart) {
        /* Where the speaker's sound has got to, or the mix, if later. */
        GstClockTime now = (GstClockTime)(g_get_monotonic_time() - playout->start_us) * GST_USECOND;
        speaker->base = MAX(audio_playout_time(playout, speaker, speaker->next_seq), now);
        speaker->base_seq = seq;
        speaker->next_seq = seq;
        speaker->stats.restarts++;
    }
    if (seq < speaker->next_seq) {
        speaker->stats.frames_late++;
        return;
    }
    audio_playout_conceal_until(playout, speaker, seq);
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(frame->data, &size);
    GstBuffer *buffer = gst_buffer_new_memdup(data, size);
    GST_BUFFER_PTS(buffer) = audio_playout_time(playout, speaker, seq);
    GST_BUFFER_DURATION(buffer) = speaker->frame_ns;
    if (restart)
        GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
    speaker->next_seq = seq + 1;
    if (gst_app_src_push_buffer(GST_APP_SRC(speaker->src), buffer) == GST_FLOW_OK)
        speaker->stats.frames_played++;
}

/* Stretches a speaker's schedule by a frame (its jitter buffer grew): a GAP
 * event there, which the decoder conceals, and every later packet a frame
 * later. */
gboolean audio_playout_stretch(LcAudioPlayout *playout, const char *name)
{
    LcSpeaker *speaker = audio_playout_speaker(playout, name, FALSE);
    if (speaker == NULL || playout->finished)
        return FALSE;
    GstEvent *gap = gst_event_new_gap(audio_playout_time(playout, speaker, speaker->next_seq),
                                      speaker->frame_ns);
    gst_element_send_event(speaker->src, gap);
    speaker->base += speaker->frame_ns;
    speaker->stats.frames_stretched++;
    return TRUE;
}

/* The speaker of that name while it still expects packet seq (not played
 * past it, nor too far behind), or NULL. */
static LcSpeaker *audio_playout_expecting(LcAudioPlayout *playout, const char *name, guint64 seq)
{
    LcSpeaker *speaker = audio_playout_speaker(playout, name, FALSE);
    if (speaker == NULL || playout->finished || seq < speaker->next_seq ||
        seq > speaker->next_seq + AUDIO_PLAYOUT_MAX_GAP)
        return NULL;
    return speaker;
}

/* Packet seq will not come (its jitter buffer gave up on it at its due
 * time): concealed now, so that the mix need not wait for the next one. */
gboolean audio_playout_missing(LcAudioPlayout *playout, const char *name, guint64 seq)
{
    LcSpeaker *speaker = audio_playout_expecting(playout, name, seq);
    if (speaker == NULL)
        return FALSE;
    audio_playout_conceal_until(playout, speaker, seq + 1);
    return TRUE;
}

/* Leaves packet seq out (its jitter buffer shrank): the packets after it
 * take its place, a frame earlier; any missing before it are concealed. */
gboolean audio_playout_skip(LcAudioPlayout *playout, const char *name, guint64 seq)
{
    LcSpeaker *speaker = audio_playout_expecting(playout, name, seq);
    if (speaker == NULL)
        return FALSE;
    audio_playout_conceal_until(playout, speaker, seq);
    speaker->next_seq = seq + 1;
    speaker->base_seq++; /* the same as a frame less of base, which cannot go below 0 */
    speaker->stats.frames_skipped++;
    return TRUE;
}

/* Ends a speaker's stream: the mix goes on without waiting for it. */
gboolean audio_playout_end_speaker(LcAudioPlayout *playout, const char *name)
{
    LcSpeaker *speaker = audio_playout_speaker(playout, name, FALSE);
    if (speaker == NULL || playout->finished)
        return FALSE;
    /* No end-of-stream yet: once every branch of the mixer has ended, the
     * mixer ends its output (a WAV file is closed), and a speaker who comes
     * later would not be heard. Its branch ends with the others in
     * finish(); until then it simply has nothing more. */
    speaker->ended = TRUE;
    return TRUE;
}

/* Sets a property of a speaker's mixer pad. */
static gboolean audio_playout_set_pad(LcAudioPlayout *playout, const char *name,
                                      const char *property, const GValue *value)
{
    LcSpeaker *speaker = audio_playout_speaker(playout, name, FALSE);
    if (speaker == NULL)
        return FALSE;
    g_object_set_property(G_OBJECT(speaker->mix_pad), property, value);
    return TRUE;
}

gboolean audio_playout_set_volume(LcAudioPlayout *playout, const char *speaker, double volume)
{
    g_auto(GValue) value = G_VALUE_INIT;
    g_value_init(&value, G_TYPE_DOUBLE);
    g_value_set_double(&value, CLAMP(volume, 0.0, 10.0));
    return audio_playout_set_pad(playout, speaker, "volume", &value);
}

gboolean audio_playout_set_mute(LcAudioPlayout *playout, const char *speaker, gboolean mute)
{
    g_auto(GValue) value = G_VALUE_INIT;
    g_value_init(&value, G_TYPE_BOOLEAN);
    g_value_set_boolean(&value, mute);
    return audio_playout_set_pad(playout, speaker, "mute", &value);
}

/* The sink made the file on starting: with nobody heard it is empty, and
 * an empty file is no WAV. Removed (the pipeline must be stopped). */
static void audio_playout_remove_empty(LcAudioPlayout *playout)
{
    GStatBuf st;
    if (playout->wav_path != NULL && g_hash_table_size(playout->speakers) == 0 &&
        g_stat(playout->wav_path, &st) == 0 && st.st_size == 0)
        g_remove(playout->wav_path);
}

/* Ends every speaker's stream and waits for the end to reach the output. */
gboolean audio_playout_finish(LcAudioPlayout *playout, guint timeout_ms, GError **error)
{
    if (playout->finished) {
        if (!playout->finish_ok)
            g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_OPEN,
                        "playing to %s had failed already", playout->label);
        return playout->finish_ok;
    }
    playout->finished = TRUE;
    if (g_hash_table_size(playout->speakers) == 0) {
        g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_STREAM,
                    "nothing to play to %s: no speaker was heard%s", playout->label,
                    playout->wav_path ? " (no file written)" : "");
        gst_element_set_state(playout->pipeline, GST_STATE_NULL);
        audio_playout_remove_empty(playout);
        return FALSE;
    }
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, playout->speakers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        gst_app_src_end_of_stream(GST_APP_SRC(((LcSpeaker *)value)->src));
    g_autoptr(GstBus) bus = gst_element_get_bus(playout->pipeline);
    g_autoptr(GstMessage) message = gst_bus_timed_pop_filtered(
        bus, (GstClockTime)timeout_ms * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (message != NULL && GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS) {
        gst_element_set_state(playout->pipeline, GST_STATE_NULL);
        playout->finish_ok = TRUE;
        return TRUE;
    }
    g_autoptr(GError) gst_error = NULL;
    if (message != NULL)
        gst_message_parse_error(message, &gst_error, NULL);
    g_set_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_STREAM, "playing to %s: %s",
                playout->label, gst_error ? gst_error->message : "did not finish in time");
    return FALSE;
}

/* One speaker's counters, or everyone's. */
void audio_playout_get_stats(LcAudioPlayout *playout, const char *name, LcAudioPlayoutStats *stats)
{
    *stats = (LcAudioPlayoutStats){0};
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, playout->speakers);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (name != NULL && g_strcmp0(key, name) != 0)
            continue;
        const LcAudioPlayoutStats *s = &((LcSpeaker *)value)->stats;
        stats->frames_played += s->frames_played;
        stats->frames_concealed += s->frames_concealed;
        stats->frames_late += s->frames_late;
        stats->frames_stretched += s->frames_stretched;
        stats->frames_skipped += s->frames_skipped;
        stats->restarts += s->restarts;
    }
}

/* Whether the playout holds the echo probe. */
gboolean audio_playout_has_echo_probe(LcAudioPlayout *playout)
{
    return playout->echo_probe;
}

/* Stops and frees. */
void audio_playout_free(LcAudioPlayout *playout)
{
    if (playout == NULL)
        return;
    if (playout->pipeline != NULL)
        gst_element_set_state(playout->pipeline, GST_STATE_NULL);
    if (playout->speakers != NULL)
        audio_playout_remove_empty(playout); /* freed unfinished: nobody was heard */
    g_clear_pointer(&playout->speakers, g_hash_table_unref);
    gst_clear_object(&playout->mixer);
    gst_clear_object(&playout->pipeline);
    g_free(playout->label);
    g_free(playout->wav_path);
    g_free(playout);
}
