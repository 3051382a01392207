/* Tests of command parsing (ui-tui/command.c). */
#include "tui-test-util.h"
#include "ui-tui/command.h"

#include <string.h>

typedef struct {
    const char *line;
    LcCommandKind kind;
    const char *arg;      /* expected argument; for errors a substring of it */
    const char *channels; /* expected channels (CMD_CAM_ON), else NULL */
} CommandCase;

static const CommandCase command_cases[] = {
    {"", CMD_NONE, NULL, NULL},
    {"   ", CMD_NONE, NULL, NULL},
    {"hello there", CMD_SAY, "hello there", NULL},
    {"  leading spaces kept", CMD_SAY, "  leading spaces kept", NULL},
    {"//etc/passwd is a path", CMD_SAY, "/etc/passwd is a path", NULL},
    {"/me waves", CMD_ME, "waves", NULL},
    {"/ME  waves twice", CMD_ME, " waves twice", NULL},
    {"/me", CMD_USAGE, "/me ACTION", NULL},
    {"/nick bob", CMD_NICK, "bob", NULL},
    {"/nick  bob ", CMD_NICK, "bob", NULL},
    {"/nick", CMD_USAGE, "/nick NEW", NULL},
    {"/nick a b", CMD_USAGE, "/nick NEW", NULL},
    {"/who", CMD_WHO, NULL, NULL},
    {"/names", CMD_WHO, NULL, NULL},
    {"/clear", CMD_CLEAR, NULL, NULL},
    {"/help", CMD_HELP, NULL, NULL},
    {"/help nick", CMD_HELP, "nick", NULL},
    {"/quit", CMD_QUIT, NULL, NULL},
    {"/quit see you later", CMD_QUIT, "see you later", NULL},
    {"/exit", CMD_QUIT, NULL, NULL},
    {"/lag", CMD_LAG, NULL, NULL},
    {"/stats", CMD_STATS, NULL, NULL},
    {"/nik bob", CMD_UNKNOWN, "Did you mean /nick?", NULL},
    {"/hel", CMD_UNKNOWN, "Did you mean /help?", NULL},
    {"/xyzzy", CMD_UNKNOWN, "Unknown command /xyzzy. Type /help", NULL},
    {"/xyzzy", CMD_UNKNOWN, "//xyzzy", NULL},
};

static const CommandCase media_cases[] = {
    {"/cam on", CMD_CAM_ON, NULL, NULL},
    {"/cam on test", CMD_CAM_ON, "test", NULL},
    {"/CAM ON  /dev/video0  UDP", CMD_CAM_ON, "/dev/video0", "udp"},
    {"/cam on tcp", CMD_CAM_ON, NULL, "tcp"},
    {"/cam on clip.mp4 both", CMD_CAM_ON, "clip.mp4", "both"},
    {"/cam off", CMD_CAM_OFF, NULL, NULL},
    {"/cam", CMD_USAGE, "/cam on [--private] [SOURCE]", NULL},
    {"/cam maybe", CMD_USAGE, "/cam off", NULL},
    {"/cam off now", CMD_USAGE, "/cam off", NULL},
    {"/cam on tcp udp", CMD_USAGE, "/cam on", NULL},
    {"/cam on a b", CMD_USAGE, "/cam on", NULL},
    {"/cam on a tcp udp", CMD_USAGE, "/cam on", NULL},
    {"/cam on --private", CMD_CAM_ON, NULL, NULL},
    {"/cam on --private test udp", CMD_CAM_ON, "test", "udp"},
    {"/cam on test --private", CMD_CAM_ON, "test", NULL},
    {"/cam on --private --private", CMD_USAGE, "/cam on [--private]", NULL},
    {"/cam off --private", CMD_USAGE, "/cam on [--private]", NULL},
    {"/audio on --private", CMD_USAGE, "unknown option --private", NULL},
    {"/cam on --privat", CMD_USAGE, "unknown option --privat; usage: /cam on", NULL},
    {"/allow", CMD_ALLOW, NULL, NULL},
    {"/allow bob", CMD_ALLOW, "bob", NULL},
    {"/allow bob carol", CMD_USAGE, "/allow NICK", NULL},
    {"/deny  bob ", CMD_DENY, "bob", NULL},
    {"/deny", CMD_USAGE, "/deny NICK", NULL},
    {"/alow bob", CMD_UNKNOWN, "Did you mean /allow?", NULL},
    {"/msg bob  two  spaces", CMD_MSG, "bob", NULL},
    {"/query carol hi", CMD_MSG, "carol", NULL},
    {"/msg bob", CMD_USAGE, "usage: /msg NICK TEXT", NULL},
    {"/msg", CMD_USAGE, "usage: /msg NICK TEXT", NULL},
    {"/view bob", CMD_VIEW, "bob", NULL},
    {"/view", CMD_USAGE, "/view NICK", NULL},
    {"/view bob carol", CMD_USAGE, "/view NICK [window|terminal]", NULL},
    {"/view bob tty", CMD_VIEW, "bob", NULL},
    {"/view bob both tty", CMD_VIEW, "bob", "both"},
    {"/view bob apart", CMD_VIEW, "bob", "both"},
    {"/view bob both both", CMD_USAGE, "/view NICK", NULL},
    {"/view bob tty window", CMD_USAGE, "/view NICK", NULL},
    {"/view bob Window", CMD_VIEW, "bob", NULL},
    {"/view bob terminal now", CMD_USAGE, "/view NICK", NULL},
    {"/unview  bob ", CMD_UNVIEW, "bob", NULL},
    {"/unview", CMD_USAGE, "/unview NICK", NULL},
    {"/vew bob", CMD_UNKNOWN, "Did you mean /view?", NULL},
    {"/audio on", CMD_AUDIO_ON, NULL, NULL},
    {"/audio on test:440 udp", CMD_AUDIO_ON, "test:440", "udp"},
    {"/audio off", CMD_AUDIO_OFF, NULL, NULL},
    {"/audio", CMD_USAGE, "/audio on [SOURCE]", NULL},
    {"/audio on a b", CMD_USAGE, "/audio off", NULL},
    {"/listen", CMD_LISTEN, NULL, NULL},
    {"/listen out.wav", CMD_LISTEN, "out.wav", NULL},
    {"/listen OFF", CMD_UNLISTEN, NULL, NULL},
    {"/listen a b", CMD_USAGE, "/listen [FILE.wav]", NULL},
    {"/mute", CMD_MUTE, NULL, NULL},
    {"/mute bob", CMD_MUTE, "bob", NULL},
    {"/mute bob carol", CMD_USAGE, "/mute [NICK]", NULL},
    {"/volume bob 0.5", CMD_VOLUME, "bob", NULL},
    {"/volume bob", CMD_USAGE, "/volume NICK LEVEL", NULL},
    {"/volume bob 11", CMD_USAGE, "0 silent to 10", NULL},
    {"/volume bob loud", CMD_USAGE, "/volume NICK LEVEL", NULL},
    {"/volume bob -1", CMD_USAGE, "/volume NICK LEVEL", NULL},
    {"/volme bob 2", CMD_UNKNOWN, "Did you mean /volume?", NULL},
};

