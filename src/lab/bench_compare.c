/* bench_compare.c: `lanconf-bench compare`: one camera (and or a voice),
 * both channels, a relay and a viewer (and a listener), on loopback or
 * across an impaired link; a table, the per-frame log, intervals, summary
 * and plots. */
#include "src/lab/bench_compare.h"
#include "src/lab/bench_codecs.h"

#include "net/wire/addr.h"
#include "net/wire/clock.h"
#include "net/linkemu/netns.h"
#include "net/client/session.h"
#include "net/secure/room_auth.h"
#include "src/run/av_sender.h"
#include "src/run/audio_listen.h"
#include "src/run/audio_talk.h"
#include "src/run/av_viewer.h"
#include "src/lab/bench_compare_report.h"
#include "src/lab/impair.h"
#include "core/option_number.h"
#include "media/decoder.h"
#include "media/encoder_list.h"
#include "net/linkemu/linkemu_spec.h"
#include "src/report/plots.h"
#include "src/lab/relay_thread.h"
#include "src/report/framelog_report.h"
#include "net/wire/wire.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#define COMPARE_SENDER   "lab-camera"
#define COMPARE_VIEWER   "lab-viewer"
#define COMPARE_GRACE_US (1500 * 1000) /* after capture stops, wait for late ACKs */

typedef struct {
    const LcBenchCompareConfig *config;
    LcFramelogRun run;
    LcSession *send_session;
    LcSession *view_session;
    LcAvSender *sender;
    LcAvViewer *viewer;
    LcFramelogRun talk_run;
    LcAudioTalk *talk;
    LcAudioListen *listen;
    GError *error;
    guint joined;
    gint64 stop_us;          /* local clock: capture stopped; the summary's end */
    const char *fingerprint; /* the in-process relay's; NULL: pinned as any client pins */
    double cpu_s;            /* the process's CPU time while streaming (all its threads) */
} LcCompare;

/* Keeps the first fatal error. */
static void compare_fail(LcCompare *c, const GError *error)
{
    if (c->error == NULL)
        c->error = g_error_copy(error);
}

/* Counts joins; a session lost mid-run fails the run. */
static void compare_on_state(LcSession *s, LcSessionState state, const GError *error, gpointer data)
{
    LcCompare *c = data;
    if (state == SESSION_JOINED)
        c->joined++;
    else if (state == SESSION_CLOSED && session_error_is_auth(error)) {
        g_autoptr(GError) hint =
            g_error_new(error->domain, error->code, "%s (set %s)", error->message, ROOM_AUTH_ENV);
        compare_fail(c, hint);
    } else if (state == SESSION_CLOSED && error != NULL)
        compare_fail(c, error);
}

static const LcSessionEvents compare_session_events = {.state = compare_on_state};

static void compare_on_sender_error(LcAvSender *s, const GError *error, gpointer data)
{
    compare_fail(data, error);
}

static void compare_on_viewer_error(LcAvViewer *v, const GError *error, gpointer data)
{
    compare_fail(data, error);
}

