/* cli_tty.h: lanconf-cli --view NICK --tty: the camera drawn in the terminal
 * itself (media/tty_picture.h: block characters in colour), redrawn in
 * place at most CLI_TTY_FPS times a second under a caption with the nick,
 * the channel on show and the frame rate. For a terminal with no display,
 * or over SSH. */
#pragma once

#include <stdio.h>

#include "src/run/av_viewer.h"

#define CLI_TTY_FPS 15

typedef struct _LcCliTty LcCliTty;

/* Takes over the terminal on out (cleared, cursor hidden) to draw nick's
 * camera. */
LcCliTty *cli_tty_new(FILE *out, const char *nick);
/* An LcAvViewerPictureFunc: a new frame is on show (user_data: the tty). */
void cli_tty_on_picture(LcAvViewer *viewer, LcTtyPicture *picture, gpointer user_data);
/* Gives the terminal back (cursor shown, colours reset, below the picture). */
void cli_tty_free(LcCliTty *tty);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcCliTty, cli_tty_free)
