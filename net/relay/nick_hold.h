/* nick_hold.h: nicks held for the client that last had them.
 *
 * A member that leaves without QUIT (its connection lost or cut, the relay
 * stopped or crashed) keeps its nick for a while: only the same client
 * instance (HELLO's `instance`) may take it, so a client that reconnects
 * finds its nick free even when someone else asked first. The holds are
 * kept in the history store too (history_members.c): a member still joined
 * when the relay stopped is held from the relay's next start.
 *
 * Holds are bounded: at most max_per_ip from one address and max in all;
 * past either, the hold that ends soonest gives way, so that one peer
 * churning nicks cannot push out everyone else's.
 */
#pragma once

#include "net/relay/history.h"

typedef struct _LcNickHolds LcNickHolds;

/* Creates the holds of a relay; hold_s 0 turns them off. The rows of
 * history are read: a member that was joined is held from now_us; one that
 * had left, from when it left. Rows past their hold are forgotten. */
LcNickHolds *nick_holds_new(LcHistory *history, guint hold_s, guint max, guint max_per_ip,
                            gint64 now_us);

/* Frees the holds (the store keeps its rows). */
void nick_holds_free(LcNickHolds *holds);

/* The instance nick_key is held for, or NULL when it is free; *remaining_s
 * (may be NULL) gets the seconds the hold still lasts. */
const char *nick_holds_find(LcNickHolds *holds, const char *nick_key, gint64 now_us,
                            guint *remaining_s);

/* A member joined with (or renamed itself to) nick_key: any hold on it ends
 * and the store records it as joined. */
void nick_holds_take(LcNickHolds *holds, const char *nick_key, const char *instance,
                     const char *ip);

/* A member gave up nick_key: held for its instance from now_us when hold,
 * else (QUIT, a nick change) free at once. */
void nick_holds_release(LcNickHolds *holds, const char *nick_key, const char *instance,
                        const char *ip, gboolean hold, gint64 now_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcNickHolds, nick_holds_free)