/* Runs the loop until cond or the deadline (or an error). */
static gboolean compare_wait(LcCompare *c, gboolean (*cond)(LcCompare *), gint64 deadline)
{
    while (c->error == NULL && !cond(c) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    return c->error == NULL && cond(c);
}

static gboolean compare_both_joined(LcCompare *c)
{
    return c->joined >= 2;
}

/* What the listener hears of the talker (the run's own, not another
 * member of a shared relay): NULL before its stream is heard. */
static const LcAudioListenSpeaker *compare_heard(LcCompare *c)
{
    GPtrArray *speakers = c->listen ? audio_listen_get_speakers(c->listen) : NULL;
    for (guint i = 0; speakers != NULL && i < speakers->len; i++) {
        const LcAudioListenSpeaker *s = speakers->pdata[i];
        if (g_ascii_strcasecmp(s->nick, COMPARE_SENDER) == 0)
            return s;
    }
    return NULL;
}

static gboolean compare_streaming(LcCompare *c)
{
    return (c->sender == NULL || av_sender_is_ready(c->sender)) &&
           (c->talk == NULL || (audio_talk_is_ready(c->talk) && compare_heard(c) != NULL));
}

/* The talk failed; a sound file that ended is not a failure: the run
 * measures what it had. */
static void compare_on_talk_error(LcAudioTalk *t, const GError *error, gpointer data)
{
    if (!g_error_matches(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_EOS))
        compare_fail(data, error);
}

/* The run's logs, for the report. */
static LcCompareLogs compare_logs(LcCompare *c)
{
    return (LcCompareLogs){
        .sender = c->sender ? av_sender_get_framelog(c->sender) : NULL,
        .viewer = c->viewer ? av_viewer_get_framelog(c->viewer) : NULL,
        .talk = c->talk ? audio_talk_get_framelog(c->talk) : NULL,
        .heard = compare_heard(c),
        .audio_frame_ms = c->listen ? audio_listen_get_frame_ms(c->listen) : 0,
    };
}

static gboolean compare_never(LcCompare *c)
{
    return FALSE;
}

/* Creates a session for one side of the run. */
static LcSession *compare_session(LcCompare *c, const char *host, guint16 port, const char *nick)
{
    LcSessionConfig sc = {
        .host = host, .port = port, .nick = nick, .history_limit = 0, .ping_interval_ms = 500};
    sc.fingerprint = c->fingerprint;
    sc.insecure = c->config->insecure;
    sc.password = g_getenv(ROOM_AUTH_ENV); /* for a --relay with a room password */
    LcSession *s = session_new(&sc, &compare_session_events, c);
    session_start(s);
    return s;
}

/* Closes the audio logs' interval and adds the listener's mouth to ear per
 * channel to the progress line. */
static void compare_progress_audio(LcCompare *c, gint64 now, GString *line)
{
    LcChannelInterval iv[LC_CHAN_KINDS];
    audio_talk_update_socket_stats(c->talk);
    framelog_close_interval(audio_talk_get_framelog(c->talk), now, iv);
    const LcAudioListenSpeaker *heard = compare_heard(c);
    if (heard == NULL)
        return;
    guint n = framelog_close_interval(heard->log, now, iv);
    for (guint i = 0; i < n; i++)
        g_string_append_printf(line, "  audio %s %3.0f pkt/s mouth-to-ear p50/p99 %.1f/%.1f ms",
                               chan_kind_name(iv[i].channel), iv[i].received.fps_acked,
                               iv[i].end_to_end_p50_ms, iv[i].end_to_end_p99_ms);
}

/* Closes the interval that ended and prints the live progress line. */
static void compare_progress(LcCompare *c, double elapsed, gboolean print)
{
    LcChannelInterval iv[LC_CHAN_KINDS];
    guint n = 0;
    gint64 now_us = clock_now_us();
    if (c->sender != NULL) {
        av_sender_update_socket_stats(c->sender);
        n = framelog_close_interval(av_sender_get_framelog(c->sender), now_us, iv);
    }
    /* One line a second, stamped with the wall clock and the run's second;
     * every figure names its statistic. */
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%H:%M:%S");
    g_autoptr(GString) line = g_string_new(NULL);
    g_string_printf(line, "%s [%3.0f/%.0f s]", stamp, elapsed, c->config->duration_s);
    for (guint i = 0; i < n; i++)
        g_string_append_printf(line, "  %s %3.0f fps rtt p50/p99 %.2f/%.2f ms xfer p50 %.1f MB/s",
                               chan_kind_name(iv[i].channel), iv[i].sent.fps_acked,
                               iv[i].rtt_p50_ms, iv[i].rtt_p99_ms, iv[i].transfer_p50_mb_s);
    if (c->talk != NULL)
        compare_progress_audio(c, now_us, line);
    if (!print || c->config->quiet || c->config->json)
        return;
    fprintf(stderr, "%s\n", line->str);
    fflush(stderr);
}

/* The process's CPU time so far (user and system, every thread), seconds. */
static double compare_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* Streams for the duration, then stops the camera and waits for late ACKs. */
static gboolean compare_stream(LcCompare *c)
{
    double cpu0 = compare_cpu_s();
    gint64 start = g_get_monotonic_time();
    gint64 end = start + (gint64)(c->config->duration_s * G_USEC_PER_SEC);
    gint64 next = start + G_USEC_PER_SEC;
    while (c->error == NULL && g_get_monotonic_time() < end) {
        compare_wait(c, compare_never, MIN(next, end));
        if (g_get_monotonic_time() >= next) {
            compare_progress(c, (double)(next - start) / G_USEC_PER_SEC, TRUE);
            next += G_USEC_PER_SEC;
        }
    }
    /* The intervals cover the time the camera ran: a last partial second
     * closes now; ACKs that come during the grace count in the summary. */
    if (next - G_USEC_PER_SEC < end - G_USEC_PER_SEC / 10)
        compare_progress(c, c->config->duration_s, TRUE);
    if (c->sender != NULL)
        av_sender_stop(c->sender);
    if (c->talk != NULL)
        audio_talk_stop(c->talk);
    c->stop_us = clock_now_us();
    c->cpu_s = compare_cpu_s() - cpu0;
    compare_wait(c, compare_never, g_get_monotonic_time() + COMPARE_GRACE_US);
    if (c->sender != NULL)
        av_sender_update_socket_stats(c->sender);
    if (c->talk != NULL)
        audio_talk_update_socket_stats(c->talk);
    g_autoptr(GError) finish_error = NULL;
    if (c->listen != NULL && !audio_listen_finish(c->listen, &finish_error)) {
        compare_fail(c, finish_error);
        return FALSE;
    }
    if (!c->config->quiet && !c->config->json)
        fprintf(stderr, "\n");
    return c->error == NULL;
}

/* Starts the listener and the talker: the voice the lab measures. */
static gboolean compare_start_audio(LcCompare *c, const char *dir)
{
    const LcBenchCompareConfig *cfg = c->config;
    g_autofree char *audio_dir = g_build_filename(dir, "audio", NULL);
    g_autofree char *wav = g_build_filename(audio_dir, "heard.wav", NULL);
    if (g_mkdir_with_parents(audio_dir, 0755) != 0) {
        int err = errno;
        c->error = g_error_new(G_FILE_ERROR, g_file_error_from_errno(err), "%s: %s", audio_dir,
                               g_strerror(err));
        return FALSE;
    }
    LcAudioListenConfig lc = {
        .channels = LC_CHAN_MASK_ALL, .wav_path = wav, .frame_ms = cfg->audio.frame_ms};
    c->listen = audio_listen_new(c->view_session, &lc, &c->error);
    if (c->listen == NULL)
        return FALSE;
    LcStreamSenderConfig sc;
    stream_sender_config_init(&sc);
    sc.queue_frames = AUDIO_TALK_QUEUE_FRAMES;
    audio_talk_describe_run(&c->talk_run, &cfg->audio, LC_CHAN_MASK_ALL, cfg->duration_s);
    c->talk = audio_talk_new(c->send_session, &cfg->audio, &sc, &c->talk_run, compare_on_talk_error,
                             c, &c->error);
    return c->talk != NULL && audio_talk_start(c->talk, &c->error);
}

/* Joins both sides, starts viewer and camera (listener and talker), streams. */
static gboolean compare_drive(LcCompare *c, const char *host, guint16 port, const char *dir)
{
    LcStreamSenderConfig svc;
    LcStreamViewerConfig vvc;
    stream_sender_config_init(&svc);
    stream_viewer_config_init(&vvc);
    svc.ack_mode = c->config->ack_mode;
    c->send_session = compare_session(c, host, port, COMPARE_SENDER);
    c->view_session = compare_session(c, host, port, COMPARE_VIEWER);
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    if (!compare_wait(c, compare_both_joined, deadline))
        return FALSE;
    if (c->config->media & LC_COMPARE_VIDEO) {
        c->viewer = av_viewer_new(c->view_session, COMPARE_SENDER, &vvc, &c->run, TRUE, 0,
                                  compare_on_viewer_error, NULL, c, &c->error);
        if (c->viewer == NULL)
            return FALSE;
        c->sender = av_sender_new(c->send_session, &c->config->camera, &svc, &c->run,
                                  compare_on_sender_error, c, &c->error);
        if (c->sender == NULL || !av_sender_start(c->sender, &c->error))
            return FALSE;
        /* Which encoder runs, and why not the others, as lanconf-cli says it. */
        if (!c->config->json && !c->config->quiet)
            fprintf(stderr, "lanconf-bench compare: %s\n", av_sender_get_encoder_note(c->sender));
    }
    if ((c->config->media & LC_COMPARE_AUDIO) && !compare_start_audio(c, dir))
        return FALSE;
    if (!compare_wait(c, compare_streaming, g_get_monotonic_time() + 10 * G_USEC_PER_SEC)) {
        if (c->error == NULL)
            c->error = g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   "the relay did not open the media channels in 10 s");
        return FALSE;
    }
    return compare_stream(c);
}

