/* test-conference.c: conference semantics through the real relay on
 * loopback. Members talk (test tones through Opus) and listen with no VIEW
 * by nick: each listener hears everyone else, not itself, a member who
 * joins late too, mixed into a WAV file that holds every speaker's tone
 * (and not a muted one's); every packet is measured per channel, capture
 * to playout. */
#include "tests/video/video-harness.h"

#include "audio-test-util.h"
#include "net/wire/chan_kind.h"
#include "src/run/audio_listen.h"
#include "src/run/audio_talk.h"

#include <glib/gstdio.h>
#include <math.h>

typedef struct {
    const char *nick;
    const char *tone; /* the talk's source, or NULL: listens only */
    guint frame_ms;   /* its packets' length (0: 10 ms) */
    gboolean listen;
    LcSession *session;
    LcAudioTalk *talk;
    LcAudioListen *listen_run;
    char *wav;
} Member;

/* Starts a member's talk: its tone on both channels. */
static void member_talk(Member *m)
{
    g_autoptr(GError) error = NULL;
    LcAudioCaptureConfig cc = {.source = m->tone, .frame_ms = m->frame_ms};
    LcStreamSenderConfig sc;
    stream_sender_config_init(&sc);
    LcFramelogRun run;
    audio_talk_describe_run(&run, &cc, LC_CHAN_MASK_ALL, 0);
    m->talk = audio_talk_new(m->session, &cc, &sc, &run, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(audio_talk_start(m->talk, &error));
}

/* Joins a member, starts its talk and its listening. */
static void member_start(Member *m, guint16 port, const char *dir)
{
    g_autoptr(GError) error = NULL;
    m->session = video_session_join(port, m->nick);
    if (m->listen) {
        m->wav = g_strdup_printf("%s/%s.wav", dir, m->nick);
        LcAudioListenConfig lc = {.channels = LC_CHAN_MASK_ALL, .wav_path = m->wav};
        m->listen_run = audio_listen_new(m->session, &lc, &error);
        g_assert_no_error(error);
    }
    if (m->tone != NULL)
        member_talk(m);
}

/* The stream a listener heard from nick (the first, if several). */
static LcAudioListenSpeaker *heard(Member *m, const char *nick)
{
    GPtrArray *speakers = audio_listen_get_speakers(m->listen_run);
    for (guint i = 0; i < speakers->len; i++) {
        LcAudioListenSpeaker *s = speakers->pdata[i];
        if (g_strcmp0(s->nick, nick) == 0)
            return s;
    }
    return NULL;
}

/* Packets a listener has played from nick on its heard channel. */
static guint64 played(Member *m, const char *nick)
{
    LcAudioListenSpeaker *s = heard(m, nick);
    if (s == NULL)
        return 0;
    LcAudioJitterStats stats;
    audio_jitter_get_stats(s->jitter[s->play], &stats);
    return stats.played;
}

typedef struct {
    Member *members;
    guint n;
    guint64 at_least;
} WaitPlayed;

/* Whether every listener has played at_least packets of every talker but
 * itself. */
static gboolean all_played(gpointer data)
{
    WaitPlayed *w = data;
    for (guint i = 0; i < w->n; i++) {
        if (!w->members[i].listen)
            continue;
        for (guint j = 0; j < w->n; j++)
            if (j != i && w->members[j].tone != NULL &&
                played(&w->members[i], w->members[j].nick) < w->at_least)
                return FALSE;
    }
    return TRUE;
}

/* Stops a member: talk, listening (its WAV finished), session. */
static void member_stop(Member *m)
{
    g_clear_pointer(&m->talk, audio_talk_free);
    if (m->listen_run != NULL) {
        g_autoptr(GError) error = NULL;
        g_assert_true(audio_listen_finish(m->listen_run, &error));
        g_assert_no_error(error);
    }
}

/* Frees what member_start() made and removes its WAV. */
static void member_free(Member *m)
{
    g_clear_pointer(&m->listen_run, audio_listen_free);
    g_clear_pointer(&m->talk, audio_talk_free);
    g_clear_pointer(&m->session, session_free);
    if (m->wav != NULL)
        g_remove(m->wav);
    g_free(m->wav);
}

/* A tone's level in a member's WAV. */
static double wav_level(Member *m, double hz)
{
    guint rate = 0, channels = 0;
    g_autoptr(GArray) samples = audio_test_read_wav(m->wav, &rate, &channels);
    /* The loudest half second: a member's recording starts when it does,
     * not when the speaker does, and on a loaded machine (a sanitized
     * build) the speaker may fill only part of its middle. */
    return audio_test_tone_peak(samples, rate, hz);
}

/* Alice (440 Hz) and bob (660 Hz, in 20 ms packets: listeners follow each
 * speaker's packet length) talk and listen; carol only listens, and
 * dave joins once they talk. Everyone hears everyone else, nobody hears
 * itself; the mixes hold the right tones; every packet of the heard channel
 * played, and capture to playout was measured on both channels. */
static void test_everyone_hears_everyone(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-conference-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    Member m[] = {
        {.nick = "alice", .tone = "test:440", .listen = TRUE},
        {.nick = "bob", .tone = "test:660", .frame_ms = 20, .listen = TRUE},
        {.nick = "carol", .listen = TRUE},
        {.nick = "dave", .listen = TRUE},
    };
    for (guint i = 0; i < 3; i++)
        member_start(&m[i], port, dir);
    WaitPlayed first = {m, 3, 50};
    g_assert_true(test_wait_until(all_played, &first, 10000));
    member_start(&m[3], port, dir); /* told of both streams on joining */
    WaitPlayed all = {m, 4, 100};
    g_assert_true(test_wait_until(all_played, &all, 10000));

    g_assert_null(heard(&m[0], "alice"));
    g_assert_null(heard(&m[1], "bob"));
    g_assert_cmpuint(audio_listen_get_speakers(m[2].listen_run)->len, ==, 2);
    LcAudioListenSpeaker *s = heard(&m[2], "alice");
    g_assert_cmpint(s->play, ==, LC_CHAN_UDP);
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        LcChannelStats *cs = framelog_get_channel_stats(s->log, (LcChanKind)c);
        LcChannelSummary sum;
        chanstats_get_summary(cs, g_get_real_time(), &sum);
        g_test_message("carol hears alice on %s: %" G_GUINT64_FORMAT " received, %" G_GUINT64_FORMAT
                       " played, mouth to ear p50 %.1f ms p99 %.1f ms",
                       chan_kind_name(c), sum.received.counts.frames_acked, sum.frames_decoded,
                       sum.end_to_end.p50, sum.end_to_end.p99);
        g_assert_cmpuint(sum.frames_decoded, >=, 100);
        g_assert_cmpfloat(sum.end_to_end.p50, >, 10.0); /* a packet is 10 ms of sound */
        g_assert_cmpfloat(sum.end_to_end.p50, <, 500.0);
    }
    for (guint i = 0; i < G_N_ELEMENTS(m); i++)
        member_stop(&m[i]);
    /* carol and dave hear both tones; alice only bob's, bob only alice's. */
    for (guint i = 2; i < 4; i++) {
        g_assert_cmpfloat(wav_level(&m[i], 440), >, 0.04);
        g_assert_cmpfloat(wav_level(&m[i], 660), >, 0.04);
    }
    g_assert_cmpfloat(wav_level(&m[0], 440), <, 0.01);
    g_assert_cmpfloat(wav_level(&m[0], 660), >, 0.04);
    g_assert_cmpfloat(wav_level(&m[1], 660), <, 0.01);
    g_assert_cmpfloat(wav_level(&m[1], 440), >, 0.04);
    for (guint i = 0; i < G_N_ELEMENTS(m); i++)
        member_free(&m[i]);
    g_rmdir(dir);
    test_relay_stop(relay);
}

