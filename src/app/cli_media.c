/* cli_media.c: lanconf-cli's camera, viewer, talk and listen modes. */
#include "src/app/cli_media.h"
#include "net/wire/validate.h"

#include "core/option_number.h"
#include "src/app/cli_format.h"
#include "src/app/cli_tty.h"

#include "net/wire/clock.h"
#include "src/run/av_sender.h"
#include "src/run/av_viewer.h"
#include "media/capture.h"
#include "net/wire/chan_kind.h"
#include "src/report/audio_report.h"
#include "src/report/framelog_report.h"
#include "src/run/audio_listen.h"
#include "src/run/audio_talk.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CLI_MEDIA_GRACE_MS 700 /* after the camera stops, wait for the last ACKs */
/* Per-frame records kept per channel: the summary comes from the
 * aggregates, and a run of no set length must not grow without bound. */
#define CLI_MEDIA_RECORDS 6000

struct _LcCliMedia {
    const LcCliMediaOptions *options;
    LcFramelogRun run;
    LcAvSender *sender;
    LcAvViewer *viewer;
    LcCliTty *tty; /* the view drawn in this terminal, or NULL */
    LcSession *session;
    guint wait_timer; /* says once that the viewed member has no camera on yet */
    LcFramelogRun talk_run;
    LcAudioTalk *talk;
    LcAudioListen *listen;
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
    g_clear_pointer(&o->allow, g_strfreev);
    g_clear_pointer(&o->view, g_free);
    g_clear_pointer(&o->tty_mode, g_free);
    g_clear_pointer(&o->channels, g_free);
    g_clear_pointer(&o->ack_mode, g_free);
    g_clear_pointer(&o->summary, g_free);
    g_clear_pointer(&o->duration, g_free);
    g_clear_pointer(&o->audio, g_free);
    g_clear_pointer(&o->audio_out, g_free);
    g_clear_pointer(&o->audio_frame_ms, g_free);
    g_clear_pointer(&o->audio_bitrate, g_free);
    g_clear_pointer(&o->audio_mode, g_free);
    g_clear_pointer(&o->jitter, g_free);
    g_clear_pointer(&o->echo_cancel, g_free);
    g_clear_pointer(&o->jitter_max, g_free);
    g_clear_pointer(&o->jitter_min, g_free);
}

/* The "audio" option group. */
GOptionGroup *cli_media_audio_group_new(LcCliMediaOptions *o)
{
    GOptionEntry entries[] = {
        {"audio", 0, 0, G_OPTION_ARG_STRING, &o->audio,
         "Talk: send sound to the room on the channels of --channels: test (a 440 Hz tone), "
         "test:HZ, mic (the default microphone) or an audio file",
         "SOURCE"},
        {"listen", 0, 0, G_OPTION_ARG_NONE, &o->listen,
         "Hear everyone in the room who talks (the default audio output)", NULL},
        {"audio-out", 0, 0, G_OPTION_ARG_FILENAME, &o->audio_out,
         "Listen, and write what is heard to FILE (WAV) instead of playing it", "FILE.wav"},
        {"audio-frame-ms", 0, 0, G_OPTION_ARG_STRING, &o->audio_frame_ms,
         "Opus packet length, 10 (default) or 20 (a listener follows each speaker's)", "MS"},
        {"audio-bitrate", 0, 0, G_OPTION_ARG_STRING, &o->audio_bitrate,
         "Opus bit rate, 6000 to 510000 (default " G_STRINGIFY(AUDIO_DEFAULT_BITRATE) ")", "BPS"},
        {"audio-mode", 0, 0, G_OPTION_ARG_STRING, &o->audio_mode,
         "voice (default: in-band FEC against loss) or lowdelay (2.5 ms less delay, no FEC)",
         "MODE"},
        {"no-dtx", 0, 0, G_OPTION_ARG_NONE, &o->no_dtx,
         "Talk: send full packets while silent (default: DTX, a 1-byte packet a frame while "
         "silent)",
         NULL},
        {"echo-cancel", 0, 0, G_OPTION_ARG_STRING, &o->echo_cancel,
         "Talk: take what the speakers play out of the microphone's sound: auto (default: "
         "when talking from mic), on or off",
         "auto|on|off"},
        {"jitter", 0, 0, G_OPTION_ARG_STRING, &o->jitter,
         "Listen: the jitter buffer's depth, auto (default: adapts to the measured jitter) or "
         "a fixed MS",
         "auto|MS"},
        {"jitter-max", 0, 0, G_OPTION_ARG_STRING, &o->jitter_max,
         "Listen: the deepest an adaptive jitter buffer goes (default " G_STRINGIFY(
             AUDIO_JITTER_DEFAULT_MAX_MS) ")",
         "MS"},
        {"jitter-min", 0, 0, G_OPTION_ARG_STRING, &o->jitter_min,
         "Listen: the least depth of an adaptive jitter buffer (default " G_STRINGIFY(
             AUDIO_JITTER_DEFAULT_MIN_MS) "): deeper rides out a busy machine's stalls, later",
         "MS"},
        G_OPTION_ENTRY_NULL};
    GOptionGroup *group = g_option_group_new(
        "audio", "Audio options (a conference: everyone who listens hears everyone who talks)",
        "Show the audio options", NULL, NULL);
    g_option_group_add_entries(group, entries);
    return group;
}

