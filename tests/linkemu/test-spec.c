/* Tests of linkemu_spec: parsing impairment text, the canonical form, and clear errors. */
#include "net/linkemu/linkemu_spec.h"

#include <string.h>

/* A spec that parses, its fields, and its canonical text. */
typedef struct {
    const char *text;
    LcLinkSpec want;
    const char *canonical;
} SpecGood;

/* A spec that must be refused, and a part of the message naming what is wrong. */
typedef struct {
    const char *text;
    const char *message;
} SpecBad;

static const SpecGood spec_good[] = {
    {"delay=20ms,jitter=2ms,loss=2%,rate=50mbit",
     {.delay_us = 20000, .jitter_us = 2000, .loss_ppm = 20000, .rate_bps = 50000000},
     "delay=20ms,jitter=2ms,loss=2%,rate=50mbit"},
    {"none", {0}, "none"},
    {"NONE", {0}, "none"},
    {" delay = 1.5ms , loss=0.5 ", {.delay_us = 1500, .loss_ppm = 500000}, "delay=1500us,loss=50%"},
    {"delay=1000ms", {.delay_us = 1000000}, "delay=1s"},
    {"delay=.5ms", {.delay_us = 500}, "delay=500us"},
    {"delay=250us", {.delay_us = 250}, "delay=250us"},
    {"delay=60s", {.delay_us = 60000000}, "delay=60s"},
    {"DELAY=5MS", {.delay_us = 5000}, "delay=5ms"},
    {"delay=10ms,jitter=10ms", {.delay_us = 10000, .jitter_us = 10000}, "delay=10ms,jitter=10ms"},
    {"jitter=0ms", {0}, "none"},
    {"loss=0.0001%", {.loss_ppm = 1}, "loss=0.0001%"},
    {"loss=0.02", {.loss_ppm = 20000}, "loss=2%"},
    {"loss=2.5%", {.loss_ppm = 25000}, "loss=2.5%"},
    {"loss=100%", {.loss_ppm = 1000000}, "loss=100%"},
    {"loss=0", {0}, "none"},
    {"rate=1.5mbit", {.rate_bps = 1500000}, "rate=1500kbit"},
    {"rate=10Gbit", {.rate_bps = 10000000000}, "rate=10gbit"},
    {"rate=800bit", {.rate_bps = 800}, "rate=800bit"},
    {"rate=20mbit,queue=100",
     {.rate_bps = 20000000, .queue_packets = 100},
     "rate=20mbit,queue=100"},
    {"rate=1mbit,queue=50pkt", {.rate_bps = 1000000, .queue_packets = 50}, "rate=1mbit,queue=50"},
    {"rate=20mbit,queue=64kb",
     {.rate_bps = 20000000, .queue_bytes = 65536},
     "rate=20mbit,queue=64kb"},
    {"rate=1mbit,queue=1500b",
     {.rate_bps = 1000000, .queue_bytes = 1500},
     "rate=1mbit,queue=1500b"},
    {"queue=2mb,rate=1gbit",
     {.rate_bps = 1000000000, .queue_bytes = 2097152},
     "rate=1gbit,queue=2mb"},
};

static const SpecBad spec_bad[] = {
    {"", "the link spec is empty"},
    {"   ", "the link spec is empty"},
    {"delay", "delay: expected key=value"},
    {"delay=20", "delay=20: missing unit (us, ms or s)"},
    {"delay=20xs", "delay=20xs: unknown unit 'xs' (us, ms or s)"},
    {"delay=", "delay=: expected a non-negative number"},
    {"delay=-5ms", "delay=-5ms: expected a non-negative number"},
    {"delay=+5ms", "delay=+5ms: expected a non-negative number"},
    {"delay=inf", "delay=inf: expected a non-negative number"},
    {"delay=nan", "delay=nan: expected a non-negative number"},
    {"delay=1.2.3ms", "delay=1.2.3ms: unknown unit '.3ms'"},
    {"delay=61s", "delay=61s: longer than the maximum of 60s"},
    {"delay=0.1us", "delay=0.1us: below the resolution of 1us"},
    {"delay=99999999999999999999ms", "number too large"},
    {"delay=1.1234567891ms", "too many decimals"},
    {"delay=20ms,delay=30ms", "delay=30ms: 'delay' given twice"},
    {"foo=1", "foo=1: unknown key 'foo'"},
    {"delay=20ms,,loss=1%", "empty item"},
    {"delay=20ms,", "empty item"},
    {"loss=150%", "loss=150%: above 100%"},
    {"loss=1", "loss=1: a bare loss is a fraction below 1 (write loss=1% for percent)"},
    {"loss=2x", "loss=2x: unknown unit 'x'"},
    {"loss=0.00001%", "loss=0.00001%: below the resolution of 0.0001%"},
    {"loss=-1%", "loss=-1%: expected a non-negative number"},
    {"rate=0mbit", "rate=0mbit: must be above 0"},
    {"rate=50", "rate=50: missing unit (bit, kbit, mbit or gbit)"},
    {"rate=50mbps", "rate=50mbps: unknown unit 'mbps'"},
    {"rate=200gbit", "rate=200gbit: above the maximum of 100gbit"},
    {"queue=100", "queue=100: a queue limit needs a rate"},
    {"queue=64kb", "queue=64kb: a queue limit needs a rate"},
    {"rate=1mbit,queue=0", "queue=0: a packet limit is between 1 and"},
    {"rate=1mbit,queue=1.5", "queue=1.5: a packet count is a whole number"},
    {"rate=1mbit,queue=100b", "queue=100b: a byte limit must hold one 1500-byte packet"},
    {"rate=1mbit,queue=10xb", "queue=10xb: unknown unit 'xb'"},
    {"rate=1mbit,queue=2000mb", "queue=2000mb: above the maximum"},
    {"delay=10ms,jitter=20ms", "jitter=20ms: larger than delay=10ms"},
    {"jitter=1ms", "jitter=1ms: larger than delay=0us"},
};

