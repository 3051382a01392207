/* audio_listen.c: hearing everyone in the room, measured. */
#include "src/run/audio_listen.h"

#include "net/client/stream_viewer.h"
#include "net/wire/chan_kind.h"
#include "net/wire/clock.h"

#include <string.h>

#define AUDIO_LISTEN_FINISH_MS 10000 /* how long the output may take to finish */
/* A 10 ms packet this long or shorter is taken for silence (a speaking
 * mark's guess, not a voice activity detector: with DTX, the talkers'
 * default, Opus sends 1-byte packets while silent). */
#define AUDIO_LISTEN_VOICE_BYTES 15
/* Missing packets in a row concealed as they fall due (100 ms of 10 ms
 * packets); a longer run is silence. */
#define AUDIO_LISTEN_CONCEAL_MAX 10
#define AUDIO_LISTEN_RETRY_MS    1000 /* the first wait before asking again for a refused view */

typedef struct {
    LcAudioListenSpeaker pub; /* first: the public view */
    LcAudioListen *listen;
    char *nick;
    char *key;
    LcStreamViewer *viewer; /* NULL once its stream ended */
    gboolean applied;       /* the member's mute and volume are set in the mix */
    guint retry_src;        /* asks again for a view the relay refused */
    guint retry_ms;         /* the wait before the next ask; 0: never refused */
} LcSpeakerEntry;

/* A member's own settings, kept for its later streams. */
typedef struct {
    gboolean mute;
    double volume;
} LcSpeakerSetting;

struct _LcAudioListen {
    LcSession *session;
    LcAudioListenConfig config;
    char *wav_path;
    LcAudioPlayout *playout;
    char *label;
    LcChanKind play;
    guint watch;
    GSource *timer;       /* wakes when the next slot is due (a ready time) */
    GPtrArray *speakers;  /* LcSpeakerEntry, in the order they started (owned) */
    GHashTable *active;   /* folded nick -> LcSpeakerEntry whose stream is on */
    GHashTable *streams;  /* folded nick -> streams heard so far (GUINT) */
    GHashTable *settings; /* folded nick -> LcSpeakerSetting */
    gboolean finished;
};

typedef struct {
    LcSpeakerEntry *speaker;
    LcChanKind channel;
} LcReleaseCtx;

/* What the jitter buffer hands out: the heard channel's goes to the
 * playout; every channel's playout time goes into the log ("decoded"), so
 * that capture-to-playout (mouth to ear) is measured per channel. */
static void audio_listen_apply_setting(LcAudioListen *l, LcSpeakerEntry *s);

static void audio_listen_on_out(const LcAudioJitterOut *out, gpointer data)
{
    LcReleaseCtx *ctx = data;
    LcSpeakerEntry *s = ctx->speaker;
    LcAudioListen *l = s->listen;
    gboolean heard = ctx->channel == s->pub.play && l->playout != NULL;
    switch (out->action) {
    case AUDIO_JITTER_PLAY: {
        gint64 delay = audio_jitter_get_decoder_delay_us(s->pub.jitter[ctx->channel]);
        framelog_add_decoded(s->pub.log, ctx->channel, out->seq, out->due_us + delay, -1);
        /* Voice, not silence: Opus spends few bytes on a quiet packet. */
        if (ctx->channel == s->pub.play &&
            frame_get_size(out->frame) > AUDIO_LISTEN_VOICE_BYTES * l->config.frame_ms / 10)
            s->pub.talking_us = out->due_us;
        if (heard) {
            audio_playout_push(l->playout, s->key, out->frame);
            if (!s->applied) /* the mix has the speaker from its first packet */
                audio_listen_apply_setting(l, s);
            s->applied = TRUE;
        }
        break;
    }
    case AUDIO_JITTER_STRETCH:
        if (heard)
            audio_playout_stretch(l->playout, s->key);
        break;
    case AUDIO_JITTER_SKIP:
        if (heard)
            audio_playout_skip(l->playout, s->key, out->seq);
        break;
    case AUDIO_JITTER_MISSING:
        /* Concealed at its time, so that the mix does not wait for the
         * next packet; but only so long: past that the speaker has paused
         * or left, and concealment would only fade into noise. */
        if (heard && out->run <= AUDIO_LISTEN_CONCEAL_MAX)
            audio_playout_missing(l->playout, s->key, out->seq);
        break;
    }
}

