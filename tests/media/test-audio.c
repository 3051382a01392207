/* test-audio.c: sound through real GStreamer pipelines: a test tone into Opus
 * packets, played out into a WAV file that is read back and checked (its
 * length, its frequency, its loudness), with lost packets concealed, and a
 * WAV file captured again as a source. */
#include "media/audio_capture.h"
#include "media/audio_playout.h"
#include "audio-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* How far two speakers' starts in one mix may lie apart: each starts where
 * the mix is when its first packet comes, after its branch is set up. */
#define AUDIO_TEST_SETUP_S 0.15

/* Frames gathered from a capture. */
typedef struct {
    GPtrArray *frames; /* LcFrame * */
    guint want;
    GError *error; /* the first runtime error, or the end of a file */
} Gathered;

static void on_frame(LcAudioCapture *capture, LcFrame *frame, gpointer data)
{
    Gathered *g = data;
    if (g->frames->len < g->want)
        g_ptr_array_add(g->frames, frame_ref(frame));
}

static void on_error(LcAudioCapture *capture, const GError *error, gpointer data)
{
    Gathered *g = data;
    if (g->error == NULL)
        g->error = g_error_copy(error);
}

/* Captures `want` frames from source (or until it fails or ends). */
static Gathered gather(const char *source, guint want)
{
    Gathered g = {g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref), want, NULL};
    LcAudioCaptureConfig config = {.source = source};
    g_autoptr(GError) error = NULL;
    g_autoptr(LcAudioCapture) capture = audio_capture_new(&config, on_frame, on_error, &g, &error);
    g_assert_no_error(error);
    g_assert_true(audio_capture_start(capture, &error));
    g_assert_no_error(error);
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (g.frames->len < want && g.error == NULL && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    return g;
}

/* A playout into a new WAV file called name in a temporary folder; its
 * path in *path (remove_wav() removes both). */
static LcAudioPlayout *open_playout(const char *name, char **path)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-audio-XXXXXX", NULL);
    *path = g_build_filename(dir, name, NULL);
    LcAudioPlayoutConfig config = {.wav_path = *path};
    g_autoptr(GError) error = NULL;
    LcAudioPlayout *playout = audio_playout_new(&config, &error);
    g_assert_no_error(error);
    return playout;
}

/* Plays frames (skipping every `skip`-th, if skip > 0) into a WAV file;
 * returns the file's path and the playout's counters. */
static char *play(GPtrArray *frames, guint skip, LcAudioPlayoutStats *stats)
{
    char *path = NULL;
    g_autoptr(LcAudioPlayout) playout = open_playout("out.wav", &path);
    g_autoptr(GError) error = NULL;
    for (guint i = 0; i < frames->len; i++)
        if (skip == 0 || (i + 1) % skip != 0 || i + 1 == frames->len)
            audio_playout_push(playout, NULL, g_ptr_array_index(frames, i));
    g_assert_true(audio_playout_finish(playout, 10000, &error));
    g_assert_no_error(error);
    audio_playout_get_stats(playout, NULL, stats);
    return path;
}

/* Removes a file and its temporary folder. */
static void remove_wav(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_remove(path);
    g_rmdir(dir);
}

/* A 440 Hz tone: 100 packets of 10 ms, numbered from 1, each small enough
 * for one datagram, stamped 10 ms apart; played out, the WAV holds 1 s of
 * a 440 Hz tone at the test source's loudness. */
