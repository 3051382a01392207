/* discover_announce.c: a relay announced on the LAN as a DNS-SD service
 * (_lanconf._tcp) through the Avahi daemon. The announcement follows the
 * daemon: made when it runs, withdrawn and made again when it restarts,
 * renamed ("NAME #2") when another relay on the LAN has the same name. */
#include "net/discover/discover.h"

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-glib/glib-watch.h>
#include <gio/gio.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

struct LcDiscoverAnnounce {
    AvahiGLibPoll *poll;
    AvahiClient *client;
    AvahiEntryGroup *group;
    char *name;       /* as announced, after any rename */
    gboolean waiting; /* "waiting for avahi-daemon" said since the last announcement */
    guint16 port;
    AvahiIfIndex interface; /* AVAHI_IF_UNSPEC: every one */
    AvahiProtocol protocol; /* AVAHI_PROTO_UNSPEC: IPv4 and IPv6 */
    LcDiscoverAnnounceFunc notify;
    gpointer user_data;
};

/* Reports a change of state. */
static void announce_report(LcDiscoverAnnounce *a, gboolean established, const char *message)
{
    if (a->notify != NULL)
        a->notify(a, established, message, a->user_data);
}

static void announce_add_service(LcDiscoverAnnounce *a, AvahiClient *client);

/* Takes Avahi's next name after a clash: "NAME" becomes "NAME #2". */
static void announce_next_name(LcDiscoverAnnounce *a)
{
    char *next = avahi_alternative_service_name(a->name);
    g_free(a->name);
    a->name = g_strdup(next);
    avahi_free(next);
}

/* The entry group's state: established, or a clash to rename around. */
static void announce_on_group(AvahiEntryGroup *group, AvahiEntryGroupState state, void *data)
{
    LcDiscoverAnnounce *a = data;
    switch (state) {
    case AVAHI_ENTRY_GROUP_ESTABLISHED: {
        a->waiting = FALSE;
        g_autofree char *text = g_strdup_printf("announced on the LAN as '%s' (%s, port %u)",
                                                a->name, DISCOVER_SERVICE_TYPE, a->port);
        announce_report(a, TRUE, text);
        break;
    }
    case AVAHI_ENTRY_GROUP_COLLISION: {
        /* Another service on the LAN has the name: take the next one. */
        announce_next_name(a);
        avahi_entry_group_reset(group);
        announce_add_service(a, avahi_entry_group_get_client(group));
        break;
    }
    case AVAHI_ENTRY_GROUP_FAILURE: {
        g_autofree char *text = g_strdup_printf(
            "not announced on the LAN: %s",
            avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(group))));
        announce_report(a, FALSE, text);
        break;
    }
    default:
        break;
    }
}

/* Adds the service to the group (made on first use) and commits it. */
static void announce_add_service(LcDiscoverAnnounce *a, AvahiClient *client)
{
    if (a->group == NULL)
        a->group = avahi_entry_group_new(client, announce_on_group, a);
    int ret = a->group == NULL ? avahi_client_errno(client) : AVAHI_OK;
    for (guint tries = 0; ret == AVAHI_OK && tries < 16; tries++) {
        ret = avahi_entry_group_add_service(a->group, a->interface, a->protocol, 0, a->name,
                                            DISCOVER_SERVICE_TYPE, NULL, NULL, a->port, "txtvers=1",
                                            NULL);
        if (ret != AVAHI_ERR_COLLISION)
            break;
        /* A local service has the name already (another relay here). */
        announce_next_name(a);
        ret = AVAHI_OK;
    }
    if (ret == AVAHI_OK)
        ret = avahi_entry_group_commit(a->group);
    if (ret != AVAHI_OK) {
        g_autofree char *text =
            g_strdup_printf("not announced on the LAN: %s", avahi_strerror(ret));
        announce_report(a, FALSE, text);
    }
}

