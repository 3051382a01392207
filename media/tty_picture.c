/* tty_picture.c: a frame into character cells with libchafa. */
#include "media/tty_picture.h"

#include <chafa.h>
#include <string.h>

struct LcTtyPicture {
    guint8 *rgb; /* the kept frame, 3 bytes a pixel, rows packed */
    gint width, height;
    guint64 serial; /* bumped by every frame */
    ChafaCanvas *canvas;
    ChafaSymbolMap *symbols;
    guint64 drawn_serial; /* what the canvas holds */
    gint cols, rows;
    LcTtyColors colors;
    gboolean fg_only;
    ChafaTermInfo *term;       /* the environment's terminal, looked up on the first print */
    ChafaTermInfo *sixel_term; /* the same with chafa's sixel sequences where it lacks them */
};

/* Creates an empty picture. */
LcTtyPicture *tty_picture_new(void)
{
    LcTtyPicture *picture = g_new0(LcTtyPicture, 1);
    picture->symbols = chafa_symbol_map_new();
    /* Blocks (half blocks, quadrants, shades) and the space: they render
     * alike in every font, and a cell's two colours carry most of it. */
    chafa_symbol_map_add_by_tags(picture->symbols, CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_SPACE);
    return picture;
}

/* Frees the picture. */
void tty_picture_free(LcTtyPicture *picture)
{
    if (picture == NULL)
        return;
    g_clear_pointer(&picture->canvas, chafa_canvas_unref);
    g_clear_pointer(&picture->term, chafa_term_info_unref);
    g_clear_pointer(&picture->sixel_term, chafa_term_info_unref);
    chafa_symbol_map_unref(picture->symbols);
    g_free(picture->rgb);
    g_free(picture);
}