/* Makes the output folder: --out, or runs/KIND-YYYYmmdd-HHMMSS. */
char *bench_compare_make_out_dir(const char *out, const char *kind, GError **error)
{
    g_autofree char *dir = NULL;
    if (out != NULL) {
        dir = g_strdup(out);
    } else {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
        dir = g_strdup_printf("runs/%s-%s", kind, stamp);
    }
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "--out %s: %s", dir,
                    g_strerror(err));
        return NULL;
    }
    return g_steal_pointer(&dir);
}

/* The receiving side runs in this process, on the sender's clock: the
 * sender's records get its decode (or playout) times, so that frames.csv's
 * end to end agrees with the table's, and the frames it could not decode. */
static void compare_merge_seen(LcFramelog *log, LcFramelog *seen_log)
{
    if (seen_log == NULL)
        return;
    g_autoptr(GPtrArray) seen = framelog_get_records(seen_log);
    for (guint i = 0; i < seen->len; i++) {
        const LcFrameRecord *r = seen->pdata[i];
        framelog_set_decoded(log, r->channel, r->seq, r->decoded_us);
        if (r->corrupt)
            framelog_set_corrupt(log, r->channel, r->seq);
    }
}

/* Writes one medium's frames.csv, intervals.ndjson, summary.json (the
 * sender's alone) and plots into dir. */