/* Arms the timer for the next slot due in any buffer. */
static void audio_listen_arm(LcAudioListen *l)
{
    gint64 next = G_MAXINT64;
    for (guint i = 0; i < l->speakers->len; i++) {
        LcSpeakerEntry *s = l->speakers->pdata[i];
        for (guint c = 0; c < LC_CHAN_KINDS; c++)
            if (s->pub.active && s->pub.jitter[c] != NULL)
                next = MIN(next, audio_jitter_next_due(s->pub.jitter[c]));
    }
    /* The buffers count on the wall clock; the source on the monotonic one. */
    if (next != G_MAXINT64)
        g_source_set_ready_time(l->timer, g_get_monotonic_time() + MAX(next - clock_now_us(), 0));
    else
        g_source_set_ready_time(l->timer, -1);
}

/* Dispatches the timer source: its ready time has come. */
static gboolean audio_listen_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    g_source_set_ready_time(source, -1);
    return callback(data);
}

static GSourceFuncs audio_listen_timer_funcs = {.dispatch = audio_listen_dispatch};

/* Moves the timer earlier if one buffer's next slot (due_us, wall clock)
 * comes before it: a packet that arrives changes no other buffer. */
static void audio_listen_arm_before(LcAudioListen *l, gint64 due_us)
{
    if (due_us == G_MAXINT64)
        return;
    gint64 at = g_get_monotonic_time() + MAX(due_us - clock_now_us(), 0);
    gint64 armed = g_source_get_ready_time(l->timer);
    if (armed < 0 || at < armed)
        g_source_set_ready_time(l->timer, at);
}

/* Hands out what is due in every buffer. */
static gboolean audio_listen_on_timer(gpointer data)
{
    LcAudioListen *l = data;
    if (l->finished)
        return G_SOURCE_CONTINUE; /* nothing more is played; the timer stays disarmed */
    gint64 now = clock_now_us();
    for (guint i = 0; i < l->speakers->len; i++) {
        LcSpeakerEntry *s = l->speakers->pdata[i];
        for (guint c = 0; c < LC_CHAN_KINDS; c++) {
            if (!s->pub.active || s->pub.jitter[c] == NULL)
                continue;
            LcReleaseCtx ctx = {s, (LcChanKind)c};
            audio_jitter_release(s->pub.jitter[c], now, audio_listen_on_out, &ctx);
        }
    }
    audio_listen_arm(l);
    return G_SOURCE_CONTINUE;
}

/* A packet arrived on a channel: logged, into that channel's buffer. */
static void audio_listen_on_frame(LcStreamViewer *v, const LcStreamFrame *f, gpointer data)
{
    LcSpeakerEntry *s = data;
    const LcFrameMeta *meta = &f->frame->meta;
    if (s->pub.jitter[f->channel] == NULL)
        return;
    framelog_add_received(s->pub.log, f->channel, meta->seq, frame_get_size(f->frame),
                          meta->capture_us, f->last_us);
    framelog_set_stream(s->pub.log, 0, 0, frame_codec_to_string(meta->codec));
    audio_jitter_put(s->pub.jitter[f->channel], f->frame, f->last_us);
    audio_listen_arm_before(s->listen, audio_jitter_next_due(s->pub.jitter[f->channel]));
}

/* A UDP packet never completed (one datagram: it came damaged). */
static void audio_listen_on_lost(LcStreamViewer *v, LcChanKind channel, guint64 seq, gpointer data)
{
    LcSpeakerEntry *s = data;
    framelog_add_lost(s->pub.log, channel, seq);
}

static void audio_listen_on_refused(LcStreamViewer *v, const GError *error, gpointer data);

static const LcStreamViewerEvents audio_listen_viewer_events = {
    .frame = audio_listen_on_frame,
    .lost = audio_listen_on_lost,
    .refused = audio_listen_on_refused,
};

/* Views a speaker's stream on the channels listened to. */
static void audio_listen_view(LcSpeakerEntry *s)
{
    LcStreamViewerConfig vc;
    stream_viewer_config_init(&vc);
    vc.media = LC_MEDIA_AUDIO;
    vc.channels = s->listen->config.channels;
    s->viewer = stream_viewer_new(s->listen->session, s->nick, &vc, &audio_listen_viewer_events, s);
}

/* Asks again for a view the relay refused (outside the viewer's callback). */
static gboolean audio_listen_on_retry(gpointer data)
{
    LcSpeakerEntry *s = data;
    s->retry_src = 0;
    if (s->pub.active && !s->listen->finished) {
        g_clear_pointer(&s->viewer, stream_viewer_free);
        audio_listen_view(s);
    }
    return G_SOURCE_REMOVE;
}

