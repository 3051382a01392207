/* synth.c: a camera-like synthetic picture, for the lab. */
#include "media/synth.h"

#include <math.h>
#include <string.h>

/* The scene is a periodic tile, so that it pans forever without an edge. */
#define SYNTH_TILE        1024 /* luma tile side, a power of two */
#define SYNTH_CHROMA_TILE 512
#define SYNTH_NOISE       (1 << 16) /* sensor noise samples, drawn from per row */

/*
 * How the picture is made, tuned so that JPEG at quality 80 lands in
 * SYNTH_TARGET_BPP_MIN..MAX: the texture's contrast (luma levels at the
 * largest scale), how fast it falls with scale (1/f: amplitude halves with
 * each halving of the scale), and the sensor noise (levels, peak).
 */
#define SYNTH_CONTRAST      58.0
#define SYNTH_FALLOFF       0.72
#define SYNTH_NOISE_LEVELS  3
#define SYNTH_CHROMA_SPREAD 22.0
#define SYNTH_PAN_X         48.0 /* px/s */
#define SYNTH_PAN_Y         18.0 /* px/s */

struct LcSynth {
    gint width;
    gint height;
    guint32 seed;
    guint8 *luma;     /* SYNTH_TILE x SYNTH_TILE */
    guint8 *chroma_u; /* SYNTH_CHROMA_TILE squared */
    guint8 *chroma_v;
    gint8 *noise; /* SYNTH_NOISE + a row's worth, small signed levels */
    gint noise_len;
    gint16 *shade; /* per row of the picture: the light's gradient, levels */
};

