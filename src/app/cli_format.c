/* cli_format.c: how lanconf-cli prints chat messages. */
#include "src/app/cli_format.h"

#include "net/wire/clock.h"

#include <json-glib/json-glib.h>

/* Formats a message as one text line. */
char *cli_format_line(const LcSessionChat *chat)
{
    return g_strdup_printf("%s@%s: %s%s", chat->nick, chat->addr, chat->action ? "* " : "",
                           chat->text);
}

/* Formats a message as one JSON object. */
char *cli_format_json(const LcSessionChat *chat)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *time = clock_format_rfc3339(chat->time_us);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "id");
    json_builder_add_int_value(b, (gint64)chat->id);
    json_builder_set_member_name(b, "time");
    json_builder_add_string_value(b, time);
    json_builder_set_member_name(b, "nick");
    json_builder_add_string_value(b, chat->nick);
    json_builder_set_member_name(b, "addr");
    json_builder_add_string_value(b, chat->addr);
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, chat->text);
    json_builder_set_member_name(b, "history");
    json_builder_add_boolean_value(b, chat->history);
    json_builder_set_member_name(b, "action");
    json_builder_add_boolean_value(b, chat->action);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}
