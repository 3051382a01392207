/* inputline.c: the input line model: editing, history, nick completion. */
#include "ui-tui/inputline.h"

#include "ui-tui/textwidth.h"

#include <string.h>

#define INPUTLINE_DEFAULT_HISTORY 100
#define INPUTLINE_KILL_RING       16 /* kills kept for Ctrl-Y and Alt-Y */

struct _LcInputLine {
    GString *text;
    gsize cursor;     /* byte offset, on a character boundary */
    GPtrArray *ring;  /* char *: text the kill commands deleted, newest last */
    gboolean killing; /* the last action was a kill: the next one adds to its text */
    gboolean yanked;  /* the last action was a yank: Alt-Y may swap what it put */
    gsize yank_start; /* where the last yank put its text */
    gsize yank_len;   /* and how many bytes */
    guint yank_index; /* which ring entry it put */

    GPtrArray *history; /* char *, oldest first */
    guint history_max;
    gint history_pos; /* index being shown, or -1 for the line being typed */
    char *draft;      /* the line being typed while history is shown */

    /* Tab completion cycle. */
    gboolean completing;
    gsize complete_start; /* where the completed word starts */
    gsize complete_len;   /* bytes the last completion inserted */
    char **matches;
    guint match_index;
};

/* Creates an empty line. */
LcInputLine *inputline_new(guint history_max)
{
    LcInputLine *line = g_new0(LcInputLine, 1);
    line->text = g_string_new(NULL);
    line->ring = g_ptr_array_new_with_free_func(g_free);
    line->history = g_ptr_array_new_with_free_func(g_free);
    line->history_max = history_max ? history_max : INPUTLINE_DEFAULT_HISTORY;
    line->history_pos = -1;
    return line;
}

/* Frees a line. */
void inputline_free(LcInputLine *line)
{
    if (line == NULL)
        return;
    g_string_free(line->text, TRUE);
    g_ptr_array_unref(line->ring);
    g_ptr_array_unref(line->history);
    g_free(line->draft);
    g_strfreev(line->matches);
    g_free(line);
}

/* Ends a completion cycle: called by every edit but Tab. */
static void inputline_touch(LcInputLine *line)
{
    line->completing = FALSE;
    g_clear_pointer(&line->matches, g_strfreev);
    line->killing = FALSE;
    line->yanked = FALSE;
}

/* The text being typed. */
const char *inputline_get_text(const LcInputLine *line)
{
    return line->text->str;
}

/* The cursor as a byte offset. */
gsize inputline_get_cursor(const LcInputLine *line)
{
    return line->cursor;
}

/* Columns before the cursor. */
int inputline_get_cursor_col(const LcInputLine *line)
{
    return textwidth_str(line->text->str, (gssize)line->cursor);
}

/* Whether the character at a byte offset is a zero-width mark. */
static gboolean inputline_is_mark(const LcInputLine *line, gsize pos)
{
    return pos < line->text->len && textwidth_char(g_utf8_get_char(line->text->str + pos)) == 0;
}

/* The boundary before pos: one character back, with its combining marks. */
static gsize inputline_prev(const LcInputLine *line, gsize pos)
{
    const char *s = line->text->str;
    while (pos > 0) {
        pos = (gsize)(g_utf8_prev_char(s + pos) - s);
        if (!inputline_is_mark(line, pos))
            break;
    }
    return pos;
}

/* The boundary after pos: one character forward, and the marks after it. */
static gsize inputline_next(const LcInputLine *line, gsize pos)
{
    const char *s = line->text->str;
    if (pos >= line->text->len)
        return line->text->len;
    pos = (gsize)(g_utf8_next_char(s + pos) - s);
    while (inputline_is_mark(line, pos))
        pos = (gsize)(g_utf8_next_char(s + pos) - s);
    return pos;
}

/* Deletes bytes [from, to) and puts the cursor at from. */
static void inputline_erase(LcInputLine *line, gsize from, gsize to)
{
    g_string_erase(line->text, (gssize)from, (gssize)(to - from));
    line->cursor = from;
}

