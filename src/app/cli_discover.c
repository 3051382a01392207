/* cli_discover.c: `lanconf-cli --discover`: browses the LAN for relays
 * (mDNS/DNS-SD through Avahi) and prints each, as a table or JSON. */
#include "src/app/cli_discover.h"

#include "net/discover/discover.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

/* Prints the relays as one JSON object: {"relays": [...]}. */
static void cli_discover_print_json(GPtrArray *relays)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "relays");
    json_builder_begin_array(b);
    for (guint i = 0; relays != NULL && i < relays->len; i++) {
        const LcDiscoverRelay *r = relays->pdata[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, r->name);
        json_builder_set_member_name(b, "address");
        json_builder_add_string_value(b, r->address);
        json_builder_set_member_name(b, "port");
        json_builder_add_int_value(b, r->port);
        json_builder_set_member_name(b, "host");
        json_builder_add_string_value(b, r->host);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *text = json_to_string(root, FALSE);
    printf("%s\n", text);
}

/* Lists the relays found; see the header. */
int cli_discover_run(gboolean json, guint wait_ms, gboolean full_wait)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) relays = discover_find_relays(wait_ms, full_wait, &error);
    if (json)
        cli_discover_print_json(relays);
    if (relays == NULL) {
        fprintf(stderr, "lanconf-cli: --discover: %s\n", error->message);
        return 1;
    }
    if (!json) {
        printf("%-40s %-22s %s\n", "relay", "join with --server", "host");
        for (guint i = 0; i < relays->len; i++) {
            const LcDiscoverRelay *r = relays->pdata[i];
            g_autofree char *where = g_strdup_printf("%s:%u", r->address, r->port);
            /* Columns by characters; a long name cut ("..."): JSON has it whole. */
            g_autofree char *name =
                g_utf8_strlen(r->name, -1) > 40
                    ? g_strdup_printf("%.*s...",
                                      (int)(g_utf8_offset_to_pointer(r->name, 37) - r->name),
                                      r->name)
                    : g_strdup(r->name);
            int pad = (int)MAX(40 - g_utf8_strlen(name, -1), 0);
            printf("%s%*s %-22s %s\n", name, pad, "", where, r->host);
        }
    }
    return 0;
}
