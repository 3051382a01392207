/* cli_tty.h: lanconf-cli --view NICK --tty: the camera drawn in the terminal
 * itself (media/tty_picture.h: block characters in colour), redrawn in
 * place at most CLI_TTY_FPS times a second under a caption with the nick,
 * the channel on show and the frame rate, with the last chat lines below.
 * A drawing the terminal has not taken whole yet holds the next one back:
 * a slow terminal (or SSH link) shows fewer frames, and the program goes on
 * with the network meanwhile. For a terminal with no display, or over SSH. */
#pragma once

#include <stdio.h>

#include "src/run/av_viewer.h"

#define CLI_TTY_FPS   15
#define CLI_TTY_LINES 3 /* chat lines kept under the picture */

typedef struct _LcCliTty LcCliTty;

/* Takes over the terminal on out (cleared, cursor hidden) to draw nick's
 * camera: in block symbols, or with sixels as one picture in pixels. */
LcCliTty *cli_tty_new(FILE *out, const char *nick, gboolean sixels);
/* An LcAvViewerPictureFunc: a new frame is on show (user_data: the tty). */
void cli_tty_on_picture(LcAvViewer *viewer, LcTtyPicture *picture, gpointer user_data);
/* Shows a line (a chat message) under the picture, the last CLI_TTY_LINES
 * kept, instead of printing it over the drawing. */
void cli_tty_add_line(LcCliTty *tty, const char *line);
/* Whether fd is the terminal the picture is drawn on (then lines written to
 * it would scroll the picture away). */
gboolean cli_tty_shares_terminal(LcCliTty *tty, int fd);
/* Gives the terminal back (the rest of the last drawing, colours reset,
 * cursor shown, below the picture), and says on stderr how many frames
 * were drawn. NULL is ignored. */
void cli_tty_free(LcCliTty *tty);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcCliTty, cli_tty_free)
