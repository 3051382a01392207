/* test-audio-echo.c: echo cancellation through real GStreamer pipelines. A
 * far speaker's tone plays in real time through a live playout (a sink that
 * keeps time, no device needed) past the echo probe; a second capture of the
 * same tone stands in for a microphone that hears those speakers. With
 * nothing playing, or another tone, the near tone passes the canceller; with
 * the speakers playing it, the canceller takes it out. */
#include "media/audio_capture.h"
#include "media/audio_echo.h"
#include "media/audio_playout.h"
#include "audio-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define RUN_S 5

/* One run: the near capture into a WAV playout, the far one (if any) into
 * the live playout. */
typedef struct {
    LcAudioPlayout *speakers; /* live, with the probe; NULL: nothing plays */
    LcAudioPlayout *recorder; /* what the near capture sent, into a WAV */
} Room;

static void on_far(LcAudioCapture *capture, LcFrame *frame, gpointer data)
{
    Room *room = data;
    audio_playout_push(room->speakers, "far", frame);
}

static void on_near(LcAudioCapture *capture, LcFrame *frame, gpointer data)
{
    Room *room = data;
    audio_playout_push(room->recorder, "near", frame);
}

/* Runs the loop for seconds. */
static void run_for(double seconds)
{
    gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    while (g_get_monotonic_time() < end)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(2000), TRUE);
}

/* The level of the near tone as sent, with or without the far speakers
 * playing the same tone. */
