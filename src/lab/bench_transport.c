/* bench_transport.c: `lanconf-bench transport`: lanconf's camera channels at
 * full speed against iperf3 on the same loopback, in the same run. */
#include "src/lab/bench_transport.h"

#include "core/option_number.h"
#include "net/client/session.h"
#include "net/client/stream_sender.h"
#include "net/client/stream_viewer.h"
#include "net/io/chan_defaults.h"
#include "net/stats/stats_dist.h"
#include "net/wire/clock.h"
#include "net/wire/frag.h"
#include "src/lab/relay_thread.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define TRANSPORT_DRAIN_US     (1000 * 1000) /* after the run, for the last ACKs */
#define TRANSPORT_STALL_MS     20            /* see transport_on_stall_check() */
#define TRANSPORT_STALL_MIN_US 200000
#define TRANSPORT_NOISY_LOSS   0.05 /* iperf3 UDP loss past which its figure is noisy */

/* What one run measured. */
typedef struct {
    char *name;          /* "lanconf tcp", "iperf3 udp" */
    double goodput_mbps; /* acknowledged payload (iperf3: received) over the run */
    double viewer_mbps;  /* lanconf: payload the viewer received through the relay */
    double rtt_p50_ms;   /* lanconf: frame RTT, send to the relay's ACK; NAN for iperf3 */
    double rtt_p99_ms;
    double loss;    /* frames lost (lanconf UDP), datagrams lost (iperf3 UDP); NAN for TCP */
    guint64 frames; /* lanconf: frames acknowledged */
    double goodput_min_mbps, goodput_max_mbps; /* over the repeats (the figures are the median's) */
    guint failed_rounds; /* of the repeats, those that failed (the others make the row) */
    gboolean failed;     /* the run could not be made (error printed) */
} LcTransportResult;

/* One lanconf run: a sender and a viewer of one channel through the relay. */
typedef struct {
    const LcBenchTransportConfig *config;
    LcChanKind channel;
    const char *fingerprint; /* the in-process relay's */
    LcSession *send_session, *view_session;
    LcStreamSender *sender;
    LcStreamViewer *viewer;
    GBytes *payload; /* the one frame's bytes, shared by every frame */
    guint joined;
    guint64 next_seq;
    guint64 viewer_seq;     /* the highest frame number the viewer received */
    gint64 viewer_moved_us; /* monotonic: viewer_seq last moved (or the run began) */
    gint64 stall_us;        /* see transport_on_stall_check() */
    guint outstanding;
    gboolean sending; /* within the run: ACKs send the next frames */
    guint64 acked_bytes, acked_frames, lost_frames, viewer_bytes;
    gint64 start_us, end_us, last_ack_us;
    LcStatsDist *rtt_ms;
    GError *error;
} LcTransportRun;

/* Keeps the first error. */
static void transport_fail(LcTransportRun *r, const GError *error)
{
    if (r->error == NULL)
        r->error = g_error_copy(error);
}

/* Counts joins; a session closed with an error fails the run. */
static void transport_on_state(LcSession *s, LcSessionState state, const GError *error,
                               gpointer data)
{
    LcTransportRun *r = data;
    if (state == SESSION_JOINED)
        r->joined++;
    else if (state == SESSION_CLOSED && error != NULL)
        transport_fail(r, error);
}

static const LcSessionEvents transport_session_events = {.state = transport_on_state};

/* Keeps `window` frames in flight while the run lasts.
 *
 * The window closes on two counts: frames the relay has not acknowledged,
 * and frames sent past the last one the viewer received. The second keeps
 * the sender from outrunning the relay's forwarding: the relay acknowledges a
 * frame on arrival, so with the first count alone a fast sender fills the
 * relay's queue for the viewer and the relay drops the oldest frames, which
 * measures the drop policy, not the channel. A frame lost on the way counts
 * as received once a later one arrives. */
