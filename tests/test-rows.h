/* test-rows.h: table-driven GTest registration, shared by every test area. */
#pragma once

#include <glib.h>

/* Registers func once per row of a table whose rows each begin with a
 * `const char *name`, under the path prefix/name, with the row as data. */
static inline void test_add_rows(const char *prefix, gconstpointer rows, gsize n_rows,
                                 gsize row_size, GTestDataFunc func)
{
    for (gsize i = 0; i < n_rows; i++) {
        gconstpointer row = (const guint8 *)rows + i * row_size;
        g_autofree char *path = g_strdup_printf("%s/%s", prefix, *(const char *const *)row);
        g_test_add_data_func(path, row, func);
    }
}

/* test_add_rows() for a static array. */
#define TEST_ADD_ROWS(prefix, rows, func)                                                          \
    test_add_rows((prefix), (rows), G_N_ELEMENTS(rows), sizeof((rows)[0]), (func))
