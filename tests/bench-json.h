/* bench-json.h: runs lanconf-bench and reads what it printed (as JSON),
 * shared by the bench and lab tests (which define LANCONF_BIN_DIR). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

/* Runs `lanconf-bench ARGS...` (NULL-terminated; a NULL ends them early),
 * asserting exit 0, and returns what it printed (g_free). */
static inline char *bench_run_out(const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, LANCONF_BIN_DIR "/lanconf-bench");
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_newv((const char *const *)argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error(error);
    char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &out, NULL, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    return out;
}

/* bench_run_out(), what it printed parsed as JSON. */
static inline JsonParser *bench_run_json(const char *const *args)
{
    g_autofree char *out = bench_run_out(args);
    g_autoptr(GError) error = NULL;
    JsonParser *parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, out, -1, &error));
    g_assert_no_error(error);
    return parser;
}
