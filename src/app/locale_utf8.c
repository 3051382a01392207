/* locale_utf8.c: a UTF-8 character set for every program. GOption reads
 * arguments in the locale's character set: in the C locale a nick or a
 * relay's name with one non-ASCII letter would be refused before any check
 * of ours could say why. */
#include "src/app/locale_utf8.h"

#include <glib.h>
#include <langinfo.h>
#include <locale.h>

/* Sets the locale; see the header. */
void locale_use_utf8(gboolean all)
{
    setlocale(all ? LC_ALL : LC_CTYPE, "");
    if (g_ascii_strcasecmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
}
