/* cli_relay_stats.c: lanconf-cli --relay-stats: one STATS_REQUEST on the
 * control connection, its answer printed as a table or as JSON. */
#include "src/app/cli_relay_stats.h"

#include "net/client/session.h"
#include "src/app/cli_format.h"
#include "net/wire/media_kind.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#define CLI_RELAY_STATS_TIMEOUT_S 10.0

typedef struct {
    GMainLoop *loop;
    LcSession *session;
    gboolean json;
    guint32 request; /* the id the answers carry */
    gboolean sent;   /* STATS_REQUEST is on its way */
    gboolean done;   /* STATS_END arrived and the answer is printed */
    GArray *streams; /* LcWireMsg (STATS_STREAM), nick owned */
    GArray *viewers; /* LcWireMsg (STATS_VIEWER), nick owned */
    LcWireMsg end;   /* STATS_END */
    guint timer;     /* the timeout source; 0 once it fired */
    int status;
} LcCliRelayStats;

/* Frees the nick a stored STATS_STREAM or STATS_VIEWER owns. */
static void cli_relay_stats_clear_msg(gpointer data)
{
    LcWireMsg *msg = data;
    if (msg->type == WIRE_STATS_STREAM)
        g_free(msg->stats_stream.nick);
    else
        g_free(msg->stats_viewer.nick);
}

/* Prints a failure on stderr and leaves. */
static void cli_relay_stats_fail(LcCliRelayStats *rs, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void cli_relay_stats_fail(LcCliRelayStats *rs, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    cli_print_verror(&rs->status, fmt, args);
    va_end(args);
    g_main_loop_quit(rs->loop);
}

/* The channels bits as text: "tcp+udp", "tcp", "udp" or "none". */
static const char *cli_relay_stats_channels(guint8 channels)
{
    switch (channels & WIRE_CHANNELS_ALL) {
    case WIRE_CHANNELS_ALL:
        return "tcp+udp";
    case WIRE_CHANNEL_TCP:
        return "tcp";
    case WIRE_CHANNEL_UDP:
        return "udp";
    default:
        return "none";
    }
}

/* Adds one unsigned member to the object being built. */
static void cli_relay_stats_add_uint(JsonBuilder *b, const char *name, guint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, (gint64)MIN(value, (guint64)G_MAXINT64));
}

/* Adds "NAME_tcp", "NAME_udp", ...: one member per channel kind. */
static void cli_relay_stats_add_per_kind(JsonBuilder *b, const char *name,
                                         const guint64 values[LC_CHAN_KINDS])
{
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_autofree char *member = g_strdup_printf("%s_%s", name, chan_kind_name(k));
        cli_relay_stats_add_uint(b, member, values[k]);
    }
}

/* Adds one STATS_STREAM as a JSON object. */
static void cli_relay_stats_json_stream(JsonBuilder *b, const LcWireMsg *msg)
{
    json_builder_begin_object(b);
    cli_relay_stats_add_uint(b, "stream_id", msg->stats_stream.stream_id);
    json_builder_set_member_name(b, "nick");
    json_builder_add_string_value(b, msg->stats_stream.nick);
    json_builder_set_member_name(b, "media");
    json_builder_add_string_value(b, media_kind_name(media_kind_from_flags(msg->flags)));
    json_builder_set_member_name(b, "channels");
    json_builder_add_string_value(b, cli_relay_stats_channels(msg->stats_stream.channels));
    cli_relay_stats_add_uint(b, "viewers", msg->stats_stream.viewers);
    cli_relay_stats_add_per_kind(b, "frames_in", msg->stats_stream.frames_in);
    cli_relay_stats_add_per_kind(b, "bytes_in", msg->stats_stream.bytes_in);
    cli_relay_stats_add_uint(b, "udp_lost", msg->stats_stream.udp_lost);
    cli_relay_stats_add_uint(b, "udp_duplicates", msg->stats_stream.udp_duplicates);
    cli_relay_stats_add_uint(b, "bad_token", msg->stats_stream.bad_token);
    json_builder_end_object(b);
}

