/*
 * Frame log writers: the summary JSON has exactly the contract's keys with
 * numeric types, frames.csv has the documented header and its rows parse
 * back to the same records, intervals.ndjson has one parsable object per
 * channel per interval.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "src/run/framelog.h"
#include "src/report/framelog_report.h"
#include "tests/app/app-test-util.h"

#define T0 G_GINT64_CONSTANT(1700000000000000)

/* The contract's members of a sender's channel, then its extras. */
static const char *const sender_int_keys[] = {
    "frames_sent",       "frames_acked",  "frames_lost",         "frames_dropped",
    "bytes_acked",       "bytes_sent",    "frames_viewer_acked", "deadline_missed",
    "dropped_not_ready", "dropped_closed", "dropped_queue", "dropped_wait_ack",
};
static const char *const sender_double_keys[] = {
    "goodput_mbps", "fps_acked", "jitter_ms", "srtt_ms", "rttvar_ms", "loss_fraction",
};
static const char *const rtt_keys[] = {"min", "mean", "p50", "p95", "p99", "max"};
static const char *const percentile_keys[] = {"p50", "p95", "p99"};

/* A sender log with a few frames on tcp, one lost on udp, and TCP_INFO on tcp. */
static LcFramelog *make_sender_log(void)
{
    LcFramelogRun run;
    app_test_framelog_run(&run);
    run.duration_s = 10.0;
    LcFramelog *log = framelog_new(FRAMELOG_ROLE_SENDER, &run, T0);
    LcStatsTcpInfo info = {.retransmits_total = 3, .rtt_us = 1500, .snd_cwnd = 10};

    /* Frame 1 is marked a keyframe before it goes (as a sender does), frame 3 after. */
    framelog_note_key(log, 1);
    for (guint64 seq = 1; seq <= 4; seq++) {
        gint64 send = T0 + (gint64)seq * 33000;
        g_assert_true(framelog_add_sent(log, LC_CHAN_TCP, seq, 1000 * seq, send - 2000, send));
        g_assert_true(framelog_add_relay_ack(log, LC_CHAN_TCP, seq, send + 700, send + 900,
                                             send + 1000 + (gint64)seq * 250));
        g_assert_true(framelog_add_sent(log, LC_CHAN_UDP, seq, 1000 * seq, send - 2000, send));
    }
    g_assert_true(framelog_add_viewer_ack(log, LC_CHAN_TCP, 2, T0 + 66000 + 40000));
    g_assert_true(framelog_add_lost(log, LC_CHAN_UDP, 1));
    g_assert_true(
        framelog_add_dropped(log, LC_CHAN_UDP, 5, 5000, T0 + 160000, FRAMELOG_DROP_NOT_READY));
    framelog_note_key(log, 3);
    framelog_set_tcp_info(log, LC_CHAN_TCP, &info);
    return log;
}

/* Parses text as JSON and returns its root node. */
static JsonNode *parse_json(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;

    g_assert_true(json_parser_load_from_data(parser, text, -1, &error));
    g_assert_no_error(error);
    return json_node_copy(json_parser_get_root(parser));
}

/* Asserts object has exactly the members in keys (in any order). */
static void assert_exact_keys(JsonObject *object, const char *const *keys, guint n)
{
    g_assert_cmpuint(json_object_get_size(object), ==, n);
    for (guint i = 0; i < n; i++) {
        g_test_message("member %s", keys[i]);
        g_assert_true(json_object_has_member(object, keys[i]));
    }
}

/* Asserts member key is a JSON integer. */
static void assert_int_member(JsonObject *object, const char *key)
{
    JsonNode *node = json_object_get_member(object, key);

    g_test_message("member %s", key);
    g_assert_nonnull(node);
    g_assert_true(JSON_NODE_HOLDS_VALUE(node));
    g_assert_cmpuint(json_node_get_value_type(node), ==, G_TYPE_INT64);
}

/* Asserts member key is a JSON number (integer or not), or null where allowed. */
static void assert_number_member(JsonObject *object, const char *key, gboolean null_ok)
{
    JsonNode *node = json_object_get_member(object, key);

    g_test_message("member %s", key);
    g_assert_nonnull(node);
    if (null_ok && JSON_NODE_HOLDS_NULL(node))
        return;
    g_assert_true(JSON_NODE_HOLDS_VALUE(node));
    GType type = json_node_get_value_type(node);
    g_assert_true(type == G_TYPE_DOUBLE || type == G_TYPE_INT64);
}