static gboolean compare_write_log(LcFramelog *log, const char *dir, const LcPlotsOptions *po,
                                  gint64 end_us, gboolean summary, GError **error)
{
    g_autofree char *csv = g_build_filename(dir, "frames.csv", NULL);
    g_autofree char *ndjson = g_build_filename(dir, "intervals.ndjson", NULL);
    g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
    if (!framelog_write_csv(log, csv, error) || !framelog_write_intervals(log, ndjson, error) ||
        (summary && !framelog_write_summary(log, end_us, path, error)))
        return FALSE;
    g_autoptr(GError) plot_error = NULL;
    g_autoptr(GPtrArray) written = NULL;
    if (!plots_write(dir, po, &written, &plot_error))
        fprintf(stderr, "lanconf-bench compare: plots: %s\n", plot_error->message);
    return TRUE;
}

/* Adds what the run cost to its summary: "security" (tls or plain), and the
 * process's CPU time while streaming, in all and per frame captured (the
 * relay, the sender and the viewer together: this process runs them all). */
static void compare_add_cost(LcCompare *c, JsonObject *root)
{
    json_object_set_string_member(root, "security", c->config->insecure ? "plain" : "tls");
    json_object_set_double_member(root, "process_cpu_s", round(c->cpu_s * 1000) / 1000);
    JsonObject *channels = json_object_get_object_member(root, "channels");
    JsonObject *tcp = channels && json_object_has_member(channels, "tcp")
                          ? json_object_get_object_member(channels, "tcp")
                          : NULL;
    double frames = tcp ? json_object_get_double_member_with_default(tcp, "frames_sent", 0) : 0;
    if (frames > 0)
        json_object_set_double_member(root, "process_cpu_ms_per_frame",
                                      round(c->cpu_s * 1e5 / frames) / 100);
}

/* Writes the run's summary.json, then each medium's files and plots: the
 * plots read the summary (when the run started), which must be this run's,
 * not one left in the directory by an earlier run. */
