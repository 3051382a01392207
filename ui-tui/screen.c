/* screen.c: the terminal: ncursesw set-up, layout and the draw pass. */
#include "ui-tui/screen.h"

#include "net/wire/clock.h"
#include "ui-tui/keys.h"
#include "ui-tui/layout.h"
#include "ui-tui/redraw.h"
#include "ui-tui/view.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SCREEN_ESCDELAY_MS 25

struct _LcScreen {
    SCREEN *term;
    int saved_stderr; /* the terminal's stderr while it is diverted, else -1 */
    LcLayout layout;
    gboolean laid_out;
    int cursor_x;
    gsize input_start;  /* first byte of the input line shown */
    int stats_rows;     /* rows the stats pane took from the chat area at the last draw */
    int tiles_rows;     /* rows the camera tiles took from its top */
    GArray *tile_rects; /* LcRect: where each tile went */
};

/*
 * Sends stderr to a file while the screen is up: libraries write there
 * directly (ALSA and OpenAL say so, line after line, when there is no
 * sound card), and a line on the terminal breaks the screen. Nothing is
 * lost: it goes to $XDG_STATE_HOME/lanconf/stderr.log. Returns the
 * terminal's stderr to restore, or -1 when stderr is not the terminal (the
 * user sent it somewhere already) or cannot be diverted.
 */
static int screen_divert_stderr(void)
{
    if (!isatty(STDERR_FILENO))
        return -1;
    g_autofree char *dir = g_build_filename(g_get_user_state_dir(), "lanconf", NULL);
    g_autofree char *path = g_build_filename(dir, "stderr.log", NULL);
    int fd = g_mkdir_with_parents(dir, 0700) == 0
                 ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)
                 : -1;
    if (fd < 0)
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int saved = fd >= 0 ? dup(STDERR_FILENO) : -1;
    if (saved >= 0 && dup2(fd, STDERR_FILENO) < 0) {
        close(saved);
        saved = -1;
    }
    if (fd >= 0)
        close(fd);
    return saved;
}

/* Takes over the terminal. */
LcScreen *screen_new(GError **error)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "stdin and stdout must be a terminal; for scripts use lanconf-cli");
        return NULL;
    }
    SCREEN *term = newterm(NULL, stdout, stdin);
    if (term == NULL) {
        const char *name = g_getenv("TERM");
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "cannot use terminal type '%s' (is TERM right?)", name ? name : "");
        return NULL;
    }
    LcScreen *screen = g_new0(LcScreen, 1);
    screen->term = term;
    screen->saved_stderr = screen_divert_stderr();
    screen->tile_rects = g_array_new(FALSE, TRUE, sizeof(LcRect));
    set_term(term);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(SCREEN_ESCDELAY_MS);
    curs_set(1);
    view_colors_init();
    keys_init();
    return screen;
}

/* Gives the terminal back. */
void screen_free(LcScreen *screen)
{
    if (screen == NULL)
        return;
    endwin();
    delscreen(screen->term);
    if (screen->saved_stderr >= 0) {
        dup2(screen->saved_stderr, STDERR_FILENO);
        close(screen->saved_stderr);
    }
    g_array_unref(screen->tile_rects);
    g_free(screen);
}

/* Reads the terminal's new size. */
void screen_resize(LcScreen *screen)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
}

/* Rings the bell. */
void screen_bell(LcScreen *screen)
{
    if (beep() == ERR)
        flash();
}

/* Repaints every cell on the next draw. */
void screen_force_repaint(LcScreen *screen)
{
    clearok(curscr, TRUE);
}

/* Width and height of the chat area. */
void screen_get_chat_size(LcScreen *screen, int *width, int *height)
{
    *width = MAX(screen->layout.chat.w, 1);
    *height = MAX(screen->layout.chat.h - screen->stats_rows - screen->tiles_rows, 1);
}

/* The member list width wanted: the longest nick or title plus margins. */
static int screen_members_width(const LcMembers *members)
{
    int w = (int)strlen("99 members");
    for (guint i = 0; i < members_get_count(members); i++)
        w = MAX(w, (int)strlen(members_get(members, i)->nick));
    return w + 3;
}

/* Lays the views out for the current size. */
guint screen_update_layout(LcScreen *screen, const LcScreenModels *m)
{
    LcLayout layout;
    layout_compute(LINES, COLS, screen_members_width(m->members), &layout);
    if (screen->laid_out && layout_equal(&layout, &screen->layout))
        return 0;
    screen->layout = layout;
    screen->laid_out = TRUE;
    return VIEW_ALL;
}

/* Draws the notice shown when the terminal is too small for the views. */
static void screen_draw_too_small(void)
{
    static const char msg[] = "terminal too small";
    werase(stdscr);
    mvwaddnstr(stdscr, 0, 0, msg, MIN(COLS, (int)sizeof(msg) - 1));
    wnoutrefresh(stdscr);
    doupdate();
}

/* Draws the chat log, the camera tiles in its top rows and the stats pane
 * in its lower rows when shown (each at most half of the area). */
static void screen_draw_chat(LcScreen *screen, const LcScreenModels *m)
{
    LcRect chat = screen->layout.chat;
    screen->stats_rows = 0;
    screen->tiles_rows = 0;
    if (m->tiles != NULL && m->tiles->len > 0) {
        screen->tiles_rows = tiles_place(m->tiles->len, &chat, screen->tile_rects);
        /* The gaps between tiles and beside them hold nothing: cleared,
         * so that a tile that moved leaves nothing behind. */
        for (int y = 0; y < screen->tiles_rows; y++)
            view_blank(stdscr, chat.y + y, chat.x, chat.w, A_NORMAL);
        view_tiles_draw(stdscr, m->tiles, screen->tile_rects);
        chat.y += screen->tiles_rows;
        chat.h -= screen->tiles_rows;
    } else {
        g_array_set_size(screen->tile_rects, 0);
    }
    if (m->stats == NULL) {
        view_chat_draw(stdscr, &chat, m->chatlog);
        return;
    }
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    statspane_format(m->stats, chat.w, lines);
    int rows = MIN((int)lines->len, chat.h / 2);
    LcRect pane = {.y = chat.y + chat.h - rows, .x = chat.x, .h = rows, .w = chat.w};
    chat.h -= rows;
    screen->stats_rows = rows;
    view_chat_draw(stdscr, &chat, m->chatlog);
    view_stats_draw(stdscr, &pane, lines);
}

/* Draws the dirty views and places the cursor. */
void screen_draw(LcScreen *screen, const LcScreenModels *m, guint dirty)
{
    dirty |= screen_update_layout(screen, m);
    const LcLayout *l = &screen->layout;
    if (l->too_small) {
        screen_draw_too_small();
        return;
    }
    if (dirty & VIEW_RESIZE)
        werase(stdscr);
    if (dirty & VIEW_CHAT)
        screen_draw_chat(screen, m);
    else if ((dirty & VIEW_TILES) && m->tiles != NULL && m->tiles->len == screen->tile_rects->len)
        view_tiles_draw(stdscr, m->tiles, screen->tile_rects);
    if ((dirty & VIEW_MEMBERS) && l->members.w > 0)
        view_members_draw(stdscr, &l->members, m->members, m->self);
    if (dirty & VIEW_STATUS)
        view_status_draw(stdscr, &l->status, m->status, clock_now_us());
    if (dirty & VIEW_INPUT)
        view_input_draw(stdscr, &l->input, m->input, m->prompt, m->secret, &screen->input_start,
                        &screen->cursor_x);
    wmove(stdscr, l->input.y, screen->cursor_x);
    wnoutrefresh(stdscr);
    doupdate();
}
