/* test-tty-picture.c: pictures drawn with characters (libchafa): the colours
 * land where the picture has them, the shape is kept, a frame drawn again
 * at the same size is the same, and the printed form is one line per row. */
#include "media/synth.h"
#include "media/tty_picture.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* A full-range I420 frame: the left half red, the right half blue. */
static LcRawFrame *red_blue_frame(gint width, gint height)
{
    guint8 *planes[3];
    LcRawFrame *frame = raw_frame_new_i420(width, height, planes);
    for (guint p = 0; p < 3; p++) {
        gint pw = raw_frame_plane_width(width, p), ph = raw_frame_plane_height(height, p);
        /* Red: Y 76, U 85, V 255; blue: Y 29, U 255, V 107. */
        const guint8 red[3] = {76, 85, 255}, blue[3] = {29, 255, 107};
        for (gint y = 0; y < ph; y++)
            for (gint x = 0; x < pw; x++)
                planes[p][y * frame->strides[p] + x] = x < pw / 2 ? red[p] : blue[p];
    }
    return frame;
}

/* The red and blue halves come out red and blue, in true colour and in the
 * 240-colour palette (xterm's 196 is #ff0000, 21 is #0000ff). */
static void test_colours_in_place(void)
{
    g_autoptr(LcRawFrame) frame = red_blue_frame(640, 480);
    g_autoptr(LcTtyPicture) picture = tty_picture_new();
    g_assert_false(tty_picture_has_frame(picture));
    gint cols = 0, rows = 0;
    g_assert_false(tty_picture_render(picture, 40, 15, TTY_COLORS_TRUE, FALSE, &cols, &rows));
    tty_picture_set_frame(picture, frame);
    g_assert_true(tty_picture_has_frame(picture));
    g_assert_true(tty_picture_render(picture, 40, 15, TTY_COLORS_TRUE, FALSE, &cols, &rows));
    g_test_message("640x480 into 40x15: %dx%d cells", cols, rows);
    g_assert_cmpint(rows, ==, 15);
    g_assert_cmpint(cols, >=, 38);
    for (gint y = 0; y < rows; y++) {
        gint fg, bg;
        tty_picture_get_cell(picture, 2, y, &fg, &bg);
        g_assert_cmpint((bg >> 16) & 0xff, >, 200); /* red */
        g_assert_cmpint(bg & 0xff, <, 60);
        tty_picture_get_cell(picture, cols - 3, y, &fg, &bg);
        g_assert_cmpint(bg & 0xff, >, 200); /* blue */
        g_assert_cmpint((bg >> 16) & 0xff, <, 60);
    }
    g_assert_true(tty_picture_render(picture, 40, 15, TTY_COLORS_240, FALSE, &cols, &rows));
    gint fg, bg;
    gunichar c = tty_picture_get_cell(picture, 1, 1, &fg, &bg);
    g_test_message("240 colours: left U+%04X fg %d bg %d", (guint)c, fg, bg);
    g_assert_true(fg == 196 || bg == 196);
    tty_picture_get_cell(picture, cols - 2, 1, &fg, &bg);
    g_assert_true(fg == 21 || bg == 21);
    /* Outside the picture: a blank in the terminal's colours. */
    g_assert_cmpuint(tty_picture_get_cell(picture, cols, 0, &fg, &bg), ==, ' ');
    g_assert_cmpint(fg, ==, -1);
}

