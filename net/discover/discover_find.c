/* discover_find.c: a client browses the LAN for relays (_lanconf._tcp)
 * through the Avahi daemon, resolving each to an IPv4 address and port. */
#include "net/discover/discover.h"

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <avahi-glib/glib-watch.h>

G_DEFINE_QUARK(lanconf - discover - error - quark, discover_error)

/* One browse in progress. */
typedef struct {
    GMainContext *context;
    AvahiClient *client;
    GPtrArray *relays;    /* LcDiscoverRelay */
    GPtrArray *pending;   /* AvahiServiceResolver still resolving */
    gboolean full_wait;   /* listen until the deadline, not only until the daemon told all */
    gboolean all_for_now; /* the daemon has told what it knows */
    gboolean done;
    GError *error;
} DiscoverFind;

/* Frees a found relay. */
void discover_relay_free(LcDiscoverRelay *relay)
{
    if (relay == NULL)
        return;
    g_free(relay->name);
    g_free(relay->host);
    g_free(relay->address);
    g_free(relay);
}

/* A name as it may be printed: valid UTF-8, control characters replaced
 * (a service name is anyone's on the LAN to choose). */
static char *discover_printable(const char *text)
{
    char *out = g_utf8_make_valid(text != NULL ? text : "", -1);
    for (char *p = out; *p != '\0'; p++)
        if ((guchar)*p < 0x20 || (guchar)*p == 0x7f)
            *p = '?';
    return out;
}

/* Frees a resolver still out (GDestroyNotify). */
static void discover_free_resolver(gpointer r)
{
    avahi_service_resolver_free(r);
}

/* Whether the browse has what it waits for. */
static void discover_check_done(DiscoverFind *f)
{
    if (f->pending->len > 0)
        return;
    if (f->all_for_now && !f->full_wait)
        f->done = TRUE;
}

/* A resolver finished: keep the relay it found, once per name and address
 * (a relay on two networks is found at both; a client tries each). */
static void discover_on_resolved(AvahiServiceResolver *r, AvahiIfIndex interface,
                                 AvahiProtocol protocol, AvahiResolverEvent event, const char *name,
                                 const char *type, const char *domain, const char *host_name,
                                 const AvahiAddress *address, uint16_t port, AvahiStringList *txt,
                                 AvahiLookupResultFlags flags, void *data)
{
    DiscoverFind *f = data;
    if (event == AVAHI_RESOLVER_FOUND && address != NULL && port > 0) {
        g_autofree char *printable = discover_printable(name);
        char text[AVAHI_ADDRESS_STR_MAX];
        avahi_address_snprint(text, sizeof text, address);
        gboolean known = FALSE;
        for (guint i = 0; i < f->relays->len && !known; i++) {
            const LcDiscoverRelay *seen = f->relays->pdata[i];
            known = g_strcmp0(seen->name, printable) == 0 && g_strcmp0(seen->address, text) == 0 &&
                    seen->port == port;
        }
        if (!known) {
            LcDiscoverRelay *relay = g_new0(LcDiscoverRelay, 1);
            relay->name = g_steal_pointer(&printable);
            relay->host = discover_printable(host_name);
            relay->address = g_strdup(text);
            relay->port = port;
            g_ptr_array_add(f->relays, relay);
        }
    }
    /* A relay that does not resolve (gone since, or unreachable) is left out. */
    g_ptr_array_remove(f->pending, r);
    discover_check_done(f);
}

/* The browser saw a service come or go. */
static void discover_on_browse(AvahiServiceBrowser *b, AvahiIfIndex interface,
                               AvahiProtocol protocol, AvahiBrowserEvent event, const char *name,
                               const char *type, const char *domain, AvahiLookupResultFlags flags,
                               void *data)
{
    DiscoverFind *f = data;
    switch (event) {
    case AVAHI_BROWSER_NEW: {
        AvahiServiceResolver *r =
            avahi_service_resolver_new(f->client, interface, protocol, name, type, domain,
                                       AVAHI_PROTO_INET, 0, discover_on_resolved, f);
        if (r != NULL)
            g_ptr_array_add(f->pending, r);
        break;
    }
    case AVAHI_BROWSER_ALL_FOR_NOW:
        f->all_for_now = TRUE;
        discover_check_done(f);
        break;
    case AVAHI_BROWSER_FAILURE:
        if (f->error == NULL)
            g_set_error(&f->error, DISCOVER_ERROR, DISCOVER_ERROR_FAILED,
                        "browsing for relays failed: %s",
                        avahi_strerror(avahi_client_errno(f->client)));
        f->done = TRUE;
        break;
    default:
        break;
    }
}

