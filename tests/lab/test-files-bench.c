/* test-files-bench.c: `lanconf-bench files` end to end, as root: one file
 * to 1, 2 and 4 receivers through the relay and as a swarm, the sender's
 * link held to 20 Mbit/s. The client/server time grows with the receivers,
 * the swarm's does not, and at 4 receivers the swarm is the faster, its
 * sender uploading about one copy. Wrong options are refused. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "../bench-json.h"

/* A run of summary.json by way and receivers. */
static JsonObject *find_run(JsonArray *runs, const char *way, gint64 receivers)
{
    for (guint i = 0; i < json_array_get_length(runs); i++) {
        JsonObject *r = json_array_get_object_element(runs, i);
        if (g_strcmp0(json_object_get_string_member(r, "way"), way) == 0 &&
            json_object_get_int_member(r, "receivers") == receivers)
            return r;
    }
    g_assert_not_reached();
}

static void test_ordering(void)
{
    if (geteuid() != 0 || !g_file_test("/dev/net/tun", G_FILE_TEST_EXISTS)) {
        g_test_skip("emulated links need root and /dev/net/tun");
        return;
    }
    g_autofree char *dir = g_dir_make_tmp("lanconf-files-bench-XXXXXX", NULL);
    const char *args[] = {
        "files",  "--size",      "4M",    "--receivers", "4", "--link", "rate=20mbit,delay=1ms",
        "--ways", "relay,swarm", "--out", dir,           NULL};
    g_autofree char *out = bench_run_out(args);
    g_test_message("%s", out);
    g_assert_nonnull(strstr(out, "sooner than the relay"));
    g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_file(parser, path, &error));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonArray *runs = json_object_get_array_member(root, "runs");
    g_assert_cmpuint(json_array_get_length(runs), ==, 6);
    for (guint i = 0; i < json_array_get_length(runs); i++)
        g_assert_cmpint(
            json_object_get_int_member(json_array_get_object_element(runs, i), "failed"), ==, 0);
    JsonObject *relay1 = find_run(runs, "relay", 1), *relay4 = find_run(runs, "relay", 4);
    JsonObject *swarm4 = find_run(runs, "swarm", 4);
    double r1 = json_object_get_double_member(relay1, "time_s");
    double r4 = json_object_get_double_member(relay4, "time_s");
    double s4 = json_object_get_double_member(swarm4, "time_s");
    /* Client/server grows with the receivers (four copies up one link);
     * the swarm at four is faster than the relay at four, and not far
     * from one copy's time. */
    g_assert_cmpfloat(r4, >, 3.0 * r1);
    g_assert_cmpfloat(s4, <, r4 / 2);
    g_assert_cmpfloat(s4, <, 2.0 * r1);
    g_assert_cmpfloat(json_object_get_double_member(relay4, "sender_copies"), >=, 3.99);
    g_assert_cmpfloat(json_object_get_double_member(swarm4, "sender_copies"), <, 1.5);
    g_assert_cmpfloat(json_object_get_double_member(swarm4, "receivers_copies"), >=, 2.5);
    /* The anchor ran, and the plots were drawn. */
    JsonObject *anchor = json_object_get_object_member(root, "anchor");
    g_assert_cmpfloat(json_object_get_double_member(anchor, "iperf3_one_copy_s"), >, 0);
    const char *files[] = {"files.csv", "time_to_all.png", "uploaded.png", "time_to_all.gp"};
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        g_assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
        g_remove(p);
    }
    const char *rest[] = {"files.dat", "summary.json", "uploaded.gp"};
    for (guint i = 0; i < G_N_ELEMENTS(rest); i++) {
        g_autofree char *p = g_build_filename(dir, rest[i], NULL);
        g_remove(p);
    }
    g_rmdir(dir);
}

/* Wrong options: a usage error (exit 2) naming the option. */
static void test_bad_options(void)
{
    const char *bad[][2] = {{"--size", "lots"}, {"--ways", "pigeon"}, {"--receivers", "0"}};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p = g_subprocess_new(
            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
            LANCONF_BIN_DIR "/lanconf-bench", "files", bad[i][0], bad[i][1], NULL);
        g_assert_no_error(error);
        g_autofree char *err = NULL;
        g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, NULL, &err, &error));
        g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 2);
        g_assert_nonnull(strstr(err, bad[i][0]));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lab/files/ordering", test_ordering);
    g_test_add_func("/lab/files/bad-options", test_bad_options);
    return g_test_run();
}