static void transport_pump(LcTransportRun *r)
{
    guint window = r->config->window;
    while (r->sending && r->outstanding < window && r->next_seq - r->viewer_seq < window &&
           g_get_monotonic_time() < r->end_us) {
        LcFrame *frame = frame_new(r->payload, LC_CODEC_JPEG);
        frame->meta.seq = ++r->next_seq;
        frame->meta.capture_us = clock_now_us();
        g_autoptr(GError) error = NULL;
        gboolean ok = stream_sender_send_frame(r->sender, frame, &error);
        frame_unref(frame);
        if (!ok) {
            transport_fail(r, error);
            return;
        }
        r->outstanding++;
    }
}

/* The relay acknowledged a frame: count it, send the next. */
static void transport_on_relay_ack(LcStreamSender *s, const LcStreamRelayAck *ack, gpointer data)
{
    LcTransportRun *r = data;
    if (r->outstanding > 0)
        r->outstanding--;
    r->acked_frames++;
    r->acked_bytes += g_bytes_get_size(r->payload);
    r->last_ack_us = g_get_monotonic_time();
    stats_dist_add_us(r->rtt_ms, ack->rtt_us);
    transport_pump(r);
}

/* A frame was lost (no ACK in time) or dropped unsent: its slot is free. */
static void transport_on_dropped(LcStreamSender *s, const LcStreamFrameEvent *ev, gpointer data)
{
    LcTransportRun *r = data;
    if (r->outstanding > 0)
        r->outstanding--;
    r->lost_frames++;
    transport_pump(r);
}

static void transport_on_refused(LcStreamSender *s, const GError *error, gpointer data)
{
    transport_fail(data, error);
}

static const LcStreamSenderEvents transport_sender_events = {
    .relay_ack = transport_on_relay_ack,
    .dropped = transport_on_dropped,
    .refused = transport_on_refused,
};

/* The viewer's highest frame number is now at least seq: the window moves. */
static void transport_viewer_reached(LcTransportRun *r, guint64 seq)
{
    if (seq <= r->viewer_seq)
        return;
    r->viewer_seq = seq;
    r->viewer_moved_us = g_get_monotonic_time();
    transport_pump(r);
}

/* The viewer got a whole frame through the relay. */
static void transport_on_frame(LcStreamViewer *v, const LcStreamFrame *f, gpointer data)
{
    LcTransportRun *r = data;
    if (!r->sending)
        return;
    r->viewer_bytes += frame_get_size(f->frame);
    transport_viewer_reached(r, f->frame->meta.seq);
}

/* The viewer gave a frame up (UDP: not whole by its deadline). */
static void transport_on_lost(LcStreamViewer *v, LcChanKind channel, guint64 seq, gpointer data)
{
    LcTransportRun *r = data;
    if (r->sending)
        transport_viewer_reached(r, seq);
}

static const LcStreamViewerEvents transport_viewer_events = {.frame = transport_on_frame,
                                                             .lost = transport_on_lost};

/* Every TRANSPORT_STALL_MS: if the relay has acknowledged every frame and the
 * viewer has had nothing new for stall_us (twice the time the window's frames
 * take at the pacing rate, at least 200 ms), the rest were lost after the
 * relay without a word (the relay dropped them for the viewer); the window
 * opens again instead of waiting for the end of the run. */
static gboolean transport_on_stall_check(gpointer data)
{
    LcTransportRun *r = data;
    if (r->sending && r->outstanding == 0 && r->next_seq > r->viewer_seq &&
        g_get_monotonic_time() - r->viewer_moved_us > r->stall_us)
        transport_viewer_reached(r, r->next_seq);
    return G_SOURCE_CONTINUE;
}

