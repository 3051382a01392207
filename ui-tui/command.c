/* command.c: what a line typed in the input line asks for. */
#include "ui-tui/command.h"

#include "net/wire/chan_kind.h"

#include <string.h>

typedef struct {
    const char *name;
    LcCommandKind kind;
} LcCommandAlias;

static const LcCommandInfo command_table[] = {
    {"/me", "ACTION", "Send an action, shown as \"* nick does something\""},
    {"/msg", "NICK TEXT", "Send TEXT to NICK alone (kept by the relay for the two of you)"},
    {"/nick", "NEW", "Change your nick"},
    {"/who", "", "List the members of the room with their addresses"},
    {"/away", "[MESSAGE]", "Say you are away (dim in everyone's member list); /away alone: back"},
    {"/lag", "", "Measure the round-trip to the relay now"},
    {"/stats", "", "Show chat statistics and show or hide the stats pane (also F2)"},
    {"/cam", "on [--private] [SOURCE] [tcp|udp|both] | off",
     "Send your camera (SOURCE: test, /dev/videoN or a file; default test) or stop it; "
     "--private: only members you /allow may view it"},
    {"/allow", "[NICK]", "Let NICK view your private camera; /allow alone lists who may"},
    {"/deny", "NICK", "Stop NICK viewing your private camera (a view under way ends)"},
    {"/send", "FILE [NICK]",
     "Offer FILE to NICK or to the room (quote a name with spaces: /send \"my file.pdf\" bob)"},
    {"/accept", "[N]", "Take file offer N (default: the last one) into your files folder"},
    {"/reject", "[N]", "Turn file offer N down (default: the last one)"},
    {"/view", "NICK [window|terminal] [both]",
     "Watch NICK's camera: in a window where one can open, else in the terminal; both: its "
     "TCP and UDP channels side by side"},
    {"/audio", "on [SOURCE] [tcp|udp|both] | off",
     "Talk: send your sound (SOURCE: mic, test, test:HZ or an audio file; default mic) or stop"},
    {"/listen", "[FILE.wav] | off",
     "Hear everyone who talks (the audio output, or into FILE.wav), or stop"},
    {"/mute", "[NICK]", "Mute or unmute NICK here, or your own microphone (also F4)"},
    {"/volume", "NICK LEVEL", "How loud NICK is here: 0 (silent) to 10, 1 as sent"},
    {"/unview", "NICK", "Stop watching NICK's camera"},
    {"/clear", "", "Clear the chat window (history stays on the relay)"},
    {"/help", "[COMMAND]", "List commands and keys, or explain one command"},
    {"/quit", "[MESSAGE]", "Leave the room (the others see MESSAGE) and exit"},
};

static const char *const command_names[] = {
    "/accept", "/allow",  "/audio", "/away",   "/cam",    "/clear", "/deny", "/help",
    "/lag",    "/listen", "/me",    "/msg",    "/mute",   "/nick",  "/quit", "/reject",
    "/send",   "/stats",  "/view",  "/unview", "/volume", "/who",   NULL};

static const LcCommandAlias command_aliases[] = {
    {"/me", CMD_ME},          {"/nick", CMD_NICK},     {"/who", CMD_WHO},   {"/names", CMD_WHO},
    {"/away", CMD_AWAY},      {"/msg", CMD_MSG},       {"/query", CMD_MSG}, {"/clear", CMD_CLEAR},
    {"/help", CMD_HELP},      {"/quit", CMD_QUIT},     {"/exit", CMD_QUIT}, {"/lag", CMD_LAG},
    {"/stats", CMD_STATS},    {"/cam", CMD_CAM_ON},    {"/view", CMD_VIEW}, {"/unview", CMD_UNVIEW},
    {"/audio", CMD_AUDIO_ON}, {"/listen", CMD_LISTEN}, {"/mute", CMD_MUTE}, {"/volume", CMD_VOLUME},
    {"/allow", CMD_ALLOW},    {"/deny", CMD_DENY},     {"/send", CMD_SEND}, {"/accept", CMD_ACCEPT},
    {"/reject", CMD_REJECT},
};

/* Looks a command name up; CMD_UNKNOWN if there is none. */
static LcCommandKind command_lookup(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(command_aliases); i++)
        if (g_ascii_strcasecmp(command_aliases[i].name, name) == 0)
            return command_aliases[i].kind;
    return CMD_UNKNOWN;
}