/* Adds one STATS_VIEWER as a JSON object. */
static void cli_relay_stats_json_viewer(JsonBuilder *b, const LcWireMsg *msg)
{
    json_builder_begin_object(b);
    cli_relay_stats_add_uint(b, "viewer_id", msg->stats_viewer.viewer_id);
    cli_relay_stats_add_uint(b, "stream_id", msg->stats_viewer.stream_id);
    json_builder_set_member_name(b, "nick");
    json_builder_add_string_value(b, msg->stats_viewer.nick);
    json_builder_set_member_name(b, "media");
    json_builder_add_string_value(b, media_kind_name(media_kind_from_flags(msg->flags)));
    guint64 queue[LC_CHAN_KINDS];
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        queue[k] = msg->stats_viewer.queue[k];
    cli_relay_stats_add_per_kind(b, "frames_out", msg->stats_viewer.frames_out);
    cli_relay_stats_add_per_kind(b, "drops", msg->stats_viewer.drops);
    cli_relay_stats_add_per_kind(b, "queue", queue);
    cli_relay_stats_add_per_kind(b, "acks", msg->stats_viewer.acks);
    cli_relay_stats_add_uint(b, "bad_token", msg->stats_viewer.bad_token);
    json_builder_end_object(b);
}

/* Prints the whole answer as one JSON document. */
static void cli_relay_stats_print_json(LcCliRelayStats *rs)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "server");
    json_builder_add_string_value(b, session_get_server(rs->session));
    json_builder_set_member_name(b, "streams");
    json_builder_begin_array(b);
    for (guint i = 0; i < rs->streams->len; i++)
        cli_relay_stats_json_stream(b, &g_array_index(rs->streams, LcWireMsg, i));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "viewers");
    json_builder_begin_array(b);
    for (guint i = 0; i < rs->viewers->len; i++)
        cli_relay_stats_json_viewer(b, &g_array_index(rs->viewers, LcWireMsg, i));
    json_builder_end_array(b);
    cli_relay_stats_add_uint(b, "bad_datagrams", rs->end.stats_end.bad_datagrams);
    cli_relay_stats_add_uint(b, "unknown_token", rs->end.stats_end.unknown_token);
    cli_relay_stats_add_uint(b, "bad_seal", rs->end.stats_end.bad_seal);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *text = json_to_string(root, TRUE);
    printf("%s\n", text);
}

/* Appends one column heading per channel kind: " NAME_TCP NAME_UDP", each width wide. */
static void cli_relay_stats_add_headings(GString *out, const char *name, int width)
{
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_autofree char *kind = g_ascii_strup(chan_kind_name(k), -1);
        g_autofree char *heading = g_strdup_printf("%s_%s", name, kind);
        g_string_append_printf(out, " %*s", width, heading);
    }
}

/* Appends one cell per channel kind, each width wide. */
static void cli_relay_stats_add_cells(GString *out, const guint64 values[LC_CHAN_KINDS], int width)
{
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        g_string_append_printf(out, " %*" G_GUINT64_FORMAT, width, values[k]);
}