/* The relay refused the view: too many views, or flood control. Both pass
 * (another speaker leaves, the bucket refills): ask again, after 1 s, then
 * up to every 8 s. Any other refusal is final. */
static void audio_listen_on_refused(LcStreamViewer *v, const GError *error, gpointer data)
{
    LcSpeakerEntry *s = data;
    gboolean passes = g_error_matches(error, LC_WIRE_ERROR, WIRE_ERR_RATE_LIMITED) ||
                      g_error_matches(error, LC_WIRE_ERROR, WIRE_ERR_SERVER_FULL);
    if (!passes || s->retry_ms == 0)
        g_message("cannot hear %s%s: %s", s->nick, passes ? " yet (asking again)" : "",
                  error->message);
    if (!passes || s->retry_src != 0)
        return;
    s->retry_ms = s->retry_ms == 0 ? AUDIO_LISTEN_RETRY_MS : MIN(s->retry_ms * 2, 8000);
    s->retry_src = g_timeout_add(s->retry_ms, audio_listen_on_retry, s);
}

/* Frees a speaker entry. */
static void audio_listen_speaker_free(gpointer data)
{
    LcSpeakerEntry *s = data;
    g_clear_handle_id(&s->retry_src, g_source_remove);
    g_clear_pointer(&s->viewer, stream_viewer_free);
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        g_clear_pointer(&s->pub.jitter[c], audio_jitter_free);
    g_clear_pointer(&s->pub.log, framelog_free);
    g_free(s->nick);
    g_free(s->key);
    g_free(s);
}

/* Applies a member's mute and volume to its current stream. */
static void audio_listen_apply_setting(LcAudioListen *l, LcSpeakerEntry *s)
{
    g_autofree char *folded = g_ascii_strdown(s->nick, -1);
    LcSpeakerSetting *setting = g_hash_table_lookup(l->settings, folded);
    if (setting == NULL || l->playout == NULL)
        return;
    audio_playout_set_mute(l->playout, s->key, setting->mute);
    audio_playout_set_volume(l->playout, s->key, setting->volume);
}

/* A speaker's stream started: view it on every channel asked for. */
static void audio_listen_end_speaker(LcAudioListen *l, const char *nick, guint32 stream_id);

/* The active speaker of a stream id, or NULL. */
static LcSpeakerEntry *audio_listen_find_stream(LcAudioListen *l, guint32 stream_id)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, l->active);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (((LcSpeakerEntry *)value)->pub.stream_id == stream_id)
            return value;
    return NULL;
}

static void audio_listen_add_speaker(LcAudioListen *l, const char *nick, guint32 stream_id,
                                     guint channels)
{
    g_autofree char *folded = g_ascii_strdown(nick, -1);
    LcSpeakerEntry *same = g_hash_table_lookup(l->active, folded);
    if (same != NULL && same->pub.stream_id == stream_id)
        return; /* told again */
    /* The nick's earlier stream, or this stream under its owner's old nick
     * (a rename): that one is over here; this one starts. */
    if (same != NULL)
        audio_listen_end_speaker(l, same->nick, 0);
    LcSpeakerEntry *renamed = audio_listen_find_stream(l, stream_id);
    if (renamed != NULL)
        audio_listen_end_speaker(l, renamed->nick, 0);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(l->streams, folded)) + 1;
    g_hash_table_insert(l->streams, g_strdup(folded), GUINT_TO_POINTER(n));
    LcSpeakerEntry *s = g_new0(LcSpeakerEntry, 1);
    s->listen = l;
    s->nick = g_strdup(nick);
    s->key = n == 1 ? g_strdup(nick) : g_strdup_printf("%s#%u", nick, n);
    s->pub.nick = s->nick;
    s->pub.key = s->key;
    s->pub.stream_id = stream_id;
    s->pub.active = TRUE;
    s->pub.play =
        (channels & l->config.channels & LC_CHAN_BIT(LC_CHAN_UDP)) ? LC_CHAN_UDP : LC_CHAN_TCP;
    LcFramelogRun run = {
        .source = nick, .codec = "opus", .channels = l->config.channels, .audio = TRUE};
    s->pub.log = framelog_new(FRAMELOG_ROLE_VIEWER, &run, clock_now_us());
    framelog_set_sender_offset(s->pub.log, l->config.sender_offset_us);
    framelog_set_record_limit(s->pub.log, l->config.record_limit);
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        if (chan_kind_mask_has(l->config.channels, c))
            s->pub.jitter[c] = audio_jitter_new(&l->config.jitter);
    g_ptr_array_add(l->speakers, s);
    g_hash_table_insert(l->active, g_steal_pointer(&folded), s);
    audio_listen_view(s);
}

