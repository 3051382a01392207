/* tui_private.h: the client's state, shared by tui.c (lifecycle and the main
 * loop), tui_session.c (relay events) and tui_input.c (keys and commands). */
#pragma once

#include "net/client/session.h"
#include "ui-tui/chatlog.h"
#include "ui-tui/chatstats.h"
#include "ui-tui/inputline.h"
#include "ui-tui/keys.h"
#include "ui-tui/logfile.h"
#include "ui-tui/members.h"
#include "ui-tui/redraw.h"
#include "ui-tui/screen.h"
#include "ui-tui/statspane.h"
#include "ui-tui/status.h"
#include "ui-tui/tui.h"

typedef struct _LcTuiMedia LcTuiMedia;
typedef struct _LcTuiAudio LcTuiAudio;
typedef struct _LcTuiTiles LcTuiTiles;
typedef struct _LcTuiFiles LcTuiFiles;
typedef struct _LcAvViewer LcAvViewer;

typedef struct {
    LcTuiConfig config;
    GMainLoop *loop;
    LcSession *session;
    LcScreen *screen;
    GSource *redraw;
    LcLogFile *logfile;

    LcChatLog *chatlog;
    LcInputLine *input;
    LcMembers *members;
    LcStatus status;
    LcChatStats stats;
    char *prompt;
    LcTuiMedia *media; /* camera, viewers and the stats pane (tui_media.c) */
    LcTuiAudio *audio; /* talking, listening, mutes (tui_audio.c) */
    LcTuiTiles *tiles; /* cameras drawn in the terminal (tui_tiles.c) */
    LcTuiFiles *files; /* files offered, sent and received (tui_files.c) */

    GHashTable *aways_said; /* folded nick -> away message the log last gave */
    gboolean lag_requested; /* /lag: report the next round-trip in the log */
    gboolean quitting;
    gboolean asking_password;   /* the input line takes the room password (tui_session.c) */
    gboolean password_tried;    /* a password was typed there */
    gboolean checking_password; /* the relay has it and has not answered yet */
    gboolean pin_said;          /* the first meeting's fingerprint is in the log */
    char *password_draft;       /* what the input line held when the password was asked for */
    gboolean quit_warned;       /* /quit said that unsent messages would be lost */
    guint quit_timer;           /* gives up waiting for the relay to take our QUIT */
    int exit_status;
    GError *error; /* why the client stopped, for the caller */
} LcTui;

/* Marks views dirty (LcViewFlags) for the next redraw. */
void tui_mark(LcTui *tui, guint flags);

/* Appends an entry to the chat log (and the log file) and marks it dirty. */
void tui_append(LcTui *tui, const LcChatEntry *entry);
/* Appends client text of a kind (info, error, marker), stamped now. */
void tui_append_text(LcTui *tui, LcChatKind kind, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Copies the session's nick, address and pending count into the models. */
void tui_sync_identity(LcTui *tui);

/* Leaves with a reason; the loop ends once the session has closed. */
void tui_quit(LcTui *tui, const char *reason);

/* Handles one key. */
void tui_handle_key(LcTui *tui, const LcKey *key);
/* Enter while the room password is asked for (tui_session.c). */
void tui_submit_password(LcTui *tui);

/* The session's event handlers. */
extern const LcSessionEvents tui_session_events;

/* Creates the media state (tui_media.c). */
void tui_media_init(LcTui *tui);
/* Follows the session's notices about the camera, once the session exists. */
void tui_media_follow_session(LcTui *tui);
/* Stops every stream and frees the media state. */
void tui_media_clear(LcTui *tui);
/* /cam on [SOURCE] [tcp|udp|both]: source and channels may be NULL. */
void tui_media_cam_on(LcTui *tui, const char *source, const char *channels, gboolean private);
/* /allow [NICK] and /deny NICK (tui_input.c). */
void tui_cmd_allow(LcTui *tui, const char *nick, gboolean allow);
/* /cam off. */
void tui_media_cam_off(LcTui *tui);
/* /view NICK [window|terminal]: where NULL is a window where one can open,
 * else the terminal. */
void tui_media_view(LcTui *tui, const char *nick, const char *where, gboolean apart);
/* A member changed its nick: views of it follow. */
void tui_media_renamed(LcTui *tui, const char *old, const char *nick);
/* /unview NICK. */
void tui_media_unview(LcTui *tui, const char *nick);
/* F2 and /stats: shows or hides the stats pane. */
void tui_media_toggle_stats(LcTui *tui);
/* Marks the members on camera (yourself, and whom the relay announced). */
void tui_media_sync_members(LcTui *tui);
/* The stats pane to draw, or NULL when hidden. */
const LcStatsPane *tui_media_get_pane(LcTui *tui);
/* Starts or stops the pane's one-second refresh as streams (and sound) come
 * and go. */
void tui_media_update(LcTui *tui);

/* Creates the audio state (tui_audio.c), after the session. */
void tui_audio_init(LcTui *tui);
/* Stops talking and listening and frees the audio state. */
void tui_audio_clear(LcTui *tui);
/* Whether the user talks or listens. */
gboolean tui_audio_is_active(LcTui *tui);
/* /audio on [SOURCE] [tcp|udp|both]: source and channels may be NULL. */
void tui_audio_on(LcTui *tui, const char *source, const char *channels);
/* /audio off. */
void tui_audio_off(LcTui *tui);
/* /listen [FILE.wav]: file may be NULL (the audio output). */
void tui_audio_listen(LcTui *tui, const char *file);
/* /listen off. */
void tui_audio_unlisten(LcTui *tui);
/* /mute [NICK] and F4: nick NULL is your own microphone. */
void tui_audio_mute(LcTui *tui, const char *nick);
/* /volume NICK LEVEL: how loud a member is here, now and later. */
void tui_audio_volume(LcTui *tui, const char *nick, double level);
/* Marks every member's sound in the member list. */
void tui_audio_sync_members(LcTui *tui);
/* Adds the audio rows to the stats pane (closing their logs' second). */
void tui_audio_fill_pane(LcTui *tui, LcStatsPane *pane, gint64 now);

/* Files (tui_files.c): created after the session, freed before it. */
void tui_files_init(LcTui *tui);
void tui_files_clear(LcTui *tui);
/* /send FILE [NICK]: nick NULL offers it to the room. */
void tui_files_send(LcTui *tui, const char *path, const char *nick);
/* /accept [N] and /reject [N]: number NULL is the last offer. */
void tui_files_answer(LcTui *tui, const char *number, gboolean accept);

/* Creates and frees the camera tiles' state (tui_tiles.c). */
void tui_tiles_init(LcTui *tui);
void tui_tiles_clear(LcTui *tui);
/* Shows a viewer's camera in a tile from its next frame on; apart: a tile
 * per channel (av_viewer_split_channels() done). */
void tui_tiles_add(LcTui *tui, LcAvViewer *viewer, gboolean apart);
/* Removes a viewer's tile; call before the viewer is freed. */
void tui_tiles_remove(LcTui *tui, LcAvViewer *viewer);
/* The viewer's camera stopped: its tile goes until a frame comes again. */
void tui_tiles_stream_ended(LcTui *tui, LcAvViewer *viewer);
/* Once a second: the captions' frame rates. */
void tui_tiles_tick(LcTui *tui);
/* The tiles to draw (LcTile), for the screen. */
const GPtrArray *tui_tiles_get(LcTui *tui);
