/* harness.h: helpers for tests that run the real relay on 127.0.0.1. */
#pragma once

#include <gio/gio.h>

#include "net/relay/relay.h"
#include "net/wire/wire.h"

/* A relay running on its own thread and main context, port 0 (an
 * LcRelayThread of src/lab/relay_thread.h). */
typedef struct TestRelay TestRelay;

/* Adjusts the config before the relay starts (may be NULL). */
typedef void (*TestRelayTweak)(LcRelayConfig *config);

/* Starts a relay with in-memory history (data_dir NULL) unless tweak sets one. */
TestRelay *test_relay_start(TestRelayTweak tweak);
guint16 test_relay_port(TestRelay *relay);
/* Reads the relay's counters on its own thread. */
void test_relay_counters(TestRelay *relay, LcRelayCounters *counters);
void test_relay_stop(TestRelay *relay);

/* A GTest fixture: one relay per test, started before it (the test data is
 * its TestRelayTweak, or NULL) and stopped after it, whatever it asserted. */
typedef struct {
    TestRelay *relay;
    guint16 port;
} RelayFixture;

void relay_fixture_setup(RelayFixture *fx, gconstpointer tweak);
void relay_fixture_teardown(RelayFixture *fx, gconstpointer tweak);
/* Registers a test that runs with a relay started with tweak (NULL: defaults). */
#define relay_test_add(path, tweak, func)                                                          \
    g_test_add(path, RelayFixture, (gconstpointer)(tweak), relay_fixture_setup, func,              \
               relay_fixture_teardown)

/* A blocking raw TCP client speaking frames by hand. */
GSocket *test_raw_connect(guint16 port);
void test_raw_send_bytes(GSocket *socket, const void *data, gsize len);
void test_raw_send(GSocket *socket, const LcWireMsg *msg);
/* Reads one frame (waiting up to timeout_ms); FALSE on timeout or close. */
gboolean test_raw_read(GSocket *socket, LcWireMsg *msg, guint timeout_ms);
/* Reads frames until one of the given type arrives (others are skipped). */
gboolean test_raw_read_type(GSocket *socket, guint8 type, LcWireMsg *msg, guint timeout_ms);
/* TRUE if the relay closes the connection within timeout_ms (frames before
 * the close are skipped; the last ERROR code seen is stored in *code). */
gboolean test_raw_wait_closed(GSocket *socket, guint timeout_ms, guint16 *code);
/* Connects, sends HELLO (taking PRESENCE away and PRIVMSG_DELIVER) and reads
 * WELCOME (asserting it arrives). */
GSocket *test_raw_join(guint16 port, const char *nick, guint64 resume_after, guint32 history);
/* test_raw_join() with HELLO flags (WIRE_FLAG_NOTICES, ...). */
GSocket *test_raw_join_flags(guint16 port, const char *nick, guint16 flags, guint64 resume_after,
                             guint32 history);
/* Joins as nick, trying again (every 100 ms, for up to timeout_ms) while the
 * relay refuses; the joined socket, or NULL. */
GSocket *test_raw_try_join(guint16 port, const char *nick, guint timeout_ms);
/* Connects from local address from_ip (NULL: the kernel's choice; any
 * 127.x.y.z works on loopback), sends HELLO with the given instance and
 * reads the first answer into *answer (WELCOME or ERROR). */
GSocket *test_raw_hello(guint16 port, const char *from_ip, const char *nick, const char *instance,
                        LcWireMsg *answer);
/* Connects from local address from_ip (NULL: the kernel's choice). */
GSocket *test_raw_connect_from(guint16 port, const char *from_ip);
/* Sends CHAT. */
void test_raw_chat(GSocket *socket, guint64 client_id, const char *text);
/* This socket's local address as "ip:port" (what the relay reports). */
char *test_raw_local_addr(GSocket *socket);

/* Runs the thread-default main context until *flag is TRUE or timeout_ms. */
gboolean test_wait_flag(const gboolean *flag, guint timeout_ms);
/* Runs the thread-default main context until cond(data) or timeout_ms. */
gboolean test_wait_until(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms);