/* Whether any media mode is asked for. */
gboolean cli_media_options_any(const LcCliMediaOptions *o)
{
    return o->send || o->view != NULL || o->audio != NULL || o->listen || o->audio_out != NULL;
}

/* Reads the --audio and --jitter options into the capture and jitter
 * buffer settings. */
static gboolean cli_media_parse_audio(LcCliMediaOptions *o, GError **error)
{
    double value = 0;
    if (o->audio_out != NULL)
        o->listen = TRUE;
    o->capture = (LcAudioCaptureConfig){.source = o->audio, .dtx = !o->no_dtx};
    if (o->echo_cancel != NULL) {
        if (o->audio == NULL) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--echo-cancel needs --audio");
            return FALSE;
        }
        g_autoptr(GError) echo_error = NULL;
        if (!audio_echo_parse(o->echo_cancel, &o->capture.echo, &echo_error)) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--echo-cancel: %s",
                        echo_error->message);
            return FALSE;
        }
    }
    if (o->audio_frame_ms != NULL) {
        if (!option_number_parse("--audio-frame-ms", o->audio_frame_ms, FALSE, 10, 20, &value,
                                 error))
            return FALSE;
        if (value != 10 && value != 20) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--audio-frame-ms: '%s': expected 10 or 20", o->audio_frame_ms);
            return FALSE;
        }
        o->capture.frame_ms = (guint)value;
    }
    if (o->audio_bitrate != NULL) {
        if (!option_number_parse("--audio-bitrate", o->audio_bitrate, FALSE, 6000, 510000, &value,
                                 error))
            return FALSE;
        o->capture.bitrate = (guint)value;
    }
    if (o->audio_mode != NULL && g_strcmp0(o->audio_mode, "voice") != 0) {
        if (g_strcmp0(o->audio_mode, "lowdelay") != 0) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--audio-mode: '%s': expected voice or lowdelay", o->audio_mode);
            return FALSE;
        }
        o->capture.mode = AUDIO_MODE_LOWDELAY;
    }
    o->jitter_config = (LcAudioJitterConfig){0};
    if (o->jitter != NULL && g_strcmp0(o->jitter, "auto") != 0) {
        g_autoptr(GError) bad = NULL;
        if (!option_number_parse("--jitter", o->jitter, FALSE, 1,
                                 audio_jitter_max_depth_ms(o->capture.frame_ms), &value, &bad)) {
            g_set_error(error, bad->domain, bad->code, "%s, or auto", bad->message);
            return FALSE;
        }
        o->jitter_config.fixed_ms = (guint)value;
    }
    if (o->jitter_max != NULL) {
        if (!option_number_parse("--jitter-max", o->jitter_max, FALSE, AUDIO_JITTER_DEFAULT_MIN_MS,
                                 audio_jitter_max_depth_ms(o->capture.frame_ms), &value, error))
            return FALSE;
        o->jitter_config.max_ms = (guint)value;
    }
    if (o->jitter_min != NULL) {
        if (!option_number_parse("--jitter-min", o->jitter_min, FALSE, 1,
                                 audio_jitter_max_depth_ms(o->capture.frame_ms), &value, error))
            return FALSE;
        o->jitter_config.min_ms = (guint)value;
    }
    guint max_ms = o->jitter_max != NULL ? o->jitter_config.max_ms : AUDIO_JITTER_DEFAULT_MAX_MS;
    if (o->jitter_min != NULL && o->jitter_config.min_ms > max_ms) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--jitter-min %u is deeper than --jitter-max %u%s", o->jitter_config.min_ms,
                    max_ms, o->jitter_max != NULL ? "" : " (its default): raise that too");
        return FALSE;
    }
    gboolean audio_only = o->audio_frame_ms || o->audio_bitrate || o->audio_mode;
    if (audio_only && o->audio == NULL && !o->listen) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--audio-frame-ms, --audio-bitrate and --audio-mode need --audio or --listen");
        return FALSE;
    }
    if (o->jitter != NULL && g_strcmp0(o->jitter, "auto") != 0 &&
        (o->jitter_max != NULL || o->jitter_min != NULL)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--jitter MS is a fixed depth: --jitter-min and --jitter-max bound an "
                    "adaptive one (--jitter auto); give one or the other");
        return FALSE;
    }
    if (o->audio != NULL && !audio_capture_check_config(&o->capture, error)) {
        g_prefix_error(error, "--audio: ");
        return FALSE;
    }
    if ((o->jitter != NULL || o->jitter_max != NULL || o->jitter_min != NULL) && !o->listen) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--jitter, --jitter-min and --jitter-max need --listen or --audio-out");
        return FALSE;
    }
    return TRUE;
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
    if ((o->private || o->allow != NULL) && !o->send && o->audio == NULL) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--private and --allow are for what this client sends (--camera, "
                            "--audio)");
        return FALSE;
    }
    if (o->allow != NULL && !o->private) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--allow is for what is private: add --private (else everyone may "
                            "view and hear)");
        return FALSE;
    }
    if (o->allow != NULL && g_strv_length(o->allow) > SESSION_ALLOWED_MAX) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--allow: at most %d members",
                    SESSION_ALLOWED_MAX);
        return FALSE;
    }
    for (guint i = 0; o->allow != NULL && o->allow[i] != NULL; i++)
        if (!validate_nick(o->allow[i], error)) {
            g_prefix_error(error, "--allow: ");
            return FALSE;
        }
    if (o->duration != NULL && !option_number_parse("--duration", o->duration, TRUE, 0,
                                                    OPTION_SECONDS_MAX, &o->duration_s, error))
        return FALSE;
    if (!cli_media_parse_audio(o, error))
        return FALSE;
    if (o->tty && o->view == NULL) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--tty needs --view NICK");
        return FALSE;
    }
    if (o->tty_mode != NULL) {
        if (g_strcmp0(o->tty_mode, "sixels") != 0 && g_strcmp0(o->tty_mode, "symbols") != 0 &&
            g_strcmp0(o->tty_mode, "auto") != 0) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--tty-mode: '%s': expected auto, symbols or sixels", o->tty_mode);
            return FALSE;
        }
        if (o->view == NULL || o->headless) {
            g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                "--tty-mode is for a view drawn in the terminal (--view NICK)");
            return FALSE;
        }
    }
    /* A drawing mode asks for the terminal; auto: sixels where the
     * terminal's entry in chafa's database has them. */
    if (o->tty_mode != NULL)
        o->tty = TRUE;
    o->tty_sixels = g_strcmp0(o->tty_mode, "sixels") == 0 ||
                    ((o->tty_mode == NULL || g_strcmp0(o->tty_mode, "auto") == 0) &&
                     tty_picture_sixels_from_env());
    if (o->tty && o->headless) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--tty draws the camera, --headless only counts its frames: give one");
        return FALSE;
    }
    if (o->summary != NULL && !cli_media_options_any(o)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--summary needs --camera, --view, --audio or --listen");
        return FALSE;
    }
    /* Said now, not after a long run whose figures would be lost. */
    g_autofree char *summary_dir = o->summary ? g_path_get_dirname(o->summary) : NULL;
    if (summary_dir != NULL &&
        (!g_file_test(summary_dir, G_FILE_TEST_IS_DIR) || access(summary_dir, W_OK) != 0)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--summary %s: the folder %s does not exist or cannot be written", o->summary,
                    summary_dir);
        return FALSE;
    }
    return camera_options_validate(&o->camera, error);
}

