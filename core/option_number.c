/* option_number.c: numeric command-line flags, checked the same way in every
 * program. */
#include "core/option_number.h"

#include <math.h>
#include <string.h>

/* Writes a bound as people write it: 65535, 1000000, 0.5. */
static char *option_number_format(gdouble v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        return g_strdup_printf("%.0f", v);
    return g_strdup_printf("%g", v);
}

/* Sets the usage error of a flag whose value was not taken. */
static void option_number_fail(const char *flag, const char *text, gboolean parsed,
                               gboolean seconds, gdouble min, gdouble max, GError **error)
{
    g_autofree char *lo = option_number_format(min);
    g_autofree char *hi = option_number_format(max);
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "%s: '%s' %s: expected %s from %s to %s", flag, text ? text : "",
                parsed    ? "is out of range"
                : seconds ? "is not a number"
                          : "is not a whole number",
                seconds ? "a number of seconds" : "a whole number", lo, hi);
}

/* Parses a whole or decimal number within [min, max], naming the flag. */
gboolean option_number_parse(const char *flag, const char *text, gboolean seconds, gdouble min,
                             gdouble max, gdouble *out, GError **error)
{
    char *end = NULL;
    gdouble value = 0;
    gboolean parsed = FALSE;
    if (text != NULL && *text != '\0' && !g_ascii_isspace(*text)) {
        if (seconds) {
            value = g_ascii_strtod(text, &end);
            parsed = end != text && *end == '\0' && isfinite(value);
        } else {
            gint64 whole = 0;
            parsed = g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &whole, NULL);
            value = (gdouble)whole;
        }
    }
    if (parsed && value >= min && value <= max) {
        *out = value;
        return TRUE;
    }
    option_number_fail(flag, text, parsed, seconds, min, max, error);
    return FALSE;
}

/* The GOption callback of every number: finds its entry by the name used. */
static gboolean option_number_on_value(const char *option_name, const char *value, gpointer data,
                                       GError **error)
{
    LcOptionNumber *table = data;
    for (LcOptionNumber *n = table; n->long_name != NULL; n++) {
        gboolean is_long =
            g_str_has_prefix(option_name, "--") && strcmp(option_name + 2, n->long_name) == 0;
        gboolean is_short = n->short_name != 0 && option_name[0] == '-' &&
                            option_name[1] == n->short_name && option_name[2] == '\0';
        if (!is_long && !is_short)
            continue;
        g_autofree char *flag = g_strconcat("--", n->long_name, NULL);
        gdouble parsed = 0;
        if (!option_number_parse(flag, value, n->seconds, n->min, n->max, &parsed, error))
            return FALSE;
        if (n->seconds)
            *(gdouble *)n->value = parsed;
        else
            *(gint *)n->value = (gint)parsed;
        n->given = TRUE;
        return TRUE;
    }
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, "unknown option %s",
                option_name);
    return FALSE;
}

/* A group holding the numbers of table as callback entries. */
GOptionGroup *option_number_group_new(LcOptionNumber *table, const char *name,
                                      const char *description, const char *help_description)
{
    GOptionGroup *group = g_option_group_new(name, description, help_description, table, NULL);
    for (LcOptionNumber *n = table; n->long_name != NULL; n++) {
        g_return_val_if_fail(n->seconds || (n->min >= G_MININT && n->max <= G_MAXINT), group);
        GOptionEntry entry[2] = {{n->long_name, n->short_name, 0, G_OPTION_ARG_CALLBACK,
                                  (gpointer)option_number_on_value, n->description,
                                  n->arg_description},
                                 G_OPTION_ENTRY_NULL};
        g_option_group_add_entries(group, entry);
    }
    return group;
}

/* Parses the command line; a stray argument is a usage error. */
gboolean option_number_parse_args(GOptionContext *ctx, int *argc, char ***argv, GError **error)
{
    if (!g_option_context_parse(ctx, argc, argv, error))
        return FALSE;
    if (*argc > 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument '%s'",
                    (*argv)[1]);
        return FALSE;
    }
    return TRUE;
}
