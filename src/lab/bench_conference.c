/* bench_conference.c: `lanconf-bench conference`: many speakers, many
 * listeners, one relay, on loopback. The speakers replay half a second of
 * real Opus packets (a test tone, encoded once) so that the clients' CPU
 * goes to the network, not to encoding; the listeners run their jitter
 * buffers without decoding (audio_listen's measure-only mode). */
#include "src/lab/bench_conference.h"

#include "core/option_number.h"
#include "media/audio_capture.h"
#include "net/client/session.h"
#include "net/client/stream_sender.h"
#include "net/stats/stats_dist.h"
#include "net/wire/chan_kind.h"
#include "net/wire/clock.h"
#include "src/lab/relay_thread.h"
#include "src/run/audio_listen.h"
#include "src/run/audio_talk.h"

#include <json-glib/json-glib.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>

#define CONF_RECORDED    50 /* packets recorded once and replayed */
#define CONF_FRAME_US    10000
#define CONF_GRACE_US    (1000 * 1000) /* after the last packet, for late ones and ACKs */
#define CONF_SETUP_US    (30 * G_USEC_PER_SEC)
#define CONF_MAX_MEMBERS 200

typedef struct {
    LcSession *session;
    LcStreamSender *sender;
    LcAudioListen *listen;
    guint64 seq;
} ConfMember;

typedef struct {
    const LcBenchConferenceConfig *config;
    GPtrArray *recorded; /* LcFrame */
    ConfMember *speakers;
    ConfMember *listeners;
    guint joined;
    GError *error;
    gint64 start_us;    /* monotonic: the first packet */
    guint64 sent_slots; /* packet times sent so far */
} LcConference;

/* Per channel, everything counted at the end. */
typedef struct {
    guint64 sent, relay_acks, listener_acks, dropped, lost;
    guint64 played, late, missing, concealed, fec, skips;
    LcStatsDist *mouth_to_ear;
} ConfChannel;

/* Keeps the first fatal error. */
static void conf_fail(LcConference *c, const GError *error)
{
    if (c->error == NULL)
        c->error = g_error_copy(error);
}

/* Counts joins; a session lost mid-run fails the run. */
static void conf_on_state(LcSession *s, LcSessionState state, const GError *error, gpointer data)
{
    LcConference *c = data;
    if (state == SESSION_JOINED)
        c->joined++;
    else if (state != SESSION_CONNECTING && error != NULL)
        conf_fail(c, error);
}

static const LcSessionEvents conf_session_events = {.state = conf_on_state};

