/* audio_talk.h: a member's sound sent to the room, measured: the capture
 * (media/audio_capture.c: a microphone, a file or a test tone, in Opus)
 * feeds an audio stream (net/client/stream_sender.c) on the TCP and UDP
 * channels at once, and every packet's fate on every channel (sent,
 * acknowledged by the relay and by each listener) goes into a frame log. */
#pragma once

#include "media/audio_capture.h"
#include "net/client/session.h"
#include "net/client/stream_sender.h"
#include "src/run/framelog.h"

/* Packets a channel may hold unsent: half a second of 10 ms packets. Audio
 * on TCP waits behind a stalled packet rather than losing it, which is
 * what the lab shows against UDP. */
#define AUDIO_TALK_QUEUE_FRAMES 50

typedef struct _LcAudioTalk LcAudioTalk;

/* A fatal problem (no device, a relay refusal), or the end of a file
 * (AUDIO_CAPTURE_ERROR_EOS): no more packets are sent. */
typedef void (*LcAudioTalkErrorFunc)(LcAudioTalk *talk, const GError *error, gpointer user_data);

/* Describes the run for the summary: the source, packet length and
 * bitrate, the channels, the planned duration. run keeps pointers into
 * capture. */
void audio_talk_describe_run(LcFramelogRun *run, const LcAudioCaptureConfig *capture,
                             guint channels, double duration_s);

/* Builds the capture on a joined or joining session (which must outlive
 * it); nothing is captured, and no stream asked of the relay, before
 * audio_talk_start(). config->media is set to audio here. */
LcAudioTalk *audio_talk_new(LcSession *session, const LcAudioCaptureConfig *capture,
                            const LcStreamSenderConfig *config, const LcFramelogRun *run,
                            LcAudioTalkErrorFunc error_func, gpointer user_data, GError **error);
/* Starts capturing, then asks for the stream: a missing device or file
 * fails here, and leaves no stream on the relay. */
gboolean audio_talk_start(LcAudioTalk *talk, GError **error);
/* Stops capturing; the log keeps counting ACKs still on their way. The
 * stream closes (listeners are told) when the talk is freed. */
void audio_talk_stop(LcAudioTalk *talk);
/* Whether the stream is granted and every channel is open. */
gboolean audio_talk_is_ready(LcAudioTalk *talk);
/* Mutes the microphone (no packet is sent; the stream stays, so listeners
 * keep their place for it) or unmutes it. */
void audio_talk_set_muted(LcAudioTalk *talk, gboolean muted);
gboolean audio_talk_get_muted(LcAudioTalk *talk);
/* What is captured: "test tone 440 Hz", "file talk.wav". */
const char *audio_talk_get_label(LcAudioTalk *talk);
/* What to tell the user of echo cancellation (audio_capture_get_echo_note()),
 * or NULL. */
const char *audio_talk_get_echo_note(LcAudioTalk *talk);
LcFramelog *audio_talk_get_framelog(LcAudioTalk *talk);
/* Refreshes what the log takes from the sockets (TCP_INFO). */
void audio_talk_update_socket_stats(LcAudioTalk *talk);
void audio_talk_free(LcAudioTalk *talk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAudioTalk, audio_talk_free)