/* Runs the loop until cond(r) or the deadline (monotonic), or an error. */
static gboolean transport_wait(LcTransportRun *r, gboolean (*cond)(LcTransportRun *),
                               gint64 deadline)
{
    while (r->error == NULL && (cond == NULL || !cond(r)) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    return r->error == NULL && (cond == NULL || cond(r));
}

static gboolean transport_joined(LcTransportRun *r)
{
    return r->joined >= 2;
}

static gboolean transport_ready(LcTransportRun *r)
{
    return stream_sender_is_ready(r->sender) && stream_viewer_is_ready(r->viewer);
}

static gboolean transport_drained(LcTransportRun *r)
{
    return r->outstanding == 0;
}

/* Joins, opens the channel both ways, streams for the duration, drains. */
static gboolean transport_drive(LcTransportRun *r, guint16 port)
{
    const LcBenchTransportConfig *cfg = r->config;
    const char *kind = chan_kind_name(r->channel);
    g_autofree char *send_nick = g_strdup_printf("xport-%s-send", kind);
    g_autofree char *view_nick = g_strdup_printf("xport-%s-view", kind);
    LcSessionConfig sc = {.host = "127.0.0.1", .port = port, .history_limit = 0};
    sc.fingerprint = r->fingerprint;
    sc.insecure = cfg->insecure;
    sc.nick = send_nick;
    r->send_session = session_new(&sc, &transport_session_events, r);
    sc.nick = view_nick;
    r->view_session = session_new(&sc, &transport_session_events, r);
    session_start(r->send_session);
    session_start(r->view_session);
    if (!transport_wait(r, transport_joined, g_get_monotonic_time() + 10 * G_USEC_PER_SEC))
        return FALSE;

    LcStreamViewerConfig vc;
    stream_viewer_config_init(&vc);
    vc.channels = LC_CHAN_BIT(r->channel);
    r->viewer = stream_viewer_new(r->view_session, send_nick, &vc, &transport_viewer_events, r);
    LcStreamSenderConfig svc;
    stream_sender_config_init(&svc);
    svc.channels = LC_CHAN_BIT(r->channel);
    svc.udp_pace_bps = (guint64)cfg->pace_mbps * 1000000;
    svc.queue_frames = MAX(cfg->window, 1);
    r->sender = stream_sender_new(r->send_session, &svc, &transport_sender_events, r);
    if (!transport_wait(r, transport_ready, g_get_monotonic_time() + 10 * G_USEC_PER_SEC)) {
        if (r->error == NULL)
            r->error = g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   "the relay did not open the %s channel in 10 s", kind);
        return FALSE;
    }
    r->start_us = g_get_monotonic_time();
    r->end_us = r->start_us + (gint64)(cfg->duration_s * G_USEC_PER_SEC);
    r->sending = TRUE;
    r->viewer_moved_us = r->start_us;
    double window_s = cfg->pace_mbps > 0
                          ? (double)cfg->window * cfg->size * 8.0 / ((double)cfg->pace_mbps * 1e6)
                          : 0.0;
    r->stall_us = MAX(TRANSPORT_STALL_MIN_US, (gint64)(2.0 * window_s * 1e6));
    guint stall_src = g_timeout_add(TRANSPORT_STALL_MS, transport_on_stall_check, r);
    transport_pump(r);
    transport_wait(r, NULL, r->end_us);
    g_source_remove(stall_src);
    transport_wait(r, transport_drained, g_get_monotonic_time() + TRANSPORT_DRAIN_US);
    r->sending = FALSE;
    return r->error == NULL;
}

static gboolean transport_left(LcTransportRun *r)
{
    return (r->send_session == NULL || session_get_state(r->send_session) == SESSION_CLOSED) &&
           (r->view_session == NULL || session_get_state(r->view_session) == SESSION_CLOSED);
}

/* Frees what a run holds, sender and viewer before their sessions, which
 * leave the room with QUIT so that the next round may take the same nicks at
 * once (a nick left without QUIT is held for its owner). */
static void transport_run_clear(LcTransportRun *r)
{
    g_clear_pointer(&r->sender, stream_sender_free);
    g_clear_pointer(&r->viewer, stream_viewer_free);
    for (guint i = 0; i < 2; i++) {
        LcSession *s = i == 0 ? r->send_session : r->view_session;
        if (s != NULL)
            session_quit(s, "lanconf-bench transport done");
    }
    g_clear_error(&r->error);
    transport_wait(r, transport_left, g_get_monotonic_time() + G_USEC_PER_SEC);
    g_clear_pointer(&r->send_session, session_free);
    g_clear_pointer(&r->view_session, session_free);
    g_clear_pointer(&r->payload, g_bytes_unref);
    g_clear_pointer(&r->rtt_ms, stats_dist_free);
    g_clear_error(&r->error);
}

/* Frame bytes that no codec or compressor would shrink: a seeded pattern. */
static GBytes *transport_make_payload(guint size)
{
    guint8 *data = g_malloc(size);
    guint32 x = 2463534242u;
    for (guint i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (guint8)x;
    }
    return g_bytes_new_take(data, size);
}