static void test_tone_to_wav(void)
{
    Gathered g = gather("test:440", 100);
    g_assert_no_error(g.error);
    g_assert_cmpuint(g.frames->len, ==, 100);
    for (guint i = 0; i < g.frames->len; i++) {
        LcFrame *f = g_ptr_array_index(g.frames, i);
        g_assert_cmpuint(f->meta.codec, ==, LC_CODEC_OPUS);
        g_assert_cmpuint(f->meta.seq, ==, i + 1);
        g_assert_cmpuint(frame_get_size(f), >, 0);
        g_assert_cmpuint(frame_get_size(f), <=, 1200);
        /* From the second on, 10 ms apart (the encoder stamps its first
         * packet earlier by its look-ahead). */
        if (i > 1) {
            LcFrame *prev = g_ptr_array_index(g.frames, i - 1);
            gint64 step = f->meta.capture_us - prev->meta.capture_us;
            g_assert_cmpint(step, >, 5000);
            g_assert_cmpint(step, <, 15000);
        }
    }
    LcAudioPlayoutStats stats;
    g_autofree char *path = play(g.frames, 0, &stats);
    g_assert_cmpuint(stats.frames_played, ==, 100);
    g_assert_cmpuint(stats.frames_concealed, ==, 0);
    guint rate = 0, channels = 0;
    g_autoptr(GArray) samples = audio_test_read_wav(path, &rate, &channels);
    g_assert_cmpuint(channels, ==, 1);
    double seconds = audio_test_loud_seconds(samples, rate);
    g_test_message("WAV: %u Hz, %.3f s, of which %.3f s loud", rate, (double)samples->len / rate,
                   seconds);
    g_assert_cmpfloat(fabs(seconds - 1.0), <, 0.05);
    double rms = 0, hz = audio_test_tone_hz(samples, rate, &rms);
    g_test_message("tone %.1f Hz, rms %.3f", hz, rms);
    g_assert_cmpfloat(fabs(hz - 440.0), <, 5.0);
    g_assert_cmpfloat(rms, >, 0.1); /* a sine of amplitude 0.25: 0.18 */
    remove_wav(path);
    g_ptr_array_unref(g.frames);
}

/* Every 10th packet lost: each is concealed, the WAV keeps its full length
 * and its tone. */
static void test_loss_concealed(void)
{
    Gathered g = gather("test:600", 100);
    g_assert_no_error(g.error);
    LcAudioPlayoutStats stats;
    g_autofree char *path = play(g.frames, 10, &stats);
    g_assert_cmpuint(stats.frames_played, ==, 91);
    g_assert_cmpuint(stats.frames_concealed, ==, 9);
    guint rate = 0, channels = 0;
    g_autoptr(GArray) samples = audio_test_read_wav(path, &rate, &channels);
    g_assert_cmpfloat(fabs(audio_test_loud_seconds(samples, rate) - 1.0), <, 0.05);
    double rms = 0, hz = audio_test_tone_hz(samples, rate, &rms);
    g_assert_cmpfloat(fabs(hz - 600.0), <, 10.0);
    remove_wav(path);
    g_ptr_array_unref(g.frames);
}

/* A packet older than one already played is late: dropped and counted. */
static void test_late_dropped(void)
{
    Gathered g = gather("test", 5);
    g_autofree char *path = NULL;
    g_autoptr(LcAudioPlayout) playout = open_playout("late.wav", &path);
    g_autoptr(GError) error = NULL;
    audio_playout_push(playout, NULL, g_ptr_array_index(g.frames, 0));
    audio_playout_push(playout, NULL, g_ptr_array_index(g.frames, 2));
    audio_playout_push(playout, NULL, g_ptr_array_index(g.frames, 1)); /* late */
    audio_playout_push(playout, NULL, g_ptr_array_index(g.frames, 3));
    g_assert_true(audio_playout_finish(playout, 10000, &error));
    LcAudioPlayoutStats stats;
    audio_playout_get_stats(playout, NULL, &stats);
    g_assert_cmpuint(stats.frames_played, ==, 3);
    g_assert_cmpuint(stats.frames_concealed, ==, 1);
    g_assert_cmpuint(stats.frames_late, ==, 1);
    remove_wav(path);
    g_ptr_array_unref(g.frames);
}

/* A WAV file as the source: its tone comes back, paced in real time, and
 * the end of the file is reported as such. */
