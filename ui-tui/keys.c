/* keys.c: keys read from the terminal with ncursesw, as editing actions. */
#include "ui-tui/keys.h"

#include <curses.h>

#define KEYS_ESC     27
#define KEYS_CTRL(c) ((c)&0x1f)

/* Codes of modified keys, which vary between terminals (0: unknown). */
static int keys_ctrl_left, keys_ctrl_right, keys_alt_left, keys_alt_right, keys_ctrl_end,
    keys_alt_end, keys_alt_up, keys_alt_down;

/* The code ncurses gives an extended key, by its terminfo name, or 0. */
static int keys_lookup(const char *name)
{
    const char *seq = tigetstr(name);
    if (seq == NULL || seq == (const char *)-1)
        return 0;
    int code = key_defined(seq);
    return code > 0 ? code : 0;
}

/* Looks up the codes of modified keys. */
void keys_init(void)
{
    keys_ctrl_left = keys_lookup("kLFT5");
    keys_ctrl_right = keys_lookup("kRIT5");
    keys_alt_left = keys_lookup("kLFT3");
    keys_alt_right = keys_lookup("kRIT3");
    keys_ctrl_end = keys_lookup("kEND5");
    keys_alt_end = keys_lookup("kEND3");
    keys_alt_up = keys_lookup("kUP3");
    keys_alt_down = keys_lookup("kDN3");
}

/* Maps a modified key found at run time; NONE if it is not one. */
static LcKeyAction keys_map_modified(int code)
{
    if (code == 0)
        return KEY_ACTION_NONE;
    if (code == keys_ctrl_left || code == keys_alt_left)
        return KEY_ACTION_WORD_LEFT;
    if (code == keys_ctrl_right || code == keys_alt_right)
        return KEY_ACTION_WORD_RIGHT;
    if (code == keys_ctrl_end || code == keys_alt_end)
        return KEY_ACTION_BOTTOM;
    if (code == keys_alt_up)
        return KEY_ACTION_SCROLL_UP;
    if (code == keys_alt_down)
        return KEY_ACTION_SCROLL_DOWN;
    return KEY_ACTION_NONE;
}

/* Maps a function key (KEY_*). */
static LcKeyAction keys_map_code(int code)
{
    switch (code) {
    case KEY_ENTER:
        return KEY_ACTION_ENTER;
    case KEY_BACKSPACE:
        return KEY_ACTION_BACKSPACE;
    case KEY_DC:
        return KEY_ACTION_DELETE;
    case KEY_LEFT:
        return KEY_ACTION_LEFT;
    case KEY_RIGHT:
        return KEY_ACTION_RIGHT;
    case KEY_HOME:
        return KEY_ACTION_HOME;
    case KEY_END:
        return KEY_ACTION_END;
    case KEY_UP:
        return KEY_ACTION_HISTORY_PREV;
    case KEY_DOWN:
        return KEY_ACTION_HISTORY_NEXT;
    case KEY_PPAGE:
        return KEY_ACTION_PAGE_UP;
    case KEY_NPAGE:
        return KEY_ACTION_PAGE_DOWN;
    case KEY_SR:
        return KEY_ACTION_SCROLL_UP;
    case KEY_SF:
        return KEY_ACTION_SCROLL_DOWN;
    case KEY_RESIZE:
        return KEY_ACTION_RESIZE;
    case KEY_F(2):
        return KEY_ACTION_STATS;
    case KEY_F(4):
        return KEY_ACTION_TALK;
    default:
        return keys_map_modified(code);
    }
}

/* Maps a control character. */
static LcKeyAction keys_map_control(wint_t ch)
{
    switch (ch) {
    case '\r':
    case '\n':
        return KEY_ACTION_ENTER;
    case '\t':
        return KEY_ACTION_COMPLETE;
    case 127:
    case KEYS_CTRL('H'):
        return KEY_ACTION_BACKSPACE;
    case KEYS_CTRL('D'):
        return KEY_ACTION_DELETE;
    case KEYS_CTRL('B'):
        return KEY_ACTION_LEFT;
    case KEYS_CTRL('F'):
        return KEY_ACTION_RIGHT;
    case KEYS_CTRL('A'):
        return KEY_ACTION_HOME;
    case KEYS_CTRL('E'):
        return KEY_ACTION_END;
    case KEYS_CTRL('W'):
        return KEY_ACTION_DELETE_WORD;
    case KEYS_CTRL('U'):
        return KEY_ACTION_KILL_START;
    case KEYS_CTRL('K'):
        return KEY_ACTION_KILL_END;
    case KEYS_CTRL('Y'):
        return KEY_ACTION_YANK;
    case KEYS_CTRL('P'):
        return KEY_ACTION_HISTORY_PREV;
    case KEYS_CTRL('N'):
        return KEY_ACTION_HISTORY_NEXT;
    case KEYS_CTRL('L'):
        return KEY_ACTION_REDRAW;
    case KEYS_CTRL('C'):
        return KEY_ACTION_QUIT;
    default:
        return KEY_ACTION_NONE;
    }
}

/* Maps Alt plus a key (ESC then the key). */
static LcKeyAction keys_map_alt(int kind, wint_t ch)
{
    if (kind == KEY_CODE_YES)
        return ch == KEY_END         ? KEY_ACTION_BOTTOM
               : ch == KEY_UP        ? KEY_ACTION_SCROLL_UP
               : ch == KEY_DOWN      ? KEY_ACTION_SCROLL_DOWN
               : ch == KEY_BACKSPACE ? KEY_ACTION_DELETE_WORD
                                     : KEY_ACTION_NONE;
    switch (ch) {
    case 'b':
        return KEY_ACTION_WORD_LEFT;
    case 'f':
        return KEY_ACTION_WORD_RIGHT;
    case 'd':
        return KEY_ACTION_DELETE_WORD_FORWARD;
    case 'y':
        return KEY_ACTION_YANK_POP;
    case 127:
    case KEYS_CTRL('H'):
        return KEY_ACTION_DELETE_WORD;
    default:
        return KEY_ACTION_NONE;
    }
}

/* Reads one key without waiting. */
gboolean keys_read(LcKey *key)
{
    wint_t ch = 0;
    int kind = wget_wch(stdscr, &ch);
    key->action = KEY_ACTION_NONE;
    key->ch = 0;
    if (kind == ERR)
        return FALSE;
    if (kind == KEY_CODE_YES) {
        key->action = keys_map_code((int)ch);
    } else if (ch == KEYS_ESC) {
        /* Alt-key arrives as ESC and the key; a lone ESC does nothing. */
        wint_t next = 0;
        int next_kind = wget_wch(stdscr, &next);
        if (next_kind != ERR)
            key->action = keys_map_alt(next_kind, next);
    } else if (ch < 32 || ch == 127) {
        key->action = keys_map_control(ch);
    } else {
        key->action = KEY_ACTION_CHAR;
        key->ch = (gunichar)ch;
    }
    return TRUE;
}