/* One lanconf run on a channel through the relay on port. */
static void transport_run_lanconf(const LcBenchTransportConfig *cfg, LcChanKind channel,
                                  LcRelayThread *relay, LcTransportResult *out)
{
    LcTransportRun r = {
        .config = cfg, .channel = channel, .fingerprint = relay_thread_get_fingerprint(relay)};
    guint16 port = relay_thread_get_port(relay);
    r.payload = transport_make_payload(cfg->size);
    r.rtt_ms = stats_dist_new();
    out->name = g_strdup_printf("lanconf %s", chan_kind_name(channel));
    if (!transport_drive(&r, port)) {
        fprintf(stderr, "lanconf-bench transport: %s: %s\n", out->name,
                r.error ? r.error->message : "failed");
        out->failed = TRUE;
        transport_run_clear(&r);
        return;
    }
    /* Over the time frames were acknowledged: the run, or its last ACK. */
    double seconds = (double)(MAX(r.last_ack_us, r.end_us) - r.start_us) / 1e6;
    out->goodput_mbps = (double)r.acked_bytes * 8.0 / seconds / 1e6;
    out->viewer_mbps = (double)r.viewer_bytes * 8.0 / seconds / 1e6;
    out->rtt_p50_ms = stats_dist_percentile(r.rtt_ms, 50.0);
    out->rtt_p99_ms = stats_dist_percentile(r.rtt_ms, 99.0);
    out->frames = r.acked_frames;
    guint64 resolved = r.acked_frames + r.lost_frames;
    out->loss = resolved > 0 ? (double)r.lost_frames / (double)resolved : NAN;
    transport_run_clear(&r);
}

/* A free loopback TCP port (for iperf3's server). */
static guint16 transport_free_port(void)
{
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    if (s == NULL || !g_socket_bind(s, any, TRUE, NULL))
        return 0;
    g_autoptr(GSocketAddress) got = g_socket_get_local_address(s, NULL);
    return got ? g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(got)) : 0;
}

/* Runs an iperf3 client against the server on port (retrying while the
 * server starts) and returns its JSON report's "end" object's parser. */
static JsonParser *transport_iperf3_client(guint16 port, const char *const *extra, double seconds,
                                           GError **error)
{
    g_autofree char *port_text = g_strdup_printf("%u", port);
    g_autofree char *time_text = g_strdup_printf("%.0f", MAX(seconds, 1.0));
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *base[] = {"iperf3", "-c", "127.0.0.1", "-p", port_text, "-t", time_text, "-J"};
    for (guint i = 0; i < G_N_ELEMENTS(base); i++)
        g_ptr_array_add(argv, (gpointer)base[i]);
    for (guint i = 0; extra[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)extra[i]);
    g_ptr_array_add(argv, NULL);
    for (guint attempt = 0; attempt < 30; attempt++) {
        g_autoptr(GSubprocess) p = g_subprocess_newv(
            (const char *const *)argv->pdata,
            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, error);
        if (p == NULL)
            return NULL;
        g_autofree char *out = NULL;
        if (!g_subprocess_communicate_utf8(p, NULL, NULL, &out, NULL, error))
            return NULL;
        /* A report that says "error" (the server busy or not up yet) is tried again. */
        JsonParser *parser = json_parser_new();
        if (g_subprocess_get_exit_status(p) == 0 && out != NULL &&
            json_parser_load_from_data(parser, out, -1, NULL) &&
            JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)) &&
            !json_object_has_member(json_node_get_object(json_parser_get_root(parser)), "error"))
            return parser;
        g_object_unref(parser);
        g_usleep(100 * 1000); /* the server may not listen yet */
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "iperf3 -c 127.0.0.1 -p %u failed", port);
    return NULL;
}

/* A number at a path of objects in an iperf3 report; NAN if missing. */
static double transport_json_number(JsonParser *parser, const char *a, const char *b, const char *c)
{
    JsonNode *node = json_parser_get_root(parser);
    const char *path[] = {a, b, c};
    for (guint i = 0; i < G_N_ELEMENTS(path) && node != NULL; i++) {
        if (!JSON_NODE_HOLDS_OBJECT(node))
            return NAN;
        node = json_object_get_member(json_node_get_object(node), path[i]);
    }
    return node != NULL && JSON_NODE_HOLDS_VALUE(node) ? json_node_get_double(node) : NAN;
}

