/* view_members.c: draws the member list beside the chat log. */
#include "ui-tui/textwidth.h"
#include "ui-tui/view.h"

#include <string.h>

/* Draws one member: own nick in bold, others in their nick colour. */
static void view_members_draw_one(WINDOW *win, int y, int x, int w, const LcMember *m,
                                  const char *self)
{
    gboolean is_self = self != NULL && g_ascii_strcasecmp(m->nick, self) == 0;
    attr_t attr =
        view_style_attr(is_self ? CHAT_STYLE_SELF : CHAT_STYLE_NICK, chatline_nick_color(m->nick));
    if (m->away != NULL)
        attr = A_DIM; /* away: grey, whoever it is */
    /* Streaming members get a mark in the margin before the nick. */
    if (m->streaming)
        view_put(win, y, x - 1, "*", 1, 1, A_BOLD);
    view_put(win, y, x, m->nick, strlen(m->nick), w, attr);
    /* Its sound after the nick, where it fits: talking bold, muted dim. */
    const char *word = members_audio_word(m->audio);
    int used = textwidth_str(m->nick, -1);
    if (word != NULL && used + 1 < w)
        view_put(win, y, x + used + 1, word, strlen(word), w - used - 1,
                 m->audio == MEMBER_AUDIO_TALKING ? A_BOLD
                 : m->audio == MEMBER_AUDIO_MUTED ? A_DIM
                                                  : A_NORMAL);
}

/* Draws the member list: a count, then one nick per row. */
void view_members_draw(WINDOW *win, const LcRect *r, const LcMembers *members, const char *self)
{
    if (r->w <= 2 || r->h <= 0)
        return;
    guint n = members_get_count(members);
    int x = r->x + 2, w = r->w - 2;
    for (int y = 0; y < r->h; y++) {
        mvwaddch(win, r->y + y, r->x, ACS_VLINE);
        view_blank(win, r->y + y, r->x + 1, r->w - 1, A_NORMAL);
    }
    g_autofree char *title = g_strdup_printf("%u member%s", n, n == 1 ? "" : "s");
    view_put(win, r->y, x, title, strlen(title), w, A_BOLD);
    int rows = r->h - 1;
    for (guint i = 0; i < n && (int)i < rows; i++) {
        if ((int)i == rows - 1 && n > (guint)rows) {
            g_autofree char *more = g_strdup_printf("+%u more", n - i);
            view_put(win, r->y + 1 + (int)i, x, more, strlen(more), w, A_DIM);
            break;
        }
        view_members_draw_one(win, r->y + 1 + (int)i, x, w, members_get(members, i), self);
    }
}