/* Edit distance between two short ASCII words (Levenshtein). */
static guint command_distance(const char *a, const char *b)
{
    guint la = (guint)strlen(a), lb = (guint)strlen(b);
    if (la > 32 || lb > 32)
        return G_MAXUINT;
    guint prev[33], cur[33];
    for (guint j = 0; j <= lb; j++)
        prev[j] = j;
    for (guint i = 1; i <= la; i++) {
        cur[0] = i;
        for (guint j = 1; j <= lb; j++) {
            guint cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
            cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        }
        memcpy(prev, cur, sizeof(prev));
    }
    return prev[lb];
}

/* The closest command to a mistyped name. */
const char *command_suggest(const char *name)
{
    const char *best = NULL;
    /* Suggest a prefix match, or a name one edit away (two for long names). */
    guint best_d = strlen(name) > 5 ? 3 : 2;
    for (guint i = 0; command_names[i] != NULL; i++) {
        const char *c = command_names[i];
        if (strlen(name) > 1 && g_ascii_strncasecmp(c, name, strlen(name)) == 0)
            return c;
        guint d = command_distance(name, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

/* Sets a command's kind and argument. */
static void command_set(LcCommand *cmd, LcCommandKind kind, char *arg)
{
    cmd->kind = kind;
    cmd->arg = arg;
}

/* Whether a word names camera channels. */
static gboolean command_is_channels(const char *word)
{
    guint mask;
    return chan_kind_parse_mask(word, &mask, NULL);
}

/* Parses the words after /cam or /audio: "on [SOURCE] [tcp|udp|both]" or
 * "off". */
static void command_parse_on_off(LcCommand *cmd, const char *arg, gboolean audio)
{
    const char *usage = audio ? "usage: /audio on [SOURCE] [tcp|udp|both], or /audio off"
                              : "usage: /cam on [--private] [SOURCE] [tcp|udp|both], or /cam off";
    g_auto(GStrv) words = g_strsplit_set(arg, " \t", -1);
    g_autoptr(GPtrArray) w = g_ptr_array_new();
    gboolean private = FALSE, bad = FALSE; /* bad: --private twice */
    const char *unknown = NULL;
    for (guint i = 0; words[i] != NULL; i++) {
        if (!audio && g_ascii_strcasecmp(words[i], "--private") == 0) {
            bad = bad || private;
            private = TRUE;
        } else if (g_str_has_prefix(words[i], "--") && unknown == NULL) {
            unknown = words[i]; /* an option /cam or /audio does not have */
        } else if (*words[i] != '\0') {
            g_ptr_array_add(w, words[i]);
        }
    }
    if (unknown != NULL) {
        command_set(cmd, CMD_USAGE, g_strdup_printf("unknown option %s; %s", unknown, usage));
        return;
    }
    if (bad ||
        (private && (w->len == 0 || g_ascii_strcasecmp(g_ptr_array_index(w, 0), "on") != 0))) {
        command_set(cmd, CMD_USAGE, g_strdup(usage));
        return;
    }
    const char *verb = w->len > 0 ? g_ptr_array_index(w, 0) : "";
    if (g_ascii_strcasecmp(verb, "off") == 0 && w->len == 1) {
        command_set(cmd, audio ? CMD_AUDIO_OFF : CMD_CAM_OFF, NULL);
        return;
    }
    if (g_ascii_strcasecmp(verb, "on") != 0 || w->len > 3) {
        command_set(cmd, CMD_USAGE, g_strdup(usage));
        return;
    }
    const char *source = NULL, *channels = NULL;
    for (guint i = 1; i < w->len; i++) {
        const char *word = g_ptr_array_index(w, i);
        if (command_is_channels(word) && channels == NULL && i == w->len - 1)
            channels = word;
        else if (source == NULL && i == 1 && !command_is_channels(word))
            source = word;
        else {
            command_set(cmd, CMD_USAGE, g_strdup(usage));
            return;
        }
    }
    command_set(cmd, audio ? CMD_AUDIO_ON : CMD_CAM_ON, g_strdup(source));
    cmd->channels = channels ? g_ascii_strdown(channels, -1) : NULL;
    cmd->private = private;
}

/* Parses the words after /volume: "NICK LEVEL", LEVEL 0 to 10. */
static void command_parse_volume(LcCommand *cmd, const char *arg)
{
    g_auto(GStrv) words = g_strsplit_set(arg, " \t", -1);
    g_autoptr(GPtrArray) w = g_ptr_array_new();
    for (guint i = 0; words[i] != NULL; i++)
        if (*words[i] != '\0')
            g_ptr_array_add(w, words[i]);
    char *end = NULL;
    double level = w->len == 2 ? g_ascii_strtod(g_ptr_array_index(w, 1), &end) : -1;
    if (w->len != 2 || end == NULL || *end != '\0' || !(level >= 0 && level <= 10)) {
        command_set(cmd, CMD_USAGE,
                    g_strdup("usage: /volume NICK LEVEL (0 silent to 10; 1 as sent)"));
        return;
    }
    command_set(cmd, CMD_VOLUME, g_strdup(g_ptr_array_index(w, 0)));
    cmd->level = level;
}

/* /view NICK [window|terminal] [both]: tty and term for terminal, apart
 * for both (the TCP and the UDP channel side by side). */
static void command_parse_view(LcCommand *cmd, const char *arg)
{
    g_auto(GStrv) words = g_strsplit(arg, " ", -1);
    g_autoptr(GPtrArray) w = g_ptr_array_new();
    for (guint i = 0; words[i] != NULL; i++)
        if (*words[i] != '\0')
            g_ptr_array_add(w, words[i]);
    const char *where = NULL;
    gboolean both = FALSE, bad = w->len < 1 || w->len > 3;
    for (guint i = 1; i < w->len && !bad; i++) {
        const char *word = g_ptr_array_index(w, i);
        if (where == NULL &&
            (g_ascii_strcasecmp(word, "tty") == 0 || g_ascii_strcasecmp(word, "term") == 0 ||
             g_ascii_strcasecmp(word, "terminal") == 0))
            where = "terminal";
        else if (where == NULL && g_ascii_strcasecmp(word, "window") == 0)
            where = "window";
        else if (!both &&
                 (g_ascii_strcasecmp(word, "both") == 0 || g_ascii_strcasecmp(word, "apart") == 0))
            both = TRUE;
        else
            bad = TRUE; /* not a place, or said twice */
    }
    if (bad) {
        command_set(cmd, CMD_USAGE,
                    g_strdup("usage: /view NICK [window|terminal] [both] (a window where one can "
                             "open, else the terminal; both: TCP and UDP side by side)"));
        return;
    }
    command_set(cmd, CMD_VIEW, g_strdup(g_ptr_array_index(w, 0)));
    cmd->where = g_strdup(where);
    cmd->channels = both ? g_strdup("both") : NULL;
}

/* /send FILE [NICK]: the file may be quoted as in a shell (a name with
 * spaces), and ~/ is the home folder. */
static void command_parse_send(LcCommand *cmd, const char *arg)
{
    g_auto(GStrv) words = NULL;
    if (*arg == '\0' || !g_shell_parse_argv(arg, NULL, &words, NULL) || g_strv_length(words) > 2) {
        command_set(cmd, CMD_USAGE,
                    g_strdup("usage: /send FILE [NICK] (quote a name with spaces: /send \"my "
                             "file.pdf\" bob)"));
        return;
    }
    const char *file = words[0];
    command_set(cmd, CMD_SEND,
                g_str_has_prefix(file, "~/") ? g_build_filename(g_get_home_dir(), file + 2, NULL)
                                             : g_strdup(file));
    cmd->where = g_strdup(words[1]);
}

/* /accept [N] and /reject [N]: N a whole number. */
static void command_parse_offer(LcCommand *cmd, LcCommandKind kind, const char *arg)
{
    if (*arg != '\0' && strspn(arg, "0123456789") != strlen(arg)) {
        command_set(cmd, CMD_USAGE,
                    g_strdup_printf("usage: %s [N] (N: the offer's number; default the last)",
                                    kind == CMD_ACCEPT ? "/accept" : "/reject"));
        return;
    }
    command_set(cmd, kind, *arg ? g_strdup(arg) : NULL);
}

/* Fills cmd for a known command with its (stripped) argument. */
static void command_parse_args(LcCommand *cmd, LcCommandKind kind, const char *rest)
{
    g_autofree char *arg = g_strstrip(g_strdup(rest));
    gboolean has_arg = *arg != '\0';
    if (kind == CMD_CAM_ON || kind == CMD_AUDIO_ON) {
        command_parse_on_off(cmd, arg, kind == CMD_AUDIO_ON);
    } else if (kind == CMD_VOLUME) {
        command_parse_volume(cmd, arg);
    } else if (kind == CMD_LISTEN && g_ascii_strcasecmp(arg, "off") == 0) {
        command_set(cmd, CMD_UNLISTEN, NULL);
    } else if ((kind == CMD_LISTEN || kind == CMD_MUTE) && strchr(arg, ' ') != NULL) {
        command_set(cmd, CMD_USAGE,
                    g_strdup(kind == CMD_LISTEN ? "usage: /listen [FILE.wav], or /listen off"
                                                : "usage: /mute [NICK]"));
    } else if (kind == CMD_VIEW) {
        command_parse_view(cmd, arg);
    } else if (kind == CMD_SEND) {
        command_parse_send(cmd, arg);
    } else if (kind == CMD_ACCEPT || kind == CMD_REJECT) {
        command_parse_offer(cmd, kind, arg);
    } else if (kind == CMD_ALLOW && strchr(arg, ' ') != NULL) {
        command_set(cmd, CMD_USAGE, g_strdup("usage: /allow NICK, or /allow alone to list"));
    } else if (kind == CMD_DENY && (!has_arg || strchr(arg, ' ') != NULL)) {
        command_set(cmd, CMD_USAGE, g_strdup("/deny needs one nick: /deny NICK"));
    } else if (kind == CMD_UNVIEW && (!has_arg || strchr(arg, ' ') != NULL)) {
        command_set(cmd, CMD_USAGE, g_strdup("/unview needs one nick: /unview NICK"));
    } else if (kind == CMD_MSG) {
        /* The text keeps its spacing; the nick is the first word. */
        const char *text = arg + strcspn(arg, " ");
        if (*arg == '\0' || *text == '\0') {
            command_set(cmd, CMD_USAGE, g_strdup("usage: /msg NICK TEXT"));
        } else {
            command_set(cmd, CMD_MSG, g_strndup(arg, (gsize)(text - arg)));
            cmd->text = g_strdup(text + 1);
        }
    } else if (kind == CMD_ME && !has_arg) {
        command_set(cmd, CMD_USAGE, g_strdup("/me needs an action: /me ACTION"));
    } else if (kind == CMD_NICK && (!has_arg || strchr(arg, ' ') != NULL)) {
        command_set(cmd, CMD_USAGE, g_strdup("/nick needs one new nick: /nick NEW"));
    } else if (kind == CMD_ME) {
        /* The action keeps its spacing; only the separator is dropped. */
        command_set(cmd, kind, g_strdup(rest + 1));
    } else {
        command_set(cmd, kind, has_arg ? g_steal_pointer(&arg) : NULL);
    }
}

/* Parses a line. */
void command_parse(const char *line, LcCommand *cmd)
{
    memset(cmd, 0, sizeof(*cmd));
    g_autofree char *copy = g_strdup(line);
    if (*g_strstrip(copy) == '\0')
        return;
    if (line[0] != '/' || line[1] == '/') {
        command_set(cmd, CMD_SAY, g_strdup(line[0] == '/' ? line + 1 : line));
        return;
    }
    gsize name_len = strcspn(line, " ");
    g_autofree char *name = g_strndup(line, name_len);
    LcCommandKind kind = command_lookup(name);
    if (kind != CMD_UNKNOWN) {
        command_parse_args(cmd, kind, line + name_len);
        return;
    }
    const char *hint = command_suggest(name);
    g_autofree char *maybe = hint ? g_strdup_printf(" Did you mean %s?", hint) : g_strdup("");
    command_set(cmd, CMD_UNKNOWN,
                g_strdup_printf("Unknown command %s.%s Type /help for the list of commands, or "
                                "//%s to send it as a message.",
                                name, maybe, name + 1));
}

/* Frees what a parsed command owns. */
void command_clear(LcCommand *cmd)
{
    g_clear_pointer(&cmd->arg, g_free);
    g_clear_pointer(&cmd->channels, g_free);
    g_clear_pointer(&cmd->where, g_free);
    g_clear_pointer(&cmd->text, g_free);
}

/* The commands, for /help. */
const LcCommandInfo *command_get_table(guint *n)
{
    *n = G_N_ELEMENTS(command_table);
    return command_table;
}

/* Command names for completion. */
const char *const *command_get_names(void)
{
    return command_names;
}
