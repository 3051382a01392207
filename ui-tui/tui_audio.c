/* tui_audio.c: /audio, /listen, /mute and F4: the user's sound sent to the
 * room, everyone heard, the sound marks in the member list (audio on,
 * talking, muted) and the audio rows of the stats pane. */
#include "ui-tui/tui_private.h"

#include "net/wire/chan_kind.h"
#include "net/wire/clock.h"
#include "src/run/audio_listen.h"
#include "src/run/audio_talk.h"

#include <math.h>

#define TUI_AUDIO_TICK_MS    250    /* the talking marks follow this quickly */
#define TUI_AUDIO_TALKING_US 400000 /* voice heard this recently: "talking" */
#define TUI_AUDIO_RECORDS    6000   /* per-packet records kept: a minute of 10 ms packets */

struct _LcTuiAudio {
    LcFramelogRun talk_run;
    LcAudioCaptureConfig capture;
    char *source;
    LcAudioTalk *talk;
    gboolean talk_failed; /* freed by the next reap */
    LcAudioListen *listen;
    char *listen_file;   /* where /listen writes, or NULL for the output */
    GHashTable *muted;   /* folded nick -> TRUE: muted here, kept across /listen */
    GHashTable *volumes; /* folded nick -> level (double *), kept across /listen */
    guint tick;
    guint reap;
};

/* Creates the audio state of a client. */
void tui_audio_init(LcTui *tui)
{
    LcTuiAudio *a = g_new0(LcTuiAudio, 1);
    a->muted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    a->volumes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    tui->audio = a;
}

/* Finishes the listening: a WAV file is complete once this returns. */
static void tui_audio_stop_listening(LcTui *tui, gboolean say)
{
    LcTuiAudio *a = tui->audio;
    if (a->listen == NULL)
        return;
    g_autoptr(GError) error = NULL;
    gboolean ok = audio_listen_finish(a->listen, &error);
    if (say && ok)
        tui_append_text(tui, CHAT_KIND_INFO, "stopped listening (%s)",
                        audio_listen_get_output_label(a->listen));
    else if (say)
        tui_append_text(tui, CHAT_KIND_INFO, "stopped listening: %s", error->message);
    g_clear_pointer(&a->listen, audio_listen_free);
    g_clear_pointer(&a->listen_file, g_free);
}

/* Stops talking and listening, and frees the audio state. */
void tui_audio_clear(LcTui *tui)
{
    LcTuiAudio *a = tui->audio;
    if (a == NULL)
        return;
    g_clear_handle_id(&a->tick, g_source_remove);
    g_clear_handle_id(&a->reap, g_source_remove);
    g_clear_pointer(&a->talk, audio_talk_free);
    tui_audio_stop_listening(tui, FALSE);
    g_hash_table_unref(a->muted);
    g_hash_table_unref(a->volumes);
    g_free(a->source);
    g_free(a);
    tui->audio = NULL;
}

/* Whether the user talks or listens. */
gboolean tui_audio_is_active(LcTui *tui)
{
    return tui->audio->talk != NULL || tui->audio->listen != NULL;
}

/* Whether nick is muted here. */
static gboolean tui_audio_is_muted(LcTuiAudio *a, const char *nick)
{
    g_autofree char *folded = g_ascii_strdown(nick, -1);
    return g_hash_table_contains(a->muted, folded);
}

/* The heard stream of a member that is on, or NULL. */
static const LcAudioListenSpeaker *tui_audio_heard(LcTuiAudio *a, const char *nick)
{
    if (a->listen == NULL)
        return NULL;
    GPtrArray *speakers = audio_listen_get_speakers(a->listen);
    for (guint i = speakers->len; i > 0; i--) {
        const LcAudioListenSpeaker *s = speakers->pdata[i - 1];
        if (s->active && g_ascii_strcasecmp(s->nick, nick) == 0)
            return s;
    }
    return NULL;
}

/* Marks every member's sound: on (the room says it has an audio stream),
 * talking (voice heard here just now), muted (here). */
