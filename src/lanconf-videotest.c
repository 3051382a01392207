/* lanconf-videotest: a manual check of the camera channels without a camera.
 *
 *   lanconf-videotest --send [--size N] [--fps F] ...   sends a synthetic N-byte
 *                                                       frame F times a second
 *   lanconf-videotest --view NICK ...                   views NICK's stream
 *
 * Both print one line per second per channel (frames, ACKs, drops, losses,
 * round-trip or latency percentiles) and a summary at the end. Frames are
 * opaque bytes here: only the transport is exercised, through the same
 * net/video_sender.h and net/video_viewer.h API the camera uses.
 */
#include "net/addr.h"
#include "net/clock.h"
#include "net/session.h"
#include "net/stats_dist.h"
#include "net/stats_jitter.h"
#include "net/video_sender.h"
#include "net/video_viewer.h"

#include <glib-unix.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define VT_CODEC_TEST 0    /* codec number of the synthetic frames */
#define VT_SETTLE_MS  1500 /* after the last frame, wait this long for ACKs */

/* What one channel did, over one second or the whole run. */
typedef struct {
    guint64 sent;
    guint64 bytes;
    guint64 relay_acks;
    guint64 viewer_acks;
    guint64 dropped;
    guint64 lost;
    guint64 received;
    LcStatsDist *rtt;     /* sender: relay round trip, ms */
    LcStatsDist *latency; /* sender: send to viewer's last byte; viewer: send to last byte, ms */
    LcStatsJitter jitter; /* viewer: RFC 3550 interarrival jitter */
} VtTally;

typedef struct {
    /* options */
    char *server;
    char *nick;
    char *view;
    gboolean send;
    gint size;
    gdouble fps;
    gint duration;
    char *channels;
    char *ack_mode;
    gint pace_mbps;
    /* state */
    GMainLoop *loop;
    LcSession *session;
    LcVideoSender *sender;
    LcVideoViewer *viewer;
    guint mask;
    VtTally second[LC_CHAN_KINDS];
    VtTally total[LC_CHAN_KINDS];
    guint64 next_seq;
    gint64 next_due;
    gint64 started;
    guint elapsed_s;
    gboolean sending;
    gboolean stopping;
    int status;
} Vt;

/* Creates a tally's distributions. */
static void vt_tally_init(VtTally *t)
{
    memset(t, 0, sizeof(*t));
    t->rtt = stats_dist_new();
    t->latency = stats_dist_new();
    stats_jitter_init(&t->jitter);
}

/* Frees a tally's distributions. */
static void vt_tally_clear(VtTally *t)
{
    g_clear_pointer(&t->rtt, stats_dist_free);
    g_clear_pointer(&t->latency, stats_dist_free);
}

/* Applies f to the second's and the whole run's tally of a channel. */
#define VT_BOTH(vt, ch, stmt)                                                                      \
    do {                                                                                           \
        VtTally *t_ = &(vt)->second[ch];                                                           \
        stmt;                                                                                      \
        t_ = &(vt)->total[ch];                                                                     \
        stmt;                                                                                      \
    } while (0)

/* Stops the run with a status. */
static void vt_quit(Vt *vt, int status)
{
    if (status > vt->status)
        vt->status = status;
    g_main_loop_quit(vt->loop);
}

/* A synthetic frame: its seq in the first bytes, a pattern after. */
static GBytes *vt_make_frame(Vt *vt, guint64 seq)
{
    gsize size = (gsize)vt->size;
    guint8 *bytes = g_malloc(MAX(size, 1));
    for (gsize i = 0; i < size; i++)
        bytes[i] = (guint8)(i * 7 + seq);
    for (guint i = 0; i < 8 && i < size; i++)
        bytes[i] = (guint8)(seq >> (8 * (7 - i)));
    return g_bytes_new_take(bytes, size);
}