static gboolean compare_write(LcCompare *c, const char *dir, LcImpair *impair, GError **error)
{
    const char *spec = impair ? impair_get_spec(impair) : NULL;
    LcCompareLogs logs = compare_logs(c);
    if (c->sender != NULL)
        compare_merge_seen(logs.sender, logs.viewer);
    if (c->talk != NULL)
        compare_merge_seen(logs.talk, logs.heard ? logs.heard->log : NULL);
    g_autofree char *summary = g_build_filename(dir, "summary.json", NULL);
    g_autoptr(JsonNode) root = bench_compare_report_summary(
        &logs, c->stop_us, spec, impair ? impair_get_method(impair) : NULL);
    compare_add_cost(c, json_node_get_object(root));
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_root(gen, root);
    if (!json_generator_to_file(gen, summary, error))
        return FALSE;
    if (c->sender != NULL) {
        const LcFramelogRun *run = framelog_get_run(logs.sender);
        LcPlotsOptions po = {.width = c->run.width,
                             .height = c->run.height,
                             .fps = c->run.fps,
                             .codec = run->codec,
                             .encoder = run->encoder,
                             .impairment = spec};
        if (!compare_write_log(logs.sender, dir, &po, c->stop_us, FALSE, error))
            return FALSE;
    }
    if (c->talk != NULL) {
        g_autofree char *audio_dir = g_build_filename(dir, "audio", NULL);
        LcPlotsOptions po = {.fps = c->talk_run.fps, .codec = "opus", .impairment = spec};
        if (!compare_write_log(logs.talk, audio_dir, &po, c->stop_us, TRUE, error))
            return FALSE;
    }
    return TRUE;
}

/* Starts the relay in-process: on loopback, or in the impaired link's
 * relay namespace. */
static LcRelayThread *compare_start_relay(LcImpair *impair, guint16 *port, GError **error)
{
    LcRelayConfig rc;
    relay_config_init(&rc);
    rc.insecure = TRUE; /* serves --security plain too; the default run speaks TLS */
    rc.listen = g_strdup(impair ? impair_get_relay_addr(impair) : "127.0.0.1");
    rc.port = 0;
    rc.rate_limit = 0;
    LcRelayThread *t =
        relay_thread_start(&rc, impair ? impair_get_relay_netns(impair) : NULL, error);
    relay_config_clear(&rc);
    if (t != NULL)
        *port = relay_thread_get_port(t);
    return t;
}

/* Frees what a run holds, viewer and sender before their sessions. */
static void compare_clear(LcCompare *c)
{
    g_clear_pointer(&c->sender, av_sender_free);
    g_clear_pointer(&c->viewer, av_viewer_free);
    g_clear_pointer(&c->talk, audio_talk_free);
    g_clear_pointer(&c->listen, audio_listen_free);
    g_clear_pointer(&c->send_session, session_free);
    g_clear_pointer(&c->view_session, session_free);
    g_clear_error(&c->error);
}

/* Runs the comparison. */
int bench_compare_run(const LcBenchCompareConfig *config)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = bench_compare_make_out_dir(config->out, "compare", &error);
    g_autofree char *host = NULL;
    guint16 port = 0;
    g_autoptr(LcImpair) impair = NULL;
    LcRelayThread *relay = NULL;
    LcNetnsSaved *saved = NULL;
    LcCompare c = {.config = config};
    int status = 1;

    av_sender_describe_run(&c.run, &config->camera, LC_CHAN_MASK_ALL, config->ack_mode,
                           config->duration_s);
    if (dir == NULL)
        goto out;
    if (config->impair != NULL && (impair = impair_start(config->impair, &error)) == NULL)
        goto out;
    if (config->relay != NULL) {
        if (!addr_parse_host_port(config->relay, WIRE_DEFAULT_PORT, &host, &port, &error))
            goto out;
    } else {
        if ((relay = compare_start_relay(impair, &port, &error)) == NULL)
            goto out;
        host = g_strdup(impair ? impair_get_relay_addr(impair) : "127.0.0.1");
        c.fingerprint = relay_thread_get_fingerprint(relay);
    }
    /* The clients' sockets live in the client namespace: this thread enters
     * it; the relay's thread and the link emulator have their own. */
    if (impair != NULL && (saved = netns_enter(impair_get_client_netns(impair), &error)) == NULL)
        goto out;
    /* The H.264 decoder's plugins load now, not in the first frame's
     * end to end. */
    LcCodec codec = config->camera.codec;
    encoder_list_check(config->camera.codec, config->camera.encoder, &codec, NULL);
    if (config->media & LC_COMPARE_VIDEO)
        decoder_warm_up(codec);
    if (!config->json && !config->quiet)
        bench_compare_report_header(config, impair ? impair_get_spec(impair) : NULL,
                                    impair ? impair_get_method(impair) : NULL, host, port);
    if (!compare_drive(&c, host, port, dir)) {
        g_propagate_error(&error, g_steal_pointer(&c.error));
        goto out;
    }
    if (!compare_write(&c, dir, impair, &error))
        goto out;
    LcCompareLogs logs = compare_logs(&c);
    if (!config->no_report)
        bench_compare_report_print(&logs, c.stop_us, dir, config->json);
    status = 0;