/* Runs the loop until cond or the deadline (or an error). */
static gboolean conf_wait(LcConference *c, gboolean (*cond)(LcConference *), gint64 deadline)
{
    while (c->error == NULL && (cond == NULL || !cond(c)) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    return c->error == NULL && (cond == NULL || cond(c));
}

/* A recorded packet. */
static void conf_on_packet(LcAudioCapture *capture, LcFrame *frame, gpointer data)
{
    LcConference *c = data;
    if (c->recorded->len < CONF_RECORDED)
        g_ptr_array_add(c->recorded, frame_ref(frame));
}

static void conf_on_capture_error(LcAudioCapture *capture, const GError *error, gpointer data)
{
    conf_fail(data, error);
}

static gboolean conf_recorded(LcConference *c)
{
    return c->recorded->len >= CONF_RECORDED;
}

/* Encodes half a second of a test tone once. */
static gboolean conf_record(LcConference *c)
{
    LcAudioCaptureConfig cc = {.source = "test:440"};
    g_autoptr(LcAudioCapture) capture =
        audio_capture_new(&cc, conf_on_packet, conf_on_capture_error, c, &c->error);
    if (capture == NULL || !audio_capture_start(capture, &c->error))
        return FALSE;
    return conf_wait(c, conf_recorded, g_get_monotonic_time() + 10 * G_USEC_PER_SEC);
}

static gboolean conf_all_joined(LcConference *c)
{
    return c->joined >= c->config->speakers + c->config->listeners;
}

/* Whether every stream is open and every listener has heard of every speaker. */
static gboolean conf_all_ready(LcConference *c)
{
    for (guint i = 0; i < c->config->speakers; i++)
        if (!stream_sender_is_ready(c->speakers[i].sender))
            return FALSE;
    for (guint i = 0; i < c->config->listeners; i++)
        if (audio_listen_get_speakers(c->listeners[i].listen)->len < c->config->speakers)
            return FALSE;
    return TRUE;
}

/* Joins one member. */
static LcSession *conf_join(LcConference *c, guint16 port, const char *role, guint i)
{
    g_autofree char *nick = g_strdup_printf("%s%03u", role, i);
    LcSessionConfig sc = {
        .host = "127.0.0.1", .port = port, .nick = nick, .ping_interval_ms = 1000};
    LcSession *s = session_new(&sc, &conf_session_events, c);
    session_start(s);
    return s;
}

/* Joins everyone, starts the listeners, then the speakers' streams. */
static gboolean conf_setup(LcConference *c, guint16 port)
{
    const LcBenchConferenceConfig *cfg = c->config;
    gint64 deadline = g_get_monotonic_time() + CONF_SETUP_US;
    for (guint i = 0; i < cfg->speakers; i++)
        c->speakers[i].session = conf_join(c, port, "talker", i);
    for (guint i = 0; i < cfg->listeners; i++)
        c->listeners[i].session = conf_join(c, port, "ear", i);
    if (!conf_wait(c, conf_all_joined, deadline))
        return FALSE;
    for (guint i = 0; i < cfg->listeners; i++) {
        LcAudioListenConfig lc = {.channels = cfg->channels, .measure_only = TRUE};
        c->listeners[i].listen = audio_listen_new(c->listeners[i].session, &lc, &c->error);
        if (c->listeners[i].listen == NULL)
            return FALSE;
    }
    for (guint i = 0; i < cfg->speakers; i++) {
        LcStreamSenderConfig sc;
        stream_sender_config_init(&sc);
        sc.media = LC_MEDIA_AUDIO;
        sc.channels = cfg->channels;
        sc.queue_frames = AUDIO_TALK_QUEUE_FRAMES;
        static const LcStreamSenderEvents none = {0};
        c->speakers[i].sender = stream_sender_new(c->speakers[i].session, &sc, &none, NULL);
    }
    if (!conf_wait(c, conf_all_ready, deadline)) {
        if (c->error == NULL)
            c->error = g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   "the room was not set up within %d s (every listener viewing "
                                   "every speaker on every channel)",
                                   (int)(CONF_SETUP_US / G_USEC_PER_SEC));
        return FALSE;
    }
    /* The listeners' channels open once their views are granted. */
    conf_wait(c, NULL, g_get_monotonic_time() + G_USEC_PER_SEC / 2);
    return c->error == NULL;
}

/* Sends every packet time that has come since the start: each speaker's
 * next recorded packet, stamped now. */
static gboolean conf_on_send(gpointer data)
{
    LcConference *c = data;
    guint64 due = (guint64)((g_get_monotonic_time() - c->start_us) / CONF_FRAME_US) + 1;
    for (; c->sent_slots < due; c->sent_slots++) {
        const LcFrame *rec = c->recorded->pdata[c->sent_slots % c->recorded->len];
        for (guint i = 0; i < c->config->speakers; i++) {
            ConfMember *m = &c->speakers[i];
            g_autoptr(LcFrame) frame = frame_new(rec->data, LC_CODEC_OPUS);
            frame->meta.seq = ++m->seq;
            frame->meta.capture_us = clock_now_us();
            g_autoptr(GError) error = NULL;
            if (!stream_sender_send_frame(m->sender, frame, &error))
                conf_fail(c, error);
        }
    }
    return G_SOURCE_CONTINUE;
}

