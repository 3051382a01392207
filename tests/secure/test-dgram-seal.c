/* test-dgram-seal.c: sealed datagrams (net/secure/dgram_seal.c): what
 * goes in comes out, a flipped bit anywhere, another key or the other
 * direction is refused, a replay and a counter older than the window are
 * dropped, and reordering within the window is taken once each. */
#include "net/secure/dgram_seal.h"

#include <string.h>

#define CLEAR 20 /* a lanconf datagram header */
#define LEN   (CLEAR + 100)

static const guint8 key_a[DGRAM_SEAL_KEY_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8};
static const guint8 key_b[DGRAM_SEAL_KEY_SIZE] = {9, 9, 9};

/* A datagram: header bytes then a payload pattern. */
static void fill(guint8 *buf, guint8 mark)
{
    for (guint i = 0; i < LEN; i++)
        buf[i] = (guint8)(i * 3 + mark);
}

/* Opens sealed (len bytes) with opener; checks the content on success. */
static LcDgramSealVerdict open_one(LcDgramSeal *opener, const guint8 *sealed, gsize len,
                                   guint8 mark)
{
    guint8 out[LEN + DGRAM_SEAL_OVERHEAD];
    gsize out_len = 0;
    LcDgramSealVerdict v = dgram_seal_open(opener, sealed, len, CLEAR, out, sizeof(out), &out_len);
    if (v == DGRAM_SEAL_OK) {
        guint8 want[LEN];
        fill(want, mark);
        g_assert_cmpuint(out_len, ==, LEN);
        g_assert_cmpmem(out, out_len, want, LEN);
    }
    return v;
}

/* In and out, intact; the header travels in clear, the payload not. */
static void test_roundtrip(void)
{
    g_autoptr(LcDgramSeal) tx = dgram_seal_new(key_a, 1, NULL);
    g_autoptr(LcDgramSeal) rx = dgram_seal_new(key_a, 1, NULL);
    guint8 in[LEN], sealed[LEN + DGRAM_SEAL_OVERHEAD];
    fill(in, 7);
    gsize n = dgram_seal_seal(tx, in, LEN, CLEAR, sealed, NULL);
    g_assert_cmpuint(n, ==, LEN + DGRAM_SEAL_OVERHEAD);
    g_assert_cmpmem(sealed, CLEAR, in, CLEAR);
    g_assert_true(memcmp(sealed + CLEAR + DGRAM_SEAL_COUNTER_SIZE, in + CLEAR, 16) != 0);
    g_assert_cmpint(open_one(rx, sealed, n, 7), ==, DGRAM_SEAL_OK);
    /* The same again is a replay. */
    g_assert_cmpint(open_one(rx, sealed, n, 7), ==, DGRAM_SEAL_REPLAY);
    g_assert_cmpint(open_one(rx, sealed, CLEAR + 10, 7), ==, DGRAM_SEAL_SHORT);
    /* Longer than the room to open it into: refused untouched. */
    guint8 small[LEN];
    gsize small_len = 0;
    g_assert_cmpint(dgram_seal_open(rx, sealed, n, CLEAR, small, LEN - 1, &small_len), ==,
                    DGRAM_SEAL_TOO_LONG);
    g_assert_cmpstr(dgram_seal_verdict_name(DGRAM_SEAL_BAD_TAG), ==, "bad_tag");
}

/* A flipped bit in the header, the counter, the ciphertext or the tag;
 * another key; the other direction: refused, and the window unmoved (the
 * genuine datagram still opens). */
static void test_forgeries(void)
{
    g_autoptr(LcDgramSeal) tx = dgram_seal_new(key_a, 1, NULL);
    g_autoptr(LcDgramSeal) rx = dgram_seal_new(key_a, 1, NULL);
    g_autoptr(LcDgramSeal) other_key = dgram_seal_new(key_b, 1, NULL);
    g_autoptr(LcDgramSeal) other_way = dgram_seal_new(key_a, 2, NULL);
    guint8 in[LEN], sealed[LEN + DGRAM_SEAL_OVERHEAD], bad[LEN + DGRAM_SEAL_OVERHEAD];
    fill(in, 1);
    gsize n = dgram_seal_seal(tx, in, LEN, CLEAR, sealed, NULL);
    const gsize spots[] = {0, CLEAR - 1, CLEAR, CLEAR + 7, CLEAR + 8, n - 17, n - 1};
    for (guint i = 0; i < G_N_ELEMENTS(spots); i++) {
        memcpy(bad, sealed, n);
        bad[spots[i]] ^= 0x10;
        LcDgramSealVerdict v = open_one(rx, bad, n, 1);
        g_assert_cmpint(v, !=, DGRAM_SEAL_OK);
    }
    g_assert_cmpint(open_one(other_key, sealed, n, 1), ==, DGRAM_SEAL_BAD_TAG);
    g_assert_cmpint(open_one(other_way, sealed, n, 1), ==, DGRAM_SEAL_BAD_TAG);
    g_assert_cmpint(open_one(rx, sealed, n, 1), ==, DGRAM_SEAL_OK);
}

/* Datagrams that come out of order within the window open once each;
 * one older than the window is dropped. */
static void test_window(void)
{
    g_autoptr(LcDgramSeal) tx = dgram_seal_new(key_a, 5, NULL);
    g_autoptr(LcDgramSeal) rx = dgram_seal_new(key_a, 5, NULL);
    const guint total = DGRAM_SEAL_WINDOW + 200;
    guint8(*sealed)[LEN + DGRAM_SEAL_OVERHEAD] = g_malloc(total * sizeof(*sealed));
    guint8 in[LEN];
    gsize n = 0;
    for (guint i = 0; i < total; i++) {
        fill(in, (guint8)i);
        n = dgram_seal_seal(tx, in, LEN, CLEAR, sealed[i], NULL);
    }
    /* The first 100, backwards: all open (each newer-or-within). */
    for (gint i = 99; i >= 0; i--)
        g_assert_cmpint(open_one(rx, sealed[i], n, (guint8)i), ==, DGRAM_SEAL_OK);
    /* Every second one up to the end, then the ones between, inside the
     * window: all open, once. */
    for (guint i = 100; i < total; i += 2)
        g_assert_cmpint(open_one(rx, sealed[i], n, (guint8)i), ==, DGRAM_SEAL_OK);
    for (guint i = total - 200; i < total; i += 2)
        g_assert_cmpint(open_one(rx, sealed[i], n, (guint8)i), ==, DGRAM_SEAL_REPLAY);
    for (guint i = total - 500 + 1; i < total; i += 2)
        g_assert_cmpint(open_one(rx, sealed[i], n, (guint8)i), ==, DGRAM_SEAL_OK);
    /* Counter 101 is now more than the window behind the newest. */
    g_assert_cmpint(open_one(rx, sealed[101], n, 101), ==, DGRAM_SEAL_TOO_OLD);
    /* The oldest still inside the window: counter total - WINDOW + 1 is
     * sealed[total - WINDOW]; it was opened when i was even, else opens. */
    guint edge = total - DGRAM_SEAL_WINDOW;
    g_assert_cmpint(open_one(rx, sealed[edge], n, (guint8)edge), ==,
                    edge % 2 == 0 ? DGRAM_SEAL_REPLAY : DGRAM_SEAL_OK);
    g_free(sealed);
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/secure/dgram-seal/roundtrip", test_roundtrip);
    g_test_add_func("/secure/dgram-seal/forgeries", test_forgeries);
    g_test_add_func("/secure/dgram-seal/window", test_window);
    return g_test_run();
}
