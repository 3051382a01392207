/* bench_conference.c: `lanconf-bench conference`: many speakers, many
 * listeners, one relay, on loopback. The speakers replay half a second of
 * real Opus packets (a test tone, encoded once) so that the clients' CPU
 * goes to the network, not to encoding; the listeners run their jitter
 * buffers without decoding (audio_listen's measure-only mode).
 *
 * The members are spread over a few threads, each with its own loop (one
 * per core by default), as they would be spread over machines: forty
 * members on one thread make that thread the bottleneck, and its backlog
 * would show as packets late at every listener, whatever the relay does.
 * Everything a member has is made, used, read and freed on its thread,
 * through loop_thread_call(). */
#include "src/lab/bench_conference.h"

#include "core/option_number.h"
#include "media/audio_capture.h"
#include "net/client/session.h"
#include "net/client/stream_sender.h"
#include "net/stats/stats_dist.h"
#include "net/wire/chan_kind.h"
#include "net/wire/clock.h"
#include "src/lab/loop_thread.h"
#include "src/lab/relay_thread.h"
#include "src/run/audio_listen.h"
#include "src/run/audio_talk.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>

#define CONF_RECORDED    50 /* packets recorded once and replayed */
#define CONF_FRAME_US    10000
#define CONF_GRACE_US    (1000 * 1000) /* after the last packet, for late ones and ACKs */
#define CONF_SETUP_US    (30 * G_USEC_PER_SEC)
#define CONF_MAX_MEMBERS 200
#define CONF_MAX_THREADS 16
#define CONF_POLL_US     (10 * 1000) /* how often the main thread checks the room */

typedef struct {
    LcSession *session;
    LcStreamSender *sender;
    LcAudioListen *listen;
    guint64 seq;
} ConfMember;

/* Per channel, everything counted at the end. */
typedef struct {
    guint64 sent, relay_acks, listener_acks, dropped, lost;
    guint64 played, late, missing, concealed, fec, skips;
    LcStatsDist *mouth_to_ear;
} ConfChannel;

typedef struct _LcConference LcConference;

/* One thread's members: speakers [s0, s1) and listeners [l0, l1). */
typedef struct {
    LcConference *c;
    LcLoopThread *thread;
    guint s0, s1, l0, l1;
    GSource *timer;
    gint sent_slots; /* packet times sent so far (read from the main thread) */
    gboolean ready;  /* a call's answer */
} ConfShard;

struct _LcConference {
    const LcBenchConferenceConfig *config;
    const char *fingerprint; /* the in-process relay's */
    GPtrArray *recorded;     /* LcFrame */
    ConfMember *speakers;
    ConfMember *listeners;
    ConfShard *shards;
    guint n_shards;
    gint joined;
    GMutex lock; /* error: members fail on their threads */
    GError *error;
    gint64 start_us;       /* monotonic: the first packet */
    gint64 start_clock_us; /* the same moment on the wall clock (capture times) */
    guint16 port;          /* the relay's */
    ConfChannel *out;      /* what conf_shard_collect() adds to, one thread at a time */
};

/* Keeps the first fatal error. */
static void conf_fail(LcConference *c, const GError *error)
{
    g_mutex_lock(&c->lock);
    if (c->error == NULL)
        c->error = g_error_copy(error);
    g_mutex_unlock(&c->lock);
}

/* Whether the run failed. */
static gboolean conf_failed(LcConference *c)
{
    g_mutex_lock(&c->lock);
    gboolean failed = c->error != NULL;
    g_mutex_unlock(&c->lock);
    return failed;
}

/* Counts joins; a session lost mid-run fails the run. */
static void conf_on_state(LcSession *s, LcSessionState state, const GError *error, gpointer data)
{
    LcConference *c = data;
    if (state == SESSION_JOINED)
        g_atomic_int_inc(&c->joined);
    else if (state != SESSION_CONNECTING && error != NULL)
        conf_fail(c, error);
}

static const LcSessionEvents conf_session_events = {.state = conf_on_state};