/*
 * Deletes bytes [from, to), keeping them in the kill ring for Ctrl-Y. As in
 * readline, kills one after the other make one entry: what a kill before
 * the cursor deletes goes in front of it (three Ctrl-W give back the three
 * words in their order), what a kill after it deletes goes behind.
 */
static void inputline_kill(LcInputLine *line, gsize from, gsize to)
{
    gboolean chain = line->killing && line->ring->len > 0;
    inputline_touch(line);
    if (to <= from) {
        line->killing = chain;
        return;
    }
    g_autofree char *text = g_strndup(line->text->str + from, to - from);
    if (chain) {
        char **last = (char **)&line->ring->pdata[line->ring->len - 1];
        char *joined =
            from < line->cursor ? g_strconcat(text, *last, NULL) : g_strconcat(*last, text, NULL);
        g_free(*last);
        *last = joined;
    } else {
        if (line->ring->len == INPUTLINE_KILL_RING)
            g_ptr_array_remove_index(line->ring, 0);
        g_ptr_array_add(line->ring, g_steal_pointer(&text));
    }
    inputline_erase(line, from, to);
    line->killing = TRUE;
}

/* Replaces the text; the cursor goes to the end. */
void inputline_set_text(LcInputLine *line, const char *text)
{
    inputline_touch(line);
    g_string_truncate(line->text, 0);
    line->cursor = 0;
    inputline_insert(line, text);
}

/* Empties the line and overwrites every byte its text has held (a
 * password was typed there). */
void inputline_wipe(LcInputLine *line)
{
    inputline_touch(line);
    volatile char *p = line->text->str;
    for (gsize i = 0; i < line->text->allocated_len; i++)
        p[i] = '\0';
    g_string_truncate(line->text, 0);
    line->cursor = 0;
}

/* Inserts text at the cursor, dropping what cannot be typed. */
void inputline_insert(LcInputLine *line, const char *text)
{
    inputline_touch(line);
    const char *end = NULL;
    g_utf8_validate(text, -1, &end);
    for (const char *p = text; p < end; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (ch == '\t')
            ch = ' ';
        if (!g_unichar_iscntrl(ch) && textwidth_is_printable(ch)) {
            g_string_insert_unichar(line->text, (gssize)line->cursor, ch);
            line->cursor += (gsize)g_unichar_to_utf8(ch, NULL);
        }
    }
}

/* Inserts one typed character. */
void inputline_insert_char(LcInputLine *line, gunichar ch)
{
    char buf[8] = {0};
    g_unichar_to_utf8(ch, buf);
    inputline_insert(line, buf);
}

/* Backspace. */
gboolean inputline_delete_back(LcInputLine *line)
{
    inputline_touch(line);
    if (line->cursor == 0)
        return FALSE;
    inputline_erase(line, inputline_prev(line, line->cursor), line->cursor);
    return TRUE;
}

/* Delete. */
gboolean inputline_delete_forward(LcInputLine *line)
{
    inputline_touch(line);
    if (line->cursor >= line->text->len)
        return FALSE;
    gsize from = line->cursor;
    inputline_erase(line, from, inputline_next(line, from));
    return TRUE;
}

/* Start of the word before pos (spaces before pos are skipped first). */
static gsize inputline_word_start(LcInputLine *line, gsize pos)
{
    const char *s = line->text->str;
    while (pos > 0 && s[pos - 1] == ' ')
        pos--;
    while (pos > 0 && s[pos - 1] != ' ')
        pos--;
    return pos;
}

/* End of the word at or after pos (spaces at pos are skipped first). */
static gsize inputline_word_end(LcInputLine *line, gsize pos)
{
    const char *s = line->text->str;
    gsize len = line->text->len;
    while (pos < len && s[pos] == ' ')
        pos++;
    while (pos < len && s[pos] != ' ')
        pos++;
    return pos;
}

