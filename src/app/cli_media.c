/* cli_media.c: lanconf-cli's camera and viewer modes. */
#include "src/app/cli_media.h"

#include "core/option_number.h"
#include "src/app/cli_format.h"

#include "net/wire/clock.h"
#include "src/run/av_sender.h"
#include "src/run/av_viewer.h"
#include "media/capture.h"
#include "net/wire/chan_kind.h"
#include "src/report/framelog_report.h"

#include <stdio.h>
#include <string.h>

#define CLI_MEDIA_GRACE_MS 700 /* after the camera stops, wait for the last ACKs */

struct _LcCliMedia {
    const LcCliMediaOptions *options;
    LcFramelogRun run;
    LcAvSender *sender;
    LcAvViewer *viewer;
    LcCliMediaDoneFunc done;
    gpointer user_data;
    guint report_timer;
    guint duration_timer;
    guint grace_timer;
    gboolean finishing;
    int status;
};

/* Fills options with the defaults. */
void cli_media_options_init(LcCliMediaOptions *o)
{
    memset(o, 0, sizeof(*o));
    camera_options_init(&o->camera);
}

/* Frees the strings options own. */
void cli_media_options_clear(LcCliMediaOptions *o)
{
    camera_options_clear(&o->camera);
    g_clear_pointer(&o->view, g_free);
    g_clear_pointer(&o->channels, g_free);
    g_clear_pointer(&o->ack_mode, g_free);
    g_clear_pointer(&o->summary, g_free);
    g_clear_pointer(&o->duration, g_free);
}

/* Parses --channels (default: both) and --ack-mode (default: pipelined). */
static gboolean cli_media_parse_modes(const LcCliMediaOptions *o, guint *mask, LcStreamAckMode *ack,
                                      GError **error)
{
    *mask = LC_CHAN_MASK_ALL;
    if (o->channels != NULL && !chan_kind_parse_mask(o->channels, mask, error)) {
        g_prefix_error(error, "--channels: ");
        return FALSE;
    }
    if (!stream_sender_parse_ack_mode(o->ack_mode, ack, error)) {
        g_prefix_error(error, "--ack-mode: ");
        return FALSE;
    }
    return TRUE;
}

/* Checks the combination of options. */
gboolean cli_media_options_check(LcCliMediaOptions *o, GError **error)
{
    guint mask = 0;
    LcStreamAckMode ack;
    if (o->send && o->view != NULL) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--camera and --view go to two lanconf-cli processes, one each");
        return FALSE;
    }
    if (!cli_media_parse_modes(o, &mask, &ack, error))
        return FALSE;
    if (o->duration != NULL && !option_number_parse("--duration", o->duration, TRUE, 0,
                                                    OPTION_SECONDS_MAX, &o->duration_s, error))
        return FALSE;
    if (o->summary != NULL && !o->send && o->view == NULL) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--summary needs --camera or --view");
        return FALSE;
    }
    return camera_options_validate(&o->camera, error);
}

/* The active frame log. */
static LcFramelog *cli_media_log(LcCliMedia *m)
{
    return m->sender ? av_sender_get_framelog(m->sender) : av_viewer_get_framelog(m->viewer);
}

/* Prints one line per channel for the second that ended. */
static gboolean cli_media_on_report(gpointer data)
{
    LcCliMedia *m = data;
    LcFramelog *log = cli_media_log(m);
    LcChannelInterval intervals[LC_CHAN_KINDS];
    if (m->sender)
        av_sender_update_socket_stats(m->sender);
    guint n = framelog_close_interval(log, clock_now_us(), intervals);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%H:%M:%S");
    for (guint i = 0; i < n; i++) {
        g_autofree char *line = framelog_format_interval_text(log, &intervals[i]);
        fprintf(stderr, "lanconf-cli: %s %s %s\n", stamp, m->sender ? "send" : "view", line);
    }
    return G_SOURCE_CONTINUE;
}

/* Writes the summary and reports the end. */
static void cli_media_complete(LcCliMedia *m)
{
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(GPtrArray) shortfalls = framelog_get_shortfalls(cli_media_log(m));
        for (guint i = 0; i < shortfalls->len; i++)
            fprintf(stderr, "lanconf-cli: short of what was asked: %s\n",
                    (const char *)shortfalls->pdata[i]);
    }
    if (m->options->summary != NULL &&
        !framelog_write_summary(cli_media_log(m), clock_now_us(), m->options->summary, &error)) {
        fprintf(stderr, "lanconf-cli: --summary: %s\n", error->message);
        m->status = 1;
    }
    if (m->done)
        m->done(m, m->status, m->user_data);
}

