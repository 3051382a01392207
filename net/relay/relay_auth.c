/* relay_auth.c: the room password's challenge, check and per-address
 * slowdown at the relay. */
#include "net/relay/relay_auth.h"

#include "net/secure/room_auth.h"

#include <string.h>

#define AUTH_DELAY_MAX_US     (8 * G_USEC_PER_SEC)
#define AUTH_FORGET_US        (15 * 60 * G_USEC_PER_SEC)
#define AUTH_MAX_ADDRESSES    4096
#define AUTH_ANSWER_MARGIN_US (1 * G_USEC_PER_SEC) /* a challenge leaves this to answer it */

/* One address's record: its open challenges and wrong answers. */
typedef struct {
    guint failures;      /* wrong answers in a row */
    guint open;          /* HELLOs held for a proof (challenged, or waiting to be) */
    gint64 last_us;      /* monotonic time of its last HELLO or answer */
    gint64 next_slot_us; /* the earliest its next challenge may go out */
} LcAuthAddress;

struct _LcRelayAuth {
    char *password;
    GHashTable *addresses; /* ip -> LcAuthAddress */
    guint64 failures;
};

/* A HELLO held while its client proves the password. */
struct _LcRelayAuthWait {
    LcRelayHello hello; /* strings owned */
    guint8 nonce[ROOM_AUTH_SIZE];
    gboolean challenged; /* the nonce went out */
    GSource *timer;      /* sends the challenge once the address's wait is over */
};

/* Creates the password state. */
LcRelayAuth *relay_auth_new(const char *password)
{
    if (password == NULL || *password == '\0')
        return NULL;
    LcRelayAuth *auth = g_new0(LcRelayAuth, 1);
    auth->password = g_strdup(password);
    auth->addresses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return auth;
}

/* Frees it, the password overwritten. */
void relay_auth_free(LcRelayAuth *auth)
{
    if (auth == NULL)
        return;
    room_auth_free_password(auth->password);
    g_hash_table_unref(auth->addresses);
    g_free(auth);
}

/* Wrong answers so far. */
guint64 relay_auth_get_failures(LcRelayAuth *auth)
{
    return auth != NULL ? auth->failures : 0;
}

/* How long an address waits between challenges after failures wrong answers. */
static gint64 relay_auth_delay(guint failures)
{
    if (failures == 0)
        return 0;
    if (failures > 4)
        return AUTH_DELAY_MAX_US;
    return MIN((gint64)G_USEC_PER_SEC << (failures - 1), AUTH_DELAY_MAX_US);
}

/* Keeps the table bounded: quiet records go first, then the oldest; the
 * record of the address at hand (keep) never. */
static void relay_auth_prune(LcRelayAuth *auth, const char *keep, gint64 now)
{
    if (g_hash_table_size(auth->addresses) < AUTH_MAX_ADDRESSES)
        return;
    GHashTableIter iter;
    gpointer key, value;
    const char *oldest = NULL;
    gint64 oldest_us = G_MAXINT64;
    g_hash_table_iter_init(&iter, auth->addresses);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        LcAuthAddress *a = value;
        if (strcmp(key, keep) == 0)
            continue;
        if (now - a->last_us > AUTH_FORGET_US && a->open == 0) {
            g_hash_table_iter_remove(&iter);
        } else if (a->last_us < oldest_us) {
            oldest_us = a->last_us;
            oldest = key;
        }
    }
    if (g_hash_table_size(auth->addresses) >= AUTH_MAX_ADDRESSES && oldest != NULL)
        g_hash_table_remove(auth->addresses, oldest);
}

/* An address's record, made when it has none; one quiet for long (nothing
 * open, no HELLO and no answer for AUTH_FORGET_US) starts afresh. */
static LcAuthAddress *relay_auth_record(LcRelayAuth *auth, const char *ip, gint64 now)
{
    LcAuthAddress *a = g_hash_table_lookup(auth->addresses, ip);
    if (a == NULL) {
        relay_auth_prune(auth, ip, now);
        a = g_new0(LcAuthAddress, 1);
        g_hash_table_insert(auth->addresses, g_strdup(ip), a);
    } else if (now - a->last_us > AUTH_FORGET_US && a->open == 0) {
        a->failures = 0;
    }
    if (a->failures == 0)
        a->next_slot_us = MAX(a->next_slot_us, now);
    a->last_us = now;
    return a;
}

/* Frees a held HELLO and its timer. */
static void relay_auth_wait_free(LcRelayAuthWait *wait)
{
    if (wait->timer != NULL) {
        g_source_destroy(wait->timer);
        g_source_unref(wait->timer);
    }
    g_free(wait->hello.nick);
    g_free(wait->hello.instance);
    g_free(wait);
}

/* Takes a client's held HELLO out: its address has one fewer open. */
static LcRelayAuthWait *relay_auth_take(LcRelayClient *client)
{
    LcRelayAuth *auth = client->relay->auth;
    if (client->auth != NULL && auth != NULL) {
        LcAuthAddress *a = g_hash_table_lookup(auth->addresses, client->ip);
        if (a != NULL && a->open > 0)
            a->open--;
    }
    return g_steal_pointer(&client->auth);
}

/* Drops a client's held HELLO. */
void relay_auth_client_free(LcRelayClient *client)
{
    LcRelayAuthWait *wait = relay_auth_take(client);
    if (wait != NULL)
        relay_auth_wait_free(wait);
}

