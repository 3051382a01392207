/* linkemu_iface: addressing the link's device inside its namespace (shared by both methods). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Gives ifname in ns the point-to-point address local (peer peer) and the MTU, and brings it up. */
gboolean linkemu_iface_configure(const char *ns, const char *ifname, const char *local,
                                 const char *peer, guint mtu, GError **error);

G_END_DECLS
