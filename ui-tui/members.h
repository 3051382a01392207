/* members.h: the member list model: who is in the room, sorted by nick.
 *
 * Plain C, no curses. Nicks compare without regard to ASCII case, as the
 * protocol's uniqueness rule does.
 */
#pragma once

#include <glib.h>

/* A member's sound: off, on (an audio stream), heard talking now, or muted
 * here. */
typedef enum {
    MEMBER_AUDIO_OFF,
    MEMBER_AUDIO_ON,
    MEMBER_AUDIO_TALKING,
    MEMBER_AUDIO_MUTED,
} LcMemberAudio;

typedef struct {
    char *nick;
    char *addr;
    gboolean streaming;  /* known to stream a camera (marked in the list) */
    LcMemberAudio audio; /* its sound, as this client knows it (shown after the nick) */
    char *away;          /* its away message, or NULL while here (drawn dim) */
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

/* Sets a member's away message (NULL or empty: here); FALSE if there is no
 * such nick or nothing changed. */
gboolean members_set_away(LcMembers *members, const char *nick, const char *away);

/* Marks a member as streaming or not; returns FALSE if there is no such nick. */
gboolean members_set_streaming(LcMembers *members, const char *nick, gboolean streaming);
/* Marks nobody as streaming. */
void members_clear_streaming(LcMembers *members);
/* Sets a member's sound; returns FALSE if there is no such nick. */
gboolean members_set_audio(LcMembers *members, const char *nick, LcMemberAudio audio);
/* Sets everyone's sound to off. */
void members_clear_audio(LcMembers *members);
/* The mark shown after a nick for its sound (a loudspeaker: "<)" audio on,
 * "<))" talking, "<x" muted), or NULL for none. */
const char *members_audio_word(LcMemberAudio audio);

/* Nicks starting with prefix (any case), in nick order, as a NULL-terminated
 * array of borrowed strings (free the array with g_free). */
const char **members_complete(const LcMembers *members, const char *prefix);
