/* cli_media.h: lanconf-cli's media modes: camera (--camera: send a camera
 * on both channels), viewer (--view NICK), talk (--audio SOURCE: send sound
 * to the room) and listen (--listen, --audio-out: hear everyone who talks),
 * with a report per channel per second on stderr and a summary JSON at the
 * end. */
#pragma once

#include "net/client/session.h"
#include "media/audio_capture.h"
#include "media/audio_jitter.h"
#include "media/camera.h"

typedef struct {
    LcCameraOptions camera;       /* --camera (source), --size, --fps, --quality */
    gboolean send;                /* --camera given */
    gboolean private;             /* --private: the camera and talk only for --allow NICKs */
    char **allow;                 /* --allow NICK, each */
    char *view;                   /* --view NICK */
    char *channels;               /* --channels tcp|udp|both */
    char *ack_mode;               /* --ack-mode pipelined|stop-and-wait */
    char *duration;               /* --duration as given */
    double duration_s;            /* --duration; 0 = until stdin ends or Ctrl-C */
    char *summary;                /* --summary FILE */
    gboolean headless;            /* --headless: no video window */
    gboolean tty;                 /* --tty: the view drawn in this terminal */
    char *tty_mode;               /* --tty-mode auto|symbols|sixels */
    gboolean tty_sixels;          /* resolved: sixel pictures rather than block symbols */
    char *audio;                  /* --audio SOURCE: talk */
    gboolean listen;              /* --listen, or --audio-out given */
    char *audio_out;              /* --audio-out FILE.wav */
    char *audio_frame_ms;         /* --audio-frame-ms as given */
    char *audio_bitrate;          /* --audio-bitrate as given */
    char *audio_mode;             /* --audio-mode voice|lowdelay */
    char *jitter;                 /* --jitter auto|MS */
    char *jitter_max;             /* --jitter-max MS */
    char *jitter_min;             /* --jitter-min MS */
    gboolean no_dtx;              /* --no-dtx: full packets while silent */
    char *echo_cancel;            /* --echo-cancel auto|on|off */
    LcAudioCaptureConfig capture; /* parsed from the --audio options */
    LcAudioJitterConfig jitter_config;
} LcCliMediaOptions;

typedef struct _LcCliMedia LcCliMedia;

/* The run is over: status 0 for a normal end, 1 after an error (printed). */
typedef void (*LcCliMediaDoneFunc)(LcCliMedia *media, int status, gpointer user_data);

/* Fills options with the defaults. */
void cli_media_options_init(LcCliMediaOptions *options);
void cli_media_options_clear(LcCliMediaOptions *options);

/* The "audio" option group (--help-audio): --audio, --listen and the rest,
 * filling options. */
GOptionGroup *cli_media_audio_group_new(LcCliMediaOptions *options);

/* Whether any media mode is asked for. */
gboolean cli_media_options_any(const LcCliMediaOptions *options);

/* Reads --duration and checks the combination of options (exit status 2
 * material). */
gboolean cli_media_options_check(LcCliMediaOptions *options, GError **error);

/* Starts sending or viewing on a session. */
LcCliMedia *cli_media_new(LcSession *session, const LcCliMediaOptions *options,
                          LcCliMediaDoneFunc done, gpointer user_data, GError **error);

/* Shows a line (a chat message) under the camera drawn in this terminal
 * (--tty) instead of printing it over the picture; FALSE when no camera is
 * drawn (print it as usual). */
gboolean cli_media_show_line(LcCliMedia *media, const char *line);

/* Ends the run now (stdin ended, a signal): summary, then done. */
void cli_media_finish(LcCliMedia *media);

void cli_media_free(LcCliMedia *media);