/* Sends every frame that is due; frames are paced on the monotonic clock. */
static gboolean vt_on_frame_timer(gpointer data)
{
    Vt *vt = data;
    if (!vt->sending)
        return G_SOURCE_REMOVE;
    gint64 now = g_get_monotonic_time();
    gint64 interval = (gint64)(1e6 / vt->fps);
    while (now >= vt->next_due) {
        g_autoptr(GBytes) frame = vt_make_frame(vt, vt->next_seq);
        g_autoptr(GError) error = NULL;
        if (!video_sender_send_frame(vt->sender, frame, vt->next_seq, clock_now_us(), VT_CODEC_TEST,
                                     0, &error)) {
            fprintf(stderr, "lanconf-videotest: %s\n", error->message);
            vt_quit(vt, 1);
            return G_SOURCE_REMOVE;
        }
        vt->next_seq++;
        vt->next_due += interval;
    }
    guint wait_ms = (guint)MAX((vt->next_due - now + 999) / 1000, 1);
    g_timeout_add(wait_ms, vt_on_frame_timer, vt);
    return G_SOURCE_REMOVE;
}

/* p50/p99 of a distribution in ms, or "-". */
static char *vt_percentiles(const LcStatsDist *dist)
{
    if (stats_dist_get_count(dist) == 0)
        return g_strdup("-");
    return g_strdup_printf("%.2f/%.2f", stats_dist_percentile(dist, 50),
                           stats_dist_percentile(dist, 99));
}

/* One second's line for a sender's channel. */
static void vt_print_sender(Vt *vt, LcChanKind ch, const VtTally *t)
{
    g_autofree char *rtt = vt_percentiles(t->rtt);
    g_autofree char *e2e = vt_percentiles(t->latency);
    printf(" %s sent %3" G_GUINT64_FORMAT " acked %3" G_GUINT64_FORMAT
           " viewer-acks %3" G_GUINT64_FORMAT " drop %" G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT
           " rtt %s ms e2e %s ms",
           chan_kind_name(ch), t->sent, t->relay_acks, t->viewer_acks, t->dropped, t->lost, rtt,
           e2e);
}

/* One second's line for a viewer's channel. */
static void vt_print_viewer(Vt *vt, LcChanKind ch, const VtTally *t, double seconds)
{
    g_autofree char *latency = vt_percentiles(t->latency);
    printf(" %s frames %3" G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT " %.1f Mbit/s latency %s ms "
           "jitter %.2f ms",
           chan_kind_name(ch), t->received, t->lost,
           seconds > 0 ? (double)t->bytes * 8 / seconds / 1e6 : 0.0, latency,
           stats_jitter_get_ms(&t->jitter));
}

/* Prints one line for a second (or the summary) over the channels in use. */
static void vt_print_tallies(Vt *vt, const char *label, VtTally *tallies, double seconds)
{
    printf("%s", label);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        if (!(vt->mask & LC_CHAN_BIT(ch)))
            continue;
        if (vt->send)
            vt_print_sender(vt, (LcChanKind)ch, &tallies[ch]);
        else
            vt_print_viewer(vt, (LcChanKind)ch, &tallies[ch], seconds);
        printf(ch + 1 < LC_CHAN_KINDS ? " |" : "");
    }
    printf("\n");
    fflush(stdout);
}

/* The channel's socket as the kernel sees it: buffers granted, TCP_INFO. */
static void vt_print_socket(Vt *vt, LcChanKind ch)
{
    LcChanStats chan = {0};
    LcVideoSenderStats stats;
    if (vt->sender != NULL && video_sender_get_stats(vt->sender, ch, &stats))
        chan = stats.chan;
    else if (vt->viewer == NULL || !video_viewer_get_stats(vt->viewer, ch, &chan))
        return;
    printf("       socket: sndbuf %zu, rcvbuf %zu bytes granted", chan.sndbuf, chan.rcvbuf);
    if (chan.has_tcp_info)
        printf("; kernel srtt %.3f ms, retransmits %u, cwnd %u", chan.tcp_info.rtt_us / 1000.0,
               chan.tcp_info.retransmits_total, chan.tcp_info.snd_cwnd);
    printf("\n");
}