/* CPU time, user and system, of who (RUSAGE_THREAD or RUSAGE_SELF), s. */
static double conf_cpu(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* CPU time of the calling thread (the relay's, through relay_thread_call). */
static void conf_thread_cpu(LcRelay *relay, gpointer data)
{
    *(double *)data = conf_cpu(RUSAGE_THREAD);
}

/* Adds up what every speaker sent and every listener heard, per channel. */
static void conf_collect(LcConference *c, ConfChannel out[LC_CHAN_KINDS])
{
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        out[ch] = (ConfChannel){.mouth_to_ear = stats_dist_new()};
        for (guint i = 0; i < c->config->speakers; i++) {
            LcStreamSenderStats st;
            if (!stream_sender_get_stats(c->speakers[i].sender, (LcChanKind)ch, &st))
                continue;
            out[ch].sent += st.frames_sent;
            out[ch].relay_acks += st.relay_acks;
            out[ch].listener_acks += st.viewer_acks;
            out[ch].dropped += st.dropped;
            out[ch].lost += st.lost;
        }
    }
    for (guint i = 0; i < c->config->listeners; i++) {
        GPtrArray *speakers = audio_listen_get_speakers(c->listeners[i].listen);
        for (guint k = 0; k < speakers->len; k++) {
            const LcAudioListenSpeaker *s = speakers->pdata[k];
            for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
                if (s->jitter[ch] == NULL)
                    continue;
                LcAudioJitterStats j;
                audio_jitter_get_stats(s->jitter[ch], &j);
                out[ch].played += j.played;
                out[ch].late += j.late;
                out[ch].missing += j.missing;
                out[ch].concealed += j.concealed;
                out[ch].fec += j.fec_recovered;
                out[ch].skips += j.skips;
            }
            g_autoptr(GPtrArray) records = framelog_get_records(s->log);
            for (guint r = 0; r < records->len; r++) {
                const LcFrameRecord *rec = records->pdata[r];
                if (rec->decoded_us != FRAME_RECORD_TIME_UNSET)
                    stats_dist_add(out[rec->channel].mouth_to_ear, rec->end_to_end_ms);
            }
        }
    }
}

/* A count of ConfChannel, by its offset. */
#define CONF_COUNT(c, offset) (*(const guint64 *)((const guint8 *)(c) + (offset)))
#define CONF_NONE             G_MAXSIZE

/* Prints one row of counts per channel: "a", or "a / b" with a second. */
static void conf_row(const char *label, const ConfChannel *ch, guint mask, gsize a, gsize b)
{
    printf("%-36s", label);
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_autofree char *text = !chan_kind_mask_has(mask, k) ? g_strdup("-")
                                : b == CONF_NONE
                                    ? g_strdup_printf("%" G_GUINT64_FORMAT, CONF_COUNT(&ch[k], a))
                                    : g_strdup_printf("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                                                      CONF_COUNT(&ch[k], a), CONF_COUNT(&ch[k], b));
        printf(" %16s", text);
    }
    printf("\n");
}

/* Prints the figures as a table. */
static void conf_print_table(LcConference *c, ConfChannel ch[LC_CHAN_KINDS], double relay_cpu,
                             double process_cpu, double seconds)
{
    const LcBenchConferenceConfig *cfg = c->config;
    guint mask = cfg->channels;
    printf("\n%-36s", "");
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        printf(" %16s", chan_kind_name(k));
    printf("\n");
#define F(field) offsetof(ConfChannel, field)
    conf_row("packets sent (all speakers)", ch, mask, F(sent), CONF_NONE);
    conf_row("  acked by the relay", ch, mask, F(relay_acks), CONF_NONE);
    g_autofree char *expect = g_strdup_printf("  acked by listeners (x%u)", cfg->listeners);
    conf_row(expect, ch, mask, F(listener_acks), CONF_NONE);
    conf_row("  dropped unsent / lost", ch, mask, F(dropped), F(lost));
    conf_row("listeners: packets played", ch, mask, F(played), CONF_NONE);
    conf_row("listeners: late / missing", ch, mask, F(late), F(missing));
    conf_row("listeners: left out (buffer shrank)", ch, mask, F(skips), CONF_NONE);
#undef F
    printf("%-36s", "listeners: mouth-to-ear p50/p99 ms");
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_autofree char *text =
            chan_kind_mask_has(mask, k)
                ? g_strdup_printf("%.1f / %.1f", stats_dist_percentile(ch[k].mouth_to_ear, 50),
                                  stats_dist_percentile(ch[k].mouth_to_ear, 99))
                : g_strdup("-");
        printf(" %16s", text);
    }
    printf("\n");
    printf("\nrelay thread CPU: %.2f s in %.1f s (%.0f %% of a core); whole process (%u speakers, "
           "%u listeners and the relay): %.0f %% of a core\n",
           relay_cpu, seconds, 100 * relay_cpu / seconds, cfg->speakers, cfg->listeners,
           100 * process_cpu / seconds);
}