/* Sends the challenge: a fresh nonce. */
static void relay_auth_send_challenge(LcRelayClient *client)
{
    LcRelayAuthWait *wait = client->auth;
    room_auth_make_nonce(wait->nonce);
    wait->challenged = TRUE;
    g_autoptr(GBytes) nonce = g_bytes_new(wait->nonce, sizeof(wait->nonce));
    LcWireMsg msg = {.type = WIRE_AUTH_CHALLENGE};
    msg.auth_challenge.nonce = nonce;
    g_autoptr(GBytes) frame = wire_msg_encode(&msg, NULL);
    relay_client_enqueue(client, frame);
}

/* The address's wait is over: challenge. */
static gboolean relay_auth_on_timer(gpointer data)
{
    LcRelayClient *client = data;
    LcRelayAuthWait *wait = client->auth;
    g_source_unref(wait->timer);
    wait->timer = NULL;
    if (client->state == CLIENT_HELLO_WAIT)
        relay_auth_send_challenge(client);
    return G_SOURCE_REMOVE;
}

/* Refuses a HELLO for its address's sake (RATE_LIMITED, fatal). */
static void relay_auth_refuse(LcRelayClient *client, const char *reason)
{
    g_message("refused a HELLO: %s", reason);
    client->relay->counters.rate_limited++;
    relay_client_send_error(client, WIRE_ERR_RATE_LIMITED, TRUE, 0, reason);
}

/*
 * HELLO on a relay with a password: challenge now, later, or refuse. An
 * address has at most RELAY_AUTH_MAX_OPEN HELLOs held at once, so that
 * guesses in parallel do not go round the slowdown, which spaces the
 * challenges once an answer has been wrong.
 */
void relay_auth_begin(LcRelayClient *client, const LcRelayHello *hello)
{
    LcRelay *relay = client->relay;
    LcRelayAuth *auth = relay->auth;
    if ((hello->flags & WIRE_FLAG_PASSWORD) == 0) {
        relay_client_send_error(client, WIRE_ERR_AUTH, TRUE, 0,
                                "this room needs a password, and this client cannot give one: "
                                "it is too old");
        return;
    }
    gint64 now = g_get_monotonic_time();
    LcAuthAddress *a = relay_auth_record(auth, client->ip, now);
    if (a->open >= RELAY_AUTH_MAX_OPEN) {
        g_autofree char *reason =
            g_strdup_printf("too many password attempts at once from %s: at most %d", client->ip,
                            RELAY_AUTH_MAX_OPEN);
        relay_auth_refuse(client, reason);
        return;
    }
    gint64 wait_us = MAX(a->next_slot_us - now, 0);
    gint64 left = client->connected_at + (gint64)relay->config.hello_timeout_s * G_USEC_PER_SEC -
                  AUTH_ANSWER_MARGIN_US - now;
    if (wait_us > 0 && wait_us > left) {
        g_autofree char *reason =
            g_strdup_printf("too many wrong room passwords from %s: try again in %d s", client->ip,
                            (int)((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
        relay_auth_refuse(client, reason);
        return;
    }
    a->next_slot_us = now + wait_us + relay_auth_delay(a->failures);
    a->open++;
    LcRelayAuthWait *w = g_new0(LcRelayAuthWait, 1);
    w->hello = *hello;
    w->hello.nick = g_strdup(hello->nick);
    w->hello.instance = g_strdup(hello->instance);
    client->auth = w;
    if (wait_us == 0) {
        relay_auth_send_challenge(client);
        return;
    }
    w->timer = g_timeout_source_new((guint)(wait_us / 1000));
    g_source_set_callback(w->timer, relay_auth_on_timer, client, NULL);
    g_source_attach(w->timer, g_main_context_get_thread_default());
}

/* AUTH: a right proof joins the held HELLO; a wrong one closes and counts. */
void relay_auth_answer(LcRelayClient *client, const LcWireMsg *msg)
{
    LcRelay *relay = client->relay;
    LcRelayAuth *auth = relay->auth;
    if (auth == NULL || client->auth == NULL || !client->auth->challenged) {
        relay->counters.protocol_errors++;
        relay_client_send_error(client, WIRE_ERR_PROTOCOL, TRUE, 0, "AUTH without AUTH_CHALLENGE");
        return;
    }
    gsize len = 0;
    const guint8 *proof = g_bytes_get_data(msg->auth.proof, &len);
    gint64 now = g_get_monotonic_time();
    LcRelayAuthWait *wait = relay_auth_take(client);
    LcAuthAddress *a = relay_auth_record(auth, client->ip, now);
    if (!room_auth_check(auth->password, wait->nonce, sizeof(wait->nonce), proof, len)) {
        a->failures++;
        a->next_slot_us = MAX(a->next_slot_us, now + relay_auth_delay(a->failures));
        auth->failures++;
        g_message("wrong room password from %s (%u in a row)", client->ip, a->failures);
        relay_auth_wait_free(wait);
        relay_client_send_error(client, WIRE_ERR_AUTH, TRUE, 0, "wrong room password");
        return;
    }
    a->failures = 0;
    a->next_slot_us = now;
    relay_join(client, &wait->hello);
    relay_auth_wait_free(wait);
}
