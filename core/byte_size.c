/* byte_size.c: sizes in bytes, parsed and shown (byte_size.h). */
#include "core/byte_size.h"

#include <math.h>
#include <stdlib.h>

/* Parses "<number>[K|M|G|T][B|iB]". */
gboolean byte_size_parse(const char *text, guint64 *bytes, GError **error)
{
    char *end = NULL;
    double value = text ? g_ascii_strtod(text, &end) : 0;
    double scale = 1;
    if (end != NULL && end != text) {
        switch (g_ascii_toupper(*end)) {
        case 'K':
            scale = 1024.0;
            end++;
            break;
        case 'M':
            scale = 1024.0 * 1024;
            end++;
            break;
        case 'G':
            scale = 1024.0 * 1024 * 1024;
            end++;
            break;
        case 'T':
            scale = 1024.0 * 1024 * 1024 * 1024;
            end++;
            break;
        default:
            break;
        }
        if (scale > 1 && *end == 'i')
            end++;
        if (*end == 'B' || *end == 'b')
            end++;
    }
    double total = value * scale;
    if (end == NULL || end == text || *end != '\0' || !isfinite(total) || total < 0 ||
        total >= 18446744073709551615.0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "'%s' is not a size: give bytes, or a number with K, M, G or T (as 100M)",
                    text ? text : "");
        return FALSE;
    }
    *bytes = (guint64)llround(total);
    return TRUE;
}

/* Formats with the largest unit that keeps the number at 1 or more. */
char *byte_size_format(double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    guint unit = 0;
    while (bytes >= 1024 && unit + 1 < G_N_ELEMENTS(units)) {
        bytes /= 1024;
        unit++;
    }
    return unit == 0 ? g_strdup_printf("%.0f B", bytes)
                     : g_strdup_printf("%.1f %s", bytes, units[unit]);
}
