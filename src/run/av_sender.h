/* av_sender.h: a camera streamed on the camera channels, measured: capture
 * and encode (media/camera.c) feed net/client/stream_sender.c, and every frame's fate
 * on every channel goes into a frame log (src/run/framelog.c). */
#pragma once

#include "net/client/session.h"
#include "net/client/stream_sender.h"
#include "media/camera.h"
#include "src/run/framelog.h"

typedef struct _LcAvSender LcAvSender;

/* Called once for a fatal problem (camera error, end of a file, relay
 * refusal); the caller usually stops the run. */
typedef void (*LcAvSenderErrorFunc)(LcAvSender *sender, const GError *error, gpointer user_data);

/* Describes a camera run for the summary: the camera's settings (with the
 * defaults' names filled in), the channels, the ack mode and the planned duration. run keeps
 * pointers into camera. */
void av_sender_describe_run(LcFramelogRun *run, const LcCameraOptions *camera, guint channels,
                            LcStreamAckMode ack_mode, double duration_s);

/* Builds the camera and the video sender on a control session (which must
 * outlive it). run describes the run for the summary; its strings must
 * outlive the sender. Nothing is captured, and no stream asked of the relay,
 * before av_sender_start(). */
LcAvSender *av_sender_new(LcSession *session, const LcCameraOptions *camera,
                          const LcStreamSenderConfig *config, const LcFramelogRun *run,
                          LcAvSenderErrorFunc error_func, gpointer user_data, GError **error);

/* Starts capturing; frames flow once the relay has granted the stream. */
gboolean av_sender_start(LcAvSender *sender, GError **error);

/* Stops capturing (acknowledgements still count until freed). */
void av_sender_stop(LcAvSender *sender);

/* Whether the stream is granted and every channel asked for is open. */
gboolean av_sender_is_ready(LcAvSender *sender);

/* The frame log (records and per-channel statistics). */
LcFramelog *av_sender_get_framelog(LcAvSender *sender);

/* Refreshes what the log takes from the sockets (TCP_INFO). */
void av_sender_update_socket_stats(LcAvSender *sender);

/* One line on the encoder in use (and why not a GPU one). */
const char *av_sender_get_encoder_note(LcAvSender *sender);

void av_sender_free(LcAvSender *sender);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAvSender, av_sender_free)