/* Prints the figures as JSON. */
static void conf_print_json(LcConference *c, ConfChannel ch[LC_CHAN_KINDS], double relay_cpu,
                            double process_cpu, double seconds)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "speakers");
    json_builder_add_int_value(b, c->config->speakers);
    json_builder_set_member_name(b, "listeners");
    json_builder_add_int_value(b, c->config->listeners);
    json_builder_set_member_name(b, "seconds");
    json_builder_add_double_value(b, seconds);
    json_builder_set_member_name(b, "relay_cpu_s");
    json_builder_add_double_value(b, relay_cpu);
    json_builder_set_member_name(b, "process_cpu_s");
    json_builder_add_double_value(b, process_cpu);
    json_builder_set_member_name(b, "channels");
    json_builder_begin_object(b);
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        if (!chan_kind_mask_has(c->config->channels, k))
            continue;
        json_builder_set_member_name(b, chan_kind_name(k));
        json_builder_begin_object(b);
        static const struct {
            const char *name;
            gsize offset;
        } counts[] = {
            {"sent", offsetof(ConfChannel, sent)},
            {"relay_acks", offsetof(ConfChannel, relay_acks)},
            {"listener_acks", offsetof(ConfChannel, listener_acks)},
            {"dropped", offsetof(ConfChannel, dropped)},
            {"lost", offsetof(ConfChannel, lost)},
            {"played", offsetof(ConfChannel, played)},
            {"late", offsetof(ConfChannel, late)},
            {"missing", offsetof(ConfChannel, missing)},
            {"concealed", offsetof(ConfChannel, concealed)},
            {"fec_recovered", offsetof(ConfChannel, fec)},
            {"skips", offsetof(ConfChannel, skips)},
        };
        for (guint i = 0; i < G_N_ELEMENTS(counts); i++) {
            json_builder_set_member_name(b, counts[i].name);
            json_builder_add_int_value(b, (gint64)CONF_COUNT(&ch[k], counts[i].offset));
        }
        json_builder_set_member_name(b, "mouth_to_ear_p50_ms");
        json_builder_add_double_value(b, stats_dist_percentile(ch[k].mouth_to_ear, 50));
        json_builder_set_member_name(b, "mouth_to_ear_p99_ms");
        json_builder_add_double_value(b, stats_dist_percentile(ch[k].mouth_to_ear, 99));
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_root(gen, root);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

/* Streams for the duration, with a line a second. */
static void conf_stream(LcConference *c)
{
    c->start_us = g_get_monotonic_time();
    guint timer = g_timeout_add(CONF_FRAME_US / 2000, conf_on_send, c);
    gint64 end = c->start_us + (gint64)(c->config->duration_s * G_USEC_PER_SEC);
    for (gint64 next = c->start_us + G_USEC_PER_SEC; c->error == NULL && next <= end;
         next += G_USEC_PER_SEC) {
        conf_wait(c, NULL, next);
        if (!c->config->json)
            fprintf(stderr,
                    "lanconf-bench conference: %.0f s: %" G_GUINT64_FORMAT
                    " packets sent by each speaker\n",
                    (double)(next - c->start_us) / G_USEC_PER_SEC, c->sent_slots);
    }
    g_source_remove(timer);
    conf_wait(c, NULL, g_get_monotonic_time() + CONF_GRACE_US);
}

/* Frees every member, listeners first. */
static void conf_clear(LcConference *c)
{
    for (guint i = 0; c->listeners != NULL && i < c->config->listeners; i++) {
        g_clear_pointer(&c->listeners[i].listen, audio_listen_free);
        g_clear_pointer(&c->listeners[i].session, session_free);
    }
    for (guint i = 0; c->speakers != NULL && i < c->config->speakers; i++) {
        g_clear_pointer(&c->speakers[i].sender, stream_sender_free);
        g_clear_pointer(&c->speakers[i].session, session_free);
    }
    g_clear_pointer(&c->listeners, g_free);
    g_clear_pointer(&c->speakers, g_free);
    g_clear_pointer(&c->recorded, g_ptr_array_unref);
    g_clear_error(&c->error);
}

