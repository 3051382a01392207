/* Tests of the chat statistics behind /stats (ui-tui/chatstats.c). */
#include "tui-test-util.h"
#include "ui-tui/chatstats.h"

/* /stats reports counts, durations and round-trips. */
static void test_stats(void)
{
    LcChatStats st;
    chatstats_init(&st, 0);
    g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func(g_free);
    chatstats_format(&st, 5 * G_USEC_PER_SEC, before);
    g_assert_cmpuint(before->len, ==, 4);
    g_assert_cmpstr(g_ptr_array_index(before, 3), ==, "chat: relay round-trip not measured yet");
    st.joined_us = 3 * G_USEC_PER_SEC;
    st.connects = 2;
    st.sent = 3;
    st.acked = 2;
    st.pending = 1;
    chatstats_add_rtt(&st, 2.0);
    chatstats_add_rtt(&st, 1.0);
    chatstats_add_rtt(&st, 3.0);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    chatstats_format(&st, 65 * G_USEC_PER_SEC, lines);
    g_assert_cmpstr(g_ptr_array_index(lines, 0), ==,
                    "chat: running 1m05s, connected 1m02s, 2 connections (1 reconnect)");
    g_assert_true(
        g_str_has_prefix(g_ptr_array_index(lines, 1), "chat: sent 3 (0 bytes), stored 2"));
    g_assert_true(g_str_has_prefix(g_ptr_array_index(lines, 3),
                                   "chat: relay round-trip 3.00 ms (min 1.00, avg 2.00, max 3.00 "
                                   "over 3)"));
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/chatstats/report", test_stats);
    return g_test_run();
}