static double near_level(const char *far_tone)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("lanconf-echo-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "near.wav", NULL);
    Room room = {0};
    LcAudioPlayoutConfig live = {.sink = "fakesink sync=true"};
    room.speakers = audio_playout_new(&live, &error);
    g_assert_no_error(error);
    g_assert_true(audio_playout_has_echo_probe(room.speakers));
    LcAudioPlayoutConfig wav = {.wav_path = path};
    room.recorder = audio_playout_new(&wav, &error);
    g_assert_no_error(error);

    gboolean far_plays = far_tone != NULL;
    LcAudioCaptureConfig far_config = {.source = far_tone};
    g_autoptr(LcAudioCapture) far = NULL;
    if (far_plays) {
        far = audio_capture_new(&far_config, on_far, NULL, &room, &error);
        g_assert_no_error(error);
        g_assert_null(audio_capture_get_echo_note(far)); /* a test tone: auto is off */
        g_assert_true(audio_capture_start(far, &error));
    }
    LcAudioCaptureConfig near_config = {.source = "test:440", .echo = AUDIO_ECHO_ON};
    g_autoptr(LcAudioCapture) near = audio_capture_new(&near_config, on_near, NULL, &room, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(audio_capture_get_echo_note(near), ==, "echo cancelled");
    g_assert_true(audio_capture_start(near, &error));
    g_assert_no_error(error);
    run_for(RUN_S);
    g_clear_pointer(&near, audio_capture_free);
    g_clear_pointer(&far, audio_capture_free);
    g_assert_true(audio_playout_finish(room.recorder, 10000, &error));
    g_assert_no_error(error);
    audio_playout_free(room.recorder);
    audio_playout_free(room.speakers);

    guint rate = 0, channels = 0;
    g_autoptr(GArray) samples = audio_test_read_wav(path, &rate, &channels);
    g_assert_cmpfloat((double)samples->len / rate, >, RUN_S - 1.0);
    /* The last two seconds: the canceller has converged by then. */
    guint keep = 2 * rate;
    g_autoptr(GArray) tail = g_array_sized_new(FALSE, FALSE, sizeof(double), keep);
    g_array_append_vals(tail, &g_array_index(samples, double, samples->len - keep), keep);
    double level = audio_test_tone_level(tail, rate, 440.0);
    g_test_message("near tone at 440 Hz, far %s: level %.4f", far_plays ? far_tone : "silent",
                   level);
    g_remove(path);
    g_rmdir(dir);
    return level;
}

/* The near tone survives the canceller while nothing plays, and while the
 * speakers play another tone; it is taken out (by 20 dB or more) while the
 * speakers play it: the canceller removes what they play, nothing else. */
static void test_echo_cancelled(void)
{
    double alone = near_level(NULL);
    double echoed = near_level("test:440");
    double other = near_level("test:1000");
    g_test_message("echo return loss enhancement: %.1f dB", 20 * log10(alone / MAX(echoed, 1e-9)));
    g_assert_cmpfloat(alone, >, 0.05);
    g_assert_cmpfloat(echoed, <, alone / 10);
    g_assert_cmpfloat(other, >, alone / 2);
}

/* The probe is one for the process: one live playout holds it at a time,
 * the next one when the first is gone; a WAV playout never does. */
static void test_probe_held_once(void)
{
    g_autoptr(GError) error = NULL;
    LcAudioPlayoutConfig live = {.sink = "fakesink sync=true"};
    LcAudioPlayout *first = audio_playout_new(&live, &error);
    g_assert_no_error(error);
    g_autoptr(LcAudioPlayout) second = audio_playout_new(&live, &error);
    g_assert_no_error(error);
    g_assert_true(audio_playout_has_echo_probe(first));
    g_assert_false(audio_playout_has_echo_probe(second));
    audio_playout_free(first);
    g_autoptr(LcAudioPlayout) third = audio_playout_new(&live, &error);
    g_assert_no_error(error);
    g_assert_true(audio_playout_has_echo_probe(third));

    g_autofree char *dir = g_dir_make_tmp("lanconf-echo-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "x.wav", NULL);
    LcAudioPlayoutConfig wav = {.wav_path = path};
    g_autoptr(LcAudioPlayout) file = audio_playout_new(&wav, &error);
    g_assert_no_error(error);
    g_assert_false(audio_playout_has_echo_probe(file));
    g_clear_pointer(&file, audio_playout_free);
    g_remove(path);
    g_rmdir(dir);
}

/* Settings: the words, and what each does to a capture. */
static void test_settings(void)
{
    AudioEcho echo = AUDIO_ECHO_OFF;
    g_autoptr(GError) error = NULL;
    g_assert_true(audio_echo_parse("auto", &echo, &error));
    g_assert_cmpint(echo, ==, AUDIO_ECHO_AUTO);
    g_assert_true(audio_echo_parse("ON", &echo, &error));
    g_assert_cmpint(echo, ==, AUDIO_ECHO_ON);
    g_assert_true(audio_echo_parse("off", &echo, &error));
    g_assert_cmpint(echo, ==, AUDIO_ECHO_OFF);
    g_assert_cmpstr(audio_echo_to_string(AUDIO_ECHO_AUTO), ==, "auto");
    const char *bad[] = {"", "yes", "onn", NULL};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(audio_echo_parse(bad[i], &echo, &error));
        g_assert_error(error, AUDIO_ECHO_ERROR, AUDIO_ECHO_ERROR_INVALID_ARGUMENT);
        g_assert_nonnull(strstr(error->message, "expected auto, on or off"));
        g_clear_error(&error);
    }
    g_assert_true(audio_echo_available(&error));

    /* A microphone cancels by default, a file never unless told. */
    LcAudioCaptureConfig mic = {.source = "mic"};
    g_autoptr(LcAudioCapture) m = audio_capture_new(&mic, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(audio_capture_get_echo_note(m), ==, "echo cancelled");
    LcAudioCaptureConfig off = {.source = "mic", .echo = AUDIO_ECHO_OFF};
    g_autoptr(LcAudioCapture) o = audio_capture_new(&off, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_null(audio_capture_get_echo_note(o));
    /* One capture at a time has the canceller: a second asked outright is
     * refused in words, one on auto goes without and says so; once the
     * first is gone, the next has it again. */
    LcAudioCaptureConfig on = {.source = "test", .echo = AUDIO_ECHO_ON};
    g_autoptr(LcAudioCapture) second = audio_capture_new(&on, NULL, NULL, NULL, &error);
    g_assert_null(second);
    g_assert_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_PIPELINE);
    g_assert_nonnull(strstr(error->message, "another capture of this program has it"));
    g_clear_error(&error);
    g_autoptr(LcAudioCapture) mic2 = audio_capture_new(&mic, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(audio_capture_get_echo_note(mic2), ==,
                    "no echo cancellation: another capture of this program has it");
    g_clear_pointer(&m, audio_capture_free);
    g_autoptr(LcAudioCapture) third = audio_capture_new(&on, NULL, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(audio_capture_get_echo_note(third), ==, "echo cancelled");
    LcAudioCaptureConfig tone = {.source = "test"};
    g_assert_true(audio_capture_check_config(&tone, &error));
    g_autoptr(LcAudioCapture) t = audio_capture_new(&tone, NULL, NULL, NULL, &error);
    g_assert_null(audio_capture_get_echo_note(t));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/audio-echo/settings", test_settings);
    g_test_add_func("/media/audio-echo/probe-held-once", test_probe_held_once);
    g_test_add_func("/media/audio-echo/cancelled", test_echo_cancelled);
    return g_test_run();
}
