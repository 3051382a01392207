/* linkemu: an impaired point-to-point link between two network namespaces.
 *
 * Namespace A gets LINKEMU_ADDR_A and namespace B LINKEMU_ADDR_B, each on a
 * device named LINKEMU_IFNAME, point-to-point to the other. Packets between
 * them see the delay, jitter, loss and rate limit of an LcLinkSpec in each
 * direction. Two methods carry the link:
 *
 *   tun-emulator  a TUN device in each namespace; a thread of this process
 *                 moves packets between them through linkemu_queue.
 *   netem         a veth pair with a netem qdisc on each end (kernel only).
 *
 * LINKEMU_METHOD_AUTO picks netem when the kernel has it and it can express
 * the spec, the TUN emulator otherwise; linkemu_get_method() says which ran.
 */
#pragma once

#include <gio/gio.h>

#include "net/linkemu/linkemu_queue.h"
#include "net/linkemu/linkemu_spec.h"

G_BEGIN_DECLS

/* Addresses come from the benchmarking range 198.18.0.0/15 (RFC 2544). */
#define LINKEMU_ADDR_A "198.18.0.1"
#define LINKEMU_ADDR_B "198.18.0.2"
/* The link's device, by this name in both namespaces. */
#define LINKEMU_IFNAME "lcemu0"
#define LINKEMU_MTU    1500
/* The PRNG seed when none is given. */
#define LINKEMU_DEFAULT_SEED 1u

/* How the link is carried. */
typedef enum {
    LINKEMU_METHOD_AUTO,  /* netem if usable, else the TUN emulator */
    LINKEMU_METHOD_TUN,   /* "tun-emulator" */
    LINKEMU_METHOD_NETEM, /* "netem" */
} LcLinkMethod;

/* A direction of the link. */
typedef enum {
    LINKEMU_DIR_A_TO_B,
    LINKEMU_DIR_B_TO_A,
} LcLinkDir;

/* How to start a link. */
typedef struct {
    LcLinkMethod method;
    guint32 seed; /* loss and jitter PRNG (TUN emulator only; netem has its own) */
} LcLinkEmuConfig;

typedef struct _LcLinkEmu LcLinkEmu;

/* Sets config to the defaults: LINKEMU_METHOD_AUTO, LINKEMU_DEFAULT_SEED. */
void linkemu_config_init(LcLinkEmuConfig *config);

/* Returns "auto", "tun-emulator" or "netem". */
const char *linkemu_method_to_string(LcLinkMethod method);

/* Parses "auto", "tun" / "tun-emulator" or "netem". */
gboolean linkemu_method_parse(const char *text, LcLinkMethod *method, GError **error);

/* Starts the link between existing namespaces ns_a and ns_b; config may be NULL for defaults. */
LcLinkEmu *linkemu_start(const LcLinkSpec *spec, const char *ns_a, const char *ns_b,
                         const LcLinkEmuConfig *config, GError **error);

/* Returns the method that carries the link: LINKEMU_METHOD_TUN or LINKEMU_METHOD_NETEM. */
LcLinkMethod linkemu_get_method(const LcLinkEmu *emu);

/* Returns why the method was chosen when netem was not (NULL otherwise). */
const char *linkemu_get_method_note(const LcLinkEmu *emu);

/* Fills counters for one direction; netem's come from tc and may fail. */
gboolean linkemu_get_counters(LcLinkEmu *emu, LcLinkDir dir, LcLinkCounters *counters,
                              GError **error);

/* Takes the link down (the devices vanish) and frees emu; the namespaces stay. */
void linkemu_stop(LcLinkEmu *emu);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcLinkEmu, linkemu_stop)

G_END_DECLS
