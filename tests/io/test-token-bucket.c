/* test-token-bucket.c: the one token bucket behind flood control and pacing. */
#include "net/io/token_bucket.h"

/* Bytes: a full burst at once, then the rate; an oversized take waits for a
 * full bucket and overdraws it; no limit at rate 0. */
static void test_bytes(void)
{
    LcTokenBucket b;
    token_bucket_init(&b, 1e6, 3000, 0); /* 1 byte per microsecond */
    g_assert_cmpint(token_bucket_take(&b, 1000, 0), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1000, 0), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1000, 0), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1000, 0), ==, 1000);
    g_assert_cmpint(token_bucket_take(&b, 1000, 400), ==, 600);
    g_assert_cmpint(token_bucket_take(&b, 1000, 1000), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 5000, 1000), ==, 3000); /* waits for a full bucket */
    g_assert_cmpint(token_bucket_take(&b, 5000, 4000), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1, 4000), >, 0); /* it overdrew */
    token_bucket_init(&b, 0, 0, 0);
    for (guint i = 0; i < 100; i++)
        g_assert_cmpint(token_bucket_take(&b, 100000, 0), ==, 0);
}

/* Tokens given back (a batch the socket took only part of) are there to
 * take again at once, never beyond the burst; without a rate nothing
 * changes. */
static void test_give_back(void)
{
    LcTokenBucket b;
    token_bucket_init(&b, 1e6, 3000, 0);
    g_assert_cmpint(token_bucket_take(&b, 3000, 0), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1000, 0), ==, 1000);
    token_bucket_give_back(&b, 1000);
    g_assert_cmpint(token_bucket_take(&b, 1000, 0), ==, 0);
    token_bucket_give_back(&b, 1e9); /* capped at the burst */
    g_assert_cmpint(token_bucket_take(&b, 3000, 0), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1, 0), >, 0);
    token_bucket_init(&b, 0, 0, 0);
    token_bucket_give_back(&b, 5);
    g_assert_cmpint(token_bucket_take(&b, 100000, 0), ==, 0);
}

/* Messages: the relay's flood control (rate 10/s, burst 3) lets 3 through at
 * once, refuses the 4th until a tenth of a second has passed, and never
 * stores more than the burst however long the sender was quiet. */
static void test_messages(void)
{
    LcTokenBucket b;
    token_bucket_init(&b, 10, 3, 0);
    for (int i = 0; i < 3; i++)
        g_assert_cmpint(token_bucket_take(&b, 1, 0), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1, 0), ==, 100000);
    g_assert_cmpint(token_bucket_take(&b, 1, 50000), ==, 50000);
    g_assert_cmpint(token_bucket_take(&b, 1, 100000), ==, 0);
    /* An hour of silence still buys only the burst. */
    gint64 later = G_GINT64_CONSTANT(3600) * G_USEC_PER_SEC;
    for (int i = 0; i < 3; i++)
        g_assert_cmpint(token_bucket_take(&b, 1, later), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1, later), >, 0);
}

/* A burst below one token is raised to one, so a message can always pass,
 * and a wait is never reported as 0 (which would mean "go now"). */
static void test_edges(void)
{
    LcTokenBucket b;
    token_bucket_init(&b, 1e9, 0, 0);
    g_assert_cmpint(token_bucket_take(&b, 1, 0), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1, 0), ==, 1); /* 1 ns needed, 1 us reported */
    /* A clock that steps back refills nothing and breaks nothing. */
    token_bucket_init(&b, 10, 1, 1000000);
    g_assert_cmpint(token_bucket_take(&b, 1, 1000000), ==, 0);
    g_assert_cmpint(token_bucket_take(&b, 1, 0), ==, 100000);
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/token-bucket/bytes", test_bytes);
    g_test_add_func("/token-bucket/messages", test_messages);
    g_test_add_func("/token-bucket/edges", test_edges);
    g_test_add_func("/token-bucket/give-back", test_give_back);
    return g_test_run();
}
