/* view_chat.c: draws the chat log's visible rows. */
#include "ui-tui/view.h"

/* Draws one wrapped row of a formatted line, span by span. */
static void view_chat_draw_row(WINDOW *win, const LcRect *r, int y, const LcChatLine *line,
                               guint row)
{
    const LcTextRow *tr = &g_array_index(line->rows, LcTextRow, row);
    int x = (int)tr->indent;
    view_blank(win, r->y + y, r->x, r->w, A_NORMAL);
    guint pos = tr->start;
    while (pos < tr->end && x < r->w) {
        const LcChatSpan *span = chatline_span_at(line, pos);
        guint end = span ? MIN(span->end, tr->end) : tr->end;
        attr_t attr = span ? view_style_attr(span->style, span->color) : A_NORMAL;
        x += view_put(win, r->y + y, r->x + x, line->text + pos, end - pos, r->w - x, attr);
        pos = end;
    }
}

/* Draws the chat log's visible rows, top to bottom. */
void view_chat_draw(WINDOW *win, const LcRect *r, const LcChatLog *log)
{
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(LcChatRowRef));
    chatlog_layout(log, r->w, r->h, rows);
    LcChatLine *line = NULL;
    guint line_index = G_MAXUINT;
    for (int y = 0; y < r->h; y++) {
        if ((guint)y >= rows->len) {
            view_blank(win, r->y + y, r->x, r->w, A_NORMAL);
            continue;
        }
        const LcChatRowRef *ref = &g_array_index(rows, LcChatRowRef, y);
        if (ref->index != line_index) {
            chatline_free(line);
            line = chatline_new(chatlog_get(log, ref->index), chatlog_get_self(log));
            chatline_wrap(line, r->w);
            line_index = ref->index;
        }
        view_chat_draw_row(win, r, y, line, ref->row);
    }
    chatline_free(line);
}