/* The grace period for late ACKs is over. */
static gboolean cli_media_on_grace(gpointer data)
{
    LcCliMedia *m = data;
    m->grace_timer = 0;
    cli_media_complete(m);
    return G_SOURCE_REMOVE;
}

/* Ends the run: stop the camera, wait briefly for ACKs, then summarise. */
void cli_media_finish(LcCliMedia *m)
{
    if (m->finishing)
        return;
    m->finishing = TRUE;
    if (m->sender != NULL) {
        av_sender_stop(m->sender);
        av_sender_update_socket_stats(m->sender);
        m->grace_timer = g_timeout_add(CLI_MEDIA_GRACE_MS, cli_media_on_grace, m);
        return;
    }
    cli_media_complete(m);
}

/* --duration elapsed. */
static gboolean cli_media_on_duration(gpointer data)
{
    LcCliMedia *m = data;
    m->duration_timer = 0;
    cli_media_finish(m);
    return G_SOURCE_REMOVE;
}

/* A fatal problem in the camera, the stream or the view. */
static void cli_media_fail(LcCliMedia *m, const GError *error)
{
    /* A video file that ends is the end of the run, not a failure. */
    if (!g_error_matches(error, CAPTURE_ERROR, CAPTURE_ERROR_EOS)) {
        cli_print_error(&m->status, "%s", error->message);
    }
    cli_media_finish(m);
}

static void cli_media_on_sender_error(LcAvSender *s, const GError *error, gpointer data)
{
    cli_media_fail(data, error);
}

static void cli_media_on_viewer_error(LcAvViewer *v, const GError *error, gpointer data)
{
    cli_media_fail(data, error);
}

/* The viewed stream ended: with no --duration, so does the run. */
static void cli_media_on_viewer_end(LcAvViewer *v, const char *reason, gpointer data)
{
    LcCliMedia *m = data;
    cli_print_remote(stderr, "lanconf-cli: the stream ended (%s)",
                     reason ? reason : "sender stopped");
    if (m->options->duration_s <= 0)
        cli_media_finish(m);
}

/* Starts sending or viewing on a session. */
LcCliMedia *cli_media_new(LcSession *session, const LcCliMediaOptions *o, LcCliMediaDoneFunc done,
                          gpointer user_data, GError **error)
{
    guint mask = 0;
    LcStreamAckMode ack;
    if (!cli_media_parse_modes(o, &mask, &ack, error))
        return NULL;
    LcCliMedia *m = g_new0(LcCliMedia, 1);
    m->options = o;
    m->done = done;
    m->user_data = user_data;
    if (o->send)
        av_sender_describe_run(&m->run, &o->camera, mask, ack, o->duration_s);
    else
        av_viewer_describe_run(&m->run, mask, ack, o->duration_s);
    if (o->send) {
        LcStreamSenderConfig vc;
        stream_sender_config_init(&vc);
        vc.channels = mask;
        vc.ack_mode = ack;
        m->sender =
            av_sender_new(session, &o->camera, &vc, &m->run, cli_media_on_sender_error, m, error);
        if (m->sender == NULL || !av_sender_start(m->sender, error)) {
            cli_media_free(m);
            return NULL;
        }
        fprintf(stderr, "lanconf-cli: %s\n", av_sender_get_encoder_note(m->sender));
    } else {
        LcStreamViewerConfig vc;
        stream_viewer_config_init(&vc);
        vc.channels = mask;
        m->viewer = av_viewer_new(session, o->view, &vc, &m->run, o->headless, 0,
                                  cli_media_on_viewer_error, cli_media_on_viewer_end, m, error);
        if (m->viewer == NULL) {
            cli_media_free(m);
            return NULL;
        }
        fprintf(stderr, "lanconf-cli: viewing %s's camera: %s\n", o->view,
                av_viewer_get_display_note(m->viewer));
    }
    m->report_timer = g_timeout_add(1000, cli_media_on_report, m);
    if (o->duration_s > 0)
        m->duration_timer = g_timeout_add((guint)(o->duration_s * 1000), cli_media_on_duration, m);
    return m;
}

/* Frees the media run. */
void cli_media_free(LcCliMedia *m)
{
    if (m == NULL)
        return;
    guint *timers[] = {&m->report_timer, &m->duration_timer, &m->grace_timer};
    for (guint i = 0; i < G_N_ELEMENTS(timers); i++)
        g_clear_handle_id(timers[i], g_source_remove);
    g_clear_pointer(&m->sender, av_sender_free);
    g_clear_pointer(&m->viewer, av_viewer_free);
    g_free(m);
}