/* The summary: totals and percentiles per channel. */
static void vt_print_summary(Vt *vt)
{
    double seconds = (double)(g_get_monotonic_time() - vt->started) / 1e6;
    printf("summary over %.1f s:\n", seconds);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        if (!(vt->mask & LC_CHAN_BIT(ch)))
            continue;
        VtTally *t = &vt->total[ch];
        LcStatsDistSummary rtt, lat;
        stats_dist_get_summary(t->rtt, &rtt);
        stats_dist_get_summary(t->latency, &lat);
        if (vt->send)
            printf("  %s: sent %" G_GUINT64_FORMAT ", relay-acked %" G_GUINT64_FORMAT
                   " (%.1f%%), viewer ACKs %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT
                   ", lost %" G_GUINT64_FORMAT "; rtt ms p50 %.3f p95 %.3f p99 %.3f max %.3f; "
                   "end to end ms p50 %.3f p99 %.3f\n",
                   chan_kind_name(ch), t->sent, t->relay_acks,
                   t->sent ? 100.0 * (double)t->relay_acks / (double)t->sent : 0.0, t->viewer_acks,
                   t->dropped, t->lost, rtt.p50, rtt.p95, rtt.p99, rtt.max, lat.p50, lat.p99);
        else
            printf("  %s: received %" G_GUINT64_FORMAT ", lost %" G_GUINT64_FORMAT
                   "; latency ms (sender's clock) p50 %.3f p99 %.3f; jitter %.3f ms\n",
                   chan_kind_name(ch), t->received, t->lost, lat.p50, lat.p99,
                   stats_jitter_get_ms(&t->jitter));
        vt_print_socket(vt, (LcChanKind)ch);
    }
}

/* Ends the run: stops sending, lets the last ACKs arrive, prints the summary. */
static gboolean vt_on_finish(gpointer data)
{
    Vt *vt = data;
    vt_print_summary(vt);
    vt_quit(vt, vt->status);
    return G_SOURCE_REMOVE;
}

/* Once a second: the line, then a fresh second. */
static gboolean vt_on_second(gpointer data)
{
    Vt *vt = data;
    if (vt->started == 0)
        return G_SOURCE_CONTINUE;
    vt->elapsed_s++;
    g_autofree char *label = g_strdup_printf("%4u s", vt->elapsed_s);
    vt_print_tallies(vt, label, vt->second, 1.0);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        vt_tally_clear(&vt->second[ch]);
        vt_tally_init(&vt->second[ch]);
    }
    if (vt->duration > 0 && vt->elapsed_s >= (guint)vt->duration && !vt->stopping) {
        vt->stopping = TRUE;
        vt->sending = FALSE;
        g_timeout_add(vt->send ? VT_SETTLE_MS : 1, vt_on_finish, vt);
    }
    return G_SOURCE_CONTINUE;
}

/* Starts counting (and, for a sender, sending) once every channel is open. */
static void vt_begin(Vt *vt)
{
    if (vt->started != 0)
        return;
    vt->started = g_get_monotonic_time();
    if (!vt->send)
        return;
    vt->sending = TRUE;
    vt->next_due = vt->started;
    vt_on_frame_timer(vt);
}

/* A sender channel is open; sending starts once all are. */
static void vt_on_sender_ready(LcVideoSender *s, LcChanKind ch, gpointer data)
{
    Vt *vt = data;
    fprintf(stderr, "lanconf-videotest: %s channel open\n", chan_kind_name(ch));
    if (video_sender_is_ready(s))
        vt_begin(vt);
}

/* A frame started going out. */
static void vt_on_sent(LcVideoSender *s, LcChanKind ch, guint64 seq, gsize bytes, gint64 send_us,
                       gpointer data)
{
    VT_BOTH((Vt *)data, ch, (t_->sent++, t_->bytes += bytes));
}

