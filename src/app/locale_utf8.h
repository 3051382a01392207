/* locale_utf8.h: the programs read their arguments (and the TUI draws) in
 * UTF-8, whatever character set the environment names. */
#pragma once

#include <glib.h>

/* Takes the environment's character set where it is UTF-8, else C.UTF-8;
 * with all, the rest of the environment's locale too (the TUI's), else
 * numbers and messages keep the C locale's form. */
void locale_use_utf8(gboolean all);
