/* Helpers shared by the app tests. */
#include "app-test-util.h"

#include "media/camera.h"

/* Timeout: quits the loop and records that time ran out. */
static gboolean app_test_on_timeout(gpointer data)
{
    gpointer *state = data;

    *(gboolean *)state[1] = TRUE;
    g_main_loop_quit(state[0]);
    return G_SOURCE_REMOVE;
}

/* Runs loop until it is quit or ms milliseconds pass; returns FALSE if the time ran out. */
gboolean app_test_run_loop(GMainLoop *loop, guint ms)
{
    gboolean timed_out = FALSE;
    gpointer state[2] = {loop, &timed_out};
    guint id = g_timeout_add(ms, app_test_on_timeout, state);

    g_main_loop_run(loop);
    if (!timed_out)
        g_source_remove(id);
    return !timed_out;
}

typedef struct {
    GMainLoop *loop;
    GPtrArray *frames;
    guint wanted;
} AppTestCapture;

/* Keeps each encoded frame until enough have arrived. */
static void app_test_on_frame(LcCamera *camera, LcFrame *frame, gpointer data)
{
    AppTestCapture *capture = data;

    if (capture->frames->len < capture->wanted)
        g_ptr_array_add(capture->frames, frame);
    else
        frame_unref(frame);
    if (capture->frames->len >= capture->wanted)
        g_main_loop_quit(capture->loop);
}

/* Captures n JPEG frames from the test pattern through the camera glue. */
GPtrArray *app_test_capture_jpeg(guint n, gint width, gint height)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    AppTestCapture capture = {
        .loop = loop,
        .frames = g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref),
        .wanted = n,
    };
    LcCameraOptions options;

    camera_options_init(&options);
    options.width = width;
    options.height = height;
    g_autoptr(LcCamera) camera = camera_new(&options, app_test_on_frame, NULL, &capture, &error);
    g_assert_no_error(error);
    g_assert_true(camera_start(camera, &error));
    g_assert_no_error(error);
    g_assert_true(app_test_run_loop(loop, 10000));
    camera_stop(camera);
    return capture.frames;
}

/* The run every synthetic frame log describes. */
void app_test_framelog_run(LcFramelogRun *run)
{
    *run = (LcFramelogRun){
        .source = "test",
        .width = 640,
        .height = 480,
        .fps = 30,
        .quality = 80,
        .codec = "jpeg",
        .encoder = "turbojpeg",
        .ack_mode = "relay",
    };
}
