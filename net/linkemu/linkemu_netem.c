/* linkemu_netem: the link as a veth pair with netem on both ends, where the kernel has netem. */
#include "net/linkemu/linkemu_netem.h"

#include "net/linkemu/linkemu_iface.h"
#include "net/linkemu/netns.h"

#include <json-glib/json-glib.h>

/* The scratch devices of linkemu_netem_probe(). */
#define NETEM_PROBE_IFNAME "lcprobe0"
#define NETEM_PROBE_PEER   "lcprobe1"

struct _LcLinkNetem {
    gchar *ns[2];     /* A, B; device LINKEMU_IFNAME in each */
    gboolean created; /* the veth pair exists */
};

/* Deletes device ifname in namespace ns (its veth peer goes with it); errors are ignored. */
static void netem_link_delete(const char *ns, const char *ifname)
{
    const char *const argv[] = {"ip", "-n", ns, "link", "delete", "dev", ifname, NULL};
    netns_run(NULL, argv, NULL, NULL);
}

/* Whether netem works here, tried on a scratch veth pair in namespace ns; error says why not. */
gboolean linkemu_netem_probe(const char *ns, GError **error)
{
    g_autoptr(GError) tc_error = NULL;
    const char *const add[] = {
        "ip",   "-n",   ns,     "link",           "add", NETEM_PROBE_IFNAME, "type",
        "veth", "peer", "name", NETEM_PROBE_PEER, NULL};
    const char *const qdisc[] = {
        "tc",   "-n",    ns,      "qdisc", "add", "dev", NETEM_PROBE_IFNAME,
        "root", "netem", "delay", "1ms",   NULL};

    if (!netns_run(NULL, add, NULL, error))
        return FALSE;
    gboolean ok = netns_run(NULL, qdisc, NULL, &tc_error);
    netem_link_delete(ns, NETEM_PROBE_IFNAME);
    if (!ok)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "netem is not available in this kernel: %s", tc_error->message);
    return ok;
}

/* Whether netem can express spec; error says why not. */
gboolean linkemu_netem_supports(const LcLinkSpec *spec, GError **error)
{
    if (spec->queue_bytes == 0)
        return TRUE;
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "netem cannot limit its queue in bytes (queue=%" G_GUINT64_FORMAT "b)",
                spec->queue_bytes);
    return FALSE;
}

/* Returns netem's limit: queue plus the bandwidth-delay product, as netem counts the wire too. */
static guint64 netem_limit(const LcLinkSpec *spec)
{
    if (spec->rate_bps == 0)
        return LINKEMU_QUEUE_HARD_LIMIT;
    guint64 queue = spec->queue_packets > 0 ? spec->queue_packets : LINKEMU_QUEUE_DEFAULT_PACKETS;
    guint64 flight_us = spec->delay_us + spec->jitter_us;
    guint64 bdp_bytes = spec->rate_bps / 8 * flight_us / G_USEC_PER_SEC;
    guint64 bdp_packets = (bdp_bytes + LINKEMU_MTU - 1) / LINKEMU_MTU;
    return MIN(queue + bdp_packets, (guint64)G_MAXUINT32);
}

/* Returns the qdisc arguments for spec, from "netem" on ("netem limit 1000 delay 20000us ..."). */
GStrv linkemu_netem_build_args(const LcLinkSpec *spec)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    g_autofree gchar *limit = g_strdup_printf("%" G_GUINT64_FORMAT, netem_limit(spec));
    g_autofree gchar *delay = g_strdup_printf("%" G_GUINT64_FORMAT "us", spec->delay_us);
    g_autofree gchar *jitter = g_strdup_printf("%" G_GUINT64_FORMAT "us", spec->jitter_us);
    g_autofree gchar *loss =
        g_strdup_printf("%u.%04u%%", spec->loss_ppm / 10000, spec->loss_ppm % 10000);
    g_autofree gchar *rate = g_strdup_printf("%" G_GUINT64_FORMAT "bit", spec->rate_bps);

    g_strv_builder_add_many(builder, "netem", "limit", limit, NULL);
    if (spec->delay_us > 0)
        g_strv_builder_add_many(builder, "delay", delay, NULL);
    /* Without a distribution table the kernel draws jitter uniformly, as the TUN emulator does. */
    if (spec->jitter_us > 0)
        g_strv_builder_add(builder, jitter);
    if (spec->loss_ppm > 0)
        g_strv_builder_add_many(builder, "loss", loss, NULL);
    if (spec->rate_bps > 0)
        g_strv_builder_add_many(builder, "rate", rate, NULL);
    return g_strv_builder_end(builder);
}

