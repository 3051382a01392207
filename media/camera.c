/*
 * The sender's media glue. Capture delivers raw frames on the main context;
 * they go straight to the encode worker, whose bounded queue drops the
 * oldest raw frame when encoding falls behind, so the newest picture is
 * always the next one sent. Encoded frames come back on the same context.
 */
#include "media/camera.h"

#include "media/capture.h"
#include "media/encode_worker.h"
#include "media/encoder.h"
#include "media/encoder_list.h"

struct LcCamera {
    LcCapture *capture;
    LcEncodeWorker *worker;
    char *encoder_name;
    char *encoder_note;
    LcCodec codec;
    LcCameraFrameFunc frame_func;
    LcCameraErrorFunc error_func;
    gpointer user_data;
    /* Worker counters at camera_start(), so that counts restart with each run. */
    LcEncodeWorkerStats worker_base;
    gboolean running;
    gboolean failure_logged;
};

/* Context thread: a raw frame from capture goes to the encoder. */
static void camera_on_raw_frame(LcCapture *capture, LcRawFrame *frame, gpointer data)
{
    LcCamera *camera = data;

    encode_worker_push(camera->worker, frame);
}

/* Context thread: a capture error or end of stream goes to the error callback. */
static void camera_on_capture_error(LcCapture *capture, const GError *error, gpointer data)
{
    LcCamera *camera = data;

    if (camera->error_func != NULL)
        camera->error_func(camera, error, camera->user_data);
    else
        g_warning("camera: %s", error->message);
}

/*
 * Context thread: an encoded frame, or an encode failure. A failure is
 * counted by the worker and logged once per run; the stream goes on. The
 * frame callback comes last, so it may free the camera.
 */
static void camera_on_encoded(LcFrame *frame, const GError *error, gpointer data)
{
    LcCamera *camera = data;

    if (frame == NULL) {
        if (!camera->failure_logged)
            g_warning("camera: %s (further failures are only counted)", error->message);
        camera->failure_logged = TRUE;
        return;
    }
    if (camera->frame_func != NULL)
        camera->frame_func(camera, frame, camera->user_data);
    else
        frame_unref(frame);
}

/* Creates the encoder (media/encoder_list.h chooses and explains) and the
 * worker that runs it on the thread-default context. */
static gboolean camera_make_worker(LcCamera *camera, const LcCameraOptions *options, GError **error)
{
    const char *requested = options->encoder ? options->encoder : CAMERA_DEFAULT_ENCODER;
    LcEncoderSettings settings = {
        .quality = options->quality,
        .bitrate = options->bitrate,
        .gop = options->gop,
        .fps = options->fps,
    };
    LcEncoder *encoder =
        encoder_list_select(options->codec, requested, &settings, &camera->encoder_note, error);
    if (encoder == NULL)
        return FALSE;

    camera->encoder_name = g_strdup(encoder_get_name(encoder));
    camera->codec = encoder_get_codec(encoder);
    encoder_settings_resolve(&settings, NULL); /* checked in the select: the defaults filled */
    g_autofree char *note = g_steal_pointer(&camera->encoder_note);
    camera->encoder_note = camera->codec == LC_CODEC_JPEG
                               ? g_strdup_printf("%s; quality %d", note, settings.quality)
                               : g_strdup_printf("%s; %d kbit/s, a keyframe every %d frames", note,
                                                 settings.bitrate, settings.gop);
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default();
    camera->worker =
        encode_worker_new(encoder, CAMERA_MAX_PENDING, context, camera_on_encoded, camera, error);
    return camera->worker != NULL;
}

/* Builds capture and encoder from options. */
LcCamera *camera_new(const LcCameraOptions *options, LcCameraFrameFunc frame_func,
                     LcCameraErrorFunc error_func, gpointer user_data, GError **error)
{
    g_return_val_if_fail(options != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (!camera_options_validate(options, error))
        return NULL;

    g_autoptr(LcCamera) camera = g_new0(LcCamera, 1);
    camera->frame_func = frame_func;
    camera->error_func = error_func;
    camera->user_data = user_data;
    if (!camera_make_worker(camera, options, error))
        return NULL;

    LcCaptureConfig config = {
        .source = options->source ? options->source : CAMERA_DEFAULT_SOURCE,
        .width = options->width,
        .height = options->height,
        .fps = options->fps,
    };
    camera->capture =
        capture_new(&config, camera_on_raw_frame, camera_on_capture_error, camera, error);
    if (camera->capture == NULL)
        return NULL;
    g_info("camera: %s", camera->encoder_note);
    return g_steal_pointer(&camera);
}

/* Asks the encoder for a keyframe next. */
void camera_request_keyframe(LcCamera *camera)
{
    g_return_if_fail(camera != NULL);
    encode_worker_request_keyframe(camera->worker);
}

/* The codec the camera's encoder makes. */
LcCodec camera_get_codec(LcCamera *camera)
{
    g_return_val_if_fail(camera != NULL, LC_CODEC_JPEG);
    return camera->codec;
}

/* Starts capturing; counters restart. */
gboolean camera_start(LcCamera *camera, GError **error)
{
    g_return_val_if_fail(camera != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (camera->running)
        return TRUE;
    encode_worker_get_stats(camera->worker, &camera->worker_base);
    camera->failure_logged = FALSE;
    camera->running = capture_start(camera->capture, error);
    return camera->running;
}

/* Stops capturing. */
void camera_stop(LcCamera *camera)
{
    g_return_if_fail(camera != NULL);
    camera->running = FALSE;
    capture_stop(camera->capture);
}

/* Stops and frees; no callback runs afterwards. */
void camera_free(LcCamera *camera)
{
    if (camera == NULL)
        return;
    /* Capture first: it feeds the worker. The worker drops what it still holds. */
    capture_free(camera->capture);
    encode_worker_free(camera->worker);
    g_free(camera->encoder_name);
    g_free(camera->encoder_note);
    g_free(camera);
}

/* Copies the counters since camera_start(). */
void camera_get_stats(LcCamera *camera, LcCameraStats *stats)
{
    g_return_if_fail(camera != NULL && stats != NULL);

    LcCaptureStats capture;
    LcEncodeWorkerStats worker;
    const LcEncodeWorkerStats *base = &camera->worker_base;

    capture_get_stats(camera->capture, &capture);
    encode_worker_get_stats(camera->worker, &worker);
    *stats = (LcCameraStats){
        .frames_captured = capture.frames_captured,
        .frames_capture_dropped = capture.frames_dropped,
        .frames_encoder_dropped = worker.frames_dropped - base->frames_dropped,
        .frames_encoded = worker.frames_delivered - base->frames_delivered,
        .frames_failed = worker.frames_failed - base->frames_failed,
        .last_encode_time_us = worker.last_encode_time_us,
    };
}

/* The encoder back-end in use. */
const char *camera_get_encoder_name(LcCamera *camera)
{
    g_return_val_if_fail(camera != NULL, NULL);
    return camera->encoder_name;
}

/* One line on the encoder choice. */
const char *camera_get_encoder_note(LcCamera *camera)
{
    g_return_val_if_fail(camera != NULL, NULL);
    return camera->encoder_note;
}

/* The capture pipeline's gst-launch description. */
const char *camera_get_description(LcCamera *camera)
{
    g_return_val_if_fail(camera != NULL, NULL);
    return capture_get_description(camera->capture);
}