void tui_audio_sync_members(LcTui *tui)
{
    LcTuiAudio *a = tui->audio;
    members_clear_audio(tui->members);
    const GPtrArray *streams = room_streams_get_all(session_get_streams(tui->session));
    gint64 now = clock_now_us();
    const char *self = session_get_nick(tui->session);
    for (guint i = 0; i < streams->len; i++) {
        const LcRoomStream *st = streams->pdata[i];
        if (st->media != LC_MEDIA_AUDIO)
            continue;
        LcMemberAudio mark = MEMBER_AUDIO_ON;
        const LcAudioListenSpeaker *s = tui_audio_heard(a, st->nick);
        gboolean self_talking = g_ascii_strcasecmp(st->nick, self) == 0 && a->talk != NULL &&
                                !audio_talk_get_muted(a->talk);
        if (tui_audio_is_muted(a, st->nick) ||
            (g_ascii_strcasecmp(st->nick, self) == 0 && a->talk && audio_talk_get_muted(a->talk)))
            mark = MEMBER_AUDIO_MUTED;
        else if (self_talking || (s != NULL && now - s->talking_us < TUI_AUDIO_TALKING_US))
            mark = MEMBER_AUDIO_TALKING;
        members_set_audio(tui->members, st->nick, mark);
    }
    tui_mark(tui, VIEW_MEMBERS);
}

/* The stats pane's figures of one channel interval. */
static void tui_audio_fill(const LcChannelInterval *in, gboolean talk, LcStatsPaneChannel *out)
{
    out->active = TRUE;
    out->fps = talk ? in->sent.fps_acked : in->received.fps_acked;
    out->mbps = talk ? in->sent.goodput_mbps : in->received.goodput_mbps;
    out->p50_ms = talk ? in->rtt_p50_ms : in->end_to_end_p50_ms;
    out->p99_ms = talk ? in->rtt_p99_ms : in->end_to_end_p99_ms;
    out->lost = talk ? in->sent.counts.frames_lost : 0;
    out->dropped = talk ? in->sent.counts.frames_dropped : 0;
}

/* Closes a log's second and adds its row to the pane. */
static void tui_audio_add_row(LcStatsPane *pane, LcFramelog *log, const char *label, gboolean talk,
                              gint64 now)
{
    LcChannelInterval iv[LC_CHAN_KINDS];
    LcStatsPaneChannel ch[LC_CHAN_KINDS] = {
        {.fps = NAN, .mbps = NAN, .p50_ms = NAN, .p99_ms = NAN},
        {.fps = NAN, .mbps = NAN, .p50_ms = NAN, .p99_ms = NAN}};
    guint n = framelog_close_interval(log, now, iv);
    for (guint i = 0; i < n; i++)
        tui_audio_fill(&iv[i], talk, &ch[iv[i].channel]);
    statspane_add(pane, label, &ch[LC_CHAN_TCP], &ch[LC_CHAN_UDP]);
}

/* Adds the audio rows to the stats pane (once a second): your sound to the
 * relay (round trip), and each speaker heard (mouth to ear). */
void tui_audio_fill_pane(LcTui *tui, LcStatsPane *pane, gint64 now)
{
    LcTuiAudio *a = tui->audio;
    if (a->talk != NULL)
        tui_audio_add_row(pane, audio_talk_get_framelog(a->talk), "talk → relay", TRUE, now);
    if (a->listen == NULL)
        return;
    GPtrArray *speakers = audio_listen_get_speakers(a->listen);
    for (guint i = 0; i < speakers->len; i++) {
        const LcAudioListenSpeaker *s = speakers->pdata[i];
        if (!s->active)
            continue;
        g_autofree char *label = g_strdup_printf("hear %s", s->key);
        tui_audio_add_row(pane, s->log, label, FALSE, now);
    }
}

/* Follows who talks, a few times a second. */
static gboolean tui_audio_on_tick(gpointer data)
{
    tui_audio_sync_members(data);
    return G_SOURCE_CONTINUE;
}