/* Clamps to a byte. */
static inline guint8 tty_picture_clamp(int v)
{
    return (guint8)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/*
 * Keeps a frame in RGB at most TTY_PICTURE_MAX_W x TTY_PICTURE_MAX_H,
 * sampling the nearest pixel (chafa averages again when it fits the cells).
 * The decoder's I420 is JPEG's: full-range BT.601.
 */
void tty_picture_set_frame(LcTtyPicture *picture, const LcRawFrame *frame)
{
    if (frame == NULL || frame->width <= 0 || frame->height <= 0)
        return;
    double scale = MIN(1.0, MIN((double)TTY_PICTURE_MAX_W / frame->width,
                                (double)TTY_PICTURE_MAX_H / frame->height));
    gint w = MAX(1, (gint)(frame->width * scale));
    gint h = MAX(1, (gint)(frame->height * scale));
    if (w != picture->width || h != picture->height) {
        g_free(picture->rgb);
        picture->rgb = g_malloc((gsize)w * h * 3);
        picture->width = w;
        picture->height = h;
    }
    for (gint y = 0; y < h; y++) {
        gint sy = (gint)((gint64)y * frame->height / h);
        const guint8 *yrow = frame->planes[0] + (gsize)sy * frame->strides[0];
        const guint8 *urow = frame->planes[1] + (gsize)(sy / 2) * frame->strides[1];
        const guint8 *vrow = frame->planes[2] + (gsize)(sy / 2) * frame->strides[2];
        guint8 *out = picture->rgb + (gsize)y * w * 3;
        for (gint x = 0; x < w; x++) {
            gint sx = (gint)((gint64)x * frame->width / w);
            int Y = yrow[sx], U = urow[sx / 2] - 128, V = vrow[sx / 2] - 128;
            /* Fixed point, 16 bits: 1.402, 0.344136, 0.714136, 1.772. */
            out[3 * x] = tty_picture_clamp(Y + ((91881 * V) >> 16));
            out[3 * x + 1] = tty_picture_clamp(Y - ((22554 * U + 46802 * V) >> 16));
            out[3 * x + 2] = tty_picture_clamp(Y + ((116130 * U) >> 16));
        }
    }
    picture->serial++;
}

/* Whether a frame is kept. */
gboolean tty_picture_has_frame(const LcTtyPicture *picture)
{
    return picture->rgb != NULL;
}

/* Forgets the frame. */
void tty_picture_clear(LcTtyPicture *picture)
{
    g_clear_pointer(&picture->rgb, g_free);
    picture->width = picture->height = 0;
    picture->serial++;
}

/* The colours of a terminal with that many. */
LcTtyColors tty_picture_colors_for(gint colors)
{
    if (colors >= 1 << 24)
        return TTY_COLORS_TRUE;
    if (colors >= 256)
        return TTY_COLORS_240;
    if (colors >= 16)
        return TTY_COLORS_16;
    if (colors >= 8)
        return TTY_COLORS_8;
    return TTY_COLORS_NONE;
}

/* The terminal's colours, from the sequences chafa knows it has. */
LcTtyColors tty_picture_colors_from_env(void)
{
    g_auto(GStrv) env = g_get_environ();
    ChafaTermInfo *term = chafa_term_db_detect(chafa_term_db_get_default(), env);
    LcTtyColors colors = TTY_COLORS_NONE;
    if (chafa_term_info_have_seq(term, CHAFA_TERM_SEQ_SET_COLOR_FG_DIRECT))
        colors = TTY_COLORS_TRUE;
    else if (chafa_term_info_have_seq(term, CHAFA_TERM_SEQ_SET_COLOR_FG_256))
        colors = TTY_COLORS_240;
    else if (chafa_term_info_have_seq(term, CHAFA_TERM_SEQ_SET_COLOR_FG_16))
        colors = TTY_COLORS_16;
    else if (chafa_term_info_have_seq(term, CHAFA_TERM_SEQ_SET_COLOR_FG_8))
        colors = TTY_COLORS_8;
    chafa_term_info_unref(term);
    return colors;
}

/* Chafa's canvas mode for a colour set. */
static ChafaCanvasMode tty_picture_mode(LcTtyColors colors)
{
    switch (colors) {
    case TTY_COLORS_NONE:
        return CHAFA_CANVAS_MODE_FGBG;
    case TTY_COLORS_8:
        return CHAFA_CANVAS_MODE_INDEXED_8;
    case TTY_COLORS_16:
        return CHAFA_CANVAS_MODE_INDEXED_16;
    case TTY_COLORS_240:
        return CHAFA_CANVAS_MODE_INDEXED_240;
    case TTY_COLORS_TRUE:
        break;
    }
    return CHAFA_CANVAS_MODE_TRUECOLOR;
}

/* Draws the frame into the cells that fit. */
gboolean tty_picture_render(LcTtyPicture *picture, gint cols, gint rows, LcTtyColors colors,
                            gboolean fg_only, gint *used_cols, gint *used_rows)
{
    *used_cols = *used_rows = 0;
    if (picture->rgb == NULL || cols < 1 || rows < 1)
        return FALSE;
    gint w = cols, h = rows;
    /* A cell is about twice as tall as wide. */
    chafa_calc_canvas_geometry(picture->width, picture->height, &w, &h, 0.5f, TRUE, FALSE);
    w = CLAMP(w, 1, cols);
    h = CLAMP(h, 1, rows);
    gboolean same_shape = picture->canvas != NULL && w == picture->cols && h == picture->rows &&
                          colors == picture->colors && fg_only == picture->fg_only;
    if (same_shape && picture->drawn_serial == picture->serial) {
        *used_cols = w;
        *used_rows = h;
        return TRUE;
    }
    if (!same_shape) {
        g_clear_pointer(&picture->canvas, chafa_canvas_unref);
        ChafaCanvasConfig *config = chafa_canvas_config_new();
        chafa_canvas_config_set_geometry(config, w, h);
        chafa_canvas_config_set_canvas_mode(config, tty_picture_mode(colors));
        chafa_canvas_config_set_symbol_map(config, picture->symbols);
        chafa_canvas_config_set_fg_only_enabled(config, fg_only);
        /* Every frame is new: no work on matching symbols finely. */
        chafa_canvas_config_set_work_factor(config, 0.2f);
        picture->canvas = chafa_canvas_new(config);
        chafa_canvas_config_unref(config);
        picture->cols = w;
        picture->rows = h;
        picture->colors = colors;
        picture->fg_only = fg_only;
    }
    chafa_canvas_draw_all_pixels(picture->canvas, CHAFA_PIXEL_RGB8, picture->rgb, picture->width,
                                 picture->height, picture->width * 3);
    picture->drawn_serial = picture->serial;
    *used_cols = w;
    *used_rows = h;
    return TRUE;
}

/* A cell of the last render. */
gunichar tty_picture_get_cell(LcTtyPicture *picture, gint x, gint y, gint *fg, gint *bg)
{
    *fg = *bg = -1;
    if (picture->canvas == NULL || x < 0 || y < 0 || x >= picture->cols || y >= picture->rows)
        return ' ';
    if (picture->colors == TTY_COLORS_TRUE)
        chafa_canvas_get_colors_at(picture->canvas, x, y, fg, bg);
    else if (picture->colors != TTY_COLORS_NONE)
        chafa_canvas_get_raw_colors_at(picture->canvas, x, y, fg, bg);
    return chafa_canvas_get_char_at(picture->canvas, x, y);
}

/* The last render with escape sequences. */
GString *tty_picture_print(LcTtyPicture *picture)
{
    GString *out = g_string_new(NULL);
    if (picture->canvas == NULL)
        return out;
    if (picture->term == NULL) {
        g_auto(GStrv) env = g_get_environ();
        picture->term = chafa_term_db_detect(chafa_term_db_get_default(), env);
    }
    g_autoptr(GString) canvas = chafa_canvas_print(picture->canvas, picture->term);
    /* Each row ends with the colours reset, so that whatever is printed
     * after a row starts clean. */
    g_auto(GStrv) lines = g_strsplit(canvas->str, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf(out, "%s\033[0m\033[K\n", lines[i]);
    return out;
}

/* Whether the terminal shows sixel pictures, as chafa's database knows it
 * (mlterm, foot, yaft and the like; xterm only when started with them). */
gboolean tty_picture_sixels_from_env(void)
{
    g_auto(GStrv) env = g_get_environ();
    ChafaTermInfo *term = chafa_term_db_detect(chafa_term_db_get_default(), env);
    gboolean sixels = chafa_term_info_have_seq(term, CHAFA_TERM_SEQ_BEGIN_SIXELS);
    chafa_term_info_unref(term);
    return sixels;
}

/*
 * The kept frame as one sixel picture over at most cols x rows cells of
 * cell_w x cell_h pixels, its shape kept. A sixel picture has the pixels a
 * block symbol only suggests, at the cost of some 10 to 50 times the bytes:
 * for a terminal that has them and a link that carries them. The sequences
 * are chafa's; a terminal the environment does not say has sixels gets them
 * all the same (the caller asked for them).
 */
GString *tty_picture_print_sixels(LcTtyPicture *picture, gint cols, gint rows, gint cell_w,
                                  gint cell_h, gint *used_rows)
{
    *used_rows = 0;
    if (picture->rgb == NULL || cols < 1 || rows < 1 || cell_w < 1 || cell_h < 1)
        return NULL;
    gint w = cols, h = rows;
    chafa_calc_canvas_geometry(picture->width, picture->height, &w, &h,
                               (gfloat)cell_w / (gfloat)cell_h, TRUE, FALSE);
    w = CLAMP(w, 1, cols);
    h = CLAMP(h, 1, rows);
    ChafaCanvasConfig *config = chafa_canvas_config_new();
    chafa_canvas_config_set_geometry(config, w, h);
    chafa_canvas_config_set_cell_geometry(config, cell_w, cell_h);
    chafa_canvas_config_set_pixel_mode(config, CHAFA_PIXEL_MODE_SIXELS);
    chafa_canvas_config_set_canvas_mode(config, CHAFA_CANVAS_MODE_TRUECOLOR);
    ChafaCanvas *canvas = chafa_canvas_new(config);
    chafa_canvas_config_unref(config);
    chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, picture->rgb, picture->width,
                                 picture->height, picture->width * 3);
    if (picture->sixel_term == NULL) {
        g_auto(GStrv) env = g_get_environ();
        ChafaTermDb *db = chafa_term_db_get_default();
        picture->sixel_term = chafa_term_db_detect(db, env);
        ChafaTermInfo *fallback = chafa_term_db_get_fallback_info(db);
        chafa_term_info_supplement(picture->sixel_term, fallback);
        chafa_term_info_unref(fallback);
    }
    GString *out = chafa_canvas_print(canvas, picture->sixel_term);
    chafa_canvas_unref(canvas);
    *used_rows = h;
    return out;
}