/* The shape is kept in any box: wide boxes leave columns, tall ones rows. */
static void test_shape_kept(void)
{
    g_autoptr(LcRawFrame) frame = red_blue_frame(320, 240);
    g_autoptr(LcTtyPicture) picture = tty_picture_new();
    tty_picture_set_frame(picture, frame);
    gint cols, rows;
    g_assert_true(tty_picture_render(picture, 200, 10, TTY_COLORS_240, FALSE, &cols, &rows));
    g_test_message("4:3 into 200x10: %dx%d", cols, rows);
    g_assert_cmpint(rows, ==, 10);
    g_assert_cmpint(cols, >=, 24);
    g_assert_cmpint(cols, <=, 29); /* 10 rows * 2 * 4/3 = 26.7 */
    g_assert_true(tty_picture_render(picture, 20, 100, TTY_COLORS_240, FALSE, &cols, &rows));
    g_assert_cmpint(cols, ==, 20);
    g_assert_cmpint(rows, <=, 9);
    g_assert_true(tty_picture_render(picture, 1, 1, TTY_COLORS_NONE, FALSE, &cols, &rows));
    g_assert_cmpint(cols, ==, 1);
    g_assert_cmpint(rows, ==, 1);
    g_assert_false(tty_picture_render(picture, 0, 10, TTY_COLORS_240, FALSE, &cols, &rows));
    g_assert_false(tty_picture_render(picture, 10, -1, TTY_COLORS_240, FALSE, &cols, &rows));
    /* Odd and tiny frames. */
    g_autoptr(LcRawFrame) tiny = red_blue_frame(2, 2);
    tty_picture_set_frame(picture, tiny);
    g_assert_true(tty_picture_render(picture, 30, 10, TTY_COLORS_16, FALSE, &cols, &rows));
    g_autoptr(LcRawFrame) odd = red_blue_frame(33, 17);
    tty_picture_set_frame(picture, odd);
    g_assert_true(tty_picture_render(picture, 30, 10, TTY_COLORS_8, FALSE, &cols, &rows));
    tty_picture_clear(picture);
    g_assert_false(tty_picture_render(picture, 30, 10, TTY_COLORS_8, FALSE, &cols, &rows));
}

/* Printed for a plain terminal: one line a row, each ending reset, with
 * colour escapes; the same frame at the same size prints the same. */
static void test_print(void)
{
    g_autoptr(LcRawFrame) frame = red_blue_frame(320, 240);
    g_autoptr(LcTtyPicture) picture = tty_picture_new();
    tty_picture_set_frame(picture, frame);
    gint cols, rows;
    g_assert_true(tty_picture_render(picture, 40, 8, TTY_COLORS_240, FALSE, &cols, &rows));
    g_autoptr(GString) first = tty_picture_print(picture);
    g_assert_true(tty_picture_render(picture, 40, 8, TTY_COLORS_240, FALSE, &cols, &rows));
    g_autoptr(GString) again = tty_picture_print(picture);
    g_assert_cmpstr(first->str, ==, again->str);
    guint lines = 0;
    for (const char *p = first->str; (p = strstr(p, "\033[0m\033[K\n")) != NULL; p++)
        lines++;
    g_assert_cmpuint(lines, ==, (guint)rows);
    g_assert_null(strstr(first->str, "\033[0m\n")); /* each row clears its line's rest */
    g_assert_nonnull(strstr(first->str, "\033["));
    g_assert_true(g_utf8_validate(first->str, -1, NULL));
}

/* Sixels: one picture, a DCS sequence that a sixel decoder (libsixel's
 * sixel2png) reads back at the size of the cells it covers, the shape kept
 * and the red half red; nothing without a frame or room. Which terminals
 * have them is chafa's database's answer for $TERM. */
static void test_sixels(void)
{
    g_autoptr(LcTtyPicture) picture = tty_picture_new();
    gint rows = -1;
    g_assert_null(tty_picture_print_sixels(picture, 40, 10, 10, 20, &rows));
    g_autoptr(LcRawFrame) frame = red_blue_frame(320, 240);
    tty_picture_set_frame(picture, frame);
    g_assert_null(tty_picture_print_sixels(picture, 0, 10, 10, 20, &rows));
    g_autoptr(GString) six = tty_picture_print_sixels(picture, 40, 10, 10, 20, &rows);
    g_assert_nonnull(six);
    g_assert_cmpint(rows, >=, 1);
    g_assert_cmpint(rows, <=, 10);
    const char *begin = strstr(six->str, "\033P");
    g_assert_nonnull(begin);
    g_assert_nonnull(strchr(begin, 'q'));
    g_assert_true(g_str_has_suffix(six->str, "\033\\"));

    g_autofree char *dir = g_dir_make_tmp("lanconf-sixel-XXXXXX", NULL);
    g_autofree char *in = g_build_filename(dir, "p.six", NULL);
    g_autofree char *png = g_build_filename(dir, "p.png", NULL);
    g_assert_true(g_file_set_contents(in, six->str, (gssize)six->len, NULL));
    g_autofree char *cmd = g_strdup_printf("sixel2png -i '%s' -o '%s'", in, png);
    gint status = -1;
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(png, &data, &len, NULL));
    g_assert_cmpuint(len, >, 24);
    /* The PNG's IHDR: width and height, big-endian, at bytes 16 and 20. */
    const guint8 *b = (const guint8 *)data;
    guint width = (guint)b[16] << 24 | (guint)b[17] << 16 | (guint)b[18] << 8 | b[19];
    guint height = (guint)b[20] << 24 | (guint)b[21] << 16 | (guint)b[22] << 8 | b[23];
    g_test_message("sixel picture %ux%u over %d rows", width, height, rows);
    g_assert_cmpuint(width, <=, 40 * 10);
    g_assert_cmpuint(height, <=, (guint)rows * 20);
    g_assert_cmpuint(height, >, (guint)(rows - 1) * 20);
    g_assert_cmpfloat(fabs((double)width / height - 4.0 / 3.0), <, 0.1);
    g_unlink(png);
    g_unlink(in);
    g_rmdir(dir);

    g_setenv("TERM", "mlterm", TRUE);
    g_assert_true(tty_picture_sixels_from_env());
    g_setenv("TERM", "xterm-256color", TRUE);
    g_assert_false(tty_picture_sixels_from_env());
}