/* The anchor: iperf3 over TCP, and over UDP in datagrams of the channel's
 * size, each for the same time, against one server on loopback. */
static void transport_run_iperf3(const LcBenchTransportConfig *cfg, LcTransportResult out[2])
{
    out[0].name = g_strdup("iperf3 tcp");
    out[1].name = g_strdup_printf("iperf3 udp (%u B)", (guint)FRAG_PAYLOAD_MAX);
    out[0].loss = NAN;
    out[0].rtt_p50_ms = out[0].rtt_p99_ms = out[1].rtt_p50_ms = out[1].rtt_p99_ms = NAN;
    out[0].viewer_mbps = out[1].viewer_mbps = NAN;
    guint16 port = transport_free_port();
    g_autofree char *port_text = g_strdup_printf("%u", port);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) server =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                         &error, "iperf3", "-s", "-p", port_text, "-B", "127.0.0.1", NULL);
    if (server == NULL) {
        fprintf(stderr,
                "lanconf-bench transport: cannot start iperf3 (scripts/install-deps.sh "
                "installs it): %s\n",
                error->message);
        out[0].failed = out[1].failed = TRUE;
        return;
    }
    g_autofree char *length = g_strdup_printf("%u", (guint)FRAG_PAYLOAD_MAX);
    const char *tcp_args[] = {NULL};
    /* UDP at lanconf's pacing rate: the same load on the same link. */
    g_autofree char *rate =
        cfg->pace_mbps > 0 ? g_strdup_printf("%uM", cfg->pace_mbps) : g_strdup("0");
    const char *udp_args[] = {"-u", "-b", rate, "-l", length, NULL};
    const char *const *args[] = {tcp_args, udp_args};
    for (guint i = 0; i < 2; i++) {
        g_autoptr(GError) run_error = NULL;
        g_autoptr(JsonParser) report =
            transport_iperf3_client(port, args[i], cfg->duration_s, &run_error);
        if (report == NULL) {
            fprintf(stderr, "lanconf-bench transport: %s: %s\n", out[i].name, run_error->message);
            out[i].failed = TRUE;
            continue;
        }
        if (i == 0) {
            out[0].goodput_mbps =
                transport_json_number(report, "end", "sum_received", "bits_per_second") / 1e6;
        } else {
            double sent = transport_json_number(report, "end", "sum", "bits_per_second");
            double lost = transport_json_number(report, "end", "sum", "lost_percent") / 100.0;
            out[1].loss = lost;
            out[1].goodput_mbps = sent * (1.0 - (isfinite(lost) ? lost : 0.0)) / 1e6;
        }
        if (!isfinite(out[i].goodput_mbps)) {
            fprintf(stderr, "lanconf-bench transport: %s: its report has no goodput\n",
                    out[i].name);
            out[i].failed = TRUE;
        }
    }
    g_subprocess_send_signal(server, SIGTERM);
    g_subprocess_wait(server, NULL, NULL);
}

/* A figure for the table: "-" when unknown. */
static char *transport_figure(double value, const char *format)
{
    return isfinite(value) ? g_strdup_printf(format, value) : g_strdup("-");
}

/* Prints one row. */
static void transport_print_row(const LcTransportResult *r, const LcTransportResult *anchor,
                                guint repeat, gboolean no_anchor)
{
    if (r->failed) {
        printf("%-20s %12s\n", r->name, "failed");
        return;
    }
    g_autofree char *goodput = transport_figure(r->goodput_mbps, "%.0f");
    g_autofree char *viewer = transport_figure(r->viewer_mbps, "%.0f");
    g_autofree char *p50 = transport_figure(r->rtt_p50_ms, "%.2f");
    g_autofree char *p99 = transport_figure(r->rtt_p99_ms, "%.2f");
    g_autofree char *loss = transport_figure(r->loss * 100.0, "%.2f %%");
    g_autofree char *ratio = anchor != NULL && !anchor->failed && anchor->goodput_mbps > 0
                                 ? g_strdup_printf("%.2fx", r->goodput_mbps / anchor->goodput_mbps)
                                 : g_strdup("");
    g_autofree char *rtt = g_strdup_printf("%s / %s", p50, p99);
    printf("%-20s %14s %14s %18s %9s", r->name, goodput, viewer, rtt, loss);
    if (!no_anchor)
        printf(" %10s", ratio);
    if (repeat > 1)
        printf("  %6.0f - %-6.0f", r->goodput_min_mbps, r->goodput_max_mbps);
    printf("\n");
}

