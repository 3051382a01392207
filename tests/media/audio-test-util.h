/* audio-test-util.h: reading what a playout wrote (WAV files) in the audio
 * tests: the samples, how long they are loud, and which tones they hold. */
#pragma once

#include <glib.h>

/* A WAV file's samples as doubles in [-1, 1] (16-bit PCM or 32-bit float);
 * asserts it is a WAV file. */
GArray *audio_test_read_wav(const char *path, guint *rate, guint *channels);
/* How long the samples are loud (over 5 % of full scale), first to last. */
double audio_test_loud_seconds(GArray *samples, guint rate);
/* The frequency of a tone from its rising zero crossings over the middle
 * half; *rms is that half's RMS level. */
double audio_test_tone_hz(GArray *samples, guint rate, double *rms);
/* The amplitude of one frequency in its loudest half second: whether the
 * tone is there at all, however the recording lines up with it. */
double audio_test_tone_peak(GArray *samples, guint rate, double hz);
/* The amplitude of one frequency in the middle half (Goertzel). */
double audio_test_tone_level(GArray *samples, guint rate, double hz);