/* Returns "TEXT -> field values" so that a failed comparison names the case. */
static gchar *spec_describe(const char *text, const LcLinkSpec *spec)
{
    return g_strdup_printf("%s -> delay %" G_GUINT64_FORMAT " jitter %" G_GUINT64_FORMAT
                           " loss %u rate %" G_GUINT64_FORMAT " queue %u/%" G_GUINT64_FORMAT,
                           text, spec->delay_us, spec->jitter_us, spec->loss_ppm, spec->rate_bps,
                           spec->queue_packets, spec->queue_bytes);
}

/* Every good spec parses to its fields. */
static void test_spec_parse(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(spec_good); i++) {
        g_autoptr(GError) error = NULL;
        LcLinkSpec got;
        gboolean ok = linkemu_spec_parse(spec_good[i].text, &got, &error);
        g_assert_no_error(error);
        g_assert_true(ok);
        g_autofree gchar *got_text = spec_describe(spec_good[i].text, &got);
        g_autofree gchar *want_text = spec_describe(spec_good[i].text, &spec_good[i].want);
        g_assert_cmpstr(got_text, ==, want_text);
    }
}

/* Every good spec formats to its canonical text, which parses back to the same spec. */
static void test_spec_format(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(spec_good); i++) {
        LcLinkSpec again;
        g_autofree gchar *text = linkemu_spec_format(&spec_good[i].want);
        g_autofree gchar *got = g_strdup_printf("%s -> %s", spec_good[i].text, text);
        g_autofree gchar *want =
            g_strdup_printf("%s -> %s", spec_good[i].text, spec_good[i].canonical);
        g_assert_cmpstr(got, ==, want);
        g_assert_true(linkemu_spec_parse(text, &again, NULL));
        g_assert_cmpmem(&again, sizeof again, &spec_good[i].want, sizeof again);
    }
}

/* Every bad spec is refused with a message naming the offending part, and spec is untouched. */
static void test_spec_malformed(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(spec_bad); i++) {
        g_autoptr(GError) error = NULL;
        LcLinkSpec spec = {.delay_us = 7};
        gboolean ok = linkemu_spec_parse(spec_bad[i].text, &spec, &error);
        g_assert_false(ok);
        g_assert_error(error, LINKEMU_SPEC_ERROR, LINKEMU_SPEC_ERROR_INVALID);
        if (strstr(error->message, spec_bad[i].message) == NULL)
            g_error("'%s': message '%s' lacks '%s'", spec_bad[i].text, error->message,
                    spec_bad[i].message);
        g_assert_cmpuint(spec.delay_us, ==, 7);
    }
}

/* A perfect link is "none" and nothing else is. */
static void test_spec_is_none(void)
{
    LcLinkSpec spec;

    linkemu_spec_init(&spec);
    g_assert_true(linkemu_spec_is_none(&spec));
    g_assert_true(linkemu_spec_parse("loss=1%", &spec, NULL));
    g_assert_false(linkemu_spec_is_none(&spec));
}

/* Registers the tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/linkemu/spec/parse", test_spec_parse);
    g_test_add_func("/linkemu/spec/format", test_spec_format);
    g_test_add_func("/linkemu/spec/malformed", test_spec_malformed);
    g_test_add_func("/linkemu/spec/is-none", test_spec_is_none);
    return g_test_run();
}