/* Plays what a speaker's buffers still hold. */
static void audio_listen_flush_speaker(LcSpeakerEntry *s)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (s->pub.jitter[c] == NULL)
            continue;
        LcReleaseCtx ctx = {s, (LcChanKind)c};
        audio_jitter_flush(s->pub.jitter[c], audio_listen_on_out, &ctx);
    }
}

/* A speaker's stream ended: its last packets play, its view closes, and
 * the mix stops waiting for it. */
static void audio_listen_end_speaker(LcAudioListen *l, const char *nick, guint32 stream_id)
{
    g_autofree char *folded = g_ascii_strdown(nick, -1);
    LcSpeakerEntry *s = g_hash_table_lookup(l->active, folded);
    if (s == NULL || (stream_id != 0 && s->pub.stream_id != stream_id))
        return;
    audio_listen_flush_speaker(s);
    s->pub.active = FALSE;
    g_clear_handle_id(&s->retry_src, g_source_remove);
    g_clear_pointer(&s->viewer, stream_viewer_free);
    if (l->playout != NULL)
        audio_playout_end_speaker(l->playout, s->key);
    g_hash_table_remove(l->active, folded);
}

/* Ends every stream heard; returns their entries (free the list only). */
static GList *audio_listen_end_all(LcAudioListen *l)
{
    GList *active = g_hash_table_get_values(l->active);
    for (GList *it = active; it != NULL; it = it->next)
        audio_listen_end_speaker(l, ((LcSpeakerEntry *)it->data)->nick, 0);
    return active;
}

/* Follows the room's audio streams. */
static void audio_listen_on_message(LcSession *session, const LcWireMsg *msg, gpointer data)
{
    LcAudioListen *l = data;
    if (msg->type == WIRE_WELCOME && !l->finished) {
        /* A new connection: the relay announces every stream again, and
         * what ended meanwhile is not announced at all. Every stream heard
         * is over here; those still on start again. */
        g_list_free(audio_listen_end_all(l));
        return;
    }
    if (msg->type != WIRE_STREAM_NOTICE || (msg->flags & WIRE_FLAG_AUDIO) == 0 || l->finished)
        return;
    const char *nick = msg->stream_notice.nick;
    if (g_ascii_strcasecmp(nick, session_get_nick(session)) == 0)
        return; /* one's own voice is not played back */
    if (msg->stream_notice.state == WIRE_STREAM_STARTED &&
        (msg->stream_notice.channels & l->config.channels) != 0)
        audio_listen_add_speaker(l, nick, msg->stream_notice.stream_id,
                                 msg->stream_notice.channels);
    else if (msg->stream_notice.state != WIRE_STREAM_STARTED)
        audio_listen_end_speaker(l, nick, msg->stream_notice.stream_id);
}

/* Starts listening. */
LcAudioListen *audio_listen_new(LcSession *session, const LcAudioListenConfig *config,
                                GError **error)
{
    g_autoptr(LcAudioListen) l = g_new0(LcAudioListen, 1);
    l->session = session;
    l->config = *config;
    l->config.channels &= LC_CHAN_MASK_ALL;
    if (l->config.channels == 0)
        l->config.channels = LC_CHAN_MASK_ALL;
    l->config.frame_ms = config->frame_ms ? config->frame_ms : 10;
    l->config.jitter.frame_ms = l->config.frame_ms;
    l->config.jitter.fec = TRUE; /* opusdec rebuilds from in-band FEC where a packet has it */
    l->wav_path = g_strdup(config->wav_path);
    l->config.wav_path = l->wav_path;
    l->play = chan_kind_mask_has(l->config.channels, LC_CHAN_UDP) ? LC_CHAN_UDP : LC_CHAN_TCP;
    l->speakers = g_ptr_array_new_with_free_func(audio_listen_speaker_free);
    l->active = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    l->streams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    l->settings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    LcAudioPlayoutConfig pc = {.wav_path = l->wav_path, .frame_ms = l->config.frame_ms};
    if (!config->measure_only && (l->playout = audio_playout_new(&pc, error)) == NULL)
        return NULL;
    l->label = config->measure_only ? g_strdup("nothing (measured only)")
               : l->wav_path        ? g_strdup_printf("file %s", l->wav_path)
                                    : g_strdup("the default audio output");
    l->timer = g_source_new(&audio_listen_timer_funcs, sizeof(GSource));
    g_source_set_callback(l->timer, audio_listen_on_timer, l, NULL);
    g_source_set_priority(l->timer, G_PRIORITY_HIGH); /* sound is due on time */
    g_source_attach(l->timer, g_main_context_get_thread_default());
    l->watch = session_add_watch(session, audio_listen_on_message, l);
    /* Streams announced before now (on joining): heard from now on. */
    const GPtrArray *known = room_streams_get_all(session_get_streams(session));
    for (guint i = 0; i < known->len; i++) {
        const LcRoomStream *stream = known->pdata[i];
        if (stream->media == LC_MEDIA_AUDIO && (stream->channels & l->config.channels) != 0 &&
            g_ascii_strcasecmp(stream->nick, session_get_nick(session)) != 0)
            audio_listen_add_speaker(l, stream->nick, stream->stream_id, stream->channels);
    }
    return g_steal_pointer(&l);
}