/* Ctrl-W. */
void inputline_delete_word(LcInputLine *line)
{
    inputline_kill(line, inputline_word_start(line, line->cursor), line->cursor);
}

/* Alt-D. */
void inputline_delete_word_forward(LcInputLine *line)
{
    inputline_kill(line, line->cursor, inputline_word_end(line, line->cursor));
}

/* Ctrl-U. */
void inputline_kill_to_start(LcInputLine *line)
{
    inputline_kill(line, 0, line->cursor);
}

/* Ctrl-K. */
void inputline_kill_to_end(LcInputLine *line)
{
    inputline_kill(line, line->cursor, line->text->len);
}

/* Puts ring entry index at the cursor, remembering where for Alt-Y. */
static void inputline_put_yank(LcInputLine *line, guint index)
{
    const char *text = g_ptr_array_index(line->ring, index);
    line->yank_start = line->cursor;
    inputline_insert(line, text);
    line->yank_len = line->cursor - line->yank_start;
    line->yank_index = index;
    line->yanked = TRUE;
}

/* Ctrl-Y. */
void inputline_yank(LcInputLine *line)
{
    inputline_touch(line);
    if (line->ring->len > 0)
        inputline_put_yank(line, line->ring->len - 1);
}

/* Alt-Y. */
gboolean inputline_yank_pop(LcInputLine *line)
{
    if (!line->yanked || line->ring->len < 2) {
        inputline_touch(line);
        return FALSE;
    }
    inputline_erase(line, line->yank_start, line->yank_start + line->yank_len);
    guint index = line->yank_index == 0 ? line->ring->len - 1 : line->yank_index - 1;
    inputline_put_yank(line, index);
    return TRUE;
}

/* Moves the cursor. */
void inputline_move(LcInputLine *line, LcInputMove move)
{
    inputline_touch(line);
    switch (move) {
    case INPUT_MOVE_LEFT:
        line->cursor = inputline_prev(line, line->cursor);
        break;
    case INPUT_MOVE_RIGHT:
        line->cursor = inputline_next(line, line->cursor);
        break;
    case INPUT_MOVE_HOME:
        line->cursor = 0;
        break;
    case INPUT_MOVE_END:
        line->cursor = line->text->len;
        break;
    case INPUT_MOVE_WORD_LEFT:
        line->cursor = inputline_word_start(line, line->cursor);
        break;
    case INPUT_MOVE_WORD_RIGHT:
        line->cursor = inputline_word_end(line, line->cursor);
        break;
    }
}

/* Adds a sent line to the history. */
static void inputline_remember(LcInputLine *line, const char *text)
{
    GPtrArray *h = line->history;
    if (*text == '\0' || (h->len > 0 && strcmp(g_ptr_array_index(h, h->len - 1), text) == 0))
        return;
    g_ptr_array_add(h, g_strdup(text));
    if (h->len > line->history_max)
        g_ptr_array_remove_index(h, 0);
}

/* Enter. */
char *inputline_submit(LcInputLine *line)
{
    char *text = g_strdup(line->text->str);
    inputline_remember(line, text);
    line->history_pos = -1;
    g_clear_pointer(&line->draft, g_free);
    inputline_set_text(line, "");
    return text;
}

/* Up. */
void inputline_history_prev(LcInputLine *line)
{
    if (line->history->len == 0 || line->history_pos == 0)
        return;
    if (line->history_pos < 0) {
        g_free(line->draft);
        line->draft = g_strdup(line->text->str);
        line->history_pos = (gint)line->history->len;
    }
    line->history_pos--;
    inputline_set_text(line, g_ptr_array_index(line->history, line->history_pos));
}

/* Down. */
void inputline_history_next(LcInputLine *line)
{
    if (line->history_pos < 0)
        return;
    line->history_pos++;
    if ((guint)line->history_pos < line->history->len) {
        inputline_set_text(line, g_ptr_array_index(line->history, line->history_pos));
        return;
    }
    line->history_pos = -1;
    g_autofree char *draft = g_steal_pointer(&line->draft);
    inputline_set_text(line, draft ? draft : "");
}

