/* linkemu: choosing how to carry an impaired link, and the one API over both methods. */
#include "net/linkemu/linkemu.h"

#include "net/linkemu/linkemu_netem.h"
#include "net/linkemu/linkemu_tun.h"
#include "net/linkemu/netns.h"

#include <string.h>

struct _LcLinkEmu {
    LcLinkMethod method; /* LINKEMU_METHOD_TUN or LINKEMU_METHOD_NETEM */
    gchar *method_note;  /* why netem was not used, or NULL */
    LcLinkTun *tun;      /* set for LINKEMU_METHOD_TUN */
    LcLinkNetem *netem;  /* set for LINKEMU_METHOD_NETEM */
};

/* Sets config to the defaults: LINKEMU_METHOD_AUTO, LINKEMU_DEFAULT_SEED. */
void linkemu_config_init(LcLinkEmuConfig *config)
{
    config->method = LINKEMU_METHOD_AUTO;
    config->seed = LINKEMU_DEFAULT_SEED;
}

/* Returns "auto", "tun-emulator" or "netem". */
const char *linkemu_method_to_string(LcLinkMethod method)
{
    switch (method) {
    case LINKEMU_METHOD_AUTO:
        return "auto";
    case LINKEMU_METHOD_TUN:
        return "tun-emulator";
    case LINKEMU_METHOD_NETEM:
        return "netem";
    }
    return "unknown";
}

/* Parses "auto", "tun" / "tun-emulator" or "netem". */
gboolean linkemu_method_parse(const char *text, LcLinkMethod *method, GError **error)
{
    if (g_strcmp0(text, "auto") == 0)
        *method = LINKEMU_METHOD_AUTO;
    else if (g_strcmp0(text, "tun") == 0 || g_strcmp0(text, "tun-emulator") == 0)
        *method = LINKEMU_METHOD_TUN;
    else if (g_strcmp0(text, "netem") == 0)
        *method = LINKEMU_METHOD_NETEM;
    else {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "unknown link method '%s' (auto, tun or netem)", text != NULL ? text : "");
        return FALSE;
    }
    return TRUE;
}

/* Whether netem can carry spec between the namespaces; error says why not. */
static gboolean linkemu_netem_usable(const LcLinkSpec *spec, const char *ns_a, GError **error)
{
    return linkemu_netem_supports(spec, error) && linkemu_netem_probe(ns_a, error);
}

/* Fails unless both namespaces exist and the process may use them. */
static gboolean linkemu_check_namespaces(const char *ns_a, const char *ns_b, GError **error)
{
    if (!netns_check_privileges(error))
        return FALSE;
    const char *const names[] = {ns_a, ns_b};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (!netns_exists(names[i])) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        "network namespace %s does not exist", names[i] ? names[i] : "(null)");
            return FALSE;
        }
    }
    if (strcmp(ns_a, ns_b) == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "the two ends of the link need different namespaces (both are %s)", ns_a);
        return FALSE;
    }
    return TRUE;
}

/* Picks the method for config->method: netem when asked or usable, the TUN emulator otherwise. */
static gboolean linkemu_choose_method(LcLinkEmu *emu, const LcLinkSpec *spec, const char *ns_a,
                                      const LcLinkEmuConfig *config, GError **error)
{
    g_autoptr(GError) netem_error = NULL;

    if (config->method == LINKEMU_METHOD_TUN) {
        emu->method = LINKEMU_METHOD_TUN;
        emu->method_note = g_strdup("the TUN emulator was asked for");
        return TRUE;
    }
    if (linkemu_netem_usable(spec, ns_a, &netem_error)) {
        emu->method = LINKEMU_METHOD_NETEM;
        return TRUE;
    }
    if (config->method == LINKEMU_METHOD_NETEM) {
        g_propagate_error(error, g_steal_pointer(&netem_error));
        return FALSE;
    }
    emu->method = LINKEMU_METHOD_TUN;
    emu->method_note = g_strdup(netem_error->message);
    return TRUE;
}

/* Starts the link between existing namespaces ns_a and ns_b; config may be NULL for defaults. */
LcLinkEmu *linkemu_start(const LcLinkSpec *spec, const char *ns_a, const char *ns_b,
                         const LcLinkEmuConfig *config, GError **error)
{
    LcLinkEmuConfig defaults;

    if (config == NULL) {
        linkemu_config_init(&defaults);
        config = &defaults;
    }
    if (!linkemu_check_namespaces(ns_a, ns_b, error))
        return NULL;
    g_autoptr(LcLinkEmu) emu = g_new0(LcLinkEmu, 1);
    if (!linkemu_choose_method(emu, spec, ns_a, config, error))
        return NULL;
    if (emu->method == LINKEMU_METHOD_NETEM)
        emu->netem = linkemu_netem_start(spec, ns_a, ns_b, error);
    else
        emu->tun = linkemu_tun_start(spec, ns_a, ns_b, config->seed, error);
    if (emu->netem == NULL && emu->tun == NULL)
        return NULL;
    return g_steal_pointer(&emu);
}

/* Returns the method that carries the link: LINKEMU_METHOD_TUN or LINKEMU_METHOD_NETEM. */
LcLinkMethod linkemu_get_method(const LcLinkEmu *emu)
{
    return emu->method;
}

/* Returns why the method was chosen when netem was not (NULL otherwise). */
const char *linkemu_get_method_note(const LcLinkEmu *emu)
{
    return emu->method_note;
}

/* Fills counters for one direction; netem's come from tc and may fail. */
gboolean linkemu_get_counters(LcLinkEmu *emu, LcLinkDir dir, LcLinkCounters *counters,
                              GError **error)
{
    if (emu->netem != NULL)
        return linkemu_netem_get_counters(emu->netem, dir, counters, error);
    linkemu_tun_get_counters(emu->tun, dir, counters);
    return TRUE;
}

/* Takes the link down (the devices vanish) and frees emu; the namespaces stay. */
void linkemu_stop(LcLinkEmu *emu)
{
    if (emu == NULL)
        return;
    linkemu_tun_stop(emu->tun);
    linkemu_netem_stop(emu->netem);
    g_free(emu->method_note);
    g_free(emu);
}
