/* view.c: colours and drawing helpers shared by the views. */
#include "ui-tui/view.h"

#include "ui-tui/textwidth.h"

enum {
    PAIR_NICK_FIRST = 1, /* CHATLINE_NICK_COLORS pairs */
    PAIR_STATUS = PAIR_NICK_FIRST + CHATLINE_NICK_COLORS,
    PAIR_MORE,
    PAIR_INFO,
    PAIR_NICK256_FIRST, /* CHATLINE_NICK_COLORS_256 pairs, on 256-colour terminals */
};

/* Nick colours of the 256-colour palette: mid-bright hues that read on a
 * dark and on a light background alike (weechat's choice, less the greys). */
static const short view_nick256[CHATLINE_NICK_COLORS_256] = {
    31,  35,  38,  40,  49,  63,  70,  80,  92,  99,  112, 126, 130, 138, 142,
    148, 160, 162, 167, 169, 174, 176, 178, 184, 186, 202, 208, 210, 212, 215};

static gboolean view_have_colors;
static gboolean view_have_256;

/* Pair number of a basic colour (red, green, yellow, blue, magenta, cyan). */
static int view_nick_pair(guint color)
{
    return PAIR_NICK_FIRST + (int)(color % CHATLINE_NICK_COLORS);
}

/* Pair number of a member's nick colour: one of 30 where the terminal has
 * 256 colours, else one of the basic 6. */
static int view_member_pair(guint color)
{
    return view_have_256 ? PAIR_NICK256_FIRST + (int)(color % CHATLINE_NICK_COLORS_256)
                         : view_nick_pair(color);
}

/* Sets up colour pairs. */
void view_colors_init(void)
{
    static const short nick_fg[CHATLINE_NICK_COLORS] = {COLOR_RED,  COLOR_GREEN,   COLOR_YELLOW,
                                                        COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
    view_have_colors = has_colors() && start_color() == OK;
    if (!view_have_colors)
        return;
    use_default_colors();
    for (int i = 0; i < CHATLINE_NICK_COLORS; i++)
        init_pair((short)(PAIR_NICK_FIRST + i), nick_fg[i], -1);
    init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
    init_pair(PAIR_MORE, COLOR_YELLOW, COLOR_BLUE);
    init_pair(PAIR_INFO, COLOR_CYAN, -1);
    view_have_256 = COLORS >= 256 && COLOR_PAIRS > PAIR_NICK256_FIRST + CHATLINE_NICK_COLORS_256;
    for (int i = 0; view_have_256 && i < CHATLINE_NICK_COLORS_256; i++)
        init_pair((short)(PAIR_NICK256_FIRST + i), view_nick256[i], -1);
}

/* A colour pair's attribute, or the fallback without colours. */
static attr_t view_pair(int pair, attr_t fallback)
{
    return view_have_colors ? (attr_t)COLOR_PAIR(pair) : fallback;
}

/* The first colour pair the views above leave free. */
int view_first_free_pair(void)
{
    return PAIR_NICK256_FIRST + (view_have_256 ? CHATLINE_NICK_COLORS_256 : 0);
}

/* Attributes for a chat style. */
attr_t view_style_attr(LcChatStyle style, guint color)
{
    switch (style) {
    case CHAT_STYLE_TEXT:
        return A_NORMAL;
    case CHAT_STYLE_TIME:
    case CHAT_STYLE_ADDR:
    case CHAT_STYLE_PENDING:
        return A_DIM;
    case CHAT_STYLE_NICK:
        return view_pair(view_member_pair(color), A_BOLD);
    case CHAT_STYLE_SELF:
        return A_BOLD;
    case CHAT_STYLE_ACTION:
        return view_pair(view_nick_pair(4), A_NORMAL);
    case CHAT_STYLE_JOIN:
        return view_pair(view_nick_pair(1), A_NORMAL);
    case CHAT_STYLE_LEAVE:
        return view_pair(view_nick_pair(0), A_NORMAL);
    case CHAT_STYLE_INFO:
        return view_pair(PAIR_INFO, A_NORMAL);
    case CHAT_STYLE_ERROR:
        return view_pair(view_nick_pair(0), A_NORMAL) | A_BOLD;
    case CHAT_STYLE_MARKER:
        return view_pair(view_nick_pair(2), A_NORMAL) | A_BOLD;
    case CHAT_STYLE_PRIVATE:
        return view_pair(view_nick_pair(4), A_NORMAL) | A_BOLD;
    case CHAT_STYLE_MENTION:
        return view_pair(view_nick_pair(2), A_NORMAL) | A_BOLD | A_REVERSE;
    }
    return A_NORMAL;
}

/* Attributes of the status line. */
attr_t view_status_attr(gboolean marker)
{
    if (!view_have_colors)
        return marker ? A_REVERSE | A_BOLD : A_REVERSE;
    return marker ? COLOR_PAIR(PAIR_MORE) | A_BOLD : COLOR_PAIR(PAIR_STATUS);
}

/* Draws text clipped to max_cols columns. */
int view_put(WINDOW *win, int y, int x, const char *text, gsize len, int max_cols, attr_t attr)
{
    if (max_cols <= 0 || len == 0)
        return 0;
    gsize fit = textwidth_fit(text, len, max_cols);
    wattrset(win, (int)attr);
    mvwaddnstr(win, y, x, text, (int)fit);
    wattrset(win, A_NORMAL);
    return textwidth_str(text, (gssize)fit);
}

/* Fills columns with spaces. */
void view_blank(WINDOW *win, int y, int x, int cols, attr_t attr)
{
    if (cols <= 0)
        return;
    mvwhline(win, y, x, (chtype)' ' | attr, cols);
}
