/* impair.c: an impaired link for a lab run, between two fresh namespaces. */
#include "src/lab/impair.h"

#include "net/linkemu/linkemu.h"
#include "net/linkemu/netns.h"
#include "net/linkemu/netns_pair.h"

struct _LcImpair {
    LcNetnsPair *pair;
    LcLinkEmu *emu;
    char *spec;
};

/* Parses spec, creates the namespaces and starts the link. */
LcImpair *impair_start(const char *spec_text, GError **error)
{
    LcLinkSpec spec;
    linkemu_spec_init(&spec);
    if (!linkemu_spec_parse(spec_text, &spec, error)) {
        g_prefix_error(error, "--impair: ");
        return NULL;
    }
    if (!netns_check_privileges(error)) {
        g_prefix_error(error, "--impair runs the relay and clients in network namespaces: ");
        return NULL;
    }
    netns_pair_reap_stale();
    g_autoptr(LcImpair) impair = g_new0(LcImpair, 1);
    impair->spec = linkemu_spec_format(&spec);
    impair->pair = netns_pair_new(NULL, NULL, error);
    if (impair->pair == NULL)
        return NULL;
    impair->emu = linkemu_start(&spec, netns_pair_get_a(impair->pair),
                                netns_pair_get_b(impair->pair), NULL, error);
    if (impair->emu == NULL)
        return NULL;
    return g_steal_pointer(&impair);
}

const char *impair_get_client_netns(LcImpair *impair)
{
    return netns_pair_get_a(impair->pair);
}

const char *impair_get_relay_netns(LcImpair *impair)
{
    return netns_pair_get_b(impair->pair);
}

const char *impair_get_relay_addr(LcImpair *impair)
{
    return LINKEMU_ADDR_B;
}

const char *impair_get_spec(LcImpair *impair)
{
    return impair->spec;
}

const char *impair_get_method(LcImpair *impair)
{
    return linkemu_method_to_string(linkemu_get_method(impair->emu));
}

/* Takes the link down and deletes the namespaces. */
void impair_stop(LcImpair *impair)
{
    if (impair == NULL)
        return;
    g_clear_pointer(&impair->emu, linkemu_stop);
    g_clear_pointer(&impair->pair, netns_pair_free);
    g_free(impair->spec);
    g_free(impair);
}
