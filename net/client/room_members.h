/* room_members.h: the members of the room, as the relay tells them: the
 * list in WELCOME, then PRESENCE joins, leaves, nick changes and away
 * messages. A session keeps one; pure bookkeeping. */
#pragma once

#include "net/wire/wire.h"

typedef struct _LcRoomMembers LcRoomMembers;

LcRoomMembers *room_members_new(void);
void room_members_free(LcRoomMembers *members);
/* Replaces the list with WELCOME's; nobody is away until the relay says. */
void room_members_set_welcome(LcRoomMembers *members, const LcWireMsg *welcome);
/* Takes a PRESENCE into the list; other messages are ignored. */
void room_members_update(LcRoomMembers *members, const LcWireMsg *msg);
/* The members, in the order they joined. */
const LcWireMember *room_members_get_all(const LcRoomMembers *members, guint *n_members);
/* A member's away message (nick in any case), or NULL while here. */
const char *room_members_get_away(const LcRoomMembers *members, const char *nick);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcRoomMembers, room_members_free)
