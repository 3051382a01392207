/* Tests of the netem method's pure parts: qdisc arguments from a spec, and tc statistics. */
#include "net/linkemu/linkemu_netem.h"

#include <string.h>

/* A spec and the netem arguments it must give. */
typedef struct {
    const char *spec;
    const char *args;
} NetemCase;

static const NetemCase netem_cases[] = {
    {"none", "netem limit 65536"},
    {"delay=20ms", "netem limit 65536 delay 20000us"},
    {"delay=20ms,jitter=2ms,loss=2.5%", "netem limit 65536 delay 20000us 2000us loss 2.5000%"},
    {"loss=0.0001%", "netem limit 65536 loss 0.0001%"},
    /* queue 100 + 50 Mbit/s * 22 ms = 137500 bytes, 92 full-size packets on the wire. */
    {"delay=20ms,jitter=2ms,rate=50mbit,queue=100",
     "netem limit 192 delay 20000us 2000us rate 50000000bit"},
    {"rate=20mbit", "netem limit 1000 rate 20000000bit"},
};

/* Every spec gives its netem arguments. */
static void test_netem_args(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(netem_cases); i++) {
        LcLinkSpec spec;
        g_assert_true(linkemu_spec_parse(netem_cases[i].spec, &spec, NULL));
        g_auto(GStrv) args = linkemu_netem_build_args(&spec);
        g_autofree gchar *joined = g_strjoinv(" ", args);
        g_autofree gchar *got = g_strdup_printf("%s -> %s", netem_cases[i].spec, joined);
        g_autofree gchar *want =
            g_strdup_printf("%s -> %s", netem_cases[i].spec, netem_cases[i].args);
        g_assert_cmpstr(got, ==, want);
    }
}

/* Byte limits cannot be expressed in netem; packet limits can. */
static void test_netem_supports(void)
{
    LcLinkSpec spec;
    g_autoptr(GError) error = NULL;

    g_assert_true(linkemu_spec_parse("rate=1mbit,queue=100", &spec, NULL));
    g_assert_true(linkemu_netem_supports(&spec, NULL));
    g_assert_true(linkemu_spec_parse("rate=1mbit,queue=64kb", &spec, NULL));
    g_assert_false(linkemu_netem_supports(&spec, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_assert_nonnull(strstr(error->message, "queue=65536b"));
}

/* tc's JSON statistics turn into counters; sent plus dropped plus held is what came in. */
static void test_netem_stats(void)
{
    static const char json[] =
        "[{\"kind\":\"netem\",\"handle\":\"8001:\",\"root\":true,\"refcnt\":2,"
        "\"options\":{\"limit\":1000,\"delay\":{\"delay\":0.02,\"jitter\":0,\"correlation\":0},"
        "\"ecn\":false,\"gap\":0},\"bytes\":98000,\"packets\":98,\"drops\":2,\"overlimits\":0,"
        "\"requeues\":0,\"backlog\":3000,\"qlen\":3}]";
    LcLinkCounters counters;
    g_autoptr(GError) error = NULL;

    g_assert_true(linkemu_netem_parse_stats(json, &counters, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(counters.packets_out, ==, 98);
    g_assert_cmpuint(counters.bytes_out, ==, 98000);
    g_assert_cmpuint(counters.dropped_loss, ==, 2);
    g_assert_cmpuint(counters.packets_in, ==, 103);
    g_assert_cmpuint(counters.bytes_in, ==, 101000);
}

/* Output without a netem qdisc, or not JSON at all, is an error. */
static void test_netem_stats_bad(void)
{
    LcLinkCounters counters;
    g_autoptr(GError) missing = NULL;
    g_autoptr(GError) garbage = NULL;

    g_assert_false(linkemu_netem_parse_stats("[{\"kind\":\"noqueue\"}]", &counters, &missing));
    g_assert_error(missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_false(linkemu_netem_parse_stats("qdisc netem 8001:", &counters, &garbage));
    g_assert_nonnull(garbage);
}

/* Method names parse and print. */
static void test_netem_method_names(void)
{
    LcLinkMethod method;
    g_autoptr(GError) error = NULL;

    g_assert_true(linkemu_method_parse("tun", &method, NULL));
    g_assert_cmpstr(linkemu_method_to_string(method), ==, "tun-emulator");
    g_assert_true(linkemu_method_parse("netem", &method, NULL));
    g_assert_cmpstr(linkemu_method_to_string(method), ==, "netem");
    g_assert_true(linkemu_method_parse("auto", &method, NULL));
    g_assert_cmpint(method, ==, LINKEMU_METHOD_AUTO);
    g_assert_false(linkemu_method_parse("tc", &method, &error));
    g_assert_nonnull(strstr(error->message, "unknown link method 'tc'"));
}

/* Registers the tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/linkemu/netem/args", test_netem_args);
    g_test_add_func("/linkemu/netem/supports", test_netem_supports);
    g_test_add_func("/linkemu/netem/stats", test_netem_stats);
    g_test_add_func("/linkemu/netem/stats-bad", test_netem_stats_bad);
    g_test_add_func("/linkemu/netem/method-names", test_netem_method_names);
    return g_test_run();
}
