/* option_number.h: numeric command-line flags, checked the same way in
 * every program.
 *
 * A flag is a whole number or a number of seconds within [min, max]. It is
 * checked as GOption reads it; anything else (not a number, out of range,
 * trailing junk) fails the parse with G_OPTION_ERROR_BAD_VALUE naming the
 * flag and its range, e.g. "--port: 70000 is out of range: expected a whole
 * number from 0 to 65535", which every program prints as a usage error
 * (exit 2).
 */
#pragma once

#include <glib.h>

typedef struct {
    const char *long_name;
    gchar short_name;
    gboolean
        seconds; /* a decimal number of seconds (value is gdouble*), else a whole number (gint*) */
    gdouble min;
    gdouble max;
    gpointer value; /* gint* or gdouble*: left alone unless the flag is given */
    const char *description;
    const char *arg_description;
    gboolean given; /* set when the flag was on the command line */
} LcOptionNumber;

/* The longest run any program's seconds flags take: a week. */
#define OPTION_SECONDS_MAX (7 * 86400.0)

/* Table entries: a whole number (gint *var) or seconds (gdouble *var). */
#define OPTION_WHOLE(long_, short_, min_, max_, var, desc, arg)                                    \
    {                                                                                              \
        .long_name = (long_), .short_name = (short_), .seconds = FALSE, .min = (min_),             \
        .max = (max_), .value = (var), .description = (desc), .arg_description = (arg)             \
    }
#define OPTION_SECONDS(long_, short_, min_, max_, var, desc, arg)                                  \
    {                                                                                              \
        .long_name = (long_), .short_name = (short_), .seconds = TRUE, .min = (min_),              \
        .max = (max_), .value = (var), .description = (desc), .arg_description = (arg)             \
    }
#define OPTION_NUMBER_END                                                                          \
    {                                                                                              \
        .long_name = NULL                                                                          \
    }

/* A GOptionGroup of the numbers in table (ended by an entry whose
 * long_name is NULL), for g_option_context_set_main_group() or
 * g_option_context_add_group(); other entries may be added to it. The
 * table must outlive the parse. */
GOptionGroup *option_number_group_new(LcOptionNumber *table, const char *name,
                                      const char *description, const char *help_description);

/* g_option_context_parse(), and then a usage error naming the first
 * argument left over ("unexpected argument 'x'"): every program takes
 * flags only. */
gboolean option_number_parse_args(GOptionContext *ctx, int *argc, char ***argv, GError **error);

/* Parses text as flag's number: a whole number in [min, max] (seconds
 * FALSE) or a finite decimal one; FALSE with a usage error naming flag. */
gboolean option_number_parse(const char *flag, const char *text, gboolean seconds, gdouble min,
                             gdouble max, gdouble *out, GError **error);
