/* textwidth.h: display width of UTF-8 text in terminal columns, and wrapping.
 *
 * Widths come from wcwidth(), the same table ncursesw uses to place the
 * cursor, so what the models compute is what the terminal shows. The program
 * (and every test) must call setlocale(LC_ALL, "") with a UTF-8 locale first.
 */
#pragma once

#include <glib.h>

/* One wrapped row: bytes [start, end) of the text; indent columns before it. */
typedef struct {
    guint start;
    guint end;
    guint indent;
} LcTextRow;

/* Columns a character takes: 0 (combining), 1 or 2. Characters the terminal
 * cannot print count 1, as they are drawn as a replacement character. */
int textwidth_char(gunichar ch);

/* Whether a character is drawn as itself (else as U+FFFD). */
gboolean textwidth_is_printable(gunichar ch);

/* Columns the first len bytes of UTF-8 text take (len < 0: up to the NUL);
 * a character cut by len does not count. */
int textwidth_str(const char *text, gssize len);

/* Byte length of the longest prefix of text that fits in max_cols columns,
 * never cutting a character or separating it from its combining marks. */
gsize textwidth_fit(const char *text, gsize len, int max_cols);

/* Wraps text into rows of at most width columns: the first row starts at
 * column 0, later rows after `indent` columns. Breaks after a space where it
 * can, else between characters; the space at a break is dropped. Every row
 * holds at least one character, so a row may overflow a width too small for
 * one wide character. Appends LcTextRow to rows; returns the number of rows. */
guint textwidth_wrap(const char *text, int width, int indent, GArray *rows);

/* A copy of text where characters the terminal cannot print are replaced by
 * U+FFFD and a TAB by a space, so that width and drawing agree. */
char *textwidth_sanitize(const char *text);
