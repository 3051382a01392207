/* relay_auth.h: the room password at the relay (net/secure/room_auth.h).
 *
 * A relay with a password holds a HELLO until its client proves it knows
 * the password: the relay sends AUTH_CHALLENGE, the client answers AUTH,
 * and only a right answer joins (nick checks included, so that nothing of
 * the room shows before it). A wrong answer closes the connection with
 * ERROR AUTH. Wrong answers from one address slow that address down: after
 * n of them in a row, its next challenges go out one every
 * min(2^(n-1), 8) s, however many connections ask at once; one that would
 * wait past its HELLO deadline is refused at once with RATE_LIMITED and
 * the time to wait. An address has at most RELAY_AUTH_MAX_OPEN HELLOs
 * held for a proof at once (more are refused with RATE_LIMITED), so that
 * its first guesses cannot all go at once either. A right answer, or 15
 * minutes without a HELLO or an answer, forgets its wrong ones.
 */
#pragma once

#include "net/relay/relay_private.h"

#define RELAY_AUTH_MAX_OPEN 4 /* HELLOs one address may have held for a proof at once */

/* A relay's password state, or NULL when config has no password. */
LcRelayAuth *relay_auth_new(const char *password);

/* Frees it. */
void relay_auth_free(LcRelayAuth *auth);

/* HELLO from a client of a relay with a password: challenges it (now, or
 * once its address's wait is over) or refuses it. */
void relay_auth_begin(LcRelayClient *client, const LcRelayHello *hello);

/* AUTH from a client: joins it (relay_join) when the proof is right. */
void relay_auth_answer(LcRelayClient *client, const LcWireMsg *msg);

/* The client is going: its waiting challenge and held HELLO are dropped. */
void relay_auth_client_free(LcRelayClient *client);

/* Wrong answers so far, for the counters. */
guint64 relay_auth_get_failures(LcRelayAuth *auth);