static void test_file_source(void)
{
    Gathered tone = gather("test:440", 50);
    LcAudioPlayoutStats stats;
    g_autofree char *path = play(tone.frames, 0, &stats);
    g_ptr_array_unref(tone.frames);
    /* The file holds the 50 packets' 0.5 s, and whatever silence the mix
     * had before the first of them came (more on a loaded machine): its
     * length says how many packets it makes. */
    guint rate = 0, channels = 0;
    g_autoptr(GArray) samples = audio_test_read_wav(path, &rate, &channels);
    guint expect = (guint)(samples->len * 100 / rate);
    gint64 start = g_get_monotonic_time();
    Gathered g = gather(path, 1000);
    double took = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    g_assert_error(g.error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_EOS);
    g_test_message("file: %u packets (of %u in the file) in %.2f s", g.frames->len, expect, took);
    g_assert_cmpuint(expect, >=, 48);
    g_assert_cmpuint(g.frames->len + 2, >=, expect);
    g_assert_cmpuint(g.frames->len, <=, expect + 2);
    g_assert_cmpfloat(took, >, 0.3); /* paced, not read at disk speed */
    g_clear_error(&g.error);
    g_ptr_array_unref(g.frames);
    remove_wav(path);
}

/* Bad settings are refused with a message that says what is expected. */
static void test_bad_input(void)
{
    g_autoptr(GError) error = NULL;
    LcAudioCaptureConfig bad_tone = {.source = "test:5"};
    g_assert_null(audio_capture_new(&bad_tone, NULL, NULL, NULL, &error));
    g_assert_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "20 to 20000"));
    g_clear_error(&error);
    LcAudioCaptureConfig bad_frame = {.frame_ms = 15};
    g_assert_null(audio_capture_new(&bad_frame, NULL, NULL, NULL, &error));
    g_assert_nonnull(strstr(error->message, "expected 10 or 20"));
    g_clear_error(&error);
    LcAudioCaptureConfig bad_rate = {.bitrate = 1000};
    g_assert_null(audio_capture_new(&bad_rate, NULL, NULL, NULL, &error));
    g_assert_nonnull(strstr(error->message, "6000 to 510000"));
    g_clear_error(&error);
    LcAudioCaptureConfig missing = {.source = "/nonexistent/talk.wav"};
    g_autoptr(LcAudioCapture) capture = audio_capture_new(&missing, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(audio_capture_start(capture, &error));
    g_assert_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_OPEN);
    g_assert_nonnull(strstr(error->message, "/nonexistent/talk.wav"));
    g_clear_error(&error);
    LcAudioPlayoutConfig bad_out = {.wav_path = "/nonexistent/dir/out.wav"};
    g_assert_null(audio_playout_new(&bad_out, &error));
    g_assert_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_OPEN);
}

/* Two speakers' packets (alice 440 Hz, bob 660 Hz) into one mix, with
 * bob's settings applied after his first packet; the mix as samples. */
static GArray *mix_two(gboolean mute_bob, double alice_volume, guint *rate)
{
    Gathered a = gather("test:440", 100), b = gather("test:660", 100);
    g_autofree char *path = NULL;
    g_autoptr(LcAudioPlayout) playout = open_playout("mix.wav", &path);
    g_autoptr(GError) error = NULL;
    g_assert_false(audio_playout_set_mute(playout, "bob", TRUE)); /* not heard yet */
    for (guint i = 0; i < 100; i++) {
        audio_playout_push(playout, "alice", g_ptr_array_index(a.frames, i));
        audio_playout_push(playout, "bob", g_ptr_array_index(b.frames, i));
        if (i == 0) {
            g_assert_true(audio_playout_set_mute(playout, "bob", mute_bob));
            g_assert_true(audio_playout_set_volume(playout, "alice", alice_volume));
        }
    }
    g_assert_true(audio_playout_finish(playout, 10000, &error));
    LcAudioPlayoutStats stats;
    audio_playout_get_stats(playout, "bob", &stats);
    g_assert_cmpuint(stats.frames_played, ==, 100);
    audio_playout_get_stats(playout, NULL, &stats);
    g_assert_cmpuint(stats.frames_played, ==, 200);
    guint channels = 0;
    GArray *samples = audio_test_read_wav(path, rate, &channels);
    g_assert_cmpuint(channels, ==, 1);
    /* A speaker's sound starts where the mix is when its first packet
     * comes: bob's, after his branch is set up (slower in a sanitized
     * build), trails alice's by that long. */
    g_assert_cmpfloat(fabs(audio_test_loud_seconds(samples, *rate) - 1.0), <, AUDIO_TEST_SETUP_S);
    remove_wav(path);
    g_ptr_array_unref(a.frames);
    g_ptr_array_unref(b.frames);
    return samples;
}

