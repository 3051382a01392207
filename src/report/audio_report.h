/* audio_report.h: what an audio run writes: a listener's figures per
 * speaker and channel (the frame log's summary, with capture-to-playout as
 * mouth-to-ear, and the jitter buffer's counters) as JSON, and one text
 * line per speaker and channel per interval. docs/STATS.md documents every
 * field. */
#pragma once

#include <json-glib/json-glib.h>

#include "src/run/audio_listen.h"

G_BEGIN_DECLS

/* {"heard_channel", "output", "speakers": [...]} at now_us (transfer full). */
JsonNode *audio_report_listen_json(LcAudioListen *listen, gint64 now_us);
/* A jitter buffer's counters and depth as a JSON object (transfer full). */
JsonNode *audio_report_jitter_json(const LcAudioJitter *jitter, guint frame_ms);
/* One line, no newline, for a speaker's channel over the interval that
 * ended: "alice udp: 100 pkt/s mouth-to-ear 23.3/23.4 ms depth 5.0/5.0 ms
 * late 0 concealed 0 fec 0". */
char *audio_report_format_interval(const LcAudioListenSpeaker *speaker,
                                   const LcChannelInterval *interval);
/* Writes {"audio": audio, "video": video} (either may be NULL: left out)
 * to path, pretty-printed. */
gboolean audio_report_write_summary(JsonNode *audio, JsonNode *video, const char *path,
                                    GError **error);

G_END_DECLS