/* A well-mixed 64-bit hash (splitmix64's finaliser). */
static guint64 synth_mix(guint64 x)
{
    x += G_GUINT64_CONSTANT(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

/* A uniform double in [-1, 1) from a hash. */
static double synth_unit(guint64 h)
{
    return (double)(h >> 11) / (double)(G_GUINT64_CONSTANT(1) << 52) - 1.0;
}

/* Smoothstep weights for value noise. */
static double synth_fade(double t)
{
    return t * t * (3.0 - 2.0 * t);
}

/*
 * Adds octaves of periodic value noise to acc (side x side): octave o has
 * cells of side >> (o + first) pixels and amplitude falloff^o. Summed, the
 * octaves give texture at every scale with an amplitude that falls with
 * frequency, as natural images do.
 */
static void synth_add_noise(double *acc, gint side, gint first, gint octaves, double falloff,
                            guint64 salt)
{
    double amplitude = 1.0;
    for (gint o = 0; o < octaves; o++, amplitude *= falloff) {
        gint cell = side >> (o + first);
        if (cell < 1)
            break;
        gint cells = side / cell;
        g_autofree double *grid = g_new(double, (gsize)cells *cells);
        for (gint i = 0; i < cells * cells; i++)
            grid[i] = synth_unit(synth_mix(salt ^ ((guint64)o << 40) ^ (guint64)i));
        for (gint y = 0; y < side; y++) {
            gint gy = y / cell;
            double fy = synth_fade((double)(y % cell) / cell);
            const double *r0 = grid + (gsize)gy * cells;
            const double *r1 = grid + (gsize)((gy + 1) % cells) * cells;
            double *row = acc + (gsize)y * side;
            for (gint x = 0; x < side; x++) {
                gint gx = x / cell, gx1 = (gx + 1) % cells;
                double fx = synth_fade((double)(x % cell) / cell);
                double top = r0[gx] + (r0[gx1] - r0[gx]) * fx;
                double bottom = r1[gx] + (r1[gx1] - r1[gx]) * fx;
                row[x] += amplitude * (top + (bottom - top) * fy);
            }
        }
    }
}

/* Turns an accumulated field into bytes around mid, scaled by gain, clamped to lo..hi. */
static guint8 *synth_quantise(const double *acc, gint side, double mid, double gain, gint lo,
                              gint hi)
{
    guint8 *out = g_malloc((gsize)side * side);
    for (gsize i = 0; i < (gsize)side * side; i++)
        out[i] = (guint8)CLAMP((gint)lround(mid + gain * acc[i]), lo, hi);
    return out;
}

/* Draws the sensor noise: roughly Gaussian (a sum of three uniforms), small. */
static void synth_make_noise(LcSynth *s)
{
    s->noise_len = SYNTH_NOISE + s->width;
    s->noise = g_malloc((gsize)s->noise_len);
    for (gint i = 0; i < s->noise_len; i++) {
        guint64 h = synth_mix(((guint64)s->seed << 32) ^ 0x5E45E ^ (guint64)i);
        double v = synth_unit(h) + synth_unit(synth_mix(h)) + synth_unit(synth_mix(h + 1));
        s->noise[i] = (gint8)CLAMP(lround(v * SYNTH_NOISE_LEVELS), -3 * SYNTH_NOISE_LEVELS,
                                   3 * SYNTH_NOISE_LEVELS);
    }
}

/* Prepares the tiles, the noise and the light for a seed. */
LcSynth *synth_new(gint width, gint height, guint32 seed)
{
    g_return_val_if_fail(width > 0 && height > 0, NULL);

    LcSynth *s = g_new0(LcSynth, 1);
    s->width = width;
    s->height = height;
    s->seed = seed;
    guint64 salt = synth_mix(seed);

    g_autofree double *acc = g_new0(double, (gsize)SYNTH_TILE *SYNTH_TILE);
    synth_add_noise(acc, SYNTH_TILE, 2, 9, SYNTH_FALLOFF, salt);
    s->luma = synth_quantise(acc, SYNTH_TILE, 118.0, SYNTH_CONTRAST, 16, 235);

    for (guint c = 0; c < 2; c++) {
        g_autofree double *cacc = g_new0(double, (gsize)SYNTH_CHROMA_TILE *SYNTH_CHROMA_TILE);
        synth_add_noise(cacc, SYNTH_CHROMA_TILE, 2, 4, 0.5, synth_mix(salt + 1 + c));
        guint8 *plane = synth_quantise(cacc, SYNTH_CHROMA_TILE, 128.0 + (c ? 6 : -8),
                                       SYNTH_CHROMA_SPREAD, 16, 240);
        if (c == 0)
            s->chroma_u = plane;
        else
            s->chroma_v = plane;
    }
    synth_make_noise(s);
    /* Light from above: the top of the picture brighter, the bottom darker. */
    s->shade = g_new(gint16, height);
    for (gint y = 0; y < height; y++)
        s->shade[y] = (gint16)lround(18.0 - 36.0 * y / MAX(height - 1, 1));
    return s;
}

/* Frees the scene. */
void synth_free(LcSynth *s)
{
    if (s == NULL)
        return;
    g_free(s->luma);
    g_free(s->chroma_u);
    g_free(s->chroma_v);
    g_free(s->noise);
    g_free(s->shade);
    g_free(s);
}

/* Copies width pixels of a periodic tile row starting at column x0 (wrapping). */
static void synth_copy_row(guint8 *dst, const guint8 *tile_row, gint tile, gint x0, gint width)
{
    gint x = 0, from = x0 & (tile - 1);
    while (x < width) {
        gint run = MIN(width - x, tile - from);
        memcpy(dst + x, tile_row + from, (gsize)run);
        x += run;
        from = 0;
    }
}

/* Where the scene and the crossing object are at time t. */
typedef struct {
    gint pan_x, pan_y; /* tile offset of the picture's top left */
    gint cx, cy, r;    /* the object: centre and radius, px */
} SynthPose;

/* The pose of frame index at fps: a slow pan, and an object crossing
 * the picture every few seconds on a wave. */
static SynthPose synth_pose(const LcSynth *s, guint64 index, gint fps)
{
    double t = (double)index / MAX(fps, 1);
    SynthPose p;
    p.pan_x = (gint)floor(SYNTH_PAN_X * t + 40.0 * sin(t * 0.9));
    p.pan_y = (gint)floor(SYNTH_PAN_Y * t + 25.0 * sin(t * 0.6));
    p.r = MAX(s->height / 6, 4);
    double span = s->width + 2.0 * p.r;
    double crossing = 4.0; /* seconds to cross */
    p.cx = (gint)(fmod(t / crossing, 1.0) * span) - p.r;
    p.cy = s->height / 2 + (gint)(s->height / 5.0 * sin(t * 1.7));
    return p;
}

/* Renders the luma plane: the panned tile, the light, the object, the noise. */
static void synth_render_luma(const LcSynth *s, const SynthPose *p, guint64 index, guint8 *y_plane,
                              gint stride)
{
    const gint mask = SYNTH_TILE - 1;
    for (gint y = 0; y < s->height; y++) {
        guint8 *row = y_plane + (gsize)y * stride;
        synth_copy_row(row, s->luma + (gsize)((y + p->pan_y) & mask) * SYNTH_TILE, SYNTH_TILE,
                       p->pan_x, s->width);
        /* The object: the same texture at half the scale, lighter, so its
         * edge and its own detail move against the background. */
        gint dy = y - p->cy;
        if (dy > -p->r && dy < p->r) {
            gint half = (gint)sqrt((double)p->r * p->r - (double)dy * dy);
            gint x0 = MAX(p->cx - half, 0), x1 = MIN(p->cx + half, s->width);
            const guint8 *src = s->luma + (gsize)((2 * dy + 331) & mask) * SYNTH_TILE;
            for (gint x = x0; x < x1; x++)
                row[x] = (guint8)MIN(src[(2 * (x - p->cx) + 517) & mask] + 40, 235);
        }
        guint64 h = synth_mix(((guint64)s->seed << 40) ^ (index << 20) ^ (guint64)y);
        const gint8 *noise = s->noise + (h % SYNTH_NOISE);
        gint shade = s->shade[y];
        for (gint x = 0; x < s->width; x++) {
            gint v = row[x] + shade + noise[x];
            row[x] = (guint8)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

/* Renders one chroma plane: the panned colour tile, the object tinted. */
static void synth_render_chroma(const LcSynth *s, const SynthPose *p, const guint8 *tile, gint tint,
                                guint8 *plane, gint stride)
{
    const gint mask = SYNTH_CHROMA_TILE - 1;
    gint cw = (s->width + 1) / 2, chh = (s->height + 1) / 2;
    for (gint y = 0; y < chh; y++) {
        guint8 *row = plane + (gsize)y * stride;
        synth_copy_row(row, tile + (gsize)((y + p->pan_y / 2) & mask) * SYNTH_CHROMA_TILE,
                       SYNTH_CHROMA_TILE, p->pan_x / 2, cw);
        gint dy = 2 * y - p->cy;
        if (dy > -p->r && dy < p->r) {
            gint half = (gint)sqrt((double)p->r * p->r - (double)dy * dy) / 2;
            gint x0 = MAX(p->cx / 2 - half, 0), x1 = MIN(p->cx / 2 + half, cw);
            for (gint x = x0; x < x1; x++)
                row[x] = (guint8)CLAMP(row[x] + tint, 16, 240);
        }
    }
}

/* Renders frame index into I420 planes. */
void synth_render(const LcSynth *s, guint64 index, gint fps, guint8 *const planes[3],
                  const gint strides[3])
{
    g_return_if_fail(s != NULL && planes != NULL && strides != NULL);

    SynthPose pose = synth_pose(s, index, fps);
    synth_render_luma(s, &pose, index, planes[0], strides[0]);
    synth_render_chroma(s, &pose, s->chroma_u, -24, planes[1], strides[1]);
    synth_render_chroma(s, &pose, s->chroma_v, 30, planes[2], strides[2]);
}

/* Parses "synthetic" or "synthetic:SEED". */
gboolean synth_parse_source(const char *text, gboolean *is_synthetic, guint32 *seed, GError **error)
{
    *is_synthetic = FALSE;
    *seed = 1;
    if (text == NULL || !g_str_has_prefix(text, "synthetic"))
        return TRUE;
    const char *rest = text + strlen("synthetic");
    if (*rest == '\0') {
        *is_synthetic = TRUE;
        return TRUE;
    }
    if (*rest != ':')
        return TRUE; /* another name that starts alike: a file */
    guint64 value = 0;
    if (!g_ascii_string_to_unsigned(rest + 1, 10, 0, G_MAXUINT32, &value, NULL)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "invalid source \"%s\": the seed after synthetic: must be a whole number "
                    "from 0 to %u",
                    text, G_MAXUINT32);
        return FALSE;
    }
    *is_synthetic = TRUE;
    *seed = (guint32)value;
    return TRUE;
}
