/* test-chan-kind.c: channel names and the one channel-list parser
 * (--channels, /cam on ... tcp). */
#include "net/wire/chan_kind.h"

#include <string.h>

/* Every name maps back to its channel, in either case. */
static void test_names(void)
{
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        LcChanKind back;
        g_assert_true(chan_kind_from_name(chan_kind_name(ch), &back));
        g_assert_cmpint(back, ==, ch);
    }
    g_assert_cmpstr(chan_kind_name(LC_CHAN_TCP), ==, "tcp");
    g_assert_cmpstr(chan_kind_name(LC_CHAN_UDP), ==, "udp");
    g_assert_true(chan_kind_from_name("TCP", NULL));
    g_assert_false(chan_kind_from_name("sctp", NULL));
    g_assert_false(chan_kind_from_name("", NULL));
    g_assert_false(chan_kind_from_name(NULL, NULL));
    g_assert_true(chan_kind_mask_has(LC_CHAN_MASK_ALL, LC_CHAN_UDP));
    g_assert_false(chan_kind_mask_has(LC_CHAN_BIT(LC_CHAN_TCP), LC_CHAN_UDP));
    g_assert_false(chan_kind_mask_has(LC_CHAN_MASK_ALL, LC_CHAN_KINDS));
}

typedef struct {
    const char *text;
    guint mask; /* 0: refused */
} ListCase;

/* Lists: single names, both orders, "both" and "all", spaces and case; empty
 * items, unknown names and an empty list are refused with the known names. */
static void test_lists(void)
{
    static const ListCase cases[] = {
        {"udp", LC_CHAN_BIT(LC_CHAN_UDP)},
        {"tcp", LC_CHAN_BIT(LC_CHAN_TCP)},
        {"udp,tcp", LC_CHAN_MASK_ALL},
        {"tcp,udp,tcp", LC_CHAN_MASK_ALL},
        {" udp , TCP ", LC_CHAN_MASK_ALL},
        {"both", LC_CHAN_MASK_ALL},
        {"ALL", LC_CHAN_MASK_ALL},
        {"tcp,sctp", 0},
        {"tcp,,udp", 0},
        {"", 0},
        {",", 0},
        {"both,tcp", 0},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        guint mask = 0xdead;
        gboolean ok = chan_kind_parse_mask(cases[i].text, &mask, &error);
        if (cases[i].mask != 0) {
            g_assert_no_error(error);
            g_assert_true(ok);
            g_assert_cmpuint(mask, ==, cases[i].mask);
        } else {
            g_assert_false(ok);
            g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
            g_assert_nonnull(strstr(error->message, "tcp, udp"));
            g_assert_cmpuint(mask, ==, 0xdead); /* untouched */
        }
    }
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/chan-kind/names", test_names);
    g_test_add_func("/chan-kind/lists", test_lists);
    return g_test_run();
}