/* The relay acknowledged a frame: its round trip. */
static void vt_on_relay_ack(LcVideoSender *s, const LcVideoRelayAck *ack, gpointer data)
{
    VT_BOTH((Vt *)data, ack->channel,
            (t_->relay_acks++, stats_dist_add(t_->rtt, (double)ack->rtt_us / 1000.0)));
}

/* A viewer acknowledged a frame: end to end, on the local clock. */
static void vt_on_viewer_ack(LcVideoSender *s, const LcVideoViewerAck *ack, gpointer data)
{
    gint64 at = video_sender_viewer_to_local_us(s, ack->viewer_last_us, ack->viewer_offset_us);
    double e2e = ack->send_us ? (double)(at - ack->send_us) / 1000.0 : NAN;
    VT_BOTH((Vt *)data, ack->channel,
            (t_->viewer_acks++, isnan(e2e) ? (void)0 : stats_dist_add(t_->latency, e2e)));
}

/* A frame was dropped unsent, or lost. */
static void vt_on_dropped(LcVideoSender *s, LcChanKind ch, guint64 seq, LcChanDropReason reason,
                          gpointer data)
{
    if (reason == LC_CHAN_DROP_LOST)
        VT_BOTH((Vt *)data, ch, t_->lost++);
    else
        VT_BOTH((Vt *)data, ch, t_->dropped++);
}

/* The relay refused the stream. */
static void vt_on_refused(LcVideoSender *s, const GError *error, gpointer data)
{
    fprintf(stderr, "lanconf-videotest: %s\n", error->message);
    vt_quit(data, 1);
}

/* A sender channel closed. */
static void vt_on_sender_closed(LcVideoSender *s, LcChanKind ch, const GError *error, gpointer data)
{
    fprintf(stderr, "lanconf-videotest: %s channel: %s\n", chan_kind_name(ch),
            error ? error->message : "closed");
}

static const LcVideoSenderEvents vt_sender_events = {
    .ready = vt_on_sender_ready,
    .sent = vt_on_sent,
    .relay_ack = vt_on_relay_ack,
    .viewer_ack = vt_on_viewer_ack,
    .dropped = vt_on_dropped,
    .refused = vt_on_refused,
    .channel_closed = vt_on_sender_closed,
};

/* A viewer channel is open; counting starts once all are. */
static void vt_on_viewer_ready(LcVideoViewer *v, LcChanKind ch, gpointer data)
{
    fprintf(stderr, "lanconf-videotest: %s channel open\n", chan_kind_name(ch));
    if (video_viewer_is_ready(v))
        vt_begin(data);
}

/* A frame arrived: latency from its send time, jitter (RFC 3550). */
static void vt_on_frame(LcVideoViewer *v, const LcVideoFrame *f, gpointer data)
{
    double latency = (double)(f->last_us - f->send_us) / 1000.0;
    VT_BOTH((Vt *)data, f->channel,
            (t_->received++, t_->bytes += g_bytes_get_size(f->data),
             stats_dist_add(t_->latency, latency),
             stats_jitter_update(&t_->jitter, f->send_us, f->last_us)));
}

/* A UDP frame stayed incomplete. */
static void vt_on_lost(LcVideoViewer *v, LcChanKind ch, guint64 seq, gpointer data)
{
    VT_BOTH((Vt *)data, ch, t_->lost++);
}

/* The stream ended; the viewer waits for the next. */
static void vt_on_ended(LcVideoViewer *v, const char *reason, gpointer data)
{
    fprintf(stderr, "lanconf-videotest: the stream ended: %s; waiting for the next\n", reason);
}

/* The relay refused the view. */
static void vt_on_view_refused(LcVideoViewer *v, const GError *error, gpointer data)
{
    fprintf(stderr, "lanconf-videotest: %s\n", error->message);
    vt_quit(data, 1);
}

/* A viewer channel closed. */
static void vt_on_viewer_closed(LcVideoViewer *v, LcChanKind ch, const GError *error, gpointer data)
{
    fprintf(stderr, "lanconf-videotest: %s channel: %s\n", chan_kind_name(ch),
            error ? error->message : "closed");
}

