/* test-tmpdir.h: a temporary folder for a test, removed with its files
 * (one level: what the tests make in it). Header-only. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes a folder and the files in it. */
static inline void test_tmpdir_remove(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_remove(path);
    }
    g_rmdir(dir);
}
