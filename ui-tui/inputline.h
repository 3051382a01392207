/* inputline.h: the input line model: editing, history, nick completion.
 *
 * Plain C, no curses. The text is UTF-8 and the cursor a byte offset that
 * always sits on a character boundary, never between a character and its
 * combining marks; column positions come from textwidth (wcwidth), so wide
 * characters (CJK, emoji) place the cursor right. Keys map to functions the
 * way readline, irssi and weechat bind them (see each function).
 */
#pragma once

#include <glib.h>

typedef struct _LcInputLine LcInputLine;

/* Creates an empty line that remembers up to history_max sent lines (0: 100). */
LcInputLine *inputline_new(guint history_max);
void inputline_free(LcInputLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcInputLine, inputline_free)

const char *inputline_get_text(const LcInputLine *line);
/* Cursor as a byte offset into the text. */
gsize inputline_get_cursor(const LcInputLine *line);
/* Columns the text before the cursor takes. */
int inputline_get_cursor_col(const LcInputLine *line);

/* Replaces the text; the cursor goes to the end. */
void inputline_set_text(LcInputLine *line, const char *text);
/* Empties the line and overwrites the bytes its text held (after a
 * password). */
void inputline_wipe(LcInputLine *line);

/* Inserts UTF-8 text at the cursor (control characters and invalid bytes are
 * dropped; a TAB becomes a space). */
void inputline_insert(LcInputLine *line, const char *text);
/* Inserts one character at the cursor (typing). */
void inputline_insert_char(LcInputLine *line, gunichar ch);

/* Backspace: deletes the character before the cursor; FALSE at the start. */
gboolean inputline_delete_back(LcInputLine *line);
/* Delete / Ctrl-D: deletes the character under the cursor; FALSE at the end. */
gboolean inputline_delete_forward(LcInputLine *line);
/* Ctrl-W: deletes the word before the cursor (and the spaces after it). */
void inputline_delete_word(LcInputLine *line);
/* Alt-D: deletes from the cursor to the end of the word. */
void inputline_delete_word_forward(LcInputLine *line);
/* Ctrl-U: deletes from the start to the cursor. */
void inputline_kill_to_start(LcInputLine *line);
/* Ctrl-K: deletes from the cursor to the end. */
void inputline_kill_to_end(LcInputLine *line);
/* Ctrl-Y: inserts the text the last kill (Ctrl-W/U/K or Alt-D) deleted;
 * kills one after the other count as one, as in readline. */
void inputline_yank(LcInputLine *line);
/* Alt-Y right after Ctrl-Y (or Alt-Y): replaces what it put with the kill
 * before (the last 16 are kept, going round); FALSE otherwise. */
gboolean inputline_yank_pop(LcInputLine *line);

/* Where the cursor can move. */
typedef enum {
    INPUT_MOVE_LEFT,       /* Left / Ctrl-B: one character */
    INPUT_MOVE_RIGHT,      /* Right / Ctrl-F: one character */
    INPUT_MOVE_HOME,       /* Home / Ctrl-A */
    INPUT_MOVE_END,        /* End / Ctrl-E */
    INPUT_MOVE_WORD_LEFT,  /* Ctrl-Left / Alt-B: to the start of a word */
    INPUT_MOVE_WORD_RIGHT, /* Ctrl-Right / Alt-F: to the end of a word */
} LcInputMove;

/* Moves the cursor. */
void inputline_move(LcInputLine *line, LcInputMove move);

/* Enter: returns the text (free it), remembers it in the history unless it
 * is empty or repeats the last line, and empties the line. */
char *inputline_submit(LcInputLine *line);
/* Up: the previous line of history (the line being typed is kept). */
void inputline_history_prev(LcInputLine *line);
/* Down: the next line of history, and after the newest the line that was
 * being typed. */
void inputline_history_next(LcInputLine *line);
guint inputline_get_history_length(const LcInputLine *line);

/* Tab: completes the word before the cursor. A word starting with '/' at the
 * start of the line completes from commands (adding " "), any other word from
 * nicks (adding ": " at the start of the line, else " "). Pressing Tab again
 * cycles through the matches; any other edit ends the cycle. Candidates are
 * NULL-terminated and matched without regard to ASCII case. Returns FALSE
 * when nothing matched. */
gboolean inputline_complete(LcInputLine *line, const char *const *nicks,
                            const char *const *commands);

/* For a field width columns wide, the byte offset of the first character to
 * draw so that the cursor is visible; *cursor_col gets the cursor's column
 * within the field. start is what the last call returned (0 at first): the
 * view keeps it, and it moves only when the cursor would leave the field,
 * by half a field, as irssi does. */
gsize inputline_scroll(const LcInputLine *line, gsize start, int width, int *cursor_col);