/* Every line of cases parses to the command, argument and channels expected. */
static void check_cases(const CommandCase *cases, guint n)
{
    for (guint i = 0; i < n; i++) {
        const CommandCase *c = &cases[i];
        LcCommand cmd;
        command_parse(c->line, &cmd);
        g_test_message("line '%s'", c->line);
        g_assert_cmpint(cmd.kind, ==, c->kind);
        if (c->kind == CMD_UNKNOWN || c->kind == CMD_USAGE)
            g_assert_nonnull(strstr(cmd.arg, c->arg));
        else
            g_assert_cmpstr(cmd.arg, ==, c->arg);
        g_assert_cmpstr(cmd.channels, ==, c->channels);
        if (cmd.kind == CMD_MSG)
            g_assert_cmpstr(cmd.text, ==, strchr(strchr(c->line, ' ') + 1, ' ') + 1);
        command_clear(&cmd);
    }
}

/* Camera and viewer commands parse to their kind, argument and channels;
 * --private is /cam on's alone. */
static void test_parse_media(void)
{
    check_cases(media_cases, G_N_ELEMENTS(media_cases));
    static const char *const lines[] = {"/cam on", "/cam on --private", "/cam on test --PRIVATE"};
    for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
        LcCommand cmd;
        command_parse(lines[i], &cmd);
        g_assert_cmpint(cmd.private, ==, i > 0);
        command_clear(&cmd);
    }
}

/* /send FILE [NICK] (a quoted file with spaces, ~/ the home folder),
 * /accept [N] and /reject [N]. */
static void test_parse_files(void)
{
    static const CommandCase cases[] = {
        {"/send report.pdf", CMD_SEND, "report.pdf", NULL},
        {"/send report.pdf bob", CMD_SEND, "report.pdf", NULL},
        {"/send \"my file.pdf\" bob", CMD_SEND, "my file.pdf", NULL},
        {"/send", CMD_USAGE, "/send FILE [NICK]", NULL},
        {"/send a b c", CMD_USAGE, "/send FILE [NICK]", NULL},
        {"/send \"unclosed", CMD_USAGE, "/send FILE [NICK]", NULL},
        {"/accept", CMD_ACCEPT, NULL, NULL},
        {"/accept 3", CMD_ACCEPT, "3", NULL},
        {"/accept x", CMD_USAGE, "/accept [N]", NULL},
        {"/reject 12", CMD_REJECT, "12", NULL},
        {"/reject -1", CMD_USAGE, "/reject [N]", NULL},
        {"/sendd a", CMD_UNKNOWN, "Did you mean /send?", NULL},
    };
    check_cases(cases, G_N_ELEMENTS(cases));
    LcCommand cmd;
    command_parse("/send \"my file.pdf\" bob", &cmd);
    g_assert_cmpstr(cmd.where, ==, "bob");
    command_clear(&cmd);
    command_parse("/send ~/x.bin", &cmd);
    g_autofree char *home = g_build_filename(g_get_home_dir(), "x.bin", NULL);
    g_assert_cmpstr(cmd.arg, ==, home);
    g_assert_null(cmd.where);
    command_clear(&cmd);
}

/* Every line parses to the command and argument expected. */
static void test_parse(void)
{
    check_cases(command_cases, G_N_ELEMENTS(command_cases));
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
    g_test_add_func("/tui/command/parse-files", test_parse_files);
    g_test_add_func("/tui/command/suggest", test_suggest);
    g_test_add_func("/tui/command/table", test_table);
    return g_test_run();
}
