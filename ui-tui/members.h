/* members.h: the member list model: who is in the room, sorted by nick.
 *
 * Plain C, no curses. Nicks compare without regard to ASCII case, as the
 * protocol's uniqueness rule does.
 */
#pragma once

#include <glib.h>

typedef struct {
    char *nick;
    char *addr;
    gboolean streaming; /* known to stream a camera (marked in the list) */
} LcMember;

typedef struct _LcMembers LcMembers;

LcMembers *members_new(void);
void members_free(LcMembers *members);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcMembers, members_free)

/* Removes everyone. */
void members_clear(LcMembers *members);

/* Adds a member, or updates the address of one with the same nick. */
void members_add(LcMembers *members, const char *nick, const char *addr);

/* Removes a member; returns FALSE if there was none with that nick. */
gboolean members_remove(LcMembers *members, const char *nick);

/* Renames a member; returns FALSE if there was none called old. */
gboolean members_rename(LcMembers *members, const char *old, const char *nick);

guint members_get_count(const LcMembers *members);
/* The member at index in nick order, or NULL. */
const LcMember *members_get(const LcMembers *members, guint index);
/* The member with a nick, or NULL. */
const LcMember *members_find(const LcMembers *members, const char *nick);

/* Marks a member as streaming or not; returns FALSE if there is no such nick. */
gboolean members_set_streaming(LcMembers *members, const char *nick, gboolean streaming);
/* Marks nobody as streaming. */
void members_clear_streaming(LcMembers *members);

/* Nicks starting with prefix (any case), in nick order, as a NULL-terminated
 * array of borrowed strings (free the array with g_free). */
const char **members_complete(const LcMembers *members, const char *prefix);
