/* synth.h: a camera-like synthetic picture, for the lab.
 *
 * The ball of videotestsrc costs a JPEG encoder almost nothing (about 0.15
 * bits per pixel at quality 80), so a link that carries it says little about
 * one that carries a real camera. This source has what a camera's pictures
 * have: texture at every scale with the 1/f spectrum of natural images,
 * soft colour, a light gradient, sensor noise, a slow pan of the whole
 * scene and an object crossing it. At JPEG quality 80 it costs about what a
 * webcam's MJPEG does, 1 to 1.5 bits per pixel (tests/media/test-synth.c
 * measures it; the README's lab section quotes the figures).
 *
 * Every picture is a pure function of the seed and the frame number, so a
 * run can be repeated exactly. Rendering is plain C on the caller's thread:
 * a few milliseconds a frame at 1920x1080.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The bits per pixel the source aims at, JPEG quality 80 (for tests and docs). */
#define SYNTH_TARGET_BPP_MIN 1.0
#define SYNTH_TARGET_BPP_MAX 1.5

typedef struct LcSynth LcSynth;

/* Prepares the scene for width x height pictures from seed. */
LcSynth *synth_new(gint width, gint height, guint32 seed);

/* Frees the scene. NULL is ignored. */
void synth_free(LcSynth *synth);

/* Renders frame number index (0 first) of a stream at fps into I420
 * planes (Y full size, U and V halved, rounding up), with their strides. */
void synth_render(const LcSynth *synth, guint64 index, gint fps, guint8 *const planes[3],
                  const gint strides[3]);

/* Parses a source name: "synthetic" (seed 1) or "synthetic:SEED"; FALSE
 * when text names another source. A bad seed is an error. */
gboolean synth_parse_source(const char *text, gboolean *is_synthetic, guint32 *seed,
                            GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcSynth, synth_free)

G_END_DECLS
