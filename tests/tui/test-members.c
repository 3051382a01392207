/* Tests of the member list model (ui-tui/members.c). */
#include "tui-test-util.h"
#include "ui-tui/members.h"

/* The nicks in order, space-separated. */
static char *nicks(LcMembers *m)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < members_get_count(m); i++)
        g_string_append_printf(out, "%s%s", i ? " " : "", members_get(m, i)->nick);
    return g_string_free(out, FALSE);
}

/* Members are kept in nick order, any case. */
static void test_sorted(void)
{
    g_autoptr(LcMembers) m = members_new();
    members_add(m, "carol", "1.1.1.1:3");
    members_add(m, "Alice", "1.1.1.1:1");
    members_add(m, "bob", "1.1.1.1:2");
    g_autofree char *s = nicks(m);
    g_assert_cmpstr(s, ==, "Alice bob carol");
    g_assert_cmpstr(members_find(m, "BOB")->addr, ==, "1.1.1.1:2");
    g_assert_null(members_get(m, 3));
}

/* Adding a nick again updates it instead of duplicating it. */
static void test_add_again(void)
{
    g_autoptr(LcMembers) m = members_new();
    members_add(m, "bob", "1.1.1.1:2");
    members_add(m, "Bob", "1.1.1.1:9");
    g_assert_cmpuint(members_get_count(m), ==, 1);
    g_assert_cmpstr(members_get(m, 0)->nick, ==, "Bob");
    g_assert_cmpstr(members_get(m, 0)->addr, ==, "1.1.1.1:9");
}

/* Leaving and renaming. */
static void test_remove_rename(void)
{
    g_autoptr(LcMembers) m = members_new();
    members_add(m, "alice", "a:1");
    members_add(m, "bob", "b:2");
    g_assert_true(members_rename(m, "alice", "zed"));
    g_autofree char *s = nicks(m);
    g_assert_cmpstr(s, ==, "bob zed");
    g_assert_cmpstr(members_find(m, "zed")->addr, ==, "a:1");
    g_assert_false(members_rename(m, "nobody", "x"));
    g_assert_true(members_remove(m, "BOB"));
    g_assert_false(members_remove(m, "bob"));
    members_clear(m);
    g_assert_cmpuint(members_get_count(m), ==, 0);
}

/* Completion candidates by prefix, in order. */
static void test_complete(void)
{
    g_autoptr(LcMembers) m = members_new();
    members_add(m, "albert", "a:1");
    members_add(m, "Alice", "a:2");
    members_add(m, "bob", "b:3");
    g_autofree const char **al = members_complete(m, "AL");
    g_assert_cmpstr(al[0], ==, "albert");
    g_assert_cmpstr(al[1], ==, "Alice");
    g_assert_null(al[2]);
    g_autofree const char **none = members_complete(m, "z");
    g_assert_null(none[0]);
}

/* Streaming marks follow nicks without regard to case and can all be cleared. */
static void test_streaming(void)
{
    g_autoptr(LcMembers) m = members_new();
    members_add(m, "bob", "10.0.0.2:1");
    members_add(m, "Alice", "10.0.0.1:1");
    g_assert_true(members_set_streaming(m, "BOB", TRUE));
    g_assert_false(members_set_streaming(m, "carol", TRUE));
    g_assert_true(members_find(m, "bob")->streaming);
    g_assert_false(members_find(m, "alice")->streaming);
    members_clear_streaming(m);
    g_assert_false(members_find(m, "bob")->streaming);
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/members/sorted", test_sorted);
    g_test_add_func("/tui/members/add-again", test_add_again);
    g_test_add_func("/tui/members/remove-rename", test_remove_rename);
    g_test_add_func("/tui/members/complete", test_complete);
    g_test_add_func("/tui/members/streaming", test_streaming);
    return g_test_run();
}