/* Asserts member key is an object of exactly keys, each a number (or null where allowed). */
static void assert_number_object(JsonObject *object, const char *key, const char *const *keys,
                                 guint n, gboolean null_ok)
{
    JsonObject *inner = json_object_get_object_member(object, key);

    g_assert_nonnull(inner);
    assert_exact_keys(inner, keys, n);
    for (guint i = 0; i < n; i++)
        assert_number_member(inner, keys[i], null_ok);
}

/* Checks a sender channel object against the contract: keys and types. */
static void assert_sender_channel(JsonObject *channel, gboolean has_acks)
{
    for (guint i = 0; i < G_N_ELEMENTS(sender_int_keys); i++)
        assert_int_member(channel, sender_int_keys[i]);
    for (guint i = 0; i < G_N_ELEMENTS(sender_double_keys); i++)
        assert_number_member(channel, sender_double_keys[i], !has_acks);
    assert_number_object(channel, "rtt_ms", rtt_keys, G_N_ELEMENTS(rtt_keys), !has_acks);
    assert_number_object(channel, "one_way_ms", percentile_keys, G_N_ELEMENTS(percentile_keys),
                         !has_acks);
    assert_number_object(channel, "to_viewer_ms", percentile_keys, G_N_ELEMENTS(percentile_keys),
                         !has_acks);
}