/* Prints the answer as a text table. */
static void cli_relay_stats_print_text(LcCliRelayStats *rs)
{
    printf("relay %s: %u stream%s, %u viewer%s\n", session_get_server(rs->session),
           rs->streams->len, rs->streams->len == 1 ? "" : "s", rs->viewers->len,
           rs->viewers->len == 1 ? "" : "s");
    if (rs->streams->len > 0) {
        g_autoptr(GString) head = g_string_new(NULL);
        g_string_printf(head, "\nSTREAM  %-16s %-5s %-8s %7s", "NICK", "MEDIA", "CHANNELS",
                        "VIEWERS");
        cli_relay_stats_add_headings(head, "IN", 9);
        cli_relay_stats_add_headings(head, "BYTES", 12);
        g_string_append_printf(head, " %8s %8s %9s", "UDP_LOST", "UDP_DUP", "BAD_TOKEN");
        printf("%s\n", head->str);
    }
    for (guint i = 0; i < rs->streams->len; i++) {
        const LcWireMsg *m = &g_array_index(rs->streams, LcWireMsg, i);
        g_autoptr(GString) row = g_string_new(NULL);
        g_string_printf(row, "%6u  %-16s %-5s %-8s %7u", m->stats_stream.stream_id,
                        m->stats_stream.nick, media_kind_name(media_kind_from_flags(m->flags)),
                        cli_relay_stats_channels(m->stats_stream.channels),
                        m->stats_stream.viewers);
        cli_relay_stats_add_cells(row, m->stats_stream.frames_in, 9);
        cli_relay_stats_add_cells(row, m->stats_stream.bytes_in, 12);
        g_string_append_printf(
            row, " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT,
            m->stats_stream.udp_lost, m->stats_stream.udp_duplicates, m->stats_stream.bad_token);
        printf("%s\n", row->str);
    }
    if (rs->viewers->len > 0) {
        g_autoptr(GString) head = g_string_new(NULL);
        g_string_printf(head, "\nVIEWER  %-16s %-5s %6s", "NICK", "MEDIA", "STREAM");
        cli_relay_stats_add_headings(head, "OUT", 9);
        cli_relay_stats_add_headings(head, "DROPS", 9);
        cli_relay_stats_add_headings(head, "Q", 5);
        cli_relay_stats_add_headings(head, "ACKS", 9);
        g_string_append_printf(head, " %9s", "BAD_TOKEN");
        printf("%s\n", head->str);
    }
    for (guint i = 0; i < rs->viewers->len; i++) {
        const LcWireMsg *m = &g_array_index(rs->viewers, LcWireMsg, i);
        guint64 queue[LC_CHAN_KINDS];
        for (guint k = 0; k < LC_CHAN_KINDS; k++)
            queue[k] = m->stats_viewer.queue[k];
        g_autoptr(GString) row = g_string_new(NULL);
        g_string_printf(row, "%6u  %-16s %-5s %6u", m->stats_viewer.viewer_id, m->stats_viewer.nick,
                        media_kind_name(media_kind_from_flags(m->flags)),
                        m->stats_viewer.stream_id);
        cli_relay_stats_add_cells(row, m->stats_viewer.frames_out, 9);
        cli_relay_stats_add_cells(row, m->stats_viewer.drops, 9);
        cli_relay_stats_add_cells(row, queue, 5);
        cli_relay_stats_add_cells(row, m->stats_viewer.acks, 9);
        g_string_append_printf(row, " %9" G_GUINT64_FORMAT, m->stats_viewer.bad_token);
        printf("%s\n", row->str);
    }
    printf("\ndatagrams: bad %" G_GUINT64_FORMAT ", unknown token %" G_GUINT64_FORMAT
           ", bad seal (forged, replayed or plain where sealed) %" G_GUINT64_FORMAT "\n",
           rs->end.stats_end.bad_datagrams, rs->end.stats_end.unknown_token,
           rs->end.stats_end.bad_seal);
}

/* Sees every message from the relay: keeps the answers to our request. */
static void cli_relay_stats_on_msg(LcSession *session, const LcWireMsg *msg, gpointer data)
{
    LcCliRelayStats *rs = data;
    if (!rs->sent || rs->done)
        return;
    LcWireMsg copy = *msg;
    switch (msg->type) {
    case WIRE_STATS_STREAM:
        if (msg->stats_stream.request != rs->request)
            return;
        copy.stats_stream.nick = g_strdup(msg->stats_stream.nick);
        g_array_append_val(rs->streams, copy);
        break;
    case WIRE_STATS_VIEWER:
        if (msg->stats_viewer.request != rs->request)
            return;
        copy.stats_viewer.nick = g_strdup(msg->stats_viewer.nick);
        g_array_append_val(rs->viewers, copy);
        break;
    case WIRE_STATS_END:
        if (msg->stats_end.request != rs->request)
            return;
        rs->end = copy;
        rs->done = TRUE;
        if (rs->json)
            cli_relay_stats_print_json(rs);
        else
            cli_relay_stats_print_text(rs);
        fflush(stdout);
        session_quit(session, "lanconf-cli done");
        break;
    default:
        break;
    }
}

