/* cli_format.c: how lanconf-cli prints chat messages. */
#include "src/app/cli_format.h"

#include "net/wire/clock.h"
#include "net/wire/validate.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

/* Formats a message as one text line, safe to print. */
char *cli_format_line(const LcSessionChat *chat)
{
    /* An action reads as in the TUI: "* alice@ip:port waves". */
    /* A private message says who it is for: "alice@ip:port → bob: hi". */
    g_autofree char *to = chat->to ? g_strdup_printf(" → %s", chat->to) : g_strdup("");
    g_autofree char *line =
        chat->action ? g_strdup_printf("* %s@%s%s %s", chat->nick, chat->addr, to, chat->text)
                     : g_strdup_printf("%s@%s%s: %s", chat->nick, chat->addr, to, chat->text);
    return validate_sanitize(line);
}

/* Formats a message as one JSON object. */
char *cli_format_json(const LcSessionChat *chat)
{
    g_autofree char *time = clock_format_rfc3339(chat->time_us);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "id", (gint64)chat->id);
    json_object_set_string_member(o, "time", time);
    json_object_set_string_member(o, "nick", chat->nick);
    json_object_set_string_member(o, "addr", chat->addr);
    json_object_set_string_member(o, "text", chat->text);
    json_object_set_boolean_member(o, "history", chat->history);
    json_object_set_boolean_member(o, "action", chat->action);
    if (chat->to != NULL)
        json_object_set_string_member(o, "to", chat->to);
    g_autoptr(JsonNode) root = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return json_to_string(root, FALSE);
}

/* Prints a line holding remote strings, through the sanitizer. */
void cli_print_remote(FILE *out, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, args);
    va_end(args);
    g_autofree char *safe = validate_sanitize(text);
    fprintf(out, "%s\n", safe);
}

/* Prints an error line and marks the exit status failed. */
void cli_print_verror(int *status, const char *fmt, va_list args)
{
    g_autofree char *text = g_strdup_vprintf(fmt, args);
    cli_print_remote(stderr, "lanconf-cli: %s", text);
    *status = 1;
}

/* Prints an error line and marks the exit status failed. */
void cli_print_error(int *status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    cli_print_verror(status, fmt, args);
    va_end(args);
}