/* Adds a number member, null when unknown. */
static void transport_json_add(JsonBuilder *b, const char *name, double value)
{
    json_builder_set_member_name(b, name);
    if (isfinite(value))
        json_builder_add_double_value(b, value);
    else
        json_builder_add_null_value(b);
}

/* Prints every result as one JSON document, with lanconf's ratios to iperf3. */
static void transport_print_json_with(const LcBenchTransportConfig *cfg, const LcTransportResult *r,
                                      const double *ratios, guint n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "frame_bytes");
    json_builder_add_int_value(b, cfg->size);
    transport_json_add(b, "duration_s", cfg->duration_s);
    json_builder_set_member_name(b, "window");
    json_builder_add_int_value(b, cfg->window);
    json_builder_set_member_name(b, "udp_pace_mbps");
    json_builder_add_int_value(b, cfg->pace_mbps);
    json_builder_set_member_name(b, "repeat");
    json_builder_add_int_value(b, cfg->repeat);
    json_builder_set_member_name(b, "results");
    json_builder_begin_array(b);
    for (guint i = 0; i < n; i++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, r[i].name);
        json_builder_set_member_name(b, "failed");
        json_builder_add_boolean_value(b, r[i].failed);
        transport_json_add(b, "goodput_mbps", r[i].goodput_mbps);
        transport_json_add(b, "goodput_min_mbps", r[i].goodput_min_mbps);
        transport_json_add(b, "goodput_max_mbps", r[i].goodput_max_mbps);
        json_builder_set_member_name(b, "failed_rounds");
        json_builder_add_int_value(b, r[i].failed_rounds);
        transport_json_add(b, "viewer_mbps", r[i].viewer_mbps);
        transport_json_add(b, "rtt_p50_ms", r[i].rtt_p50_ms);
        transport_json_add(b, "rtt_p99_ms", r[i].rtt_p99_ms);
        transport_json_add(b, "loss", r[i].loss);
        transport_json_add(b, "ratio_to_iperf3", ratios[i]);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

/* Prints every result as one JSON document. */
static void transport_print_json(const LcBenchTransportConfig *cfg, const LcTransportResult *r,
                                 guint n)
{
    /* lanconf's runs (the first two) carry their ratio to iperf3's. */
    double ratios[4] = {NAN, NAN, NAN, NAN};
    for (guint i = 0; n == 4 && i < 2; i++)
        if (!r[i].failed && !r[i + 2].failed && r[i + 2].goodput_mbps > 0)
            ratios[i] = r[i].goodput_mbps / r[i + 2].goodput_mbps;
    transport_print_json_with(cfg, r, ratios, n);
}

/* Orders results by goodput. */
static gint transport_compare_goodput(gconstpointer a, gconstpointer b)
{
    double x = (*(LcTransportResult *const *)a)->goodput_mbps;
    double y = (*(LcTransportResult *const *)b)->goodput_mbps;
    return (x > y) - (x < y);
}

/* Row `row` of the round with the median goodput (the lower of the two
 * middle ones for an even count) among the rounds that did not fail, of
 * `repeat` rounds of 4 rows each, with their range and the count of failed
 * rounds. The row fails only if every round did. A shallow copy: the name
 * stays owned by `all`. */