/* Both speakers are heard, each at its own frequency and its loudness. */
static void test_mix_two(void)
{
    guint rate = 0;
    g_autoptr(GArray) s = mix_two(FALSE, 1.0, &rate);
    double l440 = audio_test_tone_level(s, rate, 440), l660 = audio_test_tone_level(s, rate, 660),
           l550 = audio_test_tone_level(s, rate, 550);
    g_test_message("levels: 440 Hz %.3f, 660 Hz %.3f, 550 Hz %.3f", l440, l660, l550);
    g_assert_cmpfloat(l440, >, 0.175); /* each tone's amplitude is 0.25 */
    g_assert_cmpfloat(l660, >, 0.175);
    g_assert_cmpfloat(l550, <, 0.025);
}

/* Bob muted and alice at half volume: only alice, at half her level. */
static void test_mix_mute_volume(void)
{
    guint rate = 0;
    g_autoptr(GArray) s = mix_two(TRUE, 0.5, &rate);
    double l440 = audio_test_tone_level(s, rate, 440), l660 = audio_test_tone_level(s, rate, 660);
    g_test_message("levels: 440 Hz %.3f, 660 Hz %.3f", l440, l660);
    g_assert_cmpfloat(fabs(l440 - 0.125), <, 0.025);
    g_assert_cmpfloat(l660, <, 0.01);
}

/* A sender that restarts numbers from 1 again, and one that jumps to an
 * absurd number: each starts the speaker over (no flood of concealment, no
 * speaker silenced as late); the tone goes on for every packet. After
 * finish() packets are ignored and finish() answers the same again. */
static void test_restart_and_jump(void)
{
    Gathered g = gather("test:440", 100);
    g_autofree char *path = NULL;
    g_autoptr(LcAudioPlayout) playout = open_playout("restart.wav", &path);
    g_autoptr(GError) error = NULL;
    for (guint i = 0; i < 100; i++) {
        LcFrame *f = g_ptr_array_index(g.frames, i);
        LcFrame copy = *f;
        copy.meta.seq = i < 60 ? i + 1 : i < 80 ? i - 59 : (G_GUINT64_CONSTANT(1) << 40) + i;
        audio_playout_push(playout, "restarter", &copy);
    }
    g_assert_true(audio_playout_finish(playout, 10000, &error));
    g_assert_no_error(error);
    audio_playout_push(playout, "restarter", g_ptr_array_index(g.frames, 0)); /* ignored */
    g_assert_true(audio_playout_finish(playout, 10000, &error));
    LcAudioPlayoutStats stats;
    audio_playout_get_stats(playout, "restarter", &stats);
    g_assert_cmpuint(stats.restarts, ==, 2);
    g_assert_cmpuint(stats.frames_played, ==, 100);
    g_assert_cmpuint(stats.frames_concealed, ==, 0);
    g_assert_cmpuint(stats.frames_late, ==, 0);
    guint rate = 0, channels = 0;
    g_autoptr(GArray) samples = audio_test_read_wav(path, &rate, &channels);
    g_assert_cmpfloat(fabs(audio_test_loud_seconds(samples, rate) - 1.0), <, 0.05);
    remove_wav(path);
    g_ptr_array_unref(g.frames);
}

/* Nobody spoke: there is nothing to write, finish() says so, and the file
 * the sink made on starting is gone. */