/* Whether ear's first stream from alice has ended. */
static gboolean alice_inactive(gpointer data)
{
    LcAudioListenSpeaker *s = heard(data, "alice");
    return s != NULL && !s->active;
}

/* Whether ear has played 20 packets of alice's second stream. */
static gboolean alice_back(gpointer data)
{
    GPtrArray *speakers = audio_listen_get_speakers(((Member *)data)->listen_run);
    for (guint i = 0; i < speakers->len; i++) {
        LcAudioListenSpeaker *s = speakers->pdata[i];
        LcAudioJitterStats stats;
        if (g_strcmp0(s->key, "alice#2") != 0 || !s->active)
            continue;
        audio_jitter_get_stats(s->jitter[s->play], &stats);
        return stats.played >= 20;
    }
    return FALSE;
}

/* A member muted locally is not in the mix, though its packets still come
 * and are measured; a speaker who stops is no longer active, and one who
 * starts again is a new stream ("nick#2"). */
static void test_mute_and_restart(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-conference-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    Member ear = {.nick = "ear", .listen = TRUE};
    Member a = {.nick = "alice", .tone = "test:440"};
    Member b = {.nick = "bob", .tone = "test:660"};
    member_start(&ear, port, dir);
    audio_listen_set_mute(ear.listen_run, "BOB", TRUE); /* before bob is heard, any case */
    member_start(&a, port, dir);
    member_start(&b, port, dir);
    Member all[] = {ear, a, b};
    WaitPlayed w = {all, 3, 100};
    g_assert_true(test_wait_until(all_played, &w, 10000));
    g_clear_pointer(&a.talk, audio_talk_free); /* alice stops: STREAM_NOTICE ended */
    g_assert_true(test_wait_until(alice_inactive, &ear, 5000));
    member_talk(&a); /* and starts again: a new stream */
    g_assert_true(test_wait_until(alice_back, &ear, 10000));
    g_assert_cmpuint(audio_listen_get_speakers(ear.listen_run)->len, ==, 3);
    member_stop(&ear);
    g_assert_cmpfloat(wav_level(&ear, 440), >, 0.04);
    g_assert_cmpfloat(wav_level(&ear, 660), <, 0.01);
    LcAudioPlayoutStats stats;
    audio_listen_get_playout_stats(ear.listen_run, "bob", &stats);
    g_assert_cmpuint(stats.frames_played, >=, 100); /* decoded, muted in the mix */
    member_free(&ear);
    member_free(&a);
    member_free(&b);
    g_rmdir(dir);
    test_relay_stop(relay);
}