/* The daemon went away mid-browse. */
static void discover_on_client(AvahiClient *client, AvahiClientState state, void *data)
{
    DiscoverFind *f = data;
    if (state == AVAHI_CLIENT_FAILURE) {
        if (f->error == NULL)
            g_set_error(&f->error, DISCOVER_ERROR, DISCOVER_ERROR_NO_DAEMON, "Avahi stopped: %s",
                        avahi_strerror(avahi_client_errno(client)));
        f->done = TRUE;
    }
}

/* The browse's time is up. */
static gboolean discover_on_deadline(gpointer data)
{
    ((DiscoverFind *)data)->done = TRUE;
    return G_SOURCE_REMOVE;
}

/* Orders relays by name, then address. */
static gint discover_compare(gconstpointer a, gconstpointer b)
{
    const LcDiscoverRelay *x = *(LcDiscoverRelay *const *)a, *y = *(LcDiscoverRelay *const *)b;
    gint by_name = g_strcmp0(x->name, y->name);
    return by_name != 0 ? by_name : g_strcmp0(x->address, y->address);
}

/* Browses for relays; see the header. */
GPtrArray *discover_find_relays(guint wait_ms, gboolean full_wait, GError **error)
{
    DiscoverFind f = {
        .context = g_main_context_new(),
        .relays = g_ptr_array_new_with_free_func((GDestroyNotify)discover_relay_free),
        .pending = g_ptr_array_new_with_free_func(discover_free_resolver),
        .full_wait = full_wait,
    };
    gint64 started_us = g_get_monotonic_time();
    g_main_context_push_thread_default(f.context);
    AvahiGLibPoll *poll = avahi_glib_poll_new(f.context, G_PRIORITY_DEFAULT);
    int err = 0;
    f.client = avahi_client_new(avahi_glib_poll_get(poll), 0, discover_on_client, &f, &err);
    AvahiServiceBrowser *browser = NULL;
    if (f.client == NULL) {
        g_set_error(&f.error, DISCOVER_ERROR, DISCOVER_ERROR_NO_DAEMON,
                    "avahi-daemon is not running, or not on the system D-Bus (%s)",
                    avahi_strerror(err));
    } else {
        browser = avahi_service_browser_new(f.client, AVAHI_IF_UNSPEC, AVAHI_PROTO_INET,
                                            DISCOVER_SERVICE_TYPE, NULL, 0, discover_on_browse, &f);
        if (browser == NULL)
            g_set_error(&f.error, DISCOVER_ERROR, DISCOVER_ERROR_FAILED,
                        "cannot browse for relays: %s",
                        avahi_strerror(avahi_client_errno(f.client)));
    }
    if (browser != NULL) {
        GSource *deadline = g_timeout_source_new(wait_ms);
        g_source_set_callback(deadline, discover_on_deadline, &f, NULL);
        g_source_attach(deadline, f.context);
        while (!f.done)
            g_main_context_iteration(f.context, TRUE);
        g_source_destroy(deadline);
        g_source_unref(deadline);
        avahi_service_browser_free(browser);
    }
    g_ptr_array_set_size(f.pending, 0); /* resolvers still out are freed */
    if (f.client != NULL)
        avahi_client_free(f.client);
    avahi_glib_poll_free(poll);
    g_main_context_pop_thread_default(f.context);
    g_main_context_unref(f.context);
    g_ptr_array_unref(f.pending);
    if (f.error == NULL && f.relays->len == 0)
        g_set_error(&f.error, DISCOVER_ERROR, DISCOVER_ERROR_NONE,
                    "no relay answered on the LAN (mDNS, %s, %.1f s)", DISCOVER_SERVICE_TYPE,
                    (double)(g_get_monotonic_time() - started_us) / G_USEC_PER_SEC);
    if (f.error != NULL && f.relays->len == 0) {
        g_propagate_error(error, f.error);
        g_ptr_array_unref(f.relays);
        return NULL;
    }
    g_clear_error(&f.error);
    g_ptr_array_sort(f.relays, discover_compare);
    return f.relays;
}
