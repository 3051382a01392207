/* Tests of the status line model (ui-tui/status.c). */
#include "tui-test-util.h"
#include "ui-tui/status.h"
#include "ui-tui/textwidth.h"

#include <string.h>

/* A joined status with every field set. */
static void status_joined(LcStatus *s)
{
    status_init(s);
    s->state = STATUS_JOINED;
    status_set_string(&s->server, "192.168.1.2:7300");
    status_set_string(&s->nick, "alice");
    status_set_string(&s->addr, "192.168.1.7:51234");
    s->rtt_ms = 0.42;
    s->members = 3;
}

/* A wide terminal shows every field. */
static void test_wide(void)
{
    LcStatus s;
    status_joined(&s);
    g_autofree char *left = NULL, *right = NULL;
    status_format(&s, 0, 120, &left, &right);
    g_assert_cmpstr(left, ==,
                    "[joined]  alice@192.168.1.7:51234  relay 192.168.1.2:7300  "
                    "lag 0.42 ms  3 members");
    g_assert_cmpstr(right, ==, "");
    status_clear(&s);
}

/* Narrow terminals drop the least important fields first, never the state. */
static void test_narrow(void)
{
    LcStatus s;
    status_joined(&s);
    s.scrolled = TRUE;
    s.unread = 4;
    for (int width = 0; width <= 120; width++) {
        g_autofree char *left = NULL, *right = NULL;
        status_format(&s, 0, width, &left, &right);
        g_assert_cmpint(textwidth_str(left, -1) + textwidth_str(right, -1), <=, width);
        if (width >= 40) {
            g_assert_true(g_str_has_prefix(left, "[joined]"));
            g_assert_cmpstr(right, ==, "-- MORE (4 new) --");
        }
        if (width == 60) {
            g_assert_nonnull(strstr(left, "relay 192.168.1.2:7300"));
            g_assert_null(strstr(left, "members"));
        }
    }
    status_clear(&s);
}

/* A file transfer under way shows after the state, and outlasts the
 * relay and the nick as the terminal narrows. */
static void test_files(void)
{
    LcStatus s;
    status_joined(&s);
    s.files = g_strdup("v notes.pdf from bob [####------]  40% 2.0 MiB of 5.0 MiB");
    g_autofree char *wide = NULL, *wide_right = NULL;
    status_format(&s, 0, 200, &wide, &wide_right);
    g_assert_true(g_str_has_suffix(wide, "3 members  v notes.pdf from bob [####------]  40% 2.0 "
                                         "MiB of 5.0 MiB"));
    g_autofree char *narrow = NULL, *narrow_right = NULL;
    status_format(&s, 0, 80, &narrow, &narrow_right);
    g_assert_nonnull(strstr(narrow, "notes.pdf"));
    g_assert_null(strstr(narrow, "relay"));
    status_clear(&s);
}

/* While reconnecting the state says for how long, the lag and the member
 * count of before are not shown as if they held; unsent messages show. */
static void test_reconnecting(void)
{
    LcStatus s;
    status_joined(&s);
    s.ever_joined = TRUE;
    s.state = STATUS_RECONNECTING;
    s.lost_us = 1000000;
    s.pending = 2;
    s.scrolled = TRUE;
    g_autofree char *left = NULL, *right = NULL;
    status_format(&s, 8500000, 200, &left, &right);
    g_assert_true(g_str_has_prefix(left, "[reconnecting, lost 7s ago]"));
    g_assert_true(g_str_has_suffix(left, "2 unsent"));
    g_assert_nonnull(strstr(left, "lag ?  members ?"));
    g_assert_null(strstr(left, "0.42"));
    g_assert_cmpstr(right, ==, "-- MORE --");
    status_clear(&s);
}

/* Started before the relay: waiting, not reconnecting (nothing was lost). */
static void test_waiting(void)
{
    LcStatus s;
    status_init(&s);
    s.state = STATUS_RECONNECTING;
    s.lost_us = 1000000;
    g_autofree char *left = NULL, *right = NULL;
    status_format(&s, 4200000, 200, &left, &right);
    g_assert_true(g_str_has_prefix(left, "[waiting for the relay, 3s]"));
    g_assert_nonnull(strstr(left, "0 members"));
    status_clear(&s);
}

/* Before the first round-trip and join, unknowns show as '?'. */
static void test_initial(void)
{
    LcStatus s;
    status_init(&s);
    g_autofree char *left = NULL, *right = NULL;
    status_format(&s, 0, 200, &left, &right);
    g_assert_cmpstr(left, ==, "[connecting]  ?@?  relay ?  lag ?  0 members");
    status_clear(&s);
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/status/wide", test_wide);
    g_test_add_func("/tui/status/narrow", test_narrow);
    g_test_add_func("/tui/status/files", test_files);
    g_test_add_func("/tui/status/reconnecting", test_reconnecting);
    g_test_add_func("/tui/status/waiting", test_waiting);
    g_test_add_func("/tui/status/initial", test_initial);
    return g_test_run();
}