/* Starts or stops the timer, the stats pane's tick and the marks. */
static void tui_audio_update(LcTui *tui)
{
    LcTuiAudio *a = tui->audio;
    if (tui_audio_is_active(tui) && a->tick == 0)
        a->tick = g_timeout_add(TUI_AUDIO_TICK_MS, tui_audio_on_tick, tui);
    else if (!tui_audio_is_active(tui))
        g_clear_handle_id(&a->tick, g_source_remove);
    tui_media_update(tui);
    tui_audio_sync_members(tui);
}

/* Frees a talk that failed (outside its callback). */
static gboolean tui_audio_on_reap(gpointer data)
{
    LcTui *tui = data;
    LcTuiAudio *a = tui->audio;
    a->reap = 0;
    if (a->talk_failed)
        g_clear_pointer(&a->talk, audio_talk_free);
    a->talk_failed = FALSE;
    tui_audio_update(tui);
    return G_SOURCE_REMOVE;
}

/* The talk failed (no microphone, the end of a file, a relay refusal). */
static void tui_audio_on_talk_error(LcAudioTalk *talk, const GError *error, gpointer data)
{
    LcTui *tui = data;
    tui_append_text(tui, CHAT_KIND_ERROR, "audio stopped: %s", error->message);
    tui->audio->talk_failed = TRUE;
    if (tui->audio->reap == 0)
        tui->audio->reap = g_idle_add(tui_audio_on_reap, tui);
}

/* /audio on [SOURCE] [tcp|udp|both]. */
void tui_audio_on(LcTui *tui, const char *source, const char *channels)
{
    LcTuiAudio *a = tui->audio;
    g_autoptr(GError) error = NULL;
    guint mask = LC_CHAN_MASK_ALL;
    if (a->talk != NULL && !a->talk_failed) {
        tui_append_text(tui, CHAT_KIND_ERROR, "your audio is already on; /audio off first");
        return;
    }
    g_clear_pointer(&a->talk, audio_talk_free);
    a->talk_failed = FALSE;
    if (channels != NULL && !chan_kind_parse_mask(channels, &mask, &error)) {
        tui_append_text(tui, CHAT_KIND_ERROR, "/audio: %s", error->message);
        return;
    }
    g_free(a->source);
    a->source = g_strdup(source ? source : "mic");
    a->capture = (LcAudioCaptureConfig){.source = a->source, .dtx = TRUE};
    audio_talk_describe_run(&a->talk_run, &a->capture, mask, 0);
    LcStreamSenderConfig sc;
    stream_sender_config_init(&sc);
    sc.channels = mask;
    sc.queue_frames = AUDIO_TALK_QUEUE_FRAMES;
    a->talk = audio_talk_new(tui->session, &a->capture, &sc, &a->talk_run, tui_audio_on_talk_error,
                             tui, &error);
    if (a->talk == NULL || !audio_talk_start(a->talk, &error)) {
        g_clear_pointer(&a->talk, audio_talk_free);
        tui_append_text(tui, CHAT_KIND_ERROR, "audio not started: %s", error->message);
        return;
    }
    framelog_set_record_limit(audio_talk_get_framelog(a->talk), TUI_AUDIO_RECORDS);
    const char *echo = audio_talk_get_echo_note(a->talk);
    tui_append_text(tui, CHAT_KIND_INFO, "audio on: %s%s%s%s on %s (F4 or /mute: microphone off)",
                    audio_talk_get_label(a->talk), echo ? " (" : "", echo ? echo : "",
                    echo ? ")" : "", mask == LC_CHAN_MASK_ALL ? "tcp and udp" : channels);
    tui_audio_update(tui);
}

/* /audio off. */
void tui_audio_off(LcTui *tui)
{
    LcTuiAudio *a = tui->audio;
    if (a->talk == NULL) {
        tui_append_text(tui, CHAT_KIND_ERROR, "your audio is not on");
        return;
    }
    g_clear_pointer(&a->talk, audio_talk_free);
    a->talk_failed = FALSE;
    tui_append_text(tui, CHAT_KIND_INFO, "audio off");
    tui_audio_update(tui);
}

