/* room_members.c: the members of the room and who is away. */
#include "net/client/room_members.h"

#include "net/wire/validate.h"

struct _LcRoomMembers {
    GArray *list;      /* LcWireMember */
    GHashTable *aways; /* nick folded to lower case -> away message */
};

/* Frees a member entry's strings. */
static void room_members_clear_one(gpointer data)
{
    LcWireMember *m = data;
    g_free(m->nick);
    g_free(m->addr);
}

/* Creates an empty list. */
LcRoomMembers *room_members_new(void)
{
    LcRoomMembers *members = g_new0(LcRoomMembers, 1);
    members->list = g_array_new(FALSE, TRUE, sizeof(LcWireMember));
    g_array_set_clear_func(members->list, room_members_clear_one);
    members->aways = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return members;
}

/* Frees the list. */
void room_members_free(LcRoomMembers *members)
{
    if (members == NULL)
        return;
    g_array_unref(members->list);
    g_hash_table_unref(members->aways);
    g_free(members);
}

/* Replaces the list with WELCOME's. */
void room_members_set_welcome(LcRoomMembers *members, const LcWireMsg *welcome)
{
    g_array_set_size(members->list, 0);
    g_hash_table_remove_all(members->aways);
    for (guint i = 0; i < welcome->welcome.n_members; i++) {
        LcWireMember m = {g_strdup(welcome->welcome.members[i].nick),
                          g_strdup(welcome->welcome.members[i].addr)};
        g_array_append_val(members->list, m);
    }
}

/* A member's index by nick (any case), or -1. */
static gint room_members_find(const LcRoomMembers *members, const char *nick)
{
    for (guint i = 0; i < members->list->len; i++)
        if (validate_nick_equal(g_array_index(members->list, LcWireMember, i).nick, nick))
            return (gint)i;
    return -1;
}

/* Takes a PRESENCE into the list. */
void room_members_update(LcRoomMembers *members, const LcWireMsg *msg)
{
    if (msg->type != WIRE_PRESENCE)
        return;
    const char *nick = msg->presence.nick;
    const char *old = msg->presence.old;
    g_autofree char *key = g_ascii_strdown(nick, -1);
    gint i = room_members_find(members, msg->presence.kind == WIRE_PRESENCE_NICK ? old : nick);
    switch (msg->presence.kind) {
    case WIRE_PRESENCE_LEAVE:
        if (i >= 0)
            g_array_remove_index(members->list, (guint)i);
        g_hash_table_remove(members->aways, key);
        break;
    case WIRE_PRESENCE_NICK:
        if (i >= 0) {
            LcWireMember *m = &g_array_index(members->list, LcWireMember, i);
            g_free(m->nick);
            m->nick = g_strdup(nick);
        }
        if (old != NULL) {
            g_autofree char *old_key = g_ascii_strdown(old, -1);
            char *away = NULL;
            g_autofree char *stolen = NULL;
            if (g_hash_table_steal_extended(members->aways, old_key, (gpointer *)&stolen,
                                            (gpointer *)&away))
                g_hash_table_insert(members->aways, g_steal_pointer(&key), away);
        }
        break;
    case WIRE_PRESENCE_JOIN: {
        if (i >= 0)
            g_array_remove_index(members->list, (guint)i);
        LcWireMember m = {g_strdup(nick), g_strdup(msg->presence.addr)};
        g_array_append_val(members->list, m);
        g_hash_table_remove(members->aways, key);
        break;
    }
    case WIRE_PRESENCE_AWAY:
        if (msg->presence.reason != NULL && *msg->presence.reason != '\0')
            g_hash_table_insert(members->aways, g_steal_pointer(&key),
                                g_strdup(msg->presence.reason));
        else
            g_hash_table_remove(members->aways, key);
        break;
    default:
        break;
    }
}

/* The members. */
const LcWireMember *room_members_get_all(const LcRoomMembers *members, guint *n_members)
{
    *n_members = members->list->len;
    return (const LcWireMember *)(void *)members->list->data;
}

/* A member's away message. */
const char *room_members_get_away(const LcRoomMembers *members, const char *nick)
{
    g_autofree char *key = g_ascii_strdown(nick, -1);
    return g_hash_table_lookup(members->aways, key);
}
