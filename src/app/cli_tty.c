/* cli_tty.c: a viewed camera drawn in the terminal. */
#include "src/app/cli_tty.h"

#include "net/wire/clock.h"

#include <glib-unix.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Bytes written at once when the terminal says it takes more: no more than
 * a pipe takes whole (PIPE_BUF), so that a write never blocks. */
#define CLI_TTY_CHUNK 1024

struct _LcCliTty {
    FILE *out;
    char *nick;
    gint64 drawn_us;  /* the last drawing */
    gint64 since_us;  /* the frame rate's second began */
    guint frames;     /* shown in that second */
    double fps;       /* over the last whole second */
    gint last_rows;   /* rows the last drawing took: cleared when it shrinks */
    GString *pending; /* a drawing the terminal has not taken whole yet */
    gsize written;    /* how much of it it took */
    guint watch;      /* waiting until the terminal takes more */
    guint64 skipped;  /* frames not drawn: the terminal was still busy */
};

/* Takes over the terminal. */
LcCliTty *cli_tty_new(FILE *out, const char *nick)
{
    LcCliTty *tty = g_new0(LcCliTty, 1);
    tty->out = out;
    tty->nick = g_strdup(nick);
    tty->since_us = clock_now_us();
    tty->pending = g_string_new(NULL);
    fputs("\033[2J\033[H\033[?25l", out); /* clear, home, hide the cursor */
    fflush(out);
    return tty;
}

/* The terminal's size; 80 x 24 where it has none (a file, a pipe). */
static void cli_tty_size(FILE *out, int *cols, int *rows)
{
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

static gboolean cli_tty_flush(LcCliTty *tty);

/* The terminal takes more of a drawing. */
static gboolean cli_tty_on_writable(gint fd, GIOCondition condition, gpointer data)
{
    LcCliTty *tty = data;
    tty->watch = 0;
    cli_tty_flush(tty);
    return G_SOURCE_REMOVE;
}

/* Writes what the terminal takes now of the pending drawing, never
 * waiting; TRUE once it is all written. What is left goes when the
 * terminal takes more. */
static gboolean cli_tty_flush(LcCliTty *tty)
{
    int fd = fileno(tty->out);
    while (tty->written < tty->pending->len) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT))
            break;
        gsize n = MIN(CLI_TTY_CHUNK, tty->pending->len - tty->written);
        ssize_t done = write(fd, tty->pending->str + tty->written, n);
        if (done <= 0)
            break;
        tty->written += (gsize)done;
    }
    if (tty->written >= tty->pending->len)
        return TRUE;
    if (tty->watch == 0)
        tty->watch = g_unix_fd_add(fd, G_IO_OUT | G_IO_ERR, cli_tty_on_writable, tty);
    return FALSE;
}

/* Draws the newest frame in place, at most CLI_TTY_FPS times a second. */
void cli_tty_on_picture(LcAvViewer *viewer, LcTtyPicture *picture, gpointer user_data)
{
    LcCliTty *tty = user_data;
    gint64 now = clock_now_us();
    tty->frames++;
    if (now - tty->since_us >= G_USEC_PER_SEC) {
        tty->fps = tty->frames * (double)G_USEC_PER_SEC / (double)(now - tty->since_us);
        tty->frames = 0;
        tty->since_us = now;
    }
    if (tty->drawn_us != 0 && now - tty->drawn_us < G_USEC_PER_SEC / CLI_TTY_FPS)
        return;
    /* A terminal (or an SSH link) slower than the camera still holds the
     * last drawing: this frame is left out, and the program never waits on
     * it. */
    if (!cli_tty_flush(tty)) {
        tty->skipped++;
        return;
    }
    tty->drawn_us = now;
    int cols, rows, used_cols, used_rows;
    cli_tty_size(tty->out, &cols, &rows);
    /* A caption row above, and the last row left for the cursor. */
    LcTtyColors colors = g_strcmp0(g_getenv("COLORTERM"), "truecolor") == 0 ||
                                 g_strcmp0(g_getenv("COLORTERM"), "24bit") == 0
                             ? TTY_COLORS_TRUE
                             : TTY_COLORS_240;
    if (!tty_picture_render(picture, cols, rows - 2, colors, &used_cols, &used_rows))
        return;
    g_autoptr(GString) text = tty_picture_print(picture);
    const char *channel = av_viewer_get_shown_channel(viewer);
    /* Home, the caption in reverse video, then the picture; rows left over
     * from a taller drawing are cleared below it. */
    g_string_truncate(tty->pending, 0);
    tty->written = 0;
    g_string_append_printf(tty->pending,
                           "\033[H\033[7m %s · %s · %.0f fps  (Ctrl-C stops)\033[0m\033[K\n%s%s",
                           tty->nick, channel ? channel : "-", tty->fps, text->str,
                           used_rows < tty->last_rows ? "\033[J" : "");
    tty->last_rows = used_rows;
    cli_tty_flush(tty);
}

/* Gives the terminal back. */
void cli_tty_free(LcCliTty *tty)
{
    if (tty == NULL)
        return;
    g_clear_handle_id(&tty->watch, g_source_remove);
    /* The rest of the last drawing, then the terminal as it was. */
    if (tty->written < tty->pending->len)
        fwrite(tty->pending->str + tty->written, 1, tty->pending->len - tty->written, tty->out);
    fputs("\033[0m\033[?25h", tty->out); /* reset colours, show the cursor */
    fflush(tty->out);
    g_string_free(tty->pending, TRUE);
    g_free(tty->nick);
    g_free(tty);
}
