/* view_input.c: draws the prompt and the input line. */
#include "ui-tui/view.h"

#include "ui-tui/textwidth.h"

#include <string.h>

/* Draws the prompt and the visible part of the input line. */
void view_input_draw(WINDOW *win, const LcRect *r, const LcInputLine *line, const char *prompt,
                     gboolean secret, gsize *start, int *cursor_x)
{
    view_blank(win, r->y, r->x, r->w, A_NORMAL);
    /* The prompt gives way to the text on very narrow terminals. */
    int pw = textwidth_str(prompt, -1);
    if (pw > r->w / 3)
        pw = 0;
    view_put(win, r->y, r->x, prompt, strlen(prompt), pw, A_BOLD);
    int field = r->w - pw;
    if (secret) {
        int n = (int)MIN(g_utf8_strlen(inputline_get_text(line), -1), (glong)MAX(field - 1, 0));
        g_autofree char *stars = g_strnfill((gsize)n, '*');
        view_put(win, r->y, r->x + pw, stars, (gsize)n, field, A_NORMAL);
        *start = 0;
        *cursor_x = r->x + pw + n;
        return;
    }
    int col = 0;
    *start = inputline_scroll(line, *start, field, &col);
    const char *text = inputline_get_text(line) + *start;
    view_put(win, r->y, r->x + pw, text, strlen(text), field, A_NORMAL);
    *cursor_x = r->x + pw + MIN(col, field - 1);
}
