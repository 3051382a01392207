/* test-media-first.c: a file goes while a camera streams from the same
 * client (lanconf-relay and lanconf-cli as processes): the file is held to
 * the rate for files while media flows, and the camera's viewer decodes
 * its frames at the camera's rate all the same; once the camera stops the
 * file goes at full speed and arrives whole. */
#include "tests/net/cli-harness.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The summary a lanconf-cli wrote. */
static JsonObject *load_summary(JsonParser *parser, const char *path)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_file(parser, path, &error));
    return json_node_get_object(json_parser_get_root(parser));
}

/* The largest rate (MiB/s) of the sender's progress lines while the camera
 * ran (before its last per-second report), or 0. */
static double sending_rate_during(const char *err)
{
    double most = 0;
    g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
    guint last_report = 0;
    for (guint i = 0; lines[i] != NULL; i++)
        if (strstr(lines[i], " send tcp:") != NULL)
            last_report = i;
    for (guint i = 0; i < last_report; i++) {
        if (strstr(lines[i], "sending data.bin to bob") == NULL)
            continue;
        const char *rate = strstr(lines[i], " MiB/s");
        if (rate == NULL)
            continue;
        const char *start = rate;
        while (start > lines[i] && (g_ascii_isdigit(start[-1]) || start[-1] == '.'))
            start--;
        most = MAX(most, g_ascii_strtod(start, NULL));
    }
    return most;
}

static void test_camera_and_file(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autofree char *data = g_build_filename(r.dir, "data.bin", NULL);
    g_autofree char *in = g_build_filename(r.dir, "in", NULL);
    g_mkdir_with_parents(in, 0700);
    gsize size = 40 * 1024 * 1024;
    g_autofree char *bytes = g_malloc(size);
    for (gsize i = 0; i < size; i++)
        bytes[i] = (char)(i * 7 + i / 4096);
    g_assert_true(g_file_set_contents(data, bytes, (gssize)size, NULL));
    g_autofree char *view_json = g_build_filename(r.dir, "view.json", NULL);
    g_autofree char *send_json = g_build_filename(r.dir, "send.json", NULL);

    g_autoptr(GSubprocess) bob = cli_spawn("--server", server, "--nick", "bob", "--accept-files",
                                           in, "--files", "1", "--timeout", "60", NULL);
    g_autoptr(GSubprocess) viewer =
        cli_spawn("--server", server, "--nick", "watcher", "--view", "cam", "--headless",
                  "--duration", "12", "--summary", view_json, "--timeout", "40", NULL);
    g_usleep(1000000);
    /* The camera first, then the file, from one client. */
    g_autoptr(GSubprocess) cam =
        cli_spawn("--server", server, "--nick", "cam", "--camera", "test", "--size", "320x240",
                  "--quality", "50", "--duration", "8", "--summary", send_json, "--send-file", data,
                  "--to", "bob", "--file-rate-with-media", "2M", "--timeout", "60", NULL);
    g_autofree char *c_err = NULL, *b_err = NULL, *v_err = NULL;
    g_assert_cmpint(cli_finish(cam, NULL, NULL, &c_err), ==, 0);
    g_assert_cmpint(cli_finish(bob, NULL, NULL, &b_err), ==, 0);
    g_assert_cmpint(cli_finish(viewer, NULL, NULL, &v_err), ==, 0);
    g_test_message("camera and sender:\n%s", c_err);

    /* The file arrived whole (its SHA-256 checked by bob). */
    g_assert_nonnull(strstr(b_err, "received data.bin from cam"));
    g_autofree char *got_path = g_build_filename(in, "data.bin", NULL);
    g_autofree char *got = NULL;
    gsize got_len = 0;
    g_assert_true(g_file_get_contents(got_path, &got, &got_len, NULL));
    g_assert_cmpuint(got_len, ==, size);
    g_assert_true(memcmp(got, bytes, size) == 0);

    /* While the camera ran the file went at the rate for files with media
     * (2 MiB/s; the progress lines' rate blends two readings). */
    double rate = sending_rate_during(c_err);
    g_assert_cmpfloat(rate, >, 0);
    g_assert_cmpfloat(rate, <, 3.0);

    /* The viewer decoded the camera's 30 fps while it flowed. */
    g_autoptr(JsonParser) vp = json_parser_new();
    JsonObject *seen = json_object_get_object_member(load_summary(vp, view_json), "channels");
    JsonObject *tcp = json_object_get_object_member(seen, "tcp");
    double fps = json_object_get_double_member(tcp, "fps_decoded");
    g_test_message("viewer: %.1f fps decoded on TCP while a file went", fps);
    g_assert_cmpfloat(fps, >, CLI_SANITIZED ? 1.0 : 26.0);
    relay_stop(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/files/media-first/camera-and-file", test_camera_and_file);
    return g_test_run();
}