/* The camera's or the view's frame log; NULL without either. */
static LcFramelog *cli_media_log(LcCliMedia *m)
{
    if (m->sender != NULL)
        return av_sender_get_framelog(m->sender);
    return m->viewer ? av_viewer_get_framelog(m->viewer) : NULL;
}

/* Whether report lines would go to the terminal a camera is drawn in,
 * where they would scroll the picture away: the seconds are closed all the
 * same (the summary counts them), the lines are not printed. */
static gboolean cli_media_quiet(LcCliMedia *m)
{
    return m->tty != NULL && cli_tty_shares_terminal(m->tty, STDERR_FILENO);
}

/* Prints a log's lines for the second that ended, one per channel. */
static void cli_media_report_log(LcCliMedia *m, LcFramelog *log, const char *stamp,
                                 const char *what, gint64 now)
{
    LcChannelInterval intervals[LC_CHAN_KINDS];
    guint n = framelog_close_interval(log, now, intervals);
    for (guint i = 0; i < n && !cli_media_quiet(m); i++) {
        g_autofree char *line = framelog_format_interval_text(log, &intervals[i]);
        fprintf(stderr, "lanconf-cli: %s %s %s\n", stamp, what, line);
    }
}

/* Prints every speaker's lines for the second that ended: what is heard
 * (marked *) and what the other channel would have given. */
