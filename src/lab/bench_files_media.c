/* bench_files_media.c: media first, shown (bench_files_media.h). */
#include "src/lab/bench_files_media.h"

#include "core/byte_size.h"
#include "net/linkemu/linkemu.h"
#include "net/linkemu/netns.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#define MEDIA_CAMERA_S "6"

/* lanconf-cli beside this program (the build's bin folder, or where both
 * are installed). */
static char *media_cli_path(void)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *dir = self ? g_path_get_dirname(self) : g_strdup(".");
    return g_build_filename(dir, "lanconf-cli", NULL);
}

/* Starts lanconf-cli in a namespace with arguments (NULL-terminated). */
static GSubprocess *media_cli(const char *ns, const char *config, GError **error,
                              ...) G_GNUC_NULL_TERMINATED;
static GSubprocess *media_cli(const char *ns, const char *config, GError **error, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    /* Its own configuration folder: the relay's certificate is pinned
     * there, not in the user's. */
    g_autofree char *env = g_strdup_printf("XDG_CONFIG_HOME=%s", config);
    g_autofree char *cli = media_cli_path();
    g_ptr_array_add(argv, "env");
    g_ptr_array_add(argv, env);
    g_ptr_array_add(argv, cli);
    va_list args;
    va_start(args, error);
    for (const char *a = va_arg(args, const char *); a != NULL; a = va_arg(args, const char *))
        g_ptr_array_add(argv, (gpointer)a);
    va_end(args);
    g_ptr_array_add(argv, NULL);
    return netns_spawn(ns, (const char *const *)argv->pdata,
                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE |
                           G_SUBPROCESS_FLAGS_STDIN_PIPE,
                       error);
}

/* Waits for a member; FALSE with an error when it failed. */
static gboolean media_wait(GSubprocess *p, const char *who, GError **error)
{
    if (!g_subprocess_wait(p, NULL, error))
        return FALSE;
    if (!g_subprocess_get_if_exited(p) || g_subprocess_get_exit_status(p) != 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s (lanconf-cli) failed", who);
        return FALSE;
    }
    return TRUE;
}

/* Reads the viewer's summary: fps and end-to-end delay of its TCP channel. */
static gboolean media_read_view(const char *path, LcBenchFilesMedia *m, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_file(parser, path, error))
        return FALSE;
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *channels = json_object_get_object_member(root, "channels");
    JsonObject *tcp = channels ? json_object_get_object_member(channels, "tcp") : NULL;
    JsonObject *e2e = tcp ? json_object_get_object_member(tcp, "end_to_end_ms") : NULL;
    if (e2e == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no TCP channel figures", path);
        return FALSE;
    }
    m->fps = json_object_get_double_member(tcp, "fps_decoded");
    m->e2e_p50_ms = json_object_get_double_member(e2e, "p50");
    m->e2e_p99_ms = json_object_get_double_member(e2e, "p99");
    return TRUE;
}

/* One phase: the camera and its viewer, and a file beside them unless
 * rate is NULL ("0": not held). */
static gboolean media_phase(const char *sender_ns, const char *far_ns, const char *server,
                            const char *file, const char *rate, const char *dir, guint phase,
                            LcBenchFilesMedia *m, GError **error)
{
    g_autofree char *config = g_build_filename(dir, "cli-config", NULL);
    g_autofree char *view_json = g_strdup_printf("%s/camera-%u.json", dir, phase);
    g_autofree char *in = g_strdup_printf("%s/received-%u", dir, phase);
    g_autofree char *viewer_nick = g_strdup_printf("viewer%u", phase);
    g_autofree char *taker_nick = g_strdup_printf("taker%u", phase);
    g_autofree char *cam_nick = g_strdup_printf("cam%u", phase);
    g_mkdir_with_parents(config, 0700);
    g_autoptr(GSubprocess) viewer = media_cli(
        far_ns, config, error, "--server", server, "--nick", viewer_nick, "--view", cam_nick,
        "--headless", "--duration", "10", "--summary", view_json, "--timeout", "60", NULL);
    if (viewer == NULL)
        return FALSE;
    g_autoptr(GSubprocess) taker = NULL;
    if (rate != NULL) {
        g_mkdir_with_parents(in, 0700);
        taker = media_cli(far_ns, config, error, "--server", server, "--nick", taker_nick,
                          "--accept-files", in, "--files", "1", "--timeout", "120", NULL);
        if (taker == NULL)
            return FALSE;
    }
    g_usleep(1500000); /* the viewer and the taker join */
    gint64 start = g_get_monotonic_time();
    g_autoptr(GSubprocess) cam =
        rate == NULL
            ? media_cli(sender_ns, config, error, "--server", server, "--nick", cam_nick,
                        "--camera", "test", "--duration", MEDIA_CAMERA_S, "--timeout", "120", NULL)
            : media_cli(sender_ns, config, error, "--server", server, "--nick", cam_nick,
                        "--camera", "test", "--duration", MEDIA_CAMERA_S, "--send-file", file,
                        "--to", taker_nick, "--file-rate-with-media", rate, "--timeout", "120",
                        NULL);
    if (cam == NULL)
        return FALSE;
    if (taker != NULL) {
        if (!media_wait(taker, "the file's receiver", error))
            return FALSE;
        m->file_s = (double)(g_get_monotonic_time() - start) / 1e6;
    }
    if (!media_wait(cam, "the camera", error) || !media_wait(viewer, "the viewer", error))
        return FALSE;
    g_autofree char *base = g_path_get_basename(file);
    g_autofree char *got = g_build_filename(in, base, NULL);
    g_unlink(got);
    g_rmdir(in);
    return media_read_view(view_json, m, error);
}

/* The three phases. */
gboolean bench_files_media_run(const char *sender_ns, const char *far_ns, guint16 port,
                               const char *file, guint64 file_size, const char *held_rate,
                               const char *dir, LcBenchFilesMedia out[3], GError **error)
{
    g_autofree char *server = g_strdup_printf("%s:%u", LINKEMU_ADDR_B, port);
    static const char *const names[] = {"camera alone", "file held", "file not held"};
    const char *rates[] = {NULL, held_rate, "0"};
    for (guint i = 0; i < 3; i++) {
        out[i] = (LcBenchFilesMedia){.name = names[i]};
        if (!media_phase(sender_ns, far_ns, server, file, rates[i], dir, i, &out[i], error)) {
            g_prefix_error(error, "--with-camera, %s: ", names[i]);
            return FALSE;
        }
    }
    (void)file_size;
    return TRUE;
}

/* The table. */
void bench_files_media_print(const LcBenchFilesMedia m[3], const char *held_rate)
{
    printf("\nmedia first: a test camera (640x480, 30 fps) from the sender to a viewer beyond "
           "its link, alone and with a file beside it\n");
    printf("%-14s %8s %13s %13s %12s\n", "", "fps", "e2e p50 ms", "e2e p99 ms", "file took s");
    for (guint i = 0; i < 3; i++) {
        g_autofree char *took =
            m[i].file_s > 0 ? g_strdup_printf("%.1f", m[i].file_s) : g_strdup("-");
        printf("%-14s %8.1f %13.1f %13.1f %12s\n", m[i].name, m[i].fps, m[i].e2e_p50_ms,
               m[i].e2e_p99_ms, took);
    }
    printf("(held: %s/s per file while the room has a camera on; not held: "
           "--file-rate-with-media 0)\n",
           held_rate);
}