/* Runs this thread's loop until cond or the deadline (or an error). */
static gboolean conf_wait(LcConference *c, gboolean (*cond)(LcConference *), gint64 deadline)
{
    while (!conf_failed(c) && (cond == NULL || !cond(c)) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    return !conf_failed(c) && (cond == NULL || cond(c));
}

/* Waits, checking now and then, until cond or the deadline (or an error),
 * while the members' threads run. */
static gboolean conf_poll(LcConference *c, gboolean (*cond)(LcConference *), gint64 deadline)
{
    while (!conf_failed(c) && (cond == NULL || !cond(c)) && g_get_monotonic_time() < deadline)
        g_usleep(MIN(CONF_POLL_US, MAX(deadline - g_get_monotonic_time(), 0)));
    return !conf_failed(c) && (cond == NULL || cond(c));
}

/* Runs func(shard) on every members' thread, one after the other. */
static void conf_each_shard(LcConference *c, void (*func)(gpointer shard))
{
    for (guint i = 0; i < c->n_shards; i++)
        loop_thread_call(c->shards[i].thread, func, &c->shards[i]);
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
    return (guint)g_atomic_int_get(&c->joined) >= c->config->speakers + c->config->listeners;
}

/* On a members' thread: whether its streams are open and its listeners
 * have heard of every speaker. */
static void conf_shard_check_ready(gpointer data)
{
    ConfShard *sh = data;
    LcConference *c = sh->c;
    sh->ready = TRUE;
    for (guint i = sh->s0; i < sh->s1; i++)
        sh->ready = sh->ready && stream_sender_is_ready(c->speakers[i].sender);
    for (guint i = sh->l0; i < sh->l1; i++)
        sh->ready = sh->ready &&
                    audio_listen_get_speakers(c->listeners[i].listen)->len >= c->config->speakers;
}

/* Whether every stream is open and every listener has heard of every speaker. */
static gboolean conf_all_ready(LcConference *c)
{
    conf_each_shard(c, conf_shard_check_ready);
    for (guint i = 0; i < c->n_shards; i++)
        if (!c->shards[i].ready)
            return FALSE;
    return TRUE;
}

/* Joins one member. */
static LcSession *conf_join(LcConference *c, guint16 port, const char *role, guint i)
{
    g_autofree char *nick = g_strdup_printf("%s%03u", role, i);
    LcSessionConfig sc = {.host = "127.0.0.1",
                          .port = port,
                          .nick = nick,
                          .ping_interval_ms = 1000,
                          .separate_channels = c->config->separate,
                          .fingerprint = c->fingerprint};
    LcSession *s = session_new(&sc, &conf_session_events, c);
    session_start(s);
    return s;
}

/* On a members' thread: joins its members. */
static void conf_shard_join(gpointer data)
{
    ConfShard *sh = data;
    for (guint i = sh->s0; i < sh->s1; i++)
        sh->c->speakers[i].session = conf_join(sh->c, sh->c->port, "talker", i);
    for (guint i = sh->l0; i < sh->l1; i++)
        sh->c->listeners[i].session = conf_join(sh->c, sh->c->port, "ear", i);
}

/* On a members' thread: its listeners start listening, then its speakers
 * ask for their streams. */
static void conf_shard_open(gpointer data)
{
    ConfShard *sh = data;
    LcConference *c = sh->c;
    const LcBenchConferenceConfig *cfg = c->config;
    for (guint i = sh->l0; i < sh->l1; i++) {
        LcAudioListenConfig lc = {.channels = cfg->channels, .measure_only = TRUE};
        lc.jitter.min_ms = cfg->jitter_min_ms;
        g_autoptr(GError) error = NULL;
        c->listeners[i].listen = audio_listen_new(c->listeners[i].session, &lc, &error);
        if (c->listeners[i].listen == NULL) {
            conf_fail(c, error);
            return;
        }
    }
    for (guint i = sh->s0; i < sh->s1; i++) {
        LcStreamSenderConfig sc;
        stream_sender_config_init(&sc);
        sc.media = LC_MEDIA_AUDIO;
        sc.channels = cfg->channels;
        sc.queue_frames = AUDIO_TALK_QUEUE_FRAMES;
        static const LcStreamSenderEvents none = {0};
        c->speakers[i].sender = stream_sender_new(c->speakers[i].session, &sc, &none, NULL);
    }
}

/* Joins everyone, starts the listeners, then the speakers' streams. */
static gboolean conf_setup(LcConference *c, guint16 port)
{
    gint64 deadline = g_get_monotonic_time() + CONF_SETUP_US;
    c->port = port;
    conf_each_shard(c, conf_shard_join);
    if (!conf_poll(c, conf_all_joined, deadline))
        return FALSE;
    conf_each_shard(c, conf_shard_open);
    if (!conf_poll(c, conf_all_ready, deadline)) {
        g_autoptr(GError) error = g_error_new(
            G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
            "the room was not set up within %d s (every listener viewing every speaker on every "
            "channel)",
            (int)(CONF_SETUP_US / G_USEC_PER_SEC));
        conf_fail(c, error);
        return FALSE;
    }
    /* The listeners' channels open once their views are granted. */
    return conf_poll(c, NULL, g_get_monotonic_time() + G_USEC_PER_SEC / 2);
}

/* Sends every packet time that has come since the start: each of the
 * thread's speakers' next recorded packet, stamped with its slot's time as
 * a microphone stamps its buffers (evenly, however late the thread runs),
 * so that a late send shows at the listeners as a late packet. */
static gboolean conf_on_send(gpointer data)
{
    ConfShard *sh = data;
    LcConference *c = sh->c;
    guint64 due = (guint64)((g_get_monotonic_time() - c->start_us) / CONF_FRAME_US) + 1;
    for (guint64 slot = (guint64)sh->sent_slots; slot < due; slot++) {
        const LcFrame *rec = c->recorded->pdata[slot % c->recorded->len];
        for (guint i = sh->s0; i < sh->s1; i++) {
            ConfMember *m = &c->speakers[i];
            g_autoptr(LcFrame) frame = frame_new(rec->data, LC_CODEC_OPUS);
            frame->meta.seq = ++m->seq;
            frame->meta.capture_us = c->start_clock_us + (gint64)slot * CONF_FRAME_US;
            g_autoptr(GError) error = NULL;
            if (!stream_sender_send_frame(m->sender, frame, &error))
                conf_fail(c, error);
        }
        g_atomic_int_set(&sh->sent_slots, (gint)(slot + 1));
    }
    /* The next slot's time, to the microsecond. */
    g_source_set_ready_time(sh->timer, c->start_us + (gint64)due * CONF_FRAME_US);
    return G_SOURCE_CONTINUE;
}

/* Dispatches the send timer: its ready time has come. */
static gboolean conf_timer_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    return callback(data);
}