/* On the terminal's own background: every cell's background is the
 * terminal's (-1), the colours are in the symbols. */
static void test_fg_only(void)
{
    g_autoptr(LcRawFrame) frame = red_blue_frame(320, 240);
    g_autoptr(LcTtyPicture) picture = tty_picture_new();
    tty_picture_set_frame(picture, frame);
    gint cols, rows;
    g_assert_true(tty_picture_render(picture, 40, 10, TTY_COLORS_16, TRUE, &cols, &rows));
    guint coloured = 0;
    for (gint y = 0; y < rows; y++)
        for (gint x = 0; x < cols; x++) {
            gint fg, bg;
            tty_picture_get_cell(picture, x, y, &fg, &bg);
            g_assert_cmpint(bg, ==, -1);
            coloured += fg >= 0;
        }
    g_assert_cmpuint(coloured, >, (guint)(cols * rows / 2));
}

/* A camera-like picture (the synthetic scene) comes out in many colours and
 * symbols, not one flat block. */
static void test_scene(void)
{
    guint8 *planes[3];
    g_autoptr(LcRawFrame) frame = raw_frame_new_i420(640, 480, planes);
    LcSynth *synth = synth_new(640, 480, 1);
    synth_render(synth, 30, 30, planes, frame->strides);
    synth_free(synth);
    g_autoptr(LcTtyPicture) picture = tty_picture_new();
    tty_picture_set_frame(picture, frame);
    gint cols, rows;
    g_assert_true(tty_picture_render(picture, 60, 20, TTY_COLORS_240, FALSE, &cols, &rows));
    g_autoptr(GHashTable) colours = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_autoptr(GHashTable) symbols = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (gint y = 0; y < rows; y++)
        for (gint x = 0; x < cols; x++) {
            gint fg, bg;
            gunichar c = tty_picture_get_cell(picture, x, y, &fg, &bg);
            g_hash_table_add(colours, GINT_TO_POINTER(bg + 1));
            g_hash_table_add(colours, GINT_TO_POINTER(fg + 1));
            g_hash_table_add(symbols, GUINT_TO_POINTER(c));
        }
    g_autoptr(GString) text = tty_picture_print(picture);
    g_test_message("the scene, %dx%d: %u colours, %u symbols\n%s", cols, rows,
                   g_hash_table_size(colours), g_hash_table_size(symbols), text->str);
    g_assert_cmpuint(g_hash_table_size(colours), >=, 20);
    g_assert_cmpuint(g_hash_table_size(symbols), >=, 4);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/tty-picture/colours-in-place", test_colours_in_place);
    g_test_add_func("/media/tty-picture/shape-kept", test_shape_kept);
    g_test_add_func("/media/tty-picture/print", test_print);
    g_test_add_func("/media/tty-picture/scene", test_scene);
    g_test_add_func("/media/tty-picture/fg-only", test_fg_only);
    g_test_add_func("/media/tty-picture/sixels", test_sixels);
    return g_test_run();
}
