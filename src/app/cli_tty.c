/* cli_tty.c: a viewed camera drawn in the terminal. */
#include "src/app/cli_tty.h"

#include "net/wire/clock.h"

#include <errno.h>
#include <glib-unix.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes written at once when the terminal says it takes more: no more than
 * a pipe takes whole (PIPE_BUF), so that a write to a pipe never blocks. A
 * terminal may still hold a write up briefly. */
#define CLI_TTY_CHUNK 1024

struct _LcCliTty {
    FILE *out;
    char *nick;
    LcTtyColors colors;
    gboolean sixels;       /* one sixel picture, not block symbols */
    LcAvViewer *viewer;    /* the last frame's, for the channel on show */
    LcTtyPicture *picture; /* the viewer's; NULL before the first frame */
    gboolean dirty;        /* a frame or a line came since the last drawing */
    gboolean broken;       /* the terminal went away: nothing more is drawn */
    gint64 drawn_us;       /* the last drawing */
    gint64 since_us;       /* the frame rate's second began */
    guint frames;          /* shown in that second */
    double fps;            /* over the last whole second */
    guint64 shown, drawn;  /* frames shown by the viewer, and drawn here */
    gint last_rows;        /* rows the last drawing took: cleared below when it shrinks */
    GQueue lines;          /* char *: chat lines under the picture, oldest first */
    GString *pending;      /* a drawing the terminal has not taken whole yet */
    gsize written;         /* how much of it it took */
    guint watch;           /* waiting until the terminal takes more */
    guint timer;           /* waiting until the frame rate allows a drawing */
};

/* Takes over the terminal. */
LcCliTty *cli_tty_new(FILE *out, const char *nick, gboolean sixels)
{
    LcCliTty *tty = g_new0(LcCliTty, 1);
    tty->sixels = sixels;
    tty->out = out;
    tty->nick = g_strdup(nick);
    tty->colors = tty_picture_colors_from_env();
    tty->since_us = clock_now_us();
    tty->pending = g_string_new(NULL);
    g_queue_init(&tty->lines);
    fputs("\033[2J\033[H\033[?25l", out); /* clear, home, hide the cursor */
    fflush(out);
    return tty;
}

/* The terminal's size in cells, and a cell's in pixels; 80 x 24 cells of
 * 10 x 20 pixels where it says none (a file, a pipe, a terminal that does
 * not tell its pixels). */
static void cli_tty_size(FILE *out, int *cols, int *rows, int *cell_w, int *cell_h)
{
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    *cell_w = 10;
    *cell_h = 20;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
        if (ws.ws_xpixel >= ws.ws_col && ws.ws_ypixel >= ws.ws_row) {
            *cell_w = ws.ws_xpixel / ws.ws_col;
            *cell_h = ws.ws_ypixel / ws.ws_row;
        }
    }
}

static void cli_tty_schedule(LcCliTty *tty);

/* The terminal went away (a closed pipe, a hung-up terminal): what is left
 * is dropped and nothing more is drawn. */
static void cli_tty_break(LcCliTty *tty)
{
    tty->broken = TRUE;
    g_string_truncate(tty->pending, 0);
    tty->written = 0;
    g_clear_handle_id(&tty->timer, g_source_remove);
}

static gboolean cli_tty_flush(LcCliTty *tty);

/* The terminal takes more of a drawing (or went away). */
static gboolean cli_tty_on_writable(gint fd, GIOCondition condition, gpointer data)
{
    LcCliTty *tty = data;
    tty->watch = 0;
    if (cli_tty_flush(tty) && tty->dirty)
        cli_tty_schedule(tty);
    return G_SOURCE_REMOVE;
}

/* Writes what the terminal says it takes now of the pending drawing; TRUE
 * once it is all written. What is left goes when the terminal
 * takes more. */
static gboolean cli_tty_flush(LcCliTty *tty)
{
    int fd = fileno(tty->out);
    while (!tty->broken && tty->written < tty->pending->len) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL))) {
            cli_tty_break(tty);
            break;
        }
        if (!(p.revents & POLLOUT))
            break;
        gsize n = MIN(CLI_TTY_CHUNK, tty->pending->len - tty->written);
        ssize_t done = write(fd, tty->pending->str + tty->written, n);
        if (done < 0 && errno != EAGAIN && errno != EINTR)
            cli_tty_break(tty);
        if (done <= 0)
            break;
        tty->written += (gsize)done;
    }
    if (tty->broken || tty->written >= tty->pending->len)
        return !tty->broken;
    if (tty->watch == 0)
        tty->watch = g_unix_fd_add(fd, G_IO_OUT | G_IO_ERR | G_IO_HUP, cli_tty_on_writable, tty);
    return FALSE;
}

/* Makes a drawing of the newest frame and the last lines, and starts
 * writing it. */