static void test_nobody(void)
{
    g_autofree char *path = NULL;
    g_autoptr(LcAudioPlayout) playout = open_playout("none.wav", &path);
    g_autoptr(GError) error = NULL;
    g_assert_false(audio_playout_end_speaker(playout, "ghost"));
    g_assert_false(audio_playout_finish(playout, 1000, &error));
    g_assert_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_STREAM);
    g_assert_nonnull(strstr(error->message, "no speaker was heard"));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS)); /* no empty file left behind */
    remove_wav(path);
}

/* A speaker who leaves half way is ended: the other goes on to the end. */
static void test_speaker_leaves(void)
{
    Gathered a = gather("test:440", 50), b = gather("test:660", 100);
    g_autofree char *path = NULL;
    g_autoptr(LcAudioPlayout) playout = open_playout("leave.wav", &path);
    g_autoptr(GError) error = NULL;
    for (guint i = 0; i < 100; i++) {
        if (i < 50)
            audio_playout_push(playout, "alice", g_ptr_array_index(a.frames, i));
        if (i == 50)
            g_assert_true(audio_playout_end_speaker(playout, "alice"));
        audio_playout_push(playout, "bob", g_ptr_array_index(b.frames, i));
    }
    g_assert_true(audio_playout_finish(playout, 10000, &error));
    guint rate = 0, channels = 0;
    g_autoptr(GArray) samples = audio_test_read_wav(path, &rate, &channels);
    g_assert_cmpfloat(fabs(audio_test_loud_seconds(samples, rate) - 1.0), <, AUDIO_TEST_SETUP_S);
    /* The second half has bob only. */
    g_autoptr(GArray) late = g_array_new(FALSE, FALSE, sizeof(double));
    g_array_append_vals(late, &g_array_index(samples, double, samples->len * 6 / 10),
                        samples->len * 3 / 10);
    g_assert_cmpfloat(audio_test_tone_level(late, rate, 440), <, 0.01);
    g_assert_cmpfloat(audio_test_tone_level(late, rate, 660), >, 0.175);
    remove_wav(path);
    g_ptr_array_unref(a.frames);
    g_ptr_array_unref(b.frames);
}

/* With no audio device, GStreamer's auto elements quietly fall back to a
 * fake one that makes silence; here that is refused in words. On a machine
 * with a device both simply work. */
static void test_no_device(void)
{
    g_autoptr(GError) error = NULL;
    LcAudioCaptureConfig mic = {.source = "mic"};
    g_autoptr(LcAudioCapture) capture = audio_capture_new(&mic, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    if (!audio_capture_start(capture, &error)) {
        g_assert_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_OPEN);
        g_assert_nonnull(strstr(error->message, "no audio input device available"));
        g_test_message("%s", error->message);
        g_clear_error(&error);
    }
    LcAudioPlayoutConfig speakers = {0};
    g_autoptr(LcAudioPlayout) playout = audio_playout_new(&speakers, &error);
    if (playout == NULL) {
        g_assert_error(error, AUDIO_PLAYOUT_ERROR, AUDIO_PLAYOUT_ERROR_OPEN);
        g_assert_nonnull(strstr(error->message, "no audio output device available"));
        g_test_message("%s", error->message);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/audio/tone-to-wav", test_tone_to_wav);
    g_test_add_func("/media/audio/loss-concealed", test_loss_concealed);
    g_test_add_func("/media/audio/late-dropped", test_late_dropped);
    g_test_add_func("/media/audio/file-source", test_file_source);
    g_test_add_func("/media/audio/bad-input", test_bad_input);
    g_test_add_func("/media/audio/no-device", test_no_device);
    g_test_add_func("/media/audio/mix-two", test_mix_two);
    g_test_add_func("/media/audio/mix-mute-volume", test_mix_mute_volume);
    g_test_add_func("/media/audio/restart-and-jump", test_restart_and_jump);
    g_test_add_func("/media/audio/nobody", test_nobody);
    g_test_add_func("/media/audio/speaker-leaves", test_speaker_leaves);
    return g_test_run();
}