static void cli_media_report_listen(LcCliMedia *m, const char *stamp, gint64 now)
{
    GPtrArray *speakers = audio_listen_get_speakers(m->listen);
    for (guint i = 0; i < speakers->len; i++) {
        const LcAudioListenSpeaker *s = speakers->pdata[i];
        if (!s->active)
            continue;
        LcChannelInterval intervals[LC_CHAN_KINDS];
        guint n = framelog_close_interval(s->log, now, intervals);
        for (guint k = 0; k < n && !cli_media_quiet(m); k++) {
            g_autofree char *line = audio_report_format_interval(s, &intervals[k]);
            cli_print_remote(stderr, "lanconf-cli: %s hear %s", stamp, line);
        }
    }
}

/* Prints one line per channel for the second that ended. */
static gboolean cli_media_on_report(gpointer data)
{
    LcCliMedia *m = data;
    gint64 now = clock_now_us();
    g_autoptr(GDateTime) local = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(local, "%H:%M:%S");
    if (m->sender)
        av_sender_update_socket_stats(m->sender);
    if (cli_media_log(m) != NULL)
        cli_media_report_log(m, cli_media_log(m), stamp, m->sender ? "send" : "view", now);
    if (m->talk != NULL) {
        audio_talk_update_socket_stats(m->talk);
        cli_media_report_log(m, audio_talk_get_framelog(m->talk), stamp, "talk", now);
    }
    if (m->listen != NULL)
        cli_media_report_listen(m, stamp, now);
    return G_SOURCE_CONTINUE;
}

/* Prints why a log's run fell short of what was asked. */
static void cli_media_print_shortfalls(LcFramelog *log)
{
    if (log == NULL)
        return;
    g_autoptr(GPtrArray) shortfalls = framelog_get_shortfalls(log);
    for (guint i = 0; i < shortfalls->len; i++)
        fprintf(stderr, "lanconf-cli: short of what was asked: %s\n",
                (const char *)shortfalls->pdata[i]);
}

/* The audio part of the summary: {"talk": ..., "listen": ...}. */
static JsonNode *cli_media_audio_json(LcCliMedia *m, gint64 now)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "talk");
    if (m->talk != NULL)
        json_builder_add_value(b, framelog_get_summary_json(audio_talk_get_framelog(m->talk), now));
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "listen");
    if (m->listen != NULL)
        json_builder_add_value(b, audio_report_listen_json(m->listen, now));
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

/* Writes the summary: the camera's or view's alone as before, or, with
 * audio, {"audio": ..., "video": ...}. */
static gboolean cli_media_write_summary(LcCliMedia *m, GError **error)
{
    gint64 now = clock_now_us();
    LcFramelog *video = cli_media_log(m);
    if (m->talk == NULL && m->listen == NULL)
        return framelog_write_summary(video, now, m->options->summary, error);
    g_autoptr(JsonNode) audio = cli_media_audio_json(m, now);
    g_autoptr(JsonNode) video_json = video ? framelog_get_summary_json(video, now) : NULL;
    return audio_report_write_summary(audio, video_json, m->options->summary, error);
}

/* Finishes the listening (a WAV file complete), writes the summary and
 * reports the end. */