static void transport_pick_median(const LcTransportResult *all, guint repeat, guint row,
                                  LcTransportResult *out)
{
    g_autofree const LcTransportResult **ok = g_new(const LcTransportResult *, repeat);
    guint n = 0;
    for (guint i = 0; i < repeat; i++)
        if (!all[i * 4 + row].failed)
            ok[n++] = &all[i * 4 + row];
    if (n == 0) {
        *out = all[row];
        out->failed_rounds = repeat;
        return;
    }
    qsort(ok, n, sizeof(*ok), transport_compare_goodput);
    *out = *ok[(n - 1) / 2];
    out->goodput_min_mbps = ok[0]->goodput_mbps;
    out->goodput_max_mbps = ok[n - 1]->goodput_mbps;
    out->failed_rounds = repeat - n;
}

/* Runs lanconf on both channels, then iperf3, `repeat` rounds, and prints
 * the median round of each side by side. */
static int transport_run(const LcBenchTransportConfig *cfg)
{
    LcRelayConfig rc;
    relay_config_init(&rc);
    rc.listen = g_strdup("127.0.0.1");
    rc.port = 0;
    rc.rate_limit = 0;
    rc.video_udp_pace_mbps = cfg->pace_mbps;
    rc.insecure = cfg->insecure;
    g_autoptr(GError) error = NULL;
    LcRelayThread *relay = relay_thread_start(&rc, NULL, &error);
    relay_config_clear(&rc);
    if (relay == NULL) {
        fprintf(stderr, "lanconf-bench transport: %s\n", error->message);
        return 1;
    }
    g_autofree char *pace = cfg->pace_mbps > 0
                                ? g_strdup_printf("paced at %u Mbit/s", cfg->pace_mbps)
                                : g_strdup("unpaced");
    g_autofree char *iperf3_rate =
        cfg->pace_mbps > 0 ? g_strdup_printf("-b %uM", cfg->pace_mbps) : g_strdup("-b 0, unpaced");
    g_autofree char *rounds =
        cfg->repeat > 1
            ? g_strdup_printf("; %u rounds, each row the round of median goodput", cfg->repeat)
            : g_strdup("");
    if (!cfg->json)
        printf("lanconf-bench transport: frames of %u bytes, %g s a run, %u in flight, UDP "
               "%s; loopback, one channel at a time%s; %s\n\n"
               "%-20s %14s %14s %18s %9s%s%s\n",
               cfg->size, cfg->duration_s, cfg->window, pace, rounds,
               cfg->insecure ? "plaintext (--insecure)" : "TLS and sealed datagrams", "run",
               "goodput Mbit/s", "viewer Mbit/s", "RTT p50 / p99 ms", "loss",
               cfg->no_anchor ? "" : "  vs iperf3", cfg->repeat > 1 ? "  goodput range" : "");
    guint n = cfg->no_anchor ? 2 : 4;
    g_autofree LcTransportResult *all = g_new0(LcTransportResult, (gsize)cfg->repeat * 4);
    LcChanKind order[2] = {LC_CHAN_TCP, LC_CHAN_UDP};
    for (guint rep = 0; rep < cfg->repeat; rep++) {
        LcTransportResult *results = all + rep * 4;
        for (guint i = 0; i < 2; i++)
            transport_run_lanconf(cfg, order[i], relay, &results[i]);
        if (!cfg->no_anchor)
            transport_run_iperf3(cfg, &results[2]);
        if (cfg->repeat > 1) {
            fprintf(stderr, "lanconf-bench transport: round %u of %u:", rep + 1, cfg->repeat);
            for (guint i = 0; i < n; i++)
                fprintf(stderr, "%s %s %.0f", i > 0 ? "," : "", results[i].name,
                        results[i].failed ? NAN : results[i].goodput_mbps);
            fprintf(stderr, " Mbit/s\n");
        }
    }
    relay_thread_stop(relay);
    LcTransportResult results[4] = {{0}};
    for (guint i = 0; i < n; i++)
        transport_pick_median(all, cfg->repeat, i, &results[i]);
    int status = 0;
    for (guint i = 0; i < n; i++)
        status |= results[i].failed ? 1 : 0;
    if (cfg->json) {
        transport_print_json(cfg, results, n);
    } else {
        for (guint i = 0; i < n; i++)
            transport_print_row(&results[i], n == 4 && i < 2 ? &results[i + 2] : NULL, cfg->repeat,
                                cfg->no_anchor);
        if (n == 4)
            printf("\nvs iperf3: lanconf's goodput over iperf3's on the same transport (UDP in "
                   "%u-byte datagrams, lanconf's fragment size, at lanconf's pacing rate: %s; "
                   "iperf3's UDP goodput "
                   "is what it delivered, sent x (1 - loss)).\n",
                   (guint)FRAG_PAYLOAD_MAX, iperf3_rate);
        for (guint i = 0; i < n; i++)
            if (!results[i].failed && results[i].failed_rounds > 0)
                printf("note: %s failed in %u of %u rounds (the error is above); the row is "
                       "the median of the others.\n",
                       results[i].name, results[i].failed_rounds, cfg->repeat);
        if (n == 4 && !results[3].failed && results[3].loss > TRANSPORT_NOISY_LOSS)
            printf("note: iperf3 lost %.1f %% of its UDP datagrams: it sends faster than its "
                   "receiver reads on a busy machine, so its figure, and the ratio, vary from "
                   "run to run%s.\n",
                   results[3].loss * 100.0,
                   cfg->repeat > 1 ? "" : "; --repeat N gives the median of N rounds");
    }
    for (guint i = 0; i < (gsize)cfg->repeat * 4; i++)
        g_free(all[i].name);
    return status;
}

