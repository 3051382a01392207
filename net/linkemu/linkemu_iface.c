/* linkemu_iface: addressing the link's device inside its namespace. */
#include "net/linkemu/linkemu_iface.h"

#include "net/linkemu/netns.h"

/* Gives ifname in ns the point-to-point address local (peer peer) and the MTU, and brings it up. */
gboolean linkemu_iface_configure(const char *ns, const char *ifname, const char *local,
                                 const char *peer, guint mtu, GError **error)
{
    g_autofree gchar *peer_prefix = g_strdup_printf("%s/32", peer);
    g_autofree gchar *mtu_text = g_strdup_printf("%u", mtu);
    /*
     * Without an IPv6 link-local address the device sends no router or
     * multicast listener chatter, so the counters show only test traffic.
     * Kernels without IPv6 refuse this, which is harmless.
     */
    const char *const no_ipv6[] = {"ip",   "-n",          ns,     "link", "set", "dev",
                                   ifname, "addrgenmode", "none", NULL};
    const char *const addr[] = {"ip",   "-n",        ns,    "addr", "add", local,
                                "peer", peer_prefix, "dev", ifname, NULL};
    const char *const up[] = {"ip",   "-n",  ns,       "link", "set", "dev",
                              ifname, "mtu", mtu_text, "up",   NULL};

    netns_run(NULL, no_ipv6, NULL, NULL);
    return netns_run(NULL, addr, NULL, error) && netns_run(NULL, up, NULL, error);
}
