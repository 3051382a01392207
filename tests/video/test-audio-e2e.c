/* test-audio-e2e.c: a test tone captured as Opus packets, sent as an audio
 * stream on both channels at once through the real relay on loopback to a
 * listener, and each channel's packets played out into a WAV file of its
 * own: both files hold the tone, every packet was acknowledged by the relay,
 * and each one fits a single datagram. */
#include "tests/video/video-harness.h"

#include "media/audio_capture.h"
#include "media/audio_playout.h"
#include "net/client/stream_sender.h"
#include "net/client/stream_viewer.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define PACKETS 100 /* 1 s of 10 ms packets */

typedef struct {
    LcStreamSender *sender;
    LcAudioPlayout *out[LC_CHAN_KINDS];
    guint ready; /* channel bits open at both ends */
    guint sent;  /* packets captured and handed to the sender */
    guint relay_acks[LC_CHAN_KINDS];
    guint received[LC_CHAN_KINDS];
    guint max_datagrams; /* the most datagrams one packet took on UDP */
} AudioE2e;

static void on_sender_ready(LcStreamSender *s, LcChanKind channel, gpointer data)
{
    ((AudioE2e *)data)->ready |= LC_CHAN_BIT(channel);
}

static void on_relay_ack(LcStreamSender *s, const LcStreamRelayAck *ack, gpointer data)
{
    ((AudioE2e *)data)->relay_acks[ack->channel]++;
}

static const LcStreamSenderEvents sender_events = {.ready = on_sender_ready,
                                                   .relay_ack = on_relay_ack};

static void on_viewer_ready(LcStreamViewer *v, LcChanKind channel, gpointer data)
{
    ((AudioE2e *)data)->ready |= LC_CHAN_BIT(channel) << 8;
}

/* A packet arrived on one channel: into that channel's WAV. */
static void on_frame(LcStreamViewer *v, const LcStreamFrame *f, gpointer data)
{
    AudioE2e *e = data;
    g_assert_cmpuint(f->frame->meta.codec, ==, LC_CODEC_OPUS);
    e->received[f->channel]++;
    audio_playout_push(e->out[f->channel], NULL, f->frame);
}

static const LcStreamViewerEvents viewer_events = {.ready = on_viewer_ready, .frame = on_frame};

/* A captured packet: onto both channels, while fewer than PACKETS went. */
static void on_packet(LcAudioCapture *capture, LcFrame *frame, gpointer data)
{
    AudioE2e *e = data;
    if (e->sent >= PACKETS)
        return;
    guint datagrams = (guint)((frame_get_size(frame) + FRAG_PAYLOAD_MAX - 1) / FRAG_PAYLOAD_MAX);
    e->max_datagrams = MAX(e->max_datagrams, datagrams);
    g_autoptr(GError) error = NULL;
    g_assert_true(stream_sender_send_frame(e->sender, frame, &error));
    e->sent++;
}

static gboolean both_ready(gpointer data)
{
    guint all = LC_CHAN_BIT(LC_CHAN_TCP) | LC_CHAN_BIT(LC_CHAN_UDP);
    return ((AudioE2e *)data)->ready == (all | all << 8);
}

static gboolean all_in(gpointer data)
{
    AudioE2e *e = data;
    /* Live audio drops the oldest packet on either channel when its queue
     * is full: in a sanitizer build a TLS write can take long enough. */
    return e->sent == PACKETS && e->received[LC_CHAN_TCP] + 5 >= PACKETS &&
           e->relay_acks[LC_CHAN_TCP] + 5 >= PACKETS && e->relay_acks[LC_CHAN_UDP] + 5 >= PACKETS &&
           e->received[LC_CHAN_UDP] + 5 >= PACKETS;
}