LcChanKind audio_listen_get_play_channel(LcAudioListen *l)
{
    return l->play;
}

guint audio_listen_get_frame_ms(LcAudioListen *l)
{
    return l->config.frame_ms;
}

const char *audio_listen_get_output_label(LcAudioListen *l)
{
    return l->label;
}

GPtrArray *audio_listen_get_speakers(LcAudioListen *l)
{
    return l->speakers;
}

void audio_listen_get_playout_stats(LcAudioListen *l, const char *key, LcAudioPlayoutStats *stats)
{
    if (l->playout != NULL)
        audio_playout_get_stats(l->playout, key, stats);
    else
        *stats = (LcAudioPlayoutStats){0};
}

/* A member's setting, made if new. */
static LcSpeakerSetting *audio_listen_setting(LcAudioListen *l, const char *nick)
{
    g_autofree char *folded = g_ascii_strdown(nick, -1);
    LcSpeakerSetting *setting = g_hash_table_lookup(l->settings, folded);
    if (setting == NULL) {
        setting = g_new0(LcSpeakerSetting, 1);
        setting->volume = 1.0;
        g_hash_table_insert(l->settings, g_steal_pointer(&folded), setting);
    }
    return setting;
}

/* Applies a member's setting to its current stream, if it has one. */
static void audio_listen_apply_nick(LcAudioListen *l, const char *nick)
{
    g_autofree char *folded = g_ascii_strdown(nick, -1);
    LcSpeakerEntry *s = g_hash_table_lookup(l->active, folded);
    if (s != NULL)
        audio_listen_apply_setting(l, s);
}

void audio_listen_set_mute(LcAudioListen *l, const char *nick, gboolean mute)
{
    audio_listen_setting(l, nick)->mute = mute;
    audio_listen_apply_nick(l, nick);
}

void audio_listen_set_volume(LcAudioListen *l, const char *nick, double volume)
{
    audio_listen_setting(l, nick)->volume = CLAMP(volume, 0.0, 10.0);
    audio_listen_apply_nick(l, nick);
}

/* Stops listening and finishes the output. */
gboolean audio_listen_finish(LcAudioListen *l, GError **error)
{
    if (!l->finished) {
        l->finished = TRUE;
        g_autoptr(GList) ended = audio_listen_end_all(l);
        for (GList *it = ended; it != NULL; it = it->next) /* only the listening stopped */
            ((LcSpeakerEntry *)it->data)->pub.active = TRUE;
    }
    return l->playout == NULL || audio_playout_finish(l->playout, AUDIO_LISTEN_FINISH_MS, error);
}

/* Frees everything: views first, so that no packet comes for a freed one. */
void audio_listen_free(LcAudioListen *l)
{
    if (l == NULL)
        return;
    if (l->watch != 0)
        session_remove_watch(l->session, l->watch);
    if (l->timer != NULL)
        g_source_destroy(l->timer);
    g_clear_pointer(&l->timer, g_source_unref);
    g_clear_pointer(&l->active, g_hash_table_unref);
    g_clear_pointer(&l->speakers, g_ptr_array_unref);
    g_clear_pointer(&l->streams, g_hash_table_unref);
    g_clear_pointer(&l->settings, g_hash_table_unref);
    g_clear_pointer(&l->playout, audio_playout_free);
    g_free(l->label);
    g_free(l->wav_path);
    g_free(l);
}
