/* command.h: what a line typed in the input line asks for.
 *
 * Plain C. A line not starting with '/' is a chat message; "//text" sends
 * "/text". Command names are matched without regard to case.
 */
#pragma once

#include <glib.h>

typedef enum {
    CMD_NONE,      /* empty line: nothing to do */
    CMD_SAY,       /* chat message: arg is the text */
    CMD_ME,        /* /me ACTION */
    CMD_MSG,       /* /msg NICK TEXT: arg is the nick, text the message */
    CMD_NICK,      /* /nick NEW */
    CMD_WHO,       /* /who */
    CMD_AWAY,      /* /away [MESSAGE]: arg is the message, or NULL for back */
    CMD_CLEAR,     /* /clear */
    CMD_HELP,      /* /help [COMMAND]: arg is the command or NULL */
    CMD_QUIT,      /* /quit [MESSAGE]: arg is the message or NULL */
    CMD_LAG,       /* /lag */
    CMD_STATS,     /* /stats: print chat statistics and toggle the stats pane */
    CMD_CAM_ON,    /* /cam on [--private] [SOURCE] [tcp|udp|both]: arg is SOURCE or NULL,
                    * channels tcp/udp/both, private set by --private */
    CMD_CAM_OFF,   /* /cam off */
    CMD_VIEW,      /* /view NICK [window|terminal]: arg is the nick, where the place or NULL */
    CMD_UNVIEW,    /* /unview NICK: arg is the nick */
    CMD_AUDIO_ON,  /* /audio on [SOURCE] [tcp|udp|both]: arg is SOURCE or NULL, channels */
    CMD_AUDIO_OFF, /* /audio off */
    CMD_LISTEN,    /* /listen [FILE.wav]: arg is the file or NULL (the audio output) */
    CMD_UNLISTEN,  /* /listen off */
    CMD_MUTE,      /* /mute [NICK]: arg is the nick, or NULL for your own microphone */
    CMD_VOLUME,    /* /volume NICK LEVEL: arg is the nick, level 0 to 10 */
    CMD_ALLOW,     /* /allow [NICK]: arg is the nick, or NULL to list those allowed */
    CMD_DENY,      /* /deny NICK: arg is the nick */
    CMD_SEND,      /* /send FILE [NICK]: arg is the file, where the nick or NULL (the room) */
    CMD_ACCEPT,    /* /accept [N]: arg is N, or NULL for the last offer */
    CMD_REJECT,    /* /reject [N]: arg is N, or NULL for the last offer */
    CMD_UNKNOWN,   /* not a command: arg is a message saying so, with a hint */
    CMD_USAGE,     /* a command used wrongly: arg is the message */
} LcCommandKind;

typedef struct {
    LcCommandKind kind;
    char *arg;
    char *channels;   /* CMD_CAM_ON, CMD_AUDIO_ON: "tcp", "udp", "both" or NULL (both);
                       * CMD_VIEW: "both" to show the channels apart, else NULL */
    double level;     /* CMD_VOLUME: 0 (silent) to 10; 1 as sent */
    char *where;      /* CMD_VIEW: "window", "terminal" or NULL (a window if one can open);
                       * CMD_SEND: the nick it is for, or NULL (the room) */
    char *text;       /* CMD_MSG: the message */
    gboolean private; /* CMD_CAM_ON: --private, only members allowed may view */
} LcCommand;

typedef struct {
    const char *name; /* "/nick" */
    const char *args; /* "NEW" or "" */
    const char *help; /* one line */
} LcCommandInfo;

/* Parses a line; never fails (bad commands give CMD_UNKNOWN or CMD_USAGE). */
void command_parse(const char *line, LcCommand *cmd);
/* Frees what a parsed command owns. */
void command_clear(LcCommand *cmd);

/* The commands, for /help; *n gets their number. */
const LcCommandInfo *command_get_table(guint *n);
/* Command names ("/nick", ...) for Tab completion, NULL-terminated. */
const char *const *command_get_names(void);
/* The command closest to a mistyped name ("/nik" -> "/nick"), or NULL. */
const char *command_suggest(const char *name);
