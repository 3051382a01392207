/* tui-test-util.h: set-up shared by the ui-tui model tests. */
#pragma once

#include <glib.h>
#include <locale.h>
#include <stdlib.h>
#include <time.h>

/* Widths come from wcwidth(), which needs a UTF-8 locale; times are shown
 * in local time, so the tests pin the zone to UTC. */
static inline void tui_test_init(int *argc, char ***argv)
{
    g_setenv("TZ", "UTC", TRUE);
    tzset();
    if (setlocale(LC_ALL, "C.UTF-8") == NULL && setlocale(LC_ALL, "en_US.UTF-8") == NULL)
        g_error("a UTF-8 locale (C.UTF-8) is needed to measure character widths");
    g_test_init(argc, argv, NULL);
}