static const LcVideoViewerEvents vt_viewer_events = {
    .ready = vt_on_viewer_ready,
    .frame = vt_on_frame,
    .lost = vt_on_lost,
    .ended = vt_on_ended,
    .refused = vt_on_view_refused,
    .channel_closed = vt_on_viewer_closed,
};

/* Joined: start the sender or the viewer (once). */
static void vt_on_joined(LcSession *session, gboolean resumed, gpointer data)
{
    Vt *vt = data;
    if (vt->sender != NULL || vt->viewer != NULL)
        return;
    if (vt->send) {
        LcVideoSenderConfig config;
        video_sender_config_init(&config);
        config.channels = vt->mask;
        config.ack_mode = g_strcmp0(vt->ack_mode, "stop-and-wait") == 0 ? LC_VIDEO_ACK_STOP_AND_WAIT
                                                                        : LC_VIDEO_ACK_PIPELINED;
        config.udp_pace_bps = (guint64)vt->pace_mbps * 1000000;
        vt->sender = video_sender_new(session, &config, &vt_sender_events, vt);
    } else {
        LcVideoViewerConfig config;
        video_viewer_config_init(&config);
        config.channels = vt->mask;
        vt->viewer = video_viewer_new(session, vt->view, &config, &vt_viewer_events, vt);
        fprintf(stderr, "lanconf-videotest: waiting for %s's stream\n", vt->view);
    }
}

/* The control connection failed or closed. */
static void vt_on_state(LcSession *session, LcSessionState state, const GError *error,
                        gpointer data)
{
    if (state != SESSION_CLOSED)
        return;
    fprintf(stderr, "lanconf-videotest: %s\n", error ? error->message : "session closed");
    vt_quit(data, 1);
}

/* Ctrl-C: the summary, then out. */
static gboolean vt_on_signal(gpointer data)
{
    Vt *vt = data;
    vt->sending = FALSE;
    if (vt->started != 0)
        vt_print_summary(vt);
    vt_quit(vt, vt->status);
    return G_SOURCE_CONTINUE;
}

/* Parses --channels into a mask. */
static gboolean vt_parse_channels(const char *text, guint *mask)
{
    if (g_strcmp0(text, "both") == 0)
        *mask = LC_CHAN_BIT(LC_CHAN_TCP) | LC_CHAN_BIT(LC_CHAN_UDP);
    else if (g_strcmp0(text, "tcp") == 0)
        *mask = LC_CHAN_BIT(LC_CHAN_TCP);
    else if (g_strcmp0(text, "udp") == 0)
        *mask = LC_CHAN_BIT(LC_CHAN_UDP);
    else
        return FALSE;
    return TRUE;
}

