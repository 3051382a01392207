/* keys.h: keys read from the terminal, as editing actions.
 *
 * keys.c reads with ncursesw (wget_wch, keypad on) and maps what it gets to
 * these actions the way readline, irssi and weechat users expect; the rest
 * of the client never sees a curses key code.
 */
#pragma once

#include <glib.h>

typedef enum {
    KEY_ACTION_NONE,
    KEY_ACTION_CHAR, /* a character to insert: LcKey.ch */
    KEY_ACTION_ENTER,
    KEY_ACTION_BACKSPACE,           /* Backspace, Ctrl-H */
    KEY_ACTION_DELETE,              /* Delete, Ctrl-D */
    KEY_ACTION_LEFT,                /* Left, Ctrl-B */
    KEY_ACTION_RIGHT,               /* Right, Ctrl-F */
    KEY_ACTION_HOME,                /* Home, Ctrl-A */
    KEY_ACTION_END,                 /* End, Ctrl-E */
    KEY_ACTION_WORD_LEFT,           /* Ctrl-Left, Alt-B */
    KEY_ACTION_WORD_RIGHT,          /* Ctrl-Right, Alt-F */
    KEY_ACTION_DELETE_WORD,         /* Ctrl-W, Alt-Backspace */
    KEY_ACTION_DELETE_WORD_FORWARD, /* Alt-D */
    KEY_ACTION_KILL_START,          /* Ctrl-U */
    KEY_ACTION_KILL_END,            /* Ctrl-K */
    KEY_ACTION_YANK,                /* Ctrl-Y */
    KEY_ACTION_YANK_POP,            /* Alt-Y */
    KEY_ACTION_HISTORY_PREV,        /* Up, Ctrl-P */
    KEY_ACTION_HISTORY_NEXT,        /* Down, Ctrl-N */
    KEY_ACTION_COMPLETE,            /* Tab */
    KEY_ACTION_PAGE_UP,             /* PgUp */
    KEY_ACTION_PAGE_DOWN,           /* PgDn */
    KEY_ACTION_SCROLL_UP,           /* Shift-Up, Alt-Up: one row */
    KEY_ACTION_SCROLL_DOWN,         /* Shift-Down, Alt-Down: one row */
    KEY_ACTION_BOTTOM,              /* Alt-End, Ctrl-End: back to the newest line */
    KEY_ACTION_REDRAW,              /* Ctrl-L */
    KEY_ACTION_STATS,               /* F2: show or hide the stats pane */
    KEY_ACTION_TALK,                /* F4: microphone on or off (push to talk) */
    KEY_ACTION_RESIZE,              /* the terminal changed size */
    KEY_ACTION_QUIT,                /* Ctrl-C */
} LcKeyAction;

typedef struct {
    LcKeyAction action;
    gunichar ch;
} LcKey;

/* Looks up the terminal's codes for modified keys (after the screen starts). */
void keys_init(void);

/* Reads one key without waiting; FALSE when there is none. Keys without an
 * action come back as KEY_ACTION_NONE. */
gboolean keys_read(LcKey *key);