/* `lanconf-bench transport`. */
int bench_transport_main(int argc, char **argv)
{
    gint size = 300000, window = 4, pace = LC_CHAN_DEFAULT_UDP_PACE_MBPS, repeat = 1;
    gdouble duration = 5;
    gboolean no_anchor = FALSE, json = FALSE, insecure = FALSE;
    LcOptionNumber numbers[] = {
        OPTION_SECONDS("duration", 'd', 1, 600, &duration, "Seconds of each run (default 5)", "S"),
        OPTION_WHOLE("size", 's', 1, 4 * 1024 * 1024, &size,
                     "Bytes per frame, up to the relay's 4 MiB limit (default 300000, a 1080p "
                     "frame of the synthetic source)",
                     "B"),
        OPTION_WHOLE("window", 'w', 1, 64, &window,
                     "Frames in flight per channel, sent and not yet acknowledged (default 4)",
                     "N"),
        OPTION_WHOLE("pace", 0, 0, 100000, &pace,
                     "UDP pacing of the sender and the relay, Mbit/s (default " G_STRINGIFY(
                         LC_CHAN_DEFAULT_UDP_PACE_MBPS) ", the channels' own; 0 = unpaced)",
                     "MBPS"),
        OPTION_WHOLE("repeat", 'r', 1, 20, &repeat,
                     "Rounds of every run; each row is the round of median goodput, with the "
                     "range of all (default 1)",
                     "N"),
        OPTION_NUMBER_END};
    GOptionEntry entries[] = {
        {"no-anchor", 0, 0, G_OPTION_ARG_NONE, &no_anchor, "Skip the iperf3 runs", NULL},
        {"insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
         "Plaintext TCP and unsealed UDP, as iperf3 (default: TLS and sealed datagrams, as every "
         "client)",
         NULL},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON", NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx = g_option_context_new("- camera channels against iperf3");
    g_option_context_set_summary(
        ctx, "Pushes frames of one size through lanconf's TCP channel, then its UDP channel, "
             "and an in-process relay to a viewer, as fast as pacing and acknowledgements "
             "allow; then iperf3 over TCP and over UDP in 1200-byte datagrams (lanconf's "
             "fragment size) at the same pacing rate, on the same loopback. Prints goodput, "
             "frame RTT and loss of each, and lanconf's ratio to iperf3.");
    g_option_context_set_main_group(ctx, option_number_group_new(numbers, NULL, NULL, NULL));
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!option_number_parse_args(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "lanconf-bench transport: %s\nTry 'lanconf-bench transport --help'.\n",
                error->message);
        return 2;
    }
    LcBenchTransportConfig cfg = {.duration_s = duration,
                                  .size = (guint)size,
                                  .window = (guint)window,
                                  .pace_mbps = (guint)pace,
                                  .repeat = (guint)repeat,
                                  .no_anchor = no_anchor,
                                  .json = json,
                                  .insecure = insecure};
    return transport_run(&cfg);
}