/* Parses and checks the command line; FALSE with a message on a bad one. */
static gboolean vt_parse_args(Vt *vt, int *argc, char ***argv, GError **error)
{
    GOptionEntry entries[] = {
        {"server", 's', 0, G_OPTION_ARG_STRING, &vt->server, "Relay (default 127.0.0.1:7300)",
         "HOST:PORT"},
        {"nick", 'n', 0, G_OPTION_ARG_STRING, &vt->nick, "Nick (default cam or viewer)", "NICK"},
        {"send", 0, 0, G_OPTION_ARG_NONE, &vt->send, "Send a synthetic stream", NULL},
        {"view", 0, 0, G_OPTION_ARG_STRING, &vt->view, "View NICK's stream", "NICK"},
        {"size", 0, 0, G_OPTION_ARG_INT, &vt->size, "Frame size in bytes (default 30000)", "N"},
        {"fps", 0, 0, G_OPTION_ARG_DOUBLE, &vt->fps, "Frames per second (default 30)", "F"},
        {"duration", 'd', 0, G_OPTION_ARG_INT, &vt->duration,
         "Seconds to run once the channels are open (default 10; 0 = until Ctrl-C)", "S"},
        {"channels", 0, 0, G_OPTION_ARG_STRING, &vt->channels, "tcp, udp or both (default)",
         "WHICH"},
        {"ack-mode", 0, 0, G_OPTION_ARG_STRING, &vt->ack_mode,
         "pipelined (default) or stop-and-wait", "MODE"},
        {"pace-mbps", 0, 0, G_OPTION_ARG_INT, &vt->pace_mbps,
         "UDP pacing rate in Mbit/s (default 400; 0 = unpaced)", "R"},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx = g_option_context_new("- camera channel test");
    g_option_context_set_summary(ctx, "Sends synthetic video frames over TCP and UDP at once "
                                      "through a lanconf relay (--send), or views a stream "
                                      "(--view NICK), printing per-second figures.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, error))
        return FALSE;
    if (vt->server == NULL)
        vt->server = g_strdup("127.0.0.1:7300");
    if (vt->channels == NULL)
        vt->channels = g_strdup("both");
    if (vt->ack_mode == NULL)
        vt->ack_mode = g_strdup("pipelined");
    if (*argc > 1 || vt->send == (vt->view != NULL) || vt->size < 0 ||
        vt->size > WIRE_VIDEO_FRAME_MAX || vt->fps <= 0 || vt->fps > 10000 || vt->duration < 0 ||
        vt->pace_mbps < 0 || !vt_parse_channels(vt->channels, &vt->mask) ||
        (g_strcmp0(vt->ack_mode, "pipelined") != 0 &&
         g_strcmp0(vt->ack_mode, "stop-and-wait") != 0)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "give exactly one of --send and --view NICK, and values in range");
        return FALSE;
    }
    return TRUE;
}

/* Starts the control session. */
static gboolean vt_connect(Vt *vt, GError **error)
{
    g_autofree char *host = NULL;
    guint16 port = 0;
    if (!addr_parse_host_port(vt->server, 7300, &host, &port, error))
        return FALSE;
    LcSessionConfig config = {
        .host = host,
        .port = port,
        .nick = vt->nick,
        .history_limit = 0,
        .ping_interval_ms = 1000,
    };
    LcSessionEvents events = {.state = vt_on_state, .joined = vt_on_joined};
    vt->session = session_new(&config, &events, vt);
    session_start(vt->session);
    return TRUE;
}

/* Parses the command line, joins the relay, runs until done. */
int main(int argc, char **argv)
{
    Vt vt = {.size = 30000, .fps = 30, .duration = 10, .pace_mbps = 400};
    g_autoptr(GError) error = NULL;
    if (!vt_parse_args(&vt, &argc, &argv, &error)) {
        fprintf(stderr, "lanconf-videotest: %s\nTry 'lanconf-videotest --help'.\n", error->message);
        return 2;
    }
    if (vt.nick == NULL)
        vt.nick = g_strdup(vt.send ? "cam" : "viewer");
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        vt_tally_init(&vt.second[ch]);
        vt_tally_init(&vt.total[ch]);
    }
    vt.loop = g_main_loop_new(NULL, FALSE);
    if (!vt_connect(&vt, &error)) {
        fprintf(stderr, "lanconf-videotest: %s\n", error->message);
        return 2;
    }
    g_unix_signal_add(SIGINT, vt_on_signal, &vt);
    g_unix_signal_add(SIGTERM, vt_on_signal, &vt);
    g_timeout_add(1000, vt_on_second, &vt);
    g_main_loop_run(vt.loop);

    vt.sending = FALSE;
    g_clear_pointer(&vt.sender, video_sender_free);
    g_clear_pointer(&vt.viewer, video_viewer_free);
    g_clear_pointer(&vt.session, session_free);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        vt_tally_clear(&vt.second[ch]);
        vt_tally_clear(&vt.total[ch]);
    }
    g_main_loop_unref(vt.loop);
    g_free(vt.server);
    g_free(vt.nick);
    g_free(vt.view);
    g_free(vt.channels);
    g_free(vt.ack_mode);
    return vt.status;
}