static GSourceFuncs conf_timer_funcs = {.dispatch = conf_timer_dispatch};

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

/* On a members' thread: adds up what its speakers sent and its listeners
 * heard, per channel. */
static void conf_shard_collect(gpointer data)
{
    ConfShard *sh = data;
    LcConference *c = sh->c;
    ConfChannel *out = c->out;
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        for (guint i = sh->s0; i < sh->s1; i++) {
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
    for (guint i = sh->l0; i < sh->l1; i++) {
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

/* Adds up what every speaker sent and every listener heard, per channel. */
static void conf_collect(LcConference *c, ConfChannel out[LC_CHAN_KINDS])
{
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        out[ch] = (ConfChannel){.mouth_to_ear = stats_dist_new()};
    c->out = out;
    conf_each_shard(c, conf_shard_collect);
    c->out = NULL;
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

/* A figure to the hundredth (ms or s): 15.36, not 15.359999999999999. */
static double conf_round(double v)
{
    return isfinite(v) ? round(v * 100) / 100 : v;
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
    json_builder_set_member_name(b, "jitter_min_ms");
    json_builder_add_int_value(b, c->config->jitter_min_ms ? c->config->jitter_min_ms
                                                           : AUDIO_JITTER_DEFAULT_MIN_MS);
    json_builder_set_member_name(b, "shared_channels");
    json_builder_add_boolean_value(b, !c->config->separate);
    json_builder_set_member_name(b, "threads");
    json_builder_add_int_value(b, c->n_shards);
    json_builder_set_member_name(b, "seconds");
    json_builder_add_double_value(b, conf_round(seconds));
    json_builder_set_member_name(b, "relay_cpu_s");
    json_builder_add_double_value(b, conf_round(relay_cpu));
    json_builder_set_member_name(b, "process_cpu_s");
    json_builder_add_double_value(b, conf_round(process_cpu));
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
        json_builder_add_double_value(b, conf_round(stats_dist_percentile(ch[k].mouth_to_ear, 50)));
        json_builder_set_member_name(b, "mouth_to_ear_p99_ms");
        json_builder_add_double_value(b, conf_round(stats_dist_percentile(ch[k].mouth_to_ear, 99)));
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

/* On a members' thread: starts sending. */
static void conf_shard_start(gpointer data)
{
    ConfShard *sh = data;
    sh->timer = g_source_new(&conf_timer_funcs, sizeof(GSource));
    g_source_set_callback(sh->timer, conf_on_send, sh, NULL);
    /* As a client's capture (media/audio_capture.c): packets go out first. */
    g_source_set_priority(sh->timer, G_PRIORITY_HIGH);
    g_source_set_ready_time(sh->timer, sh->c->start_us);
    g_source_attach(sh->timer, g_main_context_get_thread_default());
}

/* On a members' thread: stops sending. */
static void conf_shard_stop(gpointer data)
{
    ConfShard *sh = data;
    if (sh->timer != NULL)
        g_source_destroy(sh->timer);
    g_clear_pointer(&sh->timer, g_source_unref);
}

/* Packet times the speakers have sent (the thread furthest on). */
static guint64 conf_sent_slots(LcConference *c)
{
    gint most = 0;
    for (guint i = 0; i < c->n_shards; i++)
        most = MAX(most, g_atomic_int_get(&c->shards[i].sent_slots));
    return (guint64)most;
}

/* Streams for the duration, with a line a second. */
static void conf_stream(LcConference *c)
{
    c->start_us = g_get_monotonic_time();
    c->start_clock_us = clock_now_us();
    conf_each_shard(c, conf_shard_start);
    gint64 end = c->start_us + (gint64)(c->config->duration_s * G_USEC_PER_SEC);
    for (gint64 next = c->start_us + G_USEC_PER_SEC; !conf_failed(c) && next <= end;
         next += G_USEC_PER_SEC) {
        conf_poll(c, NULL, next);
        if (!c->config->json)
            fprintf(stderr,
                    "lanconf-bench conference: %.0f s: %" G_GUINT64_FORMAT
                    " packets sent by each speaker\n",
                    (double)(next - c->start_us) / G_USEC_PER_SEC, conf_sent_slots(c));
    }
    conf_each_shard(c, conf_shard_stop);
    conf_poll(c, NULL, g_get_monotonic_time() + CONF_GRACE_US);
}

/* On a members' thread: frees its listeners. */
static void conf_shard_free_listeners(gpointer data)
{
    ConfShard *sh = data;
    for (guint i = sh->l0; i < sh->l1; i++) {
        g_clear_pointer(&sh->c->listeners[i].listen, audio_listen_free);
        g_clear_pointer(&sh->c->listeners[i].session, session_free);
    }
}

/* On a members' thread: frees its speakers. */
static void conf_shard_free_speakers(gpointer data)
{
    ConfShard *sh = data;
    conf_shard_stop(sh);
    for (guint i = sh->s0; i < sh->s1; i++) {
        g_clear_pointer(&sh->c->speakers[i].sender, stream_sender_free);
        g_clear_pointer(&sh->c->speakers[i].session, session_free);
    }
}

/* Spreads the members over n threads. */
static void conf_shards_start(LcConference *c, guint n)
{
    c->n_shards = n;
    c->shards = g_new0(ConfShard, n);
    for (guint i = 0; i < n; i++) {
        ConfShard *sh = &c->shards[i];
        sh->c = c;
        sh->s0 = c->config->speakers * i / n;
        sh->s1 = c->config->speakers * (i + 1) / n;
        sh->l0 = c->config->listeners * i / n;
        sh->l1 = c->config->listeners * (i + 1) / n;
        g_autofree char *name = g_strdup_printf("members-%u", i);
        sh->thread = loop_thread_new(name);
    }
}

/* Frees every member, listeners first, then the threads. */
static void conf_clear(LcConference *c)
{
    if (c->shards != NULL) {
        conf_each_shard(c, conf_shard_free_listeners);
        conf_each_shard(c, conf_shard_free_speakers);
        for (guint i = 0; i < c->n_shards; i++)
            loop_thread_free(c->shards[i].thread);
        g_clear_pointer(&c->shards, g_free);
    }
    g_clear_pointer(&c->listeners, g_free);
    g_clear_pointer(&c->speakers, g_free);
    g_clear_pointer(&c->recorded, g_ptr_array_unref);
    g_clear_error(&c->error);
    g_mutex_clear(&c->lock);
}

/* Runs the room. */
int bench_conference_run(const LcBenchConferenceConfig *cfg)
{
    LcConference c = {.config = cfg};
    g_mutex_init(&c.lock);
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
                "packets on %s; every listener hears every speaker (%u streams heard, on %s); "
                "the listeners' jitter buffers at least %u ms deep; the members on %u threads\n",
                cfg->speakers, cfg->listeners, cfg->duration_s,
                cfg->channels == LC_CHAN_MASK_ALL ? "both channels"
                                                  : chan_kind_name(cfg->channels >> 1),
                cfg->speakers * cfg->listeners,
                cfg->separate ? "a connection and a socket per stream" : "shared channels",
                cfg->jitter_min_ms ? cfg->jitter_min_ms : AUDIO_JITTER_DEFAULT_MIN_MS,
                cfg->threads);
    if (!conf_record(&c))
        goto fail;
    conf_shards_start(&c, cfg->threads);
    c.fingerprint = relay_thread_get_fingerprint(relay);
    if (!conf_setup(&c, relay_thread_get_port(relay)))
        goto fail;
    double relay0 = 0, relay1 = 0;
    relay_thread_call(relay, conf_thread_cpu, &relay0);
    double cpu0 = conf_cpu(RUSAGE_SELF);
    gint64 t0 = g_get_monotonic_time();
    conf_stream(&c);
    double seconds = (g_get_monotonic_time() - t0) / 1e6;
    relay_thread_call(relay, conf_thread_cpu, &relay1);
    double cpu = conf_cpu(RUSAGE_SELF) - cpu0;
    if (conf_failed(&c))
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
    g_mutex_lock(&c.lock);
    error = g_steal_pointer(&c.error);
    g_mutex_unlock(&c.lock);
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
    gint speakers = 20, listeners = 20, jitter_min = AUDIO_JITTER_DEFAULT_MIN_MS;
    gint threads = (gint)CLAMP(g_get_num_processors(), 1, CONF_MAX_THREADS);
    g_autofree char *channels = NULL;
    LcOptionNumber numbers[] = {
        OPTION_WHOLE("speakers", 0, 1, CONF_MAX_MEMBERS, &speakers,
                     "Members who talk, 1 to " G_STRINGIFY(CONF_MAX_MEMBERS) " (default 20)", "N"),
        OPTION_WHOLE("listeners", 0, 1, CONF_MAX_MEMBERS, &listeners,
                     "Members who only listen, each hearing every speaker, 1 to " G_STRINGIFY(
                         CONF_MAX_MEMBERS) " (default 20)",
                     "N"),
        OPTION_SECONDS("duration", 'd', 0.5, 3600, &c.duration_s,
                       "Seconds of talking, 0.5 to 3600 (default 10)", "S"),
        OPTION_WHOLE("threads", 0, 1, CONF_MAX_THREADS, &threads,
                     "Threads the members are spread over, as over machines, 1 to " G_STRINGIFY(
                         CONF_MAX_THREADS) " (default: one per core)",
                     "N"),
        OPTION_WHOLE(
            "jitter-min", 0, 1, AUDIO_JITTER_DEFAULT_MAX_MS, &jitter_min,
            "The listeners' least jitter buffer depth, 1 to " G_STRINGIFY(
                AUDIO_JITTER_DEFAULT_MAX_MS) " ms (default " G_STRINGIFY(AUDIO_JITTER_DEFAULT_MIN_MS) ")",
            "MS"),
        OPTION_NUMBER_END};
    GOptionEntry entries[] = {
        {"channels", 0, 0, G_OPTION_ARG_STRING, &channels, "tcp, udp or both (default both)",
         "tcp|udp|both"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &c.json, "Print the figures as JSON", NULL},
        {"separate-channels", 0, 0, G_OPTION_ARG_NONE, &c.separate,
         "Each listener opens a connection and a socket per speaker, as a client without "
         "shared channels does (default: one of each for all)",
         NULL},
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
    c.threads = (guint)threads;
    c.jitter_min_ms = (guint)jitter_min;
    return bench_conference_run(&c);
}
