/* audio-test-util.c: reading what a playout wrote: WAV samples, how long
 * they are loud, and which tones they hold. */
#include "audio-test-util.h"

#include <math.h>
#include <string.h>

/* A WAV file's samples as doubles in [-1, 1] (16-bit PCM or 32-bit float). */
GArray *audio_test_read_wav(const char *path, guint *rate, guint *channels)
{
    g_autofree guint8 *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, (char **)&data, &len, NULL));
    g_assert_cmpuint(len, >, 44);
    g_assert_cmpint(memcmp(data, "RIFF", 4), ==, 0);
    g_assert_cmpint(memcmp(data + 8, "WAVE", 4), ==, 0);
    guint format = 0, bits = 0;
    GArray *samples = g_array_new(FALSE, FALSE, sizeof(double));
    for (gsize off = 12; off + 8 <= len;) {
        guint32 size = GUINT32_FROM_LE(*(guint32 *)(data + off + 4));
        const guint8 *body = data + off + 8;
        if (memcmp(data + off, "fmt ", 4) == 0) {
            format = GUINT16_FROM_LE(*(guint16 *)body);
            *channels = GUINT16_FROM_LE(*(guint16 *)(body + 2));
            *rate = GUINT32_FROM_LE(*(guint32 *)(body + 4));
            bits = GUINT16_FROM_LE(*(guint16 *)(body + 14));
        } else if (memcmp(data + off, "data", 4) == 0) {
            g_assert_cmpuint(off + 8 + size, <=, len);
            for (gsize i = 0; i + bits / 8 <= size; i += bits / 8) {
                double v;
                if (format == 1 && bits == 16) {
                    v = (gint16)GUINT16_FROM_LE(*(guint16 *)(body + i)) / 32768.0;
                } else {
                    g_assert_true(format == 3 && bits == 32);
                    float f;
                    memcpy(&f, body + i, sizeof(f));
                    v = f;
                }
                g_array_append_val(samples, v);
            }
        }
        off += 8 + size + (size & 1);
    }
    g_assert_cmpuint(*rate, >, 0);
    return samples;
}

/* How long the samples are loud (over 5 % of full scale), first to last:
 * the mix starts when listening starts, so silence may come first. */
double audio_test_loud_seconds(GArray *s, guint rate)
{
    guint first = s->len, last = 0;
    for (guint i = 0; i < s->len; i++) {
        if (fabs(g_array_index(s, double, i)) > 0.05) {
            first = MIN(first, i);
            last = i;
        }
    }
    return first < last ? (double)(last - first) / rate : 0;
}

/* The frequency of a tone from its rising zero crossings, over the middle
 * half (away from the encoder's and decoder's start). */
double audio_test_tone_hz(GArray *s, guint rate, double *rms)
{
    guint from = s->len / 4, to = 3 * s->len / 4, rising = 0, first = 0, last = 0;
    double sum = 0;
    for (guint i = from + 1; i < to; i++) {
        double a = g_array_index(s, double, i - 1), b = g_array_index(s, double, i);
        sum += b * b;
        if (a < 0 && b >= 0) {
            if (rising++ == 0)
                first = i;
            last = i;
        }
    }
    *rms = sqrt(sum / (to - from));
    return rising > 1 ? (rising - 1) * (double)rate / (last - first) : 0;
}

/* The amplitude of one frequency in samples [from, to) (Goertzel), as a
 * sine of that frequency would give it. */
static double audio_test_level_between(GArray *s, guint rate, double hz, guint from, guint to)
{
    if (to <= from)
        return 0;
    double w = 2 * G_PI * hz / rate, c = 2 * cos(w), s1 = 0, s2 = 0;
    for (guint i = from; i < to; i++) {
        double s0 = g_array_index(s, double, i) + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    double power = s1 * s1 + s2 * s2 - c * s1 * s2;
    return 2 * sqrt(power) / (to - from);
}

/* The amplitude of one frequency in its loudest half second. */
double audio_test_tone_peak(GArray *s, guint rate, double hz)
{
    guint window = MIN(rate / 2, s->len), step = MAX(rate / 4, 1);
    double best = 0;
    for (guint from = 0; from + window <= s->len; from += step)
        best = MAX(best, audio_test_level_between(s, rate, hz, from, from + window));
    return best;
}

/* The amplitude of one frequency in the middle half. */
double audio_test_tone_level(GArray *s, guint rate, double hz)
{
    return audio_test_level_between(s, rate, hz, s->len / 4, 3 * s->len / 4);
}