/* The daemon's state: running (announce), gone (wait for it), renaming. */
static void announce_on_client(AvahiClient *client, AvahiClientState state, void *data)
{
    LcDiscoverAnnounce *a = data;
    switch (state) {
    case AVAHI_CLIENT_S_RUNNING:
        if (a->group == NULL || avahi_entry_group_is_empty(a->group))
            announce_add_service(a, client);
        break;
    case AVAHI_CLIENT_S_COLLISION:
    case AVAHI_CLIENT_S_REGISTERING:
        /* The host name is being (re)registered: announce again after. */
        if (a->group != NULL)
            avahi_entry_group_reset(a->group);
        break;
    case AVAHI_CLIENT_CONNECTING:
        if (!a->waiting)
            announce_report(a, FALSE, "not announced on the LAN yet: waiting for avahi-daemon");
        a->waiting = TRUE;
        break;
    case AVAHI_CLIENT_FAILURE: {
        /* The daemon went away: its group went with it; wait for the next. */
        g_autofree char *text =
            g_strdup_printf("not announced on the LAN: %s; waiting for avahi-daemon",
                            avahi_strerror(avahi_client_errno(client)));
        announce_report(a, FALSE, text);
        a->waiting = TRUE;
        a->group = NULL;
        if (a->client == client) {
            avahi_client_free(client);
            int err = 0;
            a->client = avahi_client_new(avahi_glib_poll_get(a->poll), AVAHI_CLIENT_NO_FAIL,
                                         announce_on_client, a, &err);
        }
        break;
    }
    }
}

/* The interface that has address (a relay listening on it alone), and its
 * protocol; every interface where the address is "any" or none has it. A
 * relay announced where it does not listen would be found at an address
 * that refuses it. */
static void announce_find_interface(const char *address, AvahiIfIndex *interface,
                                    AvahiProtocol *protocol)
{
    *interface = AVAHI_IF_UNSPEC;
    *protocol = AVAHI_PROTO_UNSPEC;
    g_autoptr(GInetAddress) want = address ? g_inet_address_new_from_string(address) : NULL;
    if (want == NULL || g_inet_address_get_is_any(want))
        return;
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0)
        return;
    for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr == NULL ||
            (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
            continue;
        gsize len = i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
                                                      : sizeof(struct sockaddr_in6);
        g_autoptr(GSocketAddress) sa = g_socket_address_new_from_native(i->ifa_addr, len);
        GInetAddress *has = G_IS_INET_SOCKET_ADDRESS(sa)
                                ? g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(sa))
                                : NULL;
        if (has != NULL && g_inet_address_equal(has, want)) {
            *interface = (AvahiIfIndex)if_nametoindex(i->ifa_name);
            *protocol = i->ifa_addr->sa_family == AF_INET ? AVAHI_PROTO_INET : AVAHI_PROTO_INET6;
            break;
        }
    }
    freeifaddrs(list);
}

/* Announces a relay; see the header. */
LcDiscoverAnnounce *discover_announce_new(const char *name, const char *address, guint16 port,
                                          LcDiscoverAnnounceFunc notify, gpointer user_data,
                                          GError **error)
{
    g_return_val_if_fail(name != NULL && port > 0, NULL);

    LcDiscoverAnnounce *a = g_new0(LcDiscoverAnnounce, 1);
    a->name = g_strdup(name);
    a->port = port;
    announce_find_interface(address, &a->interface, &a->protocol);
    a->notify = notify;
    a->user_data = user_data;
    a->poll = avahi_glib_poll_new(g_main_context_get_thread_default(), G_PRIORITY_DEFAULT);
    int err = 0;
    a->client = avahi_client_new(avahi_glib_poll_get(a->poll), AVAHI_CLIENT_NO_FAIL,
                                 announce_on_client, a, &err);
    if (a->client == NULL) {
        g_set_error(error, DISCOVER_ERROR, DISCOVER_ERROR_NO_DAEMON,
                    "avahi-daemon is not running, or not on the system D-Bus (%s)",
                    avahi_strerror(err));
        discover_announce_free(a);
        return NULL;
    }
    return a;
}

/* Withdraws the announcement and lets Avahi go. */
void discover_announce_free(LcDiscoverAnnounce *a)
{
    if (a == NULL)
        return;
    /* Freeing the client frees its groups, which withdraws the service. */
    if (a->client != NULL)
        avahi_client_free(a->client);
    if (a->poll != NULL)
        avahi_glib_poll_free(a->poll);
    g_free(a->name);
    g_free(a);
}

/* "lanconf relay on HOSTNAME". */
char *discover_default_name(void)
{
    return g_strdup_printf("lanconf relay on %s", g_get_host_name());
}
