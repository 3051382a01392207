/* audio_report.c: an audio run's figures as JSON and text. */
#include "src/report/audio_report.h"

#include "net/stats/stats_json.h"
#include "net/wire/chan_kind.h"
#include "src/report/framelog_report.h"
#include "src/report/report_private.h"

#include <math.h>
#include <string.h>

/* A jitter buffer's counters and depth. */
JsonNode *audio_report_jitter_json(const LcAudioJitter *jitter, guint frame_ms)
{
    LcAudioJitterStats st;
    audio_jitter_get_stats(jitter, &st);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    const struct {
        const char *name;
        guint64 value;
    } counts[] = {
        {"received", st.received},           {"played", st.played},       {"missing", st.missing},
        {"fec_recovered", st.fec_recovered}, {"concealed", st.concealed}, {"late", st.late},
        {"duplicates", st.duplicates},       {"stretches", st.stretches}, {"skips", st.skips},
        {"restarts", st.restarts},           {"discarded", st.discarded},
    };
    for (guint i = 0; i < G_N_ELEMENTS(counts); i++) {
        framelog_json_add_uint(b, counts[i].name, counts[i].value);
    }
    stats_json_add_number(b, "fec_recovered_fraction",
                          st.missing ? (double)st.fec_recovered / st.missing : NAN);
    stats_json_add_number(b, "max_gap_ms", (double)st.max_gap_frames * frame_ms);
    stats_json_add_number(b, "depth_ms", st.depth_ms);
    stats_json_add_number(b, "target_ms", st.target_ms);
    stats_json_add_number(b, "decoder_delay_ms",
                          audio_jitter_get_decoder_delay_us(jitter) / 1000.0);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

/* One speaker: who, which channel is heard, the frame log's summary and
 * each channel's jitter buffer. */
static void audio_report_add_speaker(JsonBuilder *b, LcAudioListen *listen,
                                     const LcAudioListenSpeaker *s, gint64 now_us, guint frame_ms)
{
    json_builder_begin_object(b);
    framelog_json_add_string(b, "nick", s->nick);
    framelog_json_add_string(b, "key", s->key);
    json_builder_set_member_name(b, "stream_id");
    json_builder_add_int_value(b, s->stream_id);
    json_builder_set_member_name(b, "active");
    json_builder_add_boolean_value(b, s->active);
    framelog_json_add_string(b, "heard_channel", chan_kind_name(s->play));
    LcAudioPlayoutStats playout;
    audio_listen_get_playout_stats(listen, s->key, &playout);
    json_builder_set_member_name(b, "mixed");
    json_builder_begin_object(b);
    framelog_json_add_uint(b, "frames_played", playout.frames_played);
    framelog_json_add_uint(b, "frames_concealed", playout.frames_concealed);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "jitter");
    json_builder_begin_object(b);
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (s->jitter[c] == NULL)
            continue;
        json_builder_set_member_name(b, chan_kind_name(c));
        json_builder_add_value(b, audio_report_jitter_json(s->jitter[c], frame_ms));
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "summary");
    json_builder_add_value(b, framelog_get_summary_json(s->log, now_us));
    json_builder_end_object(b);
}

/* A listener's figures. */
JsonNode *audio_report_listen_json(LcAudioListen *listen, gint64 now_us)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    framelog_json_add_string(b, "heard_channel",
                             chan_kind_name(audio_listen_get_play_channel(listen)));
    framelog_json_add_string(b, "output", audio_listen_get_output_label(listen));
    json_builder_set_member_name(b, "speakers");
    json_builder_begin_array(b);
    GPtrArray *speakers = audio_listen_get_speakers(listen);
    for (guint i = 0; i < speakers->len; i++)
        audio_report_add_speaker(b, listen, speakers->pdata[i], now_us,
                                 audio_listen_get_frame_ms(listen));
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

/* One line for a speaker's channel over an interval. */
char *audio_report_format_interval(const LcAudioListenSpeaker *s, const LcChannelInterval *iv)
{
    LcAudioJitterStats st;
    audio_jitter_get_stats(s->jitter[iv->channel], &st);
    /* A second with nothing heard has no latency: "-", as the other lines. */
    g_autofree char *p50 = isnan(iv->end_to_end_p50_ms)
                               ? g_strdup("-")
                               : g_strdup_printf("%.1f", iv->end_to_end_p50_ms);
    g_autofree char *p99 = isnan(iv->end_to_end_p99_ms)
                               ? g_strdup("-")
                               : g_strdup_printf("%.1f", iv->end_to_end_p99_ms);
    return g_strdup_printf("%s %s%s: %.0f pkt/s mouth-to-ear %s/%s ms depth %.1f/%.1f ms "
                           "late %" G_GUINT64_FORMAT " concealed %" G_GUINT64_FORMAT
                           " fec %" G_GUINT64_FORMAT,
                           s->key, chan_kind_name(iv->channel), iv->channel == s->play ? "*" : "",
                           isnan(iv->received.fps_acked) ? 0.0 : iv->received.fps_acked, p50, p99,
                           st.depth_ms, st.target_ms, st.late, st.concealed, st.fec_recovered);
}

/* Writes {"audio": ..., "video": ...} to path. */
gboolean audio_report_write_summary(JsonNode *audio, JsonNode *video, const char *path,
                                    GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    if (audio != NULL) {
        json_builder_set_member_name(b, "audio");
        json_builder_add_value(b, json_node_copy(audio));
    }
    if (video != NULL) {
        json_builder_set_member_name(b, "video");
        json_builder_add_value(b, json_node_copy(video));
    }
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *text = framelog_json_to_text(root, TRUE);
    g_autofree char *line = g_strconcat(text, "\n", NULL);
    return framelog_write_text(path, line, strlen(line), error);
}