/* Lines in the history. */
guint inputline_get_history_length(const LcInputLine *line)
{
    return line->history->len;
}

/* Candidates starting with prefix, any case; NULL when there are none. */
static char **inputline_matches(const char *const *candidates, const char *prefix)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    gsize len = strlen(prefix);
    for (guint i = 0; candidates != NULL && candidates[i] != NULL; i++)
        if (g_ascii_strncasecmp(candidates[i], prefix, len) == 0)
            g_ptr_array_add(out, g_strdup(candidates[i]));
    if (out->len == 0)
        return NULL;
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

/* Replaces the word being completed with the current match. */
static void inputline_apply_match(LcInputLine *line)
{
    const char *match = line->matches[line->match_index];
    gboolean command = match[0] == '/';
    const char *suffix = command || line->complete_start > 0 ? " " : ": ";
    g_autofree char *insert = g_strconcat(match, suffix, NULL);
    g_string_erase(line->text, (gssize)line->complete_start, (gssize)line->complete_len);
    g_string_insert(line->text, (gssize)line->complete_start, insert);
    line->complete_len = strlen(insert);
    line->cursor = line->complete_start + line->complete_len;
}

/* Starts a completion cycle for the word before the cursor. */
static gboolean inputline_complete_start(LcInputLine *line, const char *const *nicks,
                                         const char *const *commands)
{
    gsize start = line->cursor;
    while (start > 0 && line->text->str[start - 1] != ' ')
        start--;
    g_autofree char *word = g_strndup(line->text->str + start, line->cursor - start);
    gboolean command = start == 0 && word[0] == '/';
    if (*word == '\0')
        return FALSE;
    char **matches = inputline_matches(command ? commands : nicks, word);
    if (matches == NULL)
        return FALSE;
    line->matches = matches;
    line->match_index = 0;
    line->complete_start = start;
    line->complete_len = line->cursor - start;
    line->completing = TRUE;
    return TRUE;
}

/* Tab. */
gboolean inputline_complete(LcInputLine *line, const char *const *nicks,
                            const char *const *commands)
{
    /* Completing is an edit of its own: no kill or yank goes on across it. */
    line->killing = FALSE;
    line->yanked = FALSE;
    if (line->completing) {
        line->match_index++;
        if (line->matches[line->match_index] == NULL)
            line->match_index = 0;
    } else if (!inputline_complete_start(line, nicks, commands)) {
        return FALSE;
    }
    inputline_apply_match(line);
    return TRUE;
}

/* The last boundary at or before pos. */
static gsize inputline_snap(const LcInputLine *line, gsize pos)
{
    gsize p = 0;
    while (p < pos && inputline_next(line, p) <= pos)
        p = inputline_next(line, p);
    return p;
}

/* Columns between two byte offsets of the text. */
static int inputline_cols(const LcInputLine *line, gsize from, gsize to)
{
    return textwidth_str(line->text->str + from, (gssize)(to - from));
}

/* First byte to draw in a field width columns wide. */
gsize inputline_scroll(const LcInputLine *line, gsize start, int width, int *cursor_col)
{
    gsize cursor = line->cursor;
    width = MAX(width, 1);
    start = inputline_snap(line, MIN(start, line->text->len));
    if (textwidth_str(line->text->str, -1) < width)
        start = 0;
    if (cursor < start) {
        /* Moving left past the edge: show half a field of context. */
        start = cursor;
        while (start > 0 && inputline_cols(line, start, cursor) < width / 2)
            start = inputline_prev(line, start);
    }
    if (inputline_cols(line, start, cursor) >= width) {
        /* Past the right edge: scroll so the cursor sits mid-field. */
        while (inputline_cols(line, start, cursor) > width / 2)
            start = inputline_next(line, start);
    }
    *cursor_col = inputline_cols(line, start, cursor);
    return start;
}
