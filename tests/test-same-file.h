/* test-same-file.h: whether two files hold the same bytes, for the tests
 * that move files. Header-only. */
#pragma once

#include <glib.h>
#include <string.h>

/* Asserts that files a and b hold the same bytes. */
static inline void test_assert_same_file(const char *a, const char *b)
{
    g_autofree char *da = NULL, *db = NULL;
    gsize la = 0, lb = 0;
    g_assert_true(g_file_get_contents(a, &da, &la, NULL));
    g_assert_true(g_file_get_contents(b, &db, &lb, NULL));
    g_assert_cmpuint(la, ==, lb);
    g_assert_true(memcmp(da, db, la) == 0);
}
