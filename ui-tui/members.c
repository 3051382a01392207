/* members.c: the member list model, sorted by nick. */
#include "ui-tui/members.h"

#include <string.h>

struct _LcMembers {
    GArray *list; /* LcMember, sorted by nick without regard to case */
};

/* Frees a member's strings. */
static void members_entry_clear(gpointer data)
{
    LcMember *m = data;
    g_free(m->nick);
    g_free(m->addr);
    g_free(m->away);
}

/* Creates an empty list. */
LcMembers *members_new(void)
{
    LcMembers *members = g_new0(LcMembers, 1);
    members->list = g_array_new(FALSE, TRUE, sizeof(LcMember));
    g_array_set_clear_func(members->list, members_entry_clear);
    return members;
}

/* Frees the list. */
void members_free(LcMembers *members)
{
    if (members == NULL)
        return;
    g_array_unref(members->list);
    g_free(members);
}

/* Removes everyone. */
void members_clear(LcMembers *members)
{
    g_array_set_size(members->list, 0);
}

/* Index of a nick, or where it would be inserted (with *found FALSE). */
static guint members_search(const LcMembers *members, const char *nick, gboolean *found)
{
    guint lo = 0, hi = members->list->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        int c = g_ascii_strcasecmp(g_array_index(members->list, LcMember, mid).nick, nick);
        if (c == 0) {
            *found = TRUE;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = FALSE;
    return lo;
}

/* Adds or updates a member. */
void members_add(LcMembers *members, const char *nick, const char *addr)
{
    gboolean found;
    guint i = members_search(members, nick, &found);
    if (found) {
        LcMember *m = &g_array_index(members->list, LcMember, i);
        g_free(m->nick);
        g_free(m->addr);
        m->nick = g_strdup(nick);
        m->addr = g_strdup(addr ? addr : "");
        return;
    }
    LcMember m = {.nick = g_strdup(nick), .addr = g_strdup(addr ? addr : "")};
    g_array_insert_val(members->list, i, m);
}

/* Removes a member. */
gboolean members_remove(LcMembers *members, const char *nick)
{
    gboolean found;
    guint i = members_search(members, nick, &found);
    if (found)
        g_array_remove_index(members->list, i);
    return found;
}

/* Renames a member, keeping the order. */
gboolean members_rename(LcMembers *members, const char *old, const char *nick)
{
    const LcMember *m = members_find(members, old);
    if (m == NULL)
        return FALSE;
    g_autofree char *addr = g_strdup(m->addr);
    g_autofree char *away = g_strdup(m->away);
    LcMemberAudio audio = m->audio;
    gboolean streaming = m->streaming;
    members_remove(members, old);
    members_add(members, nick, addr);
    members_set_away(members, nick, away);
    members_set_audio(members, nick, audio);
    members_set_streaming(members, nick, streaming);
    return TRUE;
}

/* Number of members. */
guint members_get_count(const LcMembers *members)
{
    return members->list->len;
}

/* The member at an index, or NULL. */
const LcMember *members_get(const LcMembers *members, guint index)
{
    return index < members->list->len ? &g_array_index(members->list, LcMember, index) : NULL;
}

/* Finds a member by nick. */
const LcMember *members_find(const LcMembers *members, const char *nick)
{
    gboolean found;
    guint i = members_search(members, nick, &found);
    return found ? &g_array_index(members->list, LcMember, i) : NULL;
}

/* Nicks starting with prefix. */
const char **members_complete(const LcMembers *members, const char *prefix)
{
    GPtrArray *out = g_ptr_array_new();
    gsize len = strlen(prefix);
    for (guint i = 0; i < members->list->len; i++) {
        const char *nick = g_array_index(members->list, LcMember, i).nick;
        if (g_ascii_strncasecmp(nick, prefix, len) == 0)
            g_ptr_array_add(out, (gpointer)nick);
    }
    g_ptr_array_add(out, NULL);
    return (const char **)g_ptr_array_free(out, FALSE);
}

/* Marks a member as streaming or not. */
gboolean members_set_streaming(LcMembers *members, const char *nick, gboolean streaming)
{
    gboolean found = FALSE;
    guint i = members_search(members, nick, &found);
    if (found)
        g_array_index(members->list, LcMember, i).streaming = streaming;
    return found;
}

/* Sets a member's away message. */
gboolean members_set_away(LcMembers *members, const char *nick, const char *away)
{
    gboolean found = FALSE;
    guint i = members_search(members, nick, &found);
    if (!found)
        return FALSE;
    LcMember *m = &g_array_index(members->list, LcMember, i);
    const char *now = away != NULL && *away != '\0' ? away : NULL;
    if (g_strcmp0(m->away, now) == 0)
        return FALSE;
    g_free(m->away);
    m->away = g_strdup(now);
    return TRUE;
}

/* Marks nobody as streaming. */
void members_clear_streaming(LcMembers *members)
{
    for (guint i = 0; i < members->list->len; i++)
        g_array_index(members->list, LcMember, i).streaming = FALSE;
}

/* Sets a member's sound. */
gboolean members_set_audio(LcMembers *members, const char *nick, LcMemberAudio audio)
{
    gboolean found = FALSE;
    guint i = members_search(members, nick, &found);
    if (found)
        g_array_index(members->list, LcMember, i).audio = audio;
    return found;
}

/* Sets everyone's sound to off. */
void members_clear_audio(LcMembers *members)
{
    for (guint i = 0; i < members->list->len; i++)
        g_array_index(members->list, LcMember, i).audio = MEMBER_AUDIO_OFF;
}

/* The word shown after a nick for its sound. */
const char *members_audio_word(LcMemberAudio audio)
{
    static const char *const words[] = {
        [MEMBER_AUDIO_OFF] = NULL,
        [MEMBER_AUDIO_ON] = "<)",
        [MEMBER_AUDIO_TALKING] = "<))",
        [MEMBER_AUDIO_MUTED] = "<x",
    };
    return audio < G_N_ELEMENTS(words) ? words[audio] : NULL;
}