/* Returns the netem qdisc object in tc's JSON array, or NULL. */
static JsonObject *netem_find_qdisc(JsonNode *root)
{
    if (!JSON_NODE_HOLDS_ARRAY(root))
        return NULL;
    JsonArray *qdiscs = json_node_get_array(root);
    for (guint i = 0; i < json_array_get_length(qdiscs); i++) {
        JsonNode *node = json_array_get_element(qdiscs, i);
        if (!JSON_NODE_HOLDS_OBJECT(node))
            continue;
        JsonObject *qdisc = json_node_get_object(node);
        if (g_strcmp0(json_object_get_string_member_with_default(qdisc, "kind", ""), "netem") == 0)
            return qdisc;
    }
    return NULL;
}

/* Reads `tc -s -j qdisc show` output for one device into counters. */
gboolean linkemu_netem_parse_stats(const char *json, LcLinkCounters *counters, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();

    if (!json_parser_load_from_data(parser, json, -1, error))
        return FALSE;
    JsonObject *qdisc = netem_find_qdisc(json_parser_get_root(parser));
    if (qdisc == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no netem qdisc in the tc statistics");
        return FALSE;
    }
    guint64 sent = (guint64)json_object_get_int_member_with_default(qdisc, "packets", 0);
    guint64 bytes = (guint64)json_object_get_int_member_with_default(qdisc, "bytes", 0);
    guint64 drops = (guint64)json_object_get_int_member_with_default(qdisc, "drops", 0);
    guint64 qlen = (guint64)json_object_get_int_member_with_default(qdisc, "qlen", 0);
    guint64 backlog = (guint64)json_object_get_int_member_with_default(qdisc, "backlog", 0);
    /* netem counts loss and limit drops together; dropped bytes are not counted at all. */
    *counters = (LcLinkCounters){
        .packets_in = sent + drops + qlen,
        .bytes_in = bytes + backlog,
        .packets_out = sent,
        .bytes_out = bytes,
        .dropped_loss = drops,
    };
    return TRUE;
}

/* Attaches netem with spec to the link's device in namespace ns. */
static gboolean netem_qdisc_add(const char *ns, const LcLinkSpec *spec, GError **error)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    g_auto(GStrv) args = linkemu_netem_build_args(spec);

    g_strv_builder_add_many(builder, "tc", "-n", ns, "qdisc", "add", "dev", LINKEMU_IFNAME, "root",
                            NULL);
    g_strv_builder_addv(builder, (const char **)args);
    g_auto(GStrv) argv = g_strv_builder_end(builder);
    return netns_run(NULL, (const char *const *)argv, NULL, error);
}

/* Creates the veth pair, one end in each namespace, and addresses both ends. */
static gboolean netem_veth_create(LcLinkNetem *netem, GError **error)
{
    const char *const add[] = {"ip",           "-n",    netem->ns[0], "link", "add",
                               LINKEMU_IFNAME, "type",  "veth",       "peer", "name",
                               LINKEMU_IFNAME, "netns", netem->ns[1], NULL};

    if (!netns_run(NULL, add, NULL, error))
        return FALSE;
    netem->created = TRUE;
    return linkemu_iface_configure(netem->ns[0], LINKEMU_IFNAME, LINKEMU_ADDR_A, LINKEMU_ADDR_B,
                                   LINKEMU_MTU, error) &&
           linkemu_iface_configure(netem->ns[1], LINKEMU_IFNAME, LINKEMU_ADDR_B, LINKEMU_ADDR_A,
                                   LINKEMU_MTU, error);
}

/* Creates the veth pair between ns_a and ns_b, addresses it and attaches netem to both ends. */
LcLinkNetem *linkemu_netem_start(const LcLinkSpec *spec, const char *ns_a, const char *ns_b,
                                 GError **error)
{
    g_autoptr(LcLinkNetem) netem = g_new0(LcLinkNetem, 1);

    netem->ns[0] = g_strdup(ns_a);
    netem->ns[1] = g_strdup(ns_b);
    if (!netem_veth_create(netem, error) || !netem_qdisc_add(ns_a, spec, error) ||
        !netem_qdisc_add(ns_b, spec, error))
        return NULL;
    return g_steal_pointer(&netem);
}

/* Reads the counters of one direction from the sending end's qdisc. */
gboolean linkemu_netem_get_counters(LcLinkNetem *netem, LcLinkDir dir, LcLinkCounters *counters,
                                    GError **error)
{
    g_autofree gchar *json = NULL;
    const char *const argv[] = {"tc",    "-n",   netem->ns[dir], "-s",           "-j",
                                "qdisc", "show", "dev",          LINKEMU_IFNAME, NULL};

    if (!netns_run(NULL, argv, &json, error))
        return FALSE;
    return linkemu_netem_parse_stats(json, counters, error);
}

/* Deletes the veth pair and frees netem. */
void linkemu_netem_stop(LcLinkNetem *netem)
{
    if (netem == NULL)
        return;
    if (netem->created)
        netem_link_delete(netem->ns[0], LINKEMU_IFNAME);
    g_free(netem->ns[0]);
    g_free(netem->ns[1]);
    g_free(netem);
}