/* Joined: send the request. */
static void cli_relay_stats_on_joined(LcSession *session, gboolean resumed, gpointer data)
{
    LcCliRelayStats *rs = data;
    if (rs->sent)
        return;
    LcWireMsg msg = {.type = WIRE_STATS_REQUEST};
    msg.stats_request.request = rs->request;
    g_autoptr(GError) error = NULL;
    if (!session_send(session, &msg, &error)) {
        cli_relay_stats_fail(rs, "cannot ask for statistics: %s", error->message);
        return;
    }
    rs->sent = TRUE;
}

/* Session state: a closed session ends the run. */
static void cli_relay_stats_on_state(LcSession *session, LcSessionState state, const GError *error,
                                     gpointer data)
{
    LcCliRelayStats *rs = data;
    if (state != SESSION_CLOSED)
        return;
    if (!rs->done && rs->status == 0)
        cli_relay_stats_fail(rs, "%s", error ? error->message : "connection closed");
    g_main_loop_quit(rs->loop);
}

/* The relay refused something: here, the statistics request. */
static void cli_relay_stats_on_refused(LcSession *session, const GError *error, guint64 client_id,
                                       gpointer data)
{
    LcCliRelayStats *rs = data;
    if (!rs->done)
        cli_relay_stats_fail(rs, "the relay refused the statistics request: %s", error->message);
}

/* No complete answer in time. */
static gboolean cli_relay_stats_on_timeout(gpointer data)
{
    LcCliRelayStats *rs = data;
    rs->timer = 0;
    if (rs->done) /* printed; the QUIT did not go out in time */
        g_main_loop_quit(rs->loop);
    else if (rs->sent)
        cli_relay_stats_fail(rs,
                             "timed out waiting for the relay's statistics (%u streams, %u "
                             "viewers so far, no STATS_END)",
                             rs->streams->len, rs->viewers->len);
    else
        cli_relay_stats_fail(rs, "timed out joining %s", session_get_server(rs->session));
    return G_SOURCE_REMOVE;
}

static const LcSessionEvents cli_relay_stats_events = {
    .state = cli_relay_stats_on_state,
    .joined = cli_relay_stats_on_joined,
    .refused = cli_relay_stats_on_refused,
};

/* Joins, asks, prints; returns the exit status. */
int cli_relay_stats_run(const LcCliRelayStatsOptions *options)
{
    double timeout_s = options->timeout_s > 0 ? options->timeout_s : CLI_RELAY_STATS_TIMEOUT_S;
    LcCliRelayStats rs = {
        .loop = g_main_loop_new(NULL, FALSE),
        .json = options->json,
        .request = g_random_int_range(1, G_MAXINT32),
        .streams = g_array_new(FALSE, TRUE, sizeof(LcWireMsg)),
        .viewers = g_array_new(FALSE, TRUE, sizeof(LcWireMsg)),
    };
    g_array_set_clear_func(rs.streams, cli_relay_stats_clear_msg);
    g_array_set_clear_func(rs.viewers, cli_relay_stats_clear_msg);
    LcSessionConfig sc = {
        .host = options->host,
        .port = options->port,
        .nick = options->nick,
        .history_limit = 0,
        .reconnect = FALSE,
        .connect_timeout_s = (guint)MAX(1.0, timeout_s),
        .insecure = options->insecure,
        .password = options->password,
    };
    rs.session = session_new(&sc, &cli_relay_stats_events, &rs);
    session_add_watch(rs.session, cli_relay_stats_on_msg, &rs);
    rs.timer = g_timeout_add((guint)(timeout_s * 1000), cli_relay_stats_on_timeout, &rs);
    session_start(rs.session);
    g_main_loop_run(rs.loop);

    if (rs.timer != 0)
        g_source_remove(rs.timer);
    int status = rs.done ? 0 : MAX(rs.status, 1);
    session_free(rs.session);
    g_array_unref(rs.streams);
    g_array_unref(rs.viewers);
    g_main_loop_unref(rs.loop);
    return status;
}