out:
    if (error != NULL)
        fprintf(stderr, "lanconf-bench compare: %s\n", error->message);
    compare_clear(&c);
    if (saved != NULL)
        netns_leave(saved);
    relay_thread_stop(relay);
    return status;
}

/* Whether text is a HOST:PORT the run can use. */
static gboolean compare_check_relay(const char *text, GError **error)
{
    g_autofree char *host = NULL;
    guint16 port = 0;
    return addr_parse_host_port(text, WIRE_DEFAULT_PORT, &host, &port, error);
}

/* Reads --media, --audio-frame-ms and --audio-mode. */
static gboolean compare_parse_audio(LcBenchCompareConfig *c, const char *media,
                                    const char *frame_ms, const char *mode, GError **error)
{
    static const char *const names[] = {NULL, "video", "audio", "both"};
    if (media != NULL) {
        c->media = 0;
        for (guint m = 1; m < G_N_ELEMENTS(names); m++)
            if (g_strcmp0(media, names[m]) == 0)
                c->media = m;
        if (c->media == 0) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--media: '%s': expected video, audio or both", media);
            return FALSE;
        }
    }
    double ms = 0;
    if (frame_ms != NULL) {
        if (!option_number_parse("--audio-frame-ms", frame_ms, FALSE, 10, 20, &ms, error))
            return FALSE;
        if (ms != 10 && ms != 20) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--audio-frame-ms: '%s': expected 10 or 20", frame_ms);
            return FALSE;
        }
        c->audio.frame_ms = (guint)ms;
    }
    if (mode != NULL && g_strcmp0(mode, "voice") != 0) {
        if (g_strcmp0(mode, "lowdelay") != 0) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--audio-mode: '%s': expected voice or lowdelay", mode);
            return FALSE;
        }
        c->audio.mode = AUDIO_MODE_LOWDELAY;
    }
    return TRUE;
}