/* Applies the mutes kept here to a listening that starts. */
static void tui_audio_apply_mutes(LcTuiAudio *a)
{
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, a->muted);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        audio_listen_set_mute(a->listen, key, TRUE);
    gpointer level;
    g_hash_table_iter_init(&iter, a->volumes);
    while (g_hash_table_iter_next(&iter, &key, &level))
        audio_listen_set_volume(a->listen, key, *(double *)level);
}

/* /volume NICK LEVEL. */
void tui_audio_volume(LcTui *tui, const char *nick, double level)
{
    LcTuiAudio *a = tui->audio;
    double *kept = g_new(double, 1);
    *kept = level;
    g_hash_table_insert(a->volumes, g_ascii_strdown(nick, -1), kept);
    if (a->listen != NULL)
        audio_listen_set_volume(a->listen, nick, level);
    tui_append_text(tui, CHAT_KIND_INFO, "%s at volume %.2g here%s", nick, level,
                    a->listen == NULL ? " (when you /listen)" : "");
}

/* /listen [FILE.wav]. */
void tui_audio_listen(LcTui *tui, const char *file)
{
    LcTuiAudio *a = tui->audio;
    if (a->listen != NULL) {
        tui_append_text(tui, CHAT_KIND_ERROR, "already listening (%s); /listen off first",
                        audio_listen_get_output_label(a->listen));
        return;
    }
    g_autoptr(GError) error = NULL;
    a->listen_file = g_strdup(file);
    LcAudioListenConfig lc = {.channels = LC_CHAN_MASK_ALL,
                              .wav_path = a->listen_file,
                              .record_limit = TUI_AUDIO_RECORDS};
    a->listen = audio_listen_new(tui->session, &lc, &error);
    if (a->listen == NULL) {
        g_clear_pointer(&a->listen_file, g_free);
        tui_append_text(tui, CHAT_KIND_ERROR, "cannot listen: %s%s", error->message,
                        file == NULL ? " (/listen FILE.wav writes what you would hear)" : "");
        return;
    }
    tui_audio_apply_mutes(a);
    tui_append_text(tui, CHAT_KIND_INFO, "listening to everyone who talks, into %s",
                    audio_listen_get_output_label(a->listen));
    tui_audio_update(tui);
}

/* /listen off. */
void tui_audio_unlisten(LcTui *tui)
{
    if (tui->audio->listen == NULL) {
        tui_append_text(tui, CHAT_KIND_ERROR, "not listening");
        return;
    }
    tui_audio_stop_listening(tui, TRUE);
    tui_audio_update(tui);
}

/* /mute [NICK] and F4: a member muted or unmuted here, or the microphone. */
void tui_audio_mute(LcTui *tui, const char *nick)
{
    LcTuiAudio *a = tui->audio;
    const char *self = session_get_nick(tui->session);
    if (nick == NULL || g_ascii_strcasecmp(nick, self) == 0) {
        if (a->talk == NULL) {
            tui_append_text(tui, CHAT_KIND_ERROR, "your audio is not on (/audio on)");
            return;
        }
        gboolean mute = !audio_talk_get_muted(a->talk);
        audio_talk_set_muted(a->talk, mute);
        tui_append_text(tui, CHAT_KIND_INFO, "microphone %s", mute ? "muted" : "on");
    } else {
        g_autofree char *folded = g_ascii_strdown(nick, -1);
        gboolean mute = !g_hash_table_contains(a->muted, folded);
        if (mute)
            g_hash_table_add(a->muted, g_steal_pointer(&folded));
        else
            g_hash_table_remove(a->muted, folded);
        if (a->listen != NULL)
            audio_listen_set_mute(a->listen, nick, mute);
        tui_append_text(tui, CHAT_KIND_INFO, "%s %s here%s%s", nick, mute ? "muted" : "unmuted",
                        members_find(tui->members, nick) == NULL ? " (not in the room now)" : "",
                        a->listen == NULL ? " (when you /listen)" : "");
    }
    tui_audio_sync_members(tui);
}