static void cli_tty_draw(LcCliTty *tty)
{
    tty->dirty = FALSE;
    int cols, rows, cell_w, cell_h, used_cols = 0, used_rows = 0;
    cli_tty_size(tty->out, &cols, &rows, &cell_w, &cell_h);
    /* The caption row, the lines under the picture, and the last row left
     * for the cursor. */
    int lines = (int)g_queue_get_length(&tty->lines);
    g_autoptr(GString) text = NULL;
    if (tty->picture != NULL && tty->sixels) {
        /* A sixel picture leaves the cursor where the terminal likes: the
         * lines under it go to their row by number. */
        text = tty_picture_print_sixels(tty->picture, cols, rows - 2 - lines, cell_w, cell_h,
                                        &used_rows);
        if (text != NULL)
            g_string_append_printf(text, "\033[%d;1H", used_rows + 2);
    } else if (tty->picture != NULL &&
               tty_picture_render(tty->picture, cols, rows - 2 - lines, tty->colors, FALSE,
                                  &used_cols, &used_rows))
        text = tty_picture_print(tty->picture);
    const char *channel = tty->viewer ? av_viewer_get_shown_channel(tty->viewer) : NULL;
    g_string_truncate(tty->pending, 0);
    tty->written = 0;
    g_string_append_printf(tty->pending,
                           "\033[H\033[7m %s · %s · %.0f fps  (Ctrl-C stops)\033[0m\033[K\n%s",
                           tty->nick, channel ? channel : "-", tty->fps, text ? text->str : "");
    /* A line wider than the terminal would wrap and scroll the caption
     * away: each is cut to the width. */
    for (GList *l = tty->lines.head; l != NULL; l = l->next) {
        const char *line = l->data;
        glong room = MAX(cols - 1, 1);
        g_autofree char *cut =
            g_utf8_strlen(line, -1) > room ? g_utf8_substring(line, 0, room) : g_strdup(line);
        g_string_append_printf(tty->pending, "%s\033[K\n", cut);
    }
    if (used_rows + lines < tty->last_rows)
        g_string_append(tty->pending, "\033[J"); /* what a taller drawing left below */
    tty->last_rows = used_rows + lines;
    tty->drawn++;
    cli_tty_flush(tty);
}

/* The frame rate allows a drawing now. */
static gboolean cli_tty_on_timer(gpointer data)
{
    LcCliTty *tty = data;
    tty->timer = 0;
    cli_tty_schedule(tty);
    return G_SOURCE_REMOVE;
}

/* Draws what came, now or as soon as the frame rate and the terminal
 * allow: a frame that comes meanwhile replaces the one waiting, so the
 * newest is drawn and none is lost at the end. */
static void cli_tty_schedule(LcCliTty *tty)
{
    if (tty->broken || !tty->dirty || tty->timer != 0 || tty->watch != 0)
        return;
    gint64 now = clock_now_us(), gap = G_USEC_PER_SEC / CLI_TTY_FPS;
    if (tty->drawn_us != 0 && now - tty->drawn_us < gap) {
        tty->timer =
            g_timeout_add((guint)((gap - (now - tty->drawn_us)) / 1000 + 1), cli_tty_on_timer, tty);
        return;
    }
    tty->drawn_us = now;
    cli_tty_draw(tty);
}

/* A new frame is on show. */
void cli_tty_on_picture(LcAvViewer *viewer, LcTtyPicture *picture, gpointer user_data)
{
    LcCliTty *tty = user_data;
    gint64 now = clock_now_us();
    tty->viewer = viewer;
    tty->picture = picture;
    tty->shown++;
    tty->frames++;
    if (now - tty->since_us >= G_USEC_PER_SEC) {
        tty->fps = tty->frames * (double)G_USEC_PER_SEC / (double)(now - tty->since_us);
        tty->frames = 0;
        tty->since_us = now;
    }
    tty->dirty = TRUE;
    cli_tty_schedule(tty);
}

/* Shows a line under the picture. */
void cli_tty_add_line(LcCliTty *tty, const char *line)
{
    g_queue_push_tail(&tty->lines, g_strdup(line));
    while (g_queue_get_length(&tty->lines) > CLI_TTY_LINES)
        g_free(g_queue_pop_head(&tty->lines));
    tty->dirty = TRUE;
    cli_tty_schedule(tty);
}

/* Whether fd is the picture's terminal. */
gboolean cli_tty_shares_terminal(LcCliTty *tty, int fd)
{
    struct stat a, b;
    return isatty(fd) && fstat(fd, &a) == 0 && fstat(fileno(tty->out), &b) == 0 &&
           a.st_rdev == b.st_rdev;
}

/* Gives the terminal back. */
void cli_tty_free(LcCliTty *tty)
{
    if (tty == NULL)
        return;
    g_clear_handle_id(&tty->watch, g_source_remove);
    g_clear_handle_id(&tty->timer, g_source_remove);
    if (!tty->broken) {
        /* The rest of the last drawing, then the terminal as it was. */
        if (tty->written < tty->pending->len)
            fwrite(tty->pending->str + tty->written, 1, tty->pending->len - tty->written, tty->out);
        fputs("\033[0m\033[?25h", tty->out); /* reset colours, show the cursor */
        fflush(tty->out);
        fprintf(stderr,
                "lanconf-cli: drew %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " frames in the terminal\n",
                tty->drawn, tty->shown);
    }
    g_queue_clear_full(&tty->lines, g_free);
    g_string_free(tty->pending, TRUE);
    g_free(tty->nick);
    g_free(tty);
}