/* `lanconf-bench compare` with its options. */
int bench_compare_main(int argc, char **argv)
{
    LcBenchCompareConfig c = {
        .duration_s = 10, .ack_mode = LC_STREAM_ACK_PIPELINED, .media = LC_COMPARE_VIDEO};
    g_autofree char *impair = NULL, *relay = NULL, *out = NULL, *ack_mode = NULL, *duration = NULL;
    g_autofree char *media = NULL, *audio_source = NULL, *frame_ms = NULL, *audio_mode = NULL;
    g_autofree char *security = NULL;
    camera_options_init(&c.camera);
    c.camera.allow_codec_list = TRUE;
    GOptionEntry entries[] = {
        {"duration", 'd', 0, G_OPTION_ARG_STRING, &duration,
         "Seconds to stream, 0.1..3600 (default 10)", "S"},
        {"impair", 0, 0, G_OPTION_ARG_STRING, &impair,
         "Run across an impaired link, e.g. \"delay=20ms,jitter=2ms,loss=2%,rate=50mbit\" "
         "(root)",
         "SPEC"},
        {"relay", 0, 0, G_OPTION_ARG_STRING, &relay,
         "Use a running relay instead of one in-process (its room password, if any, from "
         "LANCONF_PASSWORD)",
         "HOST:PORT"},
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
         "Folder for the files and plots (default runs/compare-TIMESTAMP)", "DIR"},
        {"ack-mode", 0, 0, G_OPTION_ARG_STRING, &ack_mode, "pipelined (default) or stop-and-wait",
         "MODE"},
        {"media", 0, 0, G_OPTION_ARG_STRING, &media,
         "What to send: video (default), audio (a voice: Opus packets, heard through a jitter "
         "buffer) or both",
         "video|audio|both"},
        {"audio-source", 0, 0, G_OPTION_ARG_STRING, &audio_source,
         "Sound for --media audio or both: test (a 440 Hz tone, the default), test:HZ, mic or an "
         "audio file",
         "SOURCE"},
        {"audio-frame-ms", 0, 0, G_OPTION_ARG_STRING, &frame_ms,
         "Opus packet length, 10 (default) or 20", "MS"},
        {"audio-mode", 0, 0, G_OPTION_ARG_STRING, &audio_mode,
         "voice (default: in-band FEC) or lowdelay (CELT, no FEC)", "MODE"},
        {"security", 0, 0, G_OPTION_ARG_STRING, &security,
         "tls (default: TLS and sealed datagrams, as every client), plain (plaintext, the "
         "baseline; with --relay, one run with --insecure) or both (a run of each, side by side: "
         "what encryption costs)",
         "tls|plain|both"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &c.json, "Print summary.json instead of the table",
         NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &c.quiet, "No live progress line", NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx = g_option_context_new("- TCP vs UDP for the same camera frames");
    g_option_context_set_summary(
        ctx, "Sends the same camera frames over TCP and UDP at once through a relay to a "
             "viewer, every frame acknowledged, and prints both channels side by side: rate, "
             "RTT, jitter, one-way and end-to-end latency, loss. Writes frames.csv, "
             "intervals.ndjson, summary.json and plots into the output folder.");
    /* The camera flags and the run's flags are all main options (one --help). */
    GOptionGroup *group = camera_options_new_group(
        &c.camera, NULL,
        "Video source: synthetic[:SEED] (camera-like, about what a webcam's JPEG costs; the "
        "default), test (a light ball), /dev/videoN or a video file",
        entries);
    g_option_context_set_main_group(ctx, group);
    g_autoptr(GError) error = NULL;
    if (option_number_parse_args(ctx, &argc, &argv, &error)) {
        LcLinkSpec spec;
        if (duration != NULL &&
            !option_number_parse("--duration", duration, TRUE, 0.1, 3600, &c.duration_s, &error))
            ;
        else if (!stream_sender_parse_ack_mode(ack_mode, &c.ack_mode, &error))
            g_prefix_error(&error, "--ack-mode: ");
        else if (impair != NULL && !linkemu_spec_parse(impair, &spec, &error))
            g_prefix_error(&error, "--impair: ");
        else if (relay != NULL && !compare_check_relay(relay, &error))
            g_prefix_error(&error, "--relay: ");
        else if (security != NULL && !g_str_equal(security, "tls") &&
                 !g_str_equal(security, "plain") && !g_str_equal(security, "both"))
            g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--security: '%s': expected tls, plain or both", security);
        else
            compare_parse_audio(&c, media, frame_ms, audio_mode, &error);
    }
    if (error != NULL) {
        fprintf(stderr, "lanconf-bench compare: %s\nTry 'lanconf-bench compare --help'.\n",
                error->message);
        camera_options_clear(&c.camera);
        return 2;
    }
    /* The lab measures camera-like loads unless told otherwise. */
    if (c.camera.source == NULL)
        c.camera.source = g_strdup("synthetic");
    c.audio.source = audio_source;
    if (c.camera.n_codecs > 1 && !(c.media & LC_COMPARE_VIDEO))
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--codec with a list compares camera codecs: it needs --media video or both");
    else if (error == NULL && security != NULL && g_str_equal(security, "both") &&
             c.camera.n_codecs > 1)
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--security both and a list of codecs: compare one thing at a time");
    else if (error == NULL && audio_source != NULL && !(c.media & LC_COMPARE_AUDIO))
        g_set_error(&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--audio-source needs --media audio or both");
    else if (error == NULL && (c.media & LC_COMPARE_AUDIO) &&
             !audio_capture_check_config(&c.audio, &error))
        g_prefix_error(&error, "--audio-source: ");
    if (error != NULL) {
        fprintf(stderr, "lanconf-bench compare: %s\nTry 'lanconf-bench compare --help'.\n",
                error->message);
        camera_options_clear(&c.camera);
        return 2;
    }
    c.impair = impair;
    c.relay = relay;
    c.out = out;
    c.insecure = security != NULL && g_str_equal(security, "plain");
    c.security_both = security != NULL && g_str_equal(security, "both");
    int status =
        c.camera.n_codecs > 1 || c.security_both ? bench_codecs_run(&c) : bench_compare_run(&c);
    camera_options_clear(&c.camera);
    return status;
}