/* Runs the room. */
int bench_conference_run(const LcBenchConferenceConfig *cfg)
{
    LcConference c = {.config = cfg};
    c.recorded = g_ptr_array_new_with_free_func((GDestroyNotify)frame_unref);
    c.speakers = g_new0(ConfMember, cfg->speakers);
    c.listeners = g_new0(ConfMember, cfg->listeners);
    LcRelayConfig rc;
    relay_config_init(&rc);
    rc.listen = g_strdup("127.0.0.1");
    rc.port = 0;
    rc.rate_limit = 0;
    /* Every member and each of its channels is a connection from 127.0.0.1. */
    rc.max_clients = rc.max_clients_per_ip = 4 * (cfg->speakers + 1) * (cfg->listeners + 1);
    rc.audio_max_views = MAX(rc.audio_max_views, cfg->speakers);
    g_autoptr(GError) error = NULL;
    LcRelayThread *relay = relay_thread_start(&rc, NULL, &error);
    relay_config_clear(&rc);
    int status = 1;
    if (relay == NULL)
        goto out;
    if (!cfg->json)
        fprintf(stderr,
                "lanconf-bench conference: %u speakers, %u listeners, %.0f s, 10 ms Opus "
                "packets on %s; every listener hears every speaker (%u streams heard)\n",
                cfg->speakers, cfg->listeners, cfg->duration_s,
                cfg->channels == LC_CHAN_MASK_ALL ? "both channels"
                                                  : chan_kind_name(cfg->channels >> 1),
                cfg->speakers * cfg->listeners);
    if (!conf_record(&c) || !conf_setup(&c, relay_thread_get_port(relay)))
        goto fail;
    double relay0 = 0, relay1 = 0;
    relay_thread_call(relay, conf_thread_cpu, &relay0);
    double cpu0 = conf_cpu(RUSAGE_SELF);
    gint64 t0 = g_get_monotonic_time();
    conf_stream(&c);
    double seconds = (g_get_monotonic_time() - t0) / 1e6;
    relay_thread_call(relay, conf_thread_cpu, &relay1);
    double cpu = conf_cpu(RUSAGE_SELF) - cpu0;
    if (c.error != NULL)
        goto fail;
    ConfChannel ch[LC_CHAN_KINDS];
    conf_collect(&c, ch);
    if (cfg->json)
        conf_print_json(&c, ch, relay1 - relay0, cpu, seconds);
    else
        conf_print_table(&c, ch, relay1 - relay0, cpu, seconds);
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        stats_dist_free(ch[k].mouth_to_ear);
    status = 0;
    goto out;
fail:
    error = g_steal_pointer(&c.error);
out:
    if (error != NULL)
        fprintf(stderr, "lanconf-bench conference: %s\n", error->message);
    conf_clear(&c);
    relay_thread_stop(relay);
    return status;
}

/* `lanconf-bench conference` with its options. */
int bench_conference_main(int argc, char **argv)
{
    LcBenchConferenceConfig c = {
        .speakers = 20, .listeners = 20, .duration_s = 10, .channels = LC_CHAN_MASK_ALL};
    gint speakers = 20, listeners = 20;
    g_autofree char *channels = NULL;
    LcOptionNumber numbers[] = {
        OPTION_WHOLE("speakers", 0, 1, CONF_MAX_MEMBERS, &speakers, "Members who talk (default 20)",
                     "N"),
        OPTION_WHOLE("listeners", 0, 1, CONF_MAX_MEMBERS, &listeners,
                     "Members who only listen, each hearing every speaker (default 20)", "N"),
        OPTION_SECONDS("duration", 'd', 0.5, 3600, &c.duration_s, "Seconds of talking (default 10)",
                       "S"),
        OPTION_NUMBER_END};
    GOptionEntry entries[] = {
        {"channels", 0, 0, G_OPTION_ARG_STRING, &channels, "tcp, udp or both (default both)",
         "tcp|udp|both"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &c.json, "Print the figures as JSON", NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx =
        g_option_context_new("- many speakers, many listeners, one relay");
    g_option_context_set_summary(
        ctx, "A room on loopback: every listener hears every speaker (the relay announces each "
             "audio stream; nobody views anyone by nick), 10 ms Opus packets over TCP and UDP "
             "at once. Prints the packets through, what the listeners' jitter buffers found "
             "late or missing, mouth to ear, and the relay's CPU time.");
    g_option_context_set_main_group(ctx, option_number_group_new(numbers, NULL, NULL, NULL));
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (option_number_parse_args(ctx, &argc, &argv, &error) && channels != NULL &&
        !chan_kind_parse_mask(channels, &c.channels, &error))
        g_prefix_error(&error, "--channels: ");
    if (error != NULL) {
        fprintf(stderr, "lanconf-bench conference: %s\nTry 'lanconf-bench conference --help'.\n",
                error->message);
        return 2;
    }
    c.speakers = (guint)speakers;
    c.listeners = (guint)listeners;
    return bench_conference_run(&c);
}
