/* Tests of command parsing (ui-tui/command.c). */
#include "tui-test-util.h"
#include "ui-tui/command.h"

#include <string.h>

typedef struct {
    const char *line;
    LcCommandKind kind;
    const char *arg; /* expected argument; for errors a substring of it */
} CommandCase;

typedef struct {
    const char *line;
    LcCommandKind kind;
    const char *arg;      /* expected argument; for errors a substring of it */
    const char *channels; /* expected channels (CMD_CAM_ON) */
} MediaCase;

static const CommandCase command_cases[] = {
    {"", CMD_NONE, NULL},
    {"   ", CMD_NONE, NULL},
    {"hello there", CMD_SAY, "hello there"},
    {"  leading spaces kept", CMD_SAY, "  leading spaces kept"},
    {"//etc/passwd is a path", CMD_SAY, "/etc/passwd is a path"},
    {"/me waves", CMD_ME, "waves"},
    {"/ME  waves twice", CMD_ME, " waves twice"},
    {"/me", CMD_USAGE, "/me ACTION"},
    {"/nick bob", CMD_NICK, "bob"},
    {"/nick  bob ", CMD_NICK, "bob"},
    {"/nick", CMD_USAGE, "/nick NEW"},
    {"/nick a b", CMD_USAGE, "/nick NEW"},
    {"/who", CMD_WHO, NULL},
    {"/names", CMD_WHO, NULL},
    {"/clear", CMD_CLEAR, NULL},
    {"/help", CMD_HELP, NULL},
    {"/help nick", CMD_HELP, "nick"},
    {"/quit", CMD_QUIT, NULL},
    {"/quit see you later", CMD_QUIT, "see you later"},
    {"/exit", CMD_QUIT, NULL},
    {"/lag", CMD_LAG, NULL},
    {"/stats", CMD_STATS, NULL},
    {"/nik bob", CMD_UNKNOWN, "Did you mean /nick?"},
    {"/hel", CMD_UNKNOWN, "Did you mean /help?"},
    {"/xyzzy", CMD_UNKNOWN, "Unknown command /xyzzy. Type /help"},
    {"/xyzzy", CMD_UNKNOWN, "//xyzzy"},
};

static const MediaCase media_cases[] = {
    {"/cam on", CMD_CAM_ON, NULL, NULL},
    {"/cam on test", CMD_CAM_ON, "test", NULL},
    {"/CAM ON  /dev/video0  UDP", CMD_CAM_ON, "/dev/video0", "udp"},
    {"/cam on tcp", CMD_CAM_ON, NULL, "tcp"},
    {"/cam on clip.mp4 both", CMD_CAM_ON, "clip.mp4", "both"},
    {"/cam off", CMD_CAM_OFF, NULL, NULL},
    {"/cam", CMD_USAGE, "/cam on [SOURCE]", NULL},
    {"/cam maybe", CMD_USAGE, "/cam off", NULL},
    {"/cam off now", CMD_USAGE, "/cam off", NULL},
    {"/cam on tcp udp", CMD_USAGE, "/cam on", NULL},
    {"/cam on a b", CMD_USAGE, "/cam on", NULL},
    {"/cam on a tcp udp", CMD_USAGE, "/cam on", NULL},
    {"/view bob", CMD_VIEW, "bob", NULL},
    {"/view", CMD_USAGE, "/view NICK", NULL},
    {"/view bob carol", CMD_USAGE, "/view NICK", NULL},
    {"/unview  bob ", CMD_UNVIEW, "bob", NULL},
    {"/unview", CMD_USAGE, "/unview NICK", NULL},
    {"/vew bob", CMD_UNKNOWN, "Did you mean /view?", NULL},
};

/* Camera and viewer commands parse to their kind, argument and channels. */
static void test_parse_media(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(media_cases); i++) {
        const MediaCase *c = &media_cases[i];
        LcCommand cmd;
        command_parse(c->line, &cmd);
        g_test_message("line '%s'", c->line);
        g_assert_cmpint(cmd.kind, ==, c->kind);
        if (c->kind == CMD_UNKNOWN || c->kind == CMD_USAGE)
            g_assert_nonnull(strstr(cmd.arg, c->arg));
        else
            g_assert_cmpstr(cmd.arg, ==, c->arg);
        g_assert_cmpstr(cmd.channels, ==, c->channels);
        command_clear(&cmd);
    }
}

/* Every line parses to the command and argument expected. */
static void test_parse(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(command_cases); i++) {
        const CommandCase *c = &command_cases[i];
        LcCommand cmd;
        command_parse(c->line, &cmd);
        g_test_message("line '%s'", c->line);
        g_assert_cmpint(cmd.kind, ==, c->kind);
        if (c->kind == CMD_UNKNOWN || c->kind == CMD_USAGE)
            g_assert_nonnull(strstr(cmd.arg, c->arg));
        else
            g_assert_cmpstr(cmd.arg, ==, c->arg);
        command_clear(&cmd);
    }
}

/* Far-off names get no suggestion. */
static void test_suggest(void)
{
    g_assert_cmpstr(command_suggest("/quiet"), ==, "/quit");
    g_assert_cmpstr(command_suggest("/st"), ==, "/stats");
    g_assert_null(command_suggest("/foo"));
    g_assert_null(command_suggest("/"));
}

/* The help table names every command the completion list has. */
static void test_table(void)
{
    guint n = 0;
    const LcCommandInfo *table = command_get_table(&n);
    const char *const *names = command_get_names();
    guint count = 0;
    for (; names[count] != NULL; count++) {
        gboolean found = FALSE;
        for (guint j = 0; j < n; j++)
            found |= strcmp(table[j].name, names[count]) == 0;
        g_assert_true(found);
    }
    g_assert_cmpuint(count, ==, n);
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/command/parse", test_parse);
    g_test_add_func("/tui/command/parse-media", test_parse_media);
    g_test_add_func("/tui/command/suggest", test_suggest);
    g_test_add_func("/tui/command/table", test_table);
    return g_test_run();
}
