/* bench_tjbench.h: the anchor for `lanconf-bench encoders --speed`:
 * libjpeg-turbo's own benchmark, tjbench, on the same picture. */
#pragma once

#include <glib.h>

/* What tjbench measured. */
typedef struct {
    double fps;    /* "Comp from YUV" frames per second, one thread */
    char *version; /* the libjpeg-turbo package's, or NULL */
} LcTjbenchResult;

/* Runs tjbench on the synthetic camera's first picture at width x height
 * (JPEG quality, 4:2:0, compressing from planar YUV as the turbojpeg
 * back-end does) for about `seconds`; FALSE with an error when tjbench is
 * missing or fails. */
gboolean bench_tjbench_run(gint width, gint height, gint quality, double seconds,
                           LcTjbenchResult *out, GError **error);