static void cli_media_complete(LcCliMedia *m)
{
    g_autoptr(GError) error = NULL;
    cli_media_print_shortfalls(cli_media_log(m));
    if (m->talk != NULL)
        cli_media_print_shortfalls(audio_talk_get_framelog(m->talk));
    if (m->listen != NULL && !audio_listen_finish(m->listen, &error)) {
        cli_print_error(&m->status, "%s", error->message);
        g_clear_error(&error);
    } else if (m->listen != NULL) {
        fprintf(stderr, "lanconf-cli: heard %u stream(s) into %s\n",
                audio_listen_get_speakers(m->listen)->len,
                audio_listen_get_output_label(m->listen));
    }
    if (m->options->summary != NULL && !cli_media_write_summary(m, &error)) {
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

/* Ends the run: stop the camera and the sound, wait briefly for ACKs, then
 * summarise. */
void cli_media_finish(LcCliMedia *m)
{
    if (m->finishing)
        return;
    m->finishing = TRUE;
    /* The terminal is given back before anything is said about the end. */
    if (m->tty != NULL) {
        av_viewer_show_in_terminal(m->viewer, NULL, NULL);
        g_clear_pointer(&m->tty, cli_tty_free);
    }
    if (m->sender != NULL) {
        av_sender_stop(m->sender);
        av_sender_update_socket_stats(m->sender);
    }
    if (m->talk != NULL) {
        audio_talk_stop(m->talk);
        audio_talk_update_socket_stats(m->talk);
    }
    if (m->sender != NULL || m->talk != NULL) {
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

/* A fatal problem in the camera, the sound, the stream or the view. */
static void cli_media_fail(LcCliMedia *m, const GError *error)
{
    /* A video or audio file that ends is the end of the run, not a failure. */
    if (!g_error_matches(error, CAPTURE_ERROR, CAPTURE_ERROR_EOS) &&
        !g_error_matches(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_EOS)) {
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

static void cli_media_on_talk_error(LcAudioTalk *t, const GError *error, gpointer data)
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

/* A view that got no stream in its first seconds says why it waits, once:
 * the per-second lines alone would only show zeros. */
static gboolean cli_media_on_wait(gpointer data)
{
    LcCliMedia *m = data;
    m->wait_timer = 0;
    if (m->viewer == NULL || av_viewer_get_stream_count(m->viewer) > 0)
        return G_SOURCE_REMOVE;
    const char *nick = m->options->view;
    guint n = 0;
    const LcWireMember *members = session_get_members(m->session, &n);
    gboolean here = FALSE;
    for (guint i = 0; i < n; i++)
        here = here || g_ascii_strcasecmp(members[i].nick, nick) == 0;
    cli_print_remote(stderr, "lanconf-cli: no camera from %s yet: %s; waiting (Ctrl-C stops)", nick,
                     here ? "in the room, but no camera on" : "not in the room");
    return G_SOURCE_REMOVE;
}

/* Starts the camera or the view. */
static gboolean cli_media_start_video(LcCliMedia *m, LcSession *session, guint mask,
                                      LcStreamAckMode ack, GError **error)
{
    const LcCliMediaOptions *o = m->options;
    if (o->send) {
        av_sender_describe_run(&m->run, &o->camera, mask, ack, o->duration_s);
        LcStreamSenderConfig vc;
        stream_sender_config_init(&vc);
        vc.channels = mask;
        vc.ack_mode = ack;
        vc.private = o->private;
        m->sender =
            av_sender_new(session, &o->camera, &vc, &m->run, cli_media_on_sender_error, m, error);
        if (m->sender == NULL || !av_sender_start(m->sender, error))
            return FALSE;
        framelog_set_record_limit(av_sender_get_framelog(m->sender), CLI_MEDIA_RECORDS);
        fprintf(stderr, "lanconf-cli: %s\n", av_sender_get_encoder_note(m->sender));
    } else if (o->view != NULL) {
        av_viewer_describe_run(&m->run, mask, ack, o->duration_s);
        LcStreamViewerConfig vc;
        stream_viewer_config_init(&vc);
        vc.channels = mask;
        m->viewer = av_viewer_new(session, o->view, &vc, &m->run, o->headless || o->tty, 0,
                                  cli_media_on_viewer_error, cli_media_on_viewer_end, m, error);
        if (m->viewer == NULL)
            return FALSE;
        framelog_set_record_limit(av_viewer_get_framelog(m->viewer), CLI_MEDIA_RECORDS);
        m->wait_timer = g_timeout_add_seconds(2, cli_media_on_wait, m);
        /* No window, and a terminal to draw in: the terminal, unless only
         * counting was asked for. */
        gboolean tty =
            o->tty || (!o->headless && !av_viewer_has_window(m->viewer) && isatty(STDOUT_FILENO));
        if (tty) {
            fprintf(stderr, "lanconf-cli: viewing %s's camera in this terminal, in %s%s%s%s\n",
                    o->view, o->tty_sixels ? "sixels" : "block characters",
                    o->tty ? "" : " (no window: ", o->tty ? "" : av_viewer_why_no_window(m->viewer),
                    o->tty ? "" : ")");
            m->tty = cli_tty_new(stdout, o->view, o->tty_sixels);
            av_viewer_show_in_terminal(m->viewer, cli_tty_on_picture, m->tty);
        } else {
            fprintf(stderr, "lanconf-cli: viewing %s's camera: %s\n", o->view,
                    av_viewer_get_display_note(m->viewer));
        }
    }
    return TRUE;
}

/* Starts talking and listening. */
static gboolean cli_media_start_audio(LcCliMedia *m, LcSession *session, guint mask, GError **error)
{
    const LcCliMediaOptions *o = m->options;
    if (o->listen) {
        LcAudioListenConfig lc = {.channels = mask,
                                  .wav_path = o->audio_out,
                                  .frame_ms = o->capture.frame_ms,
                                  .jitter = o->jitter_config,
                                  .record_limit = CLI_MEDIA_RECORDS};
        m->listen = audio_listen_new(session, &lc, error);
        if (m->listen == NULL)
            return FALSE;
        fprintf(stderr, "lanconf-cli: listening to everyone who talks, into %s\n",
                audio_listen_get_output_label(m->listen));
    }
    if (o->audio != NULL) {
        audio_talk_describe_run(&m->talk_run, &o->capture, mask, o->duration_s);
        LcStreamSenderConfig sc;
        stream_sender_config_init(&sc);
        sc.channels = mask;
        sc.queue_frames = AUDIO_TALK_QUEUE_FRAMES;
        sc.private = o->private;
        m->talk = audio_talk_new(session, &o->capture, &sc, &m->talk_run, cli_media_on_talk_error,
                                 m, error);
        if (m->talk == NULL || !audio_talk_start(m->talk, error))
            return FALSE;
        framelog_set_record_limit(audio_talk_get_framelog(m->talk), CLI_MEDIA_RECORDS);
        const char *echo = audio_talk_get_echo_note(m->talk);
        fprintf(stderr, "lanconf-cli: talking: %s%s%s%s\n", audio_talk_get_label(m->talk),
                echo ? " (" : "", echo ? echo : "", echo ? ")" : "");
    }
    return TRUE;
}

/* Starts the media modes asked for on a session. */
LcCliMedia *cli_media_new(LcSession *session, const LcCliMediaOptions *o, LcCliMediaDoneFunc done,
                          gpointer user_data, GError **error)
{
    guint mask = 0;
    LcStreamAckMode ack;
    if (!cli_media_parse_modes(o, &mask, &ack, error))
        return NULL;
    LcCliMedia *m = g_new0(LcCliMedia, 1);
    m->options = o;
    m->session = session;
    m->done = done;
    m->user_data = user_data;
    if (!cli_media_start_video(m, session, mask, ack, error) ||
        !cli_media_start_audio(m, session, mask, error)) {
        cli_media_free(m);
        return NULL;
    }
    m->report_timer = g_timeout_add(1000, cli_media_on_report, m);
    if (o->duration_s > 0)
        m->duration_timer = g_timeout_add((guint)(o->duration_s * 1000), cli_media_on_duration, m);
    return m;
}

/* Shows a line under the camera drawn in the terminal. */
gboolean cli_media_show_line(LcCliMedia *m, const char *line)
{
    if (m == NULL || m->tty == NULL)
        return FALSE;
    cli_tty_add_line(m->tty, line);
    return TRUE;
}

/* Frees the media run. */
void cli_media_free(LcCliMedia *m)
{
    if (m == NULL)
        return;
    guint *timers[] = {&m->report_timer, &m->duration_timer, &m->grace_timer, &m->wait_timer};
    for (guint i = 0; i < G_N_ELEMENTS(timers); i++)
        g_clear_handle_id(timers[i], g_source_remove);
    g_clear_pointer(&m->sender, av_sender_free);
    g_clear_pointer(&m->viewer, av_viewer_free);
    g_clear_pointer(&m->tty, cli_tty_free);
    g_clear_pointer(&m->talk, audio_talk_free);
    g_clear_pointer(&m->listen, audio_listen_free);
    g_free(m);
}
