/* view_status.c: draws the status line. */
#include "ui-tui/view.h"

#include "ui-tui/textwidth.h"

#include <string.h>

/* Draws the status line: fields on the left, the scroll marker on the right. */
void view_status_draw(WINDOW *win, const LcRect *r, const LcStatus *status, gint64 now_us)
{
    g_autofree char *left = NULL, *right = NULL;
    status_format(status, now_us, r->w - 1, &left, &right);
    view_blank(win, r->y, r->x, r->w, view_status_attr(FALSE));
    view_put(win, r->y, r->x + 1, left, strlen(left), r->w - 1, view_status_attr(FALSE));
    int rw = textwidth_str(right, -1);
    view_put(win, r->y, r->x + r->w - rw, right, strlen(right), rw, view_status_attr(TRUE));
}