/* The zero-crossing frequency and the length of a 16-bit mono WAV. */
static double wav_tone(const char *path, double *seconds)
{
    g_autofree guint8 *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, (char **)&data, &len, NULL));
    g_assert_cmpuint(len, >, 44);
    g_assert_cmpint(memcmp(data + 36, "data", 4), ==, 0); /* wavenc's plain 44-byte header */
    g_assert_cmpuint(GUINT16_FROM_LE(*(guint16 *)(data + 34)), ==, 16);
    guint rate = GUINT32_FROM_LE(*(guint32 *)(data + 24));
    guint n = (guint)((len - 44) / 2);
    const gint16 *s = (const gint16 *)(data + 44);
    /* The tone's length: the mix starts when listening starts, so silence
     * comes first for as long as the first packet took to arrive. */
    guint first_loud = n, last_loud = 0;
    for (guint i = 0; i < n; i++) {
        if (ABS(GINT16_FROM_LE(s[i])) > 1600) {
            first_loud = MIN(first_loud, i);
            last_loud = i;
        }
    }
    *seconds = first_loud < last_loud ? (double)(last_loud - first_loud) / rate : 0;
    /* The pitch from the middle half of the tone itself: the silence before
     * it (long on a loaded machine) has no pitch to count. */
    guint loud = last_loud > first_loud ? last_loud - first_loud : 0;
    guint rising = 0, first = 0, last = 0;
    for (guint i = first_loud + loud / 4 + 1; i < first_loud + 3 * loud / 4; i++) {
        if (GINT16_FROM_LE(s[i - 1]) < 0 && GINT16_FROM_LE(s[i]) >= 0) {
            if (rising++ == 0)
                first = i;
            last = i;
        }
    }
    return rising > 1 ? (rising - 1) * (double)rate / (last - first) : 0;
}

static void test_tone_both_channels(void)
{
    AudioE2e e = {0};
    g_autofree char *dir = g_dir_make_tmp("lanconf-audio-e2e-XXXXXX", NULL);
    char *paths[LC_CHAN_KINDS];
    g_autoptr(GError) error = NULL;
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        paths[c] = g_strdup_printf("%s/%s.wav", dir, chan_kind_name(c));
        LcAudioPlayoutConfig out = {.wav_path = paths[c]};
        e.out[c] = audio_playout_new(&out, &error);
        g_assert_no_error(error);
    }
    TestRelay *relay = test_relay_start(NULL);
    LcSession *talker = video_session_join(test_relay_port(relay), "talker");
    LcSession *ear = video_session_join(test_relay_port(relay), "ear");
    LcStreamViewerConfig vconfig;
    stream_viewer_config_init(&vconfig);
    vconfig.media = LC_MEDIA_AUDIO;
    LcStreamViewer *viewer = stream_viewer_new(ear, "talker", &vconfig, &viewer_events, &e);
    LcStreamSenderConfig sconfig;
    stream_sender_config_init(&sconfig);
    sconfig.media = LC_MEDIA_AUDIO;
    e.sender = stream_sender_new(talker, &sconfig, &sender_events, &e);
    g_assert_true(test_wait_until(both_ready, &e, 5000));

    LcAudioCaptureConfig cconfig = {.source = "test:440"};
    LcAudioCapture *capture = audio_capture_new(&cconfig, on_packet, NULL, &e, &error);
    g_assert_no_error(error);
    g_assert_true(audio_capture_start(capture, &error));
    gboolean in = test_wait_until(all_in, &e, 10000);
    g_test_message("sent %u; received tcp %u udp %u; relay acks tcp %u udp %u", (guint)e.sent,
                   (guint)e.received[LC_CHAN_TCP], (guint)e.received[LC_CHAN_UDP],
                   (guint)e.relay_acks[LC_CHAN_TCP], (guint)e.relay_acks[LC_CHAN_UDP]);
    g_assert_true(in);
    audio_capture_free(capture);
    g_assert_cmpuint(e.max_datagrams, ==, 1);

    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        g_assert_true(audio_playout_finish(e.out[c], 10000, &error));
        g_assert_no_error(error);
        double seconds = 0, hz = wav_tone(paths[c], &seconds);
        g_test_message("%s: %u packets, %.3f s of %.1f Hz", chan_kind_name(c), e.received[c],
                       seconds, hz);
        g_assert_cmpfloat(fabs(seconds - 1.0), <, 0.05);
        g_assert_cmpfloat(fabs(hz - 440.0), <, 5.0);
        audio_playout_free(e.out[c]);
        g_remove(paths[c]);
        g_free(paths[c]);
    }
    g_rmdir(dir);
    stream_sender_free(e.sender);
    stream_viewer_free(viewer);
    session_free(talker);
    session_free(ear);
    test_relay_stop(relay);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/video/audio-e2e/tone-both-channels", test_tone_both_channels);
    return g_test_run();
}