/* One audio view per connection. */
static void tweak_one_audio_view(LcRelayConfig *config)
{
    config->audio_max_views = 1;
}

typedef struct {
    Member *ear;
    const char *nick;
} Heard;

/* Whether the ear has played 20 packets of the nick's latest stream. */
static gboolean heard_20(gpointer data)
{
    Heard *h = data;
    return played(h->ear, h->nick) >= 20;
}

/* A refused view is asked for again: with room for one audio view, the
 * ear hears one of two talkers; once that one stops, the view of the other,
 * refused until then, is granted and it is heard. */
static void test_view_refused_then_granted(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-conference-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(tweak_one_audio_view);
    guint16 port = test_relay_port(relay);
    Member ear = {.nick = "ear", .listen = TRUE};
    Member a = {.nick = "alice", .tone = "test:440"};
    Member b = {.nick = "bob", .tone = "test:660"};
    member_start(&ear, port, dir);
    member_start(&a, port, dir);
    Heard ha = {&ear, "alice"}, hb = {&ear, "bob"};
    g_assert_true(test_wait_until(heard_20, &ha, 10000));
    member_start(&b, port, dir);
    video_run_for(1500);
    g_assert_cmpuint(played(&ear, "bob"), ==, 0); /* refused: the one view is alice's */
    g_clear_pointer(&a.talk, audio_talk_free);
    g_assert_true(test_wait_until(heard_20, &hb, 15000));
    member_stop(&ear);
    member_free(&ear);
    member_free(&a);
    member_free(&b);
    g_rmdir(dir);
    test_relay_stop(relay);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/video/conference/everyone-hears-everyone", test_everyone_hears_everyone);
    g_test_add_func("/video/conference/mute-and-restart", test_mute_and_restart);
    g_test_add_func("/video/conference/view-refused-then-granted", test_view_refused_then_granted);
    return g_test_run();
}