/* The sender summary: "run" with the parameters, "channels" with tcp and udp by the contract. */
static void test_summary_json(void)
{
    g_autoptr(LcFramelog) log = make_sender_log();
    g_autofree char *text = framelog_format_summary(log, T0 + 1000000);
    g_autoptr(JsonNode) root = parse_json(text);
    JsonObject *top = json_node_get_object(root);
    static const char *const top_keys[] = {"run", "channels", "shortfalls"};

    g_assert_true(g_str_has_suffix(text, "}\n"));
    assert_exact_keys(top, top_keys, G_N_ELEMENTS(top_keys));

    JsonObject *run = json_object_get_object_member(top, "run");
    g_assert_cmpstr(json_object_get_string_member(run, "role"), ==, "sender");
    g_assert_cmpstr(json_object_get_string_member(run, "source"), ==, "test");
    g_assert_cmpstr(json_object_get_string_member(run, "size"), ==, "640x480");
    g_assert_cmpint(json_object_get_int_member(run, "fps"), ==, 30);
    g_assert_cmpint(json_object_get_int_member(run, "quality"), ==, 80);
    g_assert_cmpstr(json_object_get_string_member(run, "codec"), ==, "jpeg");
    g_assert_cmpstr(json_object_get_string_member(run, "encoder"), ==, "turbojpeg");
    g_assert_cmpstr(json_object_get_string_member(run, "ack_mode"), ==, "relay");
    g_assert_cmpfloat(json_object_get_double_member(run, "duration_s"), ==, 10.0);
    g_assert_cmpfloat(json_object_get_double_member(run, "deadline_ms"), ==, 200.0);
    JsonArray *names = json_object_get_array_member(run, "channels");
    g_assert_cmpuint(json_array_get_length(names), ==, 2);
    g_assert_cmpstr(json_array_get_string_element(names, 0), ==, "tcp");
    g_assert_cmpstr(json_array_get_string_element(names, 1), ==, "udp");

    JsonObject *channels = json_object_get_object_member(top, "channels");
    static const char *const channel_keys[] = {"tcp", "udp"};
    assert_exact_keys(channels, channel_keys, G_N_ELEMENTS(channel_keys));
    JsonObject *tcp = json_object_get_object_member(channels, "tcp");
    JsonObject *udp = json_object_get_object_member(channels, "udp");
    assert_sender_channel(tcp, TRUE);
    assert_sender_channel(udp, FALSE);

    /* Values: 4 frames, 10 000 bytes over 1 s; RTT 1.25..2 ms; one way 0.7 ms. */
    g_assert_cmpint(json_object_get_int_member(tcp, "frames_acked"), ==, 4);
    g_assert_cmpint(json_object_get_int_member(tcp, "bytes_acked"), ==, 10000);
    g_assert_cmpfloat(json_object_get_double_member(tcp, "goodput_mbps"), ==, 0.08);
    g_assert_cmpfloat(json_object_get_double_member(tcp, "fps_acked"), ==, 4.0);
    JsonObject *rtt = json_object_get_object_member(tcp, "rtt_ms");
    g_assert_cmpfloat(json_object_get_double_member(rtt, "min"), ==, 1.25);
    g_assert_cmpfloat(json_object_get_double_member(rtt, "p50"), ==, 1.5);
    g_assert_cmpfloat(json_object_get_double_member(rtt, "max"), ==, 2.0);
    JsonObject *one_way = json_object_get_object_member(tcp, "one_way_ms");
    g_assert_cmpfloat(json_object_get_double_member(one_way, "p99"), ==, 0.7);
    g_assert_cmpint(json_object_get_int_member(udp, "frames_lost"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(udp, "frames_dropped"), ==, 1);
    g_assert_true(json_object_get_null_member(json_object_get_object_member(udp, "rtt_ms"), "p50"));
    g_assert_true(json_object_get_null_member(udp, "jitter_ms"));

    /* TCP_INFO only where it was given. */
    static const char *const tcp_info_keys[] = {"retransmits", "rtt_ms", "rttvar_ms", "cwnd",
                                                "mss"};
    JsonObject *info = json_object_get_object_member(tcp, "tcp_info");
    assert_exact_keys(info, tcp_info_keys, G_N_ELEMENTS(tcp_info_keys));
    g_assert_cmpint(json_object_get_int_member(info, "retransmits"), ==, 3);
    g_assert_cmpfloat(json_object_get_double_member(info, "rtt_ms"), ==, 1.5);
    g_assert_cmpint(json_object_get_int_member(info, "cwnd"), ==, 10);
    g_assert_false(json_object_has_member(udp, "tcp_info"));
}

/* A viewer's summary has frames_decoded and end_to_end_ms per channel; a disabled channel is
 * absent. */
static void test_viewer_summary_json(void)
{
    LcFramelogRun run = {.source = "test", .channels = 1u << LC_CHAN_UDP};
    g_autoptr(LcFramelog) log = framelog_new(FRAMELOG_ROLE_VIEWER, &run, T0);
    static const char *const int_keys[] = {"frames_received", "bytes_received", "frames_decoded",
                                           "frames_corrupt",  "frames_missing", "deadline_missed"};

    g_assert_true(framelog_add_received(log, LC_CHAN_UDP, 1, 500, T0, T0 + 20000));
    g_assert_true(framelog_add_decoded(log, LC_CHAN_UDP, 1, T0 + 25000, 2000));
    g_autoptr(JsonNode) root = framelog_get_summary_json(log, T0 + 1000000);
    JsonObject *top = json_node_get_object(root);
    JsonObject *run_obj = json_object_get_object_member(top, "run");
    g_assert_cmpstr(json_object_get_string_member(run_obj, "role"), ==, "viewer");
    /* Parameters a viewer does not know are null, not 0. */
    g_assert_true(json_object_get_null_member(run_obj, "size"));
    g_assert_true(json_object_get_null_member(run_obj, "fps"));
    g_assert_true(json_object_get_null_member(run_obj, "encoder"));
    JsonObject *channels = json_object_get_object_member(top, "channels");
    g_assert_cmpuint(json_object_get_size(channels), ==, 1);
    JsonObject *udp = json_object_get_object_member(channels, "udp");
    for (guint i = 0; i < G_N_ELEMENTS(int_keys); i++)
        assert_int_member(udp, int_keys[i]);
    assert_number_object(udp, "end_to_end_ms", percentile_keys, G_N_ELEMENTS(percentile_keys),
                         FALSE);
    assert_number_object(udp, "decode_ms", percentile_keys, G_N_ELEMENTS(percentile_keys), FALSE);
    g_assert_cmpint(json_object_get_int_member(udp, "frames_decoded"), ==, 1);
    JsonObject *e2e = json_object_get_object_member(udp, "end_to_end_ms");
    g_assert_cmpfloat(json_object_get_double_member(e2e, "p50"), ==, 25.0);
    g_assert_false(json_object_has_member(udp, "rtt_ms"));
}

/* Whether two records are equal field by field (NAN equals NAN). */
static gboolean records_equal(const LcFrameRecord *a, const LcFrameRecord *b)
{
    const double am[] = {a->rtt_ms, a->one_way_ms, a->end_to_end_ms};
    const double bm[] = {b->rtt_ms, b->one_way_ms, b->end_to_end_ms};

    for (guint i = 0; i < G_N_ELEMENTS(am); i++)
        if (!(am[i] == bm[i] || (isnan(am[i]) && isnan(bm[i]))))
            return FALSE;
    /* The transfer rate is a ratio, written to the kB/s. */
    if (!(fabs(a->transfer_mb_s - b->transfer_mb_s) <= 0.0005 ||
          (isnan(a->transfer_mb_s) && isnan(b->transfer_mb_s))))
        return FALSE;
    return a->seq == b->seq && a->channel == b->channel && a->bytes == b->bytes &&
           a->capture_us == b->capture_us && a->send_us == b->send_us && a->ack_us == b->ack_us &&
           a->relay_first_us == b->relay_first_us && a->relay_last_us == b->relay_last_us &&
           a->viewer_recv_us == b->viewer_recv_us && a->decoded_us == b->decoded_us &&
           a->lost == b->lost && a->dropped == b->dropped && a->corrupt == b->corrupt &&
           a->key == b->key;
}

/* The header is the documented one; every record's row parses back to the same record. */
static void test_csv_round_trip(void)
{
    g_autoptr(LcFramelog) log = make_sender_log();
    g_autoptr(GPtrArray) records = framelog_get_records(log);

    g_assert_cmpstr(framelog_csv_get_header(), ==,
                    "seq,channel,bytes,capture_us,send_us,ack_us,relay_first_us,relay_last_us,"
                    "viewer_recv_us,decoded_us,rtt_ms,one_way_ms,end_to_end_ms,transfer_mb_s,"
                    "lost,dropped,corrupt,key");
    g_assert_cmpuint(records->len, ==, 9);
    for (guint i = 0; i < records->len; i++) {
        const LcFrameRecord *record = g_ptr_array_index(records, i);
        g_autoptr(GString) row = g_string_new(NULL);
        g_autoptr(GError) error = NULL;
        LcFrameRecord parsed;

        framelog_csv_append_row(row, record);
        g_assert_true(g_str_has_suffix(row->str, "\n"));
        g_assert_true(framelog_csv_parse_row(row->str, &parsed, &error));
        g_assert_no_error(error);
        g_assert_true(records_equal(record, &parsed));
    }
    /* Ordered by seq, then channel. */
    const LcFrameRecord *first = g_ptr_array_index(records, 0);
    const LcFrameRecord *second = g_ptr_array_index(records, 1);
    g_assert_cmpuint(first->seq, ==, 1);
    g_assert_cmpint(first->channel, ==, LC_CHAN_TCP);
    g_assert_cmpuint(second->seq, ==, 1);
    g_assert_cmpint(second->channel, ==, LC_CHAN_UDP);
    /* The key marks: frames 1 and 3 on both channels, no other. */
    for (guint i = 0; i < records->len; i++) {
        const LcFrameRecord *r = g_ptr_array_index(records, i);
        g_assert_cmpint(r->key, ==, r->seq == 1 || r->seq == 3);
    }
}

/* One known row, byte for byte: units, empty fields for unknown values, flags. */
static void test_csv_row_text(void)
{
    g_autoptr(LcFramelog) log = make_sender_log();
    g_autoptr(GString) row = g_string_new(NULL);

    framelog_csv_append_row(row, framelog_lookup(log, LC_CHAN_TCP, 2));
    g_assert_cmpstr(row->str, ==,
                    "2,tcp,2000,1700000000064000,1700000000066000,1700000000067500,"
                    "1700000000066700,1700000000066900,1700000000106000,,1.500,0.700,42.000,"
                    "1.333,0,0,0,0\n");
    g_string_truncate(row, 0);
    framelog_csv_append_row(row, framelog_lookup(log, LC_CHAN_UDP, 5));
    g_assert_cmpstr(row->str, ==, "5,udp,5000,1700000000160000,,,,,,,,,,,0,1,0,0\n");
}

/* Rows with a wrong field count, an unknown channel or a bad number are refused. */
static void test_csv_bad_rows(void)
{
    static const char *const rows[] = {
        "",
        "1,tcp,100",
        "1,sctp,100,,,,,,,,,,,,0,0,0",
        "x,tcp,100,,,,,,,,,,,,0,0,0",
        "1,tcp,100,12a,,,,,,,,,,,0,0,0",
        "1,tcp,100,,,,,,,,1.5ms,,,,0,0,0",
        "1,tcp,100,,,,,,,,,,,fast,0,0,0",
        "1,tcp,100,,,,,,,,,,,,2,0,0",
        "1,tcp,100,,,,,,,,,,,,0,0,0,extra",
    };

    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_autoptr(GError) error = NULL;
        LcFrameRecord record;

        g_test_message("row \"%s\"", rows[i]);
        g_assert_false(framelog_csv_parse_row(rows[i], &record, &error));
        g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

/* Makes a temporary directory and returns the path of name inside it. */
static char *temp_path(char **dir, const char *name)
{
    g_autoptr(GError) error = NULL;

    *dir = g_dir_make_tmp("lanconf-app-XXXXXX", &error);
    g_assert_no_error(error);
    return g_build_filename(*dir, name, NULL);
}

/* Removes a file and its temporary directory. */
static void remove_temp(const char *dir, const char *path)
{
    g_assert_cmpint(g_unlink(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

typedef gboolean (*FramelogWriter)(const LcFramelog *log, const char *path, GError **error);

/* Writes log with write into a temporary file called name, reads it back
 * and removes it; returns its text (transfer full). */
static char *write_and_read(const LcFramelog *log, const char *name, FramelogWriter write)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = temp_path(&dir, name);
    g_autoptr(GError) error = NULL;
    char *text = NULL;
    g_assert_true(write(log, path, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(path, &text, NULL, &error));
    remove_temp(dir, path);
    return text;
}

/* frames.csv on disk: the header, then one row per record. */
static void test_csv_file(void)
{
    g_autoptr(LcFramelog) log = make_sender_log();
    g_autofree char *text = write_and_read(log, "frames.csv", framelog_write_csv);
    g_autoptr(GError) error = NULL;

    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 1 + 9 + 1); /* last is the empty tail */
    g_assert_cmpstr(lines[0], ==, framelog_csv_get_header());
    g_assert_cmpstr(lines[10], ==, "");
    g_assert_false(framelog_write_csv(log, "/nonexistent-dir/frames.csv", &error));
    g_assert_nonnull(strstr(error->message, "/nonexistent-dir/frames.csv"));
}

/* intervals.ndjson: one object per line, per channel per interval, with its fields. */
static void test_intervals_ndjson(void)
{
    g_autoptr(LcFramelog) log = make_sender_log();
    LcChannelInterval out[LC_CHAN_KINDS];
    static const char *const keys[] = {
        "event",
        "role",
        "channel",
        "start",
        "end",
        "seconds",
        "frames_sent",
        "frames_acked",
        "frames_lost",
        "frames_dropped",
        "bytes_sent",
        "bytes_acked",
        "fps_acked",
        "goodput_mbps",
        "rtt_p50_ms",
        "rtt_p99_ms",
        "transfer_p50_mb_s",
    };

    g_assert_cmpuint(framelog_close_interval(log, T0 + 1000000, out), ==, 2);
    g_assert_cmpuint(framelog_close_interval(log, T0 + 2000000, out), ==, 2);
    g_autofree char *text = write_and_read(log, "intervals.ndjson", framelog_write_intervals);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 4 + 1);
    for (guint i = 0; i < 4; i++) {
        g_autoptr(JsonNode) node = parse_json(lines[i]);
        JsonObject *obj = json_node_get_object(node);
        assert_exact_keys(obj, keys, G_N_ELEMENTS(keys));
        g_assert_cmpstr(json_object_get_string_member(obj, "event"), ==, "interval");
        g_assert_cmpstr(json_object_get_string_member(obj, "channel"), ==,
                        chan_kind_name(i % LC_CHAN_KINDS));
        g_assert_cmpfloat(json_object_get_double_member(obj, "start"), ==, (double)(i / 2));
        g_assert_cmpfloat(json_object_get_double_member(obj, "end"), ==, (double)(i / 2 + 1));
    }
    g_autoptr(JsonNode) first = parse_json(lines[0]);
    JsonObject *obj = json_node_get_object(first);
    g_assert_cmpint(json_object_get_int_member(obj, "frames_acked"), ==, 4);
    g_assert_cmpfloat(json_object_get_double_member(obj, "rtt_p99_ms"), ==, 2.0);
    g_assert_cmpstr(lines[4], ==, "");
}

/* The summary file holds the same JSON as the formatter. */
static void test_summary_file(void)
{
    g_autoptr(LcFramelog) log = make_sender_log();
    g_autofree char *dir = NULL;
    g_autofree char *path = temp_path(&dir, "summary.json");
    g_autofree char *text = NULL;
    g_autofree char *expected = framelog_format_summary(log, T0 + 1000000);
    g_autoptr(GError) error = NULL;

    g_assert_true(framelog_write_summary(log, T0 + 1000000, path, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(path, &text, NULL, &error));
    g_assert_cmpstr(text, ==, expected);
    remove_temp(dir, path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/app/framelog/summary-json", test_summary_json);
    g_test_add_func("/app/framelog/viewer-summary-json", test_viewer_summary_json);
    g_test_add_func("/app/framelog/csv-round-trip", test_csv_round_trip);
    g_test_add_func("/app/framelog/csv-row-text", test_csv_row_text);
    g_test_add_func("/app/framelog/csv-bad-rows", test_csv_bad_rows);
    g_test_add_func("/app/framelog/csv-file", test_csv_file);
    g_test_add_func("/app/framelog/intervals-ndjson", test_intervals_ndjson);
    g_test_add_func("/app/framelog/summary-file", test_summary_file);
    return g_test_run();
}
