/* bench_tjbench.c: tjbench, libjpeg-turbo's benchmark, as the anchor for
 * the JPEG back-ends' speed. The turbojpeg back-end compresses from planar
 * YUV, so tjbench runs with -yuv and its "Comp from YUV" rate is the one
 * compared: the same library, the same picture, the same quality and
 * subsampling, timed by its own authors' program. */
#include "src/lab/bench_tjbench.h"

#include "media/frame.h"
#include "media/synth.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

/* Writes the synthetic camera's first picture as a PPM file. */
static gboolean tjbench_write_picture(const char *path, gint width, gint height, GError **error)
{
    guint8 *planes[3];
    g_autoptr(LcRawFrame) raw = raw_frame_new_i420(width, height, planes);
    g_autoptr(LcSynth) synth = synth_new(width, height, 1);
    synth_render(synth, 0, 30, planes, raw->strides);
    g_autofree guint8 *rgb = g_malloc((gsize)width * height * 3);
    const unsigned char *src[3] = {planes[0], planes[1], planes[2]};
    int strides[3] = {raw->strides[0], raw->strides[1], raw->strides[2]};
    tjhandle handle = tjInitDecompress();
    gboolean ok = handle != NULL &&
                  tjDecodeYUVPlanes(handle, src, strides, TJSAMP_420, rgb, width, 0, height,
                                    TJPF_RGB, 0) == 0 &&
                  tjSaveImage(path, rgb, width, 0, height, TJPF_RGB, 0) == 0;
    if (!ok)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s: %s", path,
                    tjGetErrorStr2(handle));
    if (handle != NULL)
        tjDestroy(handle);
    return ok;
}

/* The number after `key` in tjbench's report; NAN when absent. */
static double tjbench_find_number(const char *text, const char *key)
{
    const char *at = strstr(text, key);
    if (at == NULL)
        return NAN;
    at += strlen(key);
    while (*at == ' ')
        at++;
    char *end = NULL;
    double value = g_ascii_strtod(at, &end);
    return end == at ? NAN : value;
}

/* The installed libjpeg-turbo-progs version, or NULL. */
static char *tjbench_get_version(void)
{
    g_autofree char *out = NULL;
    const char *argv[] = {"dpkg-query", "-W", "-f", "${Version}", "libjpeg-turbo-progs", NULL};
    gint status = 0;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL) || out == NULL || *out == '\0')
        return NULL;
    return g_strdup(g_strstrip(out));
}

/* Runs tjbench on the synthetic picture; see the header. */
gboolean bench_tjbench_run(gint width, gint height, gint quality, double seconds,
                           LcTjbenchResult *out, GError **error)
{
    memset(out, 0, sizeof *out);
    g_autofree char *program = g_find_program_in_path("tjbench");
    if (program == NULL) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                            "tjbench is not installed (libjpeg-turbo-progs; "
                            "scripts/install-deps.sh installs it)");
        return FALSE;
    }
    g_autofree char *dir = g_dir_make_tmp("lanconf-tjbench-XXXXXX", error);
    if (dir == NULL)
        return FALSE;
    g_autofree char *path = g_build_filename(dir, "picture.ppm", NULL);
    gboolean ok = FALSE;
    if (tjbench_write_picture(path, width, height, error)) {
        g_autofree char *q = g_strdup_printf("%d", quality);
        char time_text[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_dtostr(time_text, sizeof time_text, seconds);
        const char *argv[] = {program, path,         q,          "-subsamp", "420",
                              "-yuv",  "-componly",  "-nowrite", "-rgb",     "-warmup",
                              "0.5",   "-benchtime", time_text,  NULL};
        g_autofree char *text = NULL, *err = NULL;
        gint status = 0;
        /* tjbench writes nothing with -nowrite, but runs in the scratch
         * directory all the same. */
        if (g_spawn_sync(dir, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &text, &err,
                         &status, error)) {
            double fps = tjbench_find_number(text, "Comp from YUV --> Frame rate:");
            if (!g_spawn_check_wait_status(status, NULL) || !isfinite(fps) || fps <= 0)
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                            "tjbench failed or printed no \"Comp from YUV\" rate: %s",
                            err != NULL && *err != '\0' ? g_strstrip(err) : "(no message)");
            else {
                out->fps = fps;
                out->version = tjbench_get_version();
                ok = TRUE;
            }
        }
    }
    g_unlink(path);
    g_rmdir(dir);
    return ok;
}
