/* test-private.c: private cameras (net/relay/relay_video_acl.c). A stream
 * opened with PRIVATE is viewed only by its owner and the nicks it allows
 * (CAMERA_ACL): anyone else's VIEW is refused with NOT_ALLOWED and a reason
 * that says what to do, at once or when the stream starts; a denied member,
 * or one that renames itself out of the list, loses its view; bad, too
 * many and too fast CAMERA_ACLs are refused without closing anything or
 * disturbing anyone; and lanconf-cli's --private and --allow do the same
 * end to end. Raw sockets and lanconf-cli against the real relay. */
#include "tests/net/cli-harness.h"
#include "tests/video/video-harness.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* Joins as nick (taking notices) and opens a private camera stream. */
static GSocket *open_private(guint16 port, const char *nick, guint32 *stream_id)
{
    GSocket *control = test_raw_join_flags(port, nick, WIRE_FLAG_NOTICES, 0, 0);
    LcWireMsg open = {.type = WIRE_STREAM_OPEN, .flags = WIRE_FLAG_PRIVATE};
    open.stream_open.channels = WIRE_CHANNELS_ALL;
    test_raw_send(control, &open);
    LcWireMsg ready;
    g_assert_true(test_raw_read_type(control, WIRE_STREAM_READY, &ready, 5000));
    *stream_id = ready.stream_ready.stream_id;
    wire_msg_clear(&ready);
    return control;
}

/* Sends CAMERA_ACL. */
static void send_acl(GSocket *socket, LcWireAclOp op, const char *nick)
{
    LcWireMsg msg = {.type = WIRE_CAMERA_ACL};
    msg.camera_acl.op = op;
    msg.camera_acl.nick = (char *)nick;
    test_raw_send(socket, &msg);
}

/* Sends VIEW of nick's camera. */
static void send_view(GSocket *socket, const char *nick)
{
    LcWireMsg msg = {.type = WIRE_VIEW};
    msg.view.nick = (char *)nick;
    msg.view.channels = WIRE_CHANNELS_ALL;
    test_raw_send(socket, &msg);
}

/* Reads the answer to a VIEW: VIEW_READY (TRUE) or VIDEO_REFUSED (FALSE,
 * its code and reason checked for NOT_ALLOWED). */
static gboolean read_view_answer(GSocket *socket, const char *owner)
{
    for (;;) {
        LcWireMsg msg;
        g_assert_true(test_raw_read(socket, &msg, 5000));
        if (msg.type == WIRE_VIEW_READY) {
            g_assert_cmpstr(msg.view_ready.nick, ==, owner);
            wire_msg_clear(&msg);
            return TRUE;
        }
        if (msg.type == WIRE_VIDEO_REFUSED) {
            g_assert_cmpuint(msg.video_refused.request, ==, WIRE_VIEW);
            g_assert_cmpuint(msg.video_refused.code, ==, WIRE_ERR_NOT_ALLOWED);
            g_assert_cmpstr(msg.video_refused.nick, ==, owner);
            g_assert_nonnull(strstr(msg.video_refused.reason, "is private"));
            g_assert_nonnull(strstr(msg.video_refused.reason, "/allow"));
            wire_msg_clear(&msg);
            return FALSE;
        }
        wire_msg_clear(&msg);
    }
}

/* A private stream is announced as such; a stranger is refused and stays
 * in the room; the owner views its own; an allowed member views, and is
 * told of the stream again when allowed; denied, its view ends. */
static void test_allow_deny(RelayFixture *fx, gconstpointer data)
{
    guint32 id = 0;
    g_autoptr(GSocket) carol = test_raw_join_flags(fx->port, "carol", WIRE_FLAG_NOTICES, 0, 0);
    g_autoptr(GSocket) cam = open_private(fx->port, "cam", &id);
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(carol, WIRE_STREAM_NOTICE, &msg, 5000));
    g_assert_cmphex(msg.flags, ==, WIRE_FLAG_PRIVATE);
    wire_msg_clear(&msg);

    send_view(carol, "cam");
    g_assert_false(read_view_answer(carol, "cam"));
    test_raw_chat(carol, 1, "still in the room");
    g_assert_true(test_raw_read_type(carol, WIRE_CHAT_ACK, &msg, 5000));
    wire_msg_clear(&msg);
    send_view(cam, "cam");
    g_assert_true(read_view_answer(cam, "cam"));

    g_autoptr(GSocket) bob = test_raw_join_flags(fx->port, "bob", WIRE_FLAG_NOTICES, 0, 0);
    g_assert_true(test_raw_read_type(bob, WIRE_STREAM_NOTICE, &msg, 5000)); /* on joining */
    wire_msg_clear(&msg);
    send_acl(cam, WIRE_ACL_ALLOW, "BOB");                                   /* nicks in any case */
    g_assert_true(test_raw_read_type(bob, WIRE_STREAM_NOTICE, &msg, 5000)); /* told again */
    g_assert_cmpuint(msg.stream_notice.stream_id, ==, id);
    wire_msg_clear(&msg);
    send_view(bob, "cam");
    g_assert_true(read_view_answer(bob, "cam"));

    send_acl(cam, WIRE_ACL_DENY, "bob");
    g_assert_true(test_raw_read_type(bob, WIRE_VIDEO_REFUSED, &msg, 5000));
    g_assert_cmpuint(msg.video_refused.code, ==, WIRE_ERR_NOT_ALLOWED);
    g_assert_nonnull(strstr(msg.video_refused.reason, "no longer allows you"));
    wire_msg_clear(&msg);
    /* Asked again, still refused. */
    send_view(bob, "cam");
    g_assert_false(read_view_answer(bob, "cam"));
}

/* Views that wait for the stream: when it starts private, the allowed one
 * attaches and the other is refused. A member allowed by nick who renames
 * itself loses its view. A public stream ignores the list. */
static void test_waiting_and_rename(RelayFixture *fx, gconstpointer data)
{
    g_autoptr(GSocket) bob = test_raw_join_flags(fx->port, "bob", 0, 0, 0);
    g_autoptr(GSocket) carol = test_raw_join_flags(fx->port, "carol", 0, 0, 0);
    g_autoptr(GSocket) cam = test_raw_join_flags(fx->port, "cam", 0, 0, 0);
    send_view(bob, "cam");
    send_view(carol, "cam");
    send_acl(cam, WIRE_ACL_ALLOW, "bob");
    LcWireMsg open = {.type = WIRE_STREAM_OPEN, .flags = WIRE_FLAG_PRIVATE}, msg;
    open.stream_open.channels = WIRE_CHANNELS_ALL;
    test_raw_send(cam, &open);
    g_assert_true(read_view_answer(bob, "cam"));
    g_assert_false(read_view_answer(carol, "cam"));

    LcWireMsg nick = {.type = WIRE_NICK};
    nick.nick.nick = "robert";
    test_raw_send(bob, &nick);
    g_assert_false(read_view_answer(bob, "cam")); /* for "robert" */

    /* The nick bob is free now, and another client takes it: the grant was
     * for the client that had it, not for whoever has it next. */
    LcWireMsg welcome;
    g_autoptr(GSocket) mallory = test_raw_hello(fx->port, NULL, "bob", "mallory", &welcome);
    g_assert_cmpuint(welcome.type, ==, WIRE_WELCOME);
    wire_msg_clear(&welcome);
    send_view(mallory, "cam");
    g_assert_false(read_view_answer(mallory, "cam"));
    /* Who watches a private camera is not told to the room. */
    LcWireMsg stats = {.type = WIRE_STATS_REQUEST};
    stats.stats_request.request = 7;
    test_raw_send(carol, &stats);
    g_assert_true(test_raw_read_type(carol, WIRE_STATS_END, &msg, 5000));
    g_assert_cmpuint(msg.stats_end.viewers, ==, 0);
    wire_msg_clear(&msg);

    /* The same camera made public: everyone views. */
    open.flags = 0;
    test_raw_send(cam, &open);
    /* The private stream's STREAM_READY, then the public one's. */
    g_assert_true(test_raw_read_type(cam, WIRE_STREAM_READY, &msg, 5000));
    wire_msg_clear(&msg);
    g_assert_true(test_raw_read_type(cam, WIRE_STREAM_READY, &msg, 5000));
    wire_msg_clear(&msg);
    send_view(carol, "cam");
    g_assert_true(read_view_answer(carol, "cam"));
}

/* Abuse: a bad nick, a bad op, a full list and a flood are each refused
 * (ERROR, not fatal) while the owner's connection and the room go on;
 * CAMERA_ACL before joining is fatal. */
static void test_abuse(RelayFixture *fx, gconstpointer data)
{
    guint32 id = 0;
    g_autoptr(GSocket) cam = open_private(fx->port, "cam", &id);
    g_autoptr(GSocket) bob = test_raw_join_flags(fx->port, "bob", 0, 0, 0);
    LcWireMsg msg;
    send_acl(cam, WIRE_ACL_ALLOW, "no spaces");
    g_assert_true(test_raw_read_type(cam, WIRE_ERROR, &msg, 5000));
    g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_BAD_NICK);
    g_assert_cmpuint(msg.flags & WIRE_FLAG_FATAL, ==, 0);
    wire_msg_clear(&msg);
    send_acl(cam, 7, "bob");
    g_assert_true(test_raw_read_type(cam, WIRE_ERROR, &msg, 5000));
    g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_BAD_FRAME);
    g_assert_cmpuint(msg.flags & WIRE_FLAG_FATAL, ==, 0);
    wire_msg_clear(&msg);

    /* 200 at once: 64 fit the list, the 65th and later are refused as a
     * full list or as a flood; none closes the connection. */
    for (guint i = 0; i < 200; i++) {
        g_autofree char *nick = g_strdup_printf("m%u", i);
        send_acl(cam, WIRE_ACL_ALLOW, nick);
    }
    guint full = 0, flood = 0;
    while (test_raw_read(cam, &msg, 1000)) {
        if (msg.type == WIRE_ERROR) {
            g_assert_cmpuint(msg.flags & WIRE_FLAG_FATAL, ==, 0);
            full += msg.error.code == WIRE_ERR_SERVER_FULL;
            flood += msg.error.code == WIRE_ERR_RATE_LIMITED;
        }
        wire_msg_clear(&msg);
    }
    g_test_message("%u refused as a full list, %u as a flood", full, flood);
    g_assert_cmpuint(full + flood, ==, 200 - 64);
    g_assert_cmpuint(full, >, 0);

    /* The room goes on: bob chats, cam hears it. */
    test_raw_chat(bob, 1, "unbothered");
    g_assert_true(test_raw_read_type(cam, WIRE_CHAT_DELIVER, &msg, 5000));
    g_assert_cmpstr(msg.deliver.text, ==, "unbothered");
    wire_msg_clear(&msg);

    g_autoptr(GSocket) early = test_raw_connect(fx->port);
    send_acl(early, WIRE_ACL_ALLOW, "bob");
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(early, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);
}

/* lanconf-cli --camera --private --allow bob: bob sees frames, carol is
 * refused with the reason and exit status 1. */
static void test_cli(void)
{
    Relay r = {0};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);
    g_autofree char *summary = g_build_filename(r.dir, "bob.json", NULL);
    /* A sanitizer build starts the camera late under load: longer runs. */
    GSubprocess *cam =
        cli_spawn("--server", server, "--nick", "cam", "--camera", "test", "--private", "--allow",
                  "bob", "--duration", CLI_SANITIZED ? "16" : "4", "--timeout", "40", NULL);
    GSubprocess *bob =
        cli_spawn("--server", server, "--nick", "bob", "--view", "cam", "--headless", "--duration",
                  CLI_SANITIZED ? "14" : "3", "--summary", summary, "--timeout", "40", NULL);
    g_usleep(500000);
    g_autofree char *err = NULL;
    /* Refused as soon as the camera starts, however late that is. */
    GSubprocess *carol = cli_spawn("--server", server, "--nick", "carol", "--view", "cam",
                                   "--headless", "--duration", "20", "--timeout", "30", NULL);
    g_assert_cmpint(cli_finish(carol, NULL, NULL, &err), ==, 1);
    g_assert_nonnull(strstr(err, "cam's camera is private"));
    g_assert_cmpint(cli_finish(bob, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint(cli_finish(cam, NULL, NULL, NULL), ==, 0);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_file(parser, summary, NULL));
    JsonObject *tcp = json_object_get_object_member(
        json_object_get_object_member(json_node_get_object(json_parser_get_root(parser)),
                                      "channels"),
        "tcp");
    g_assert_cmpint(json_object_get_int_member(tcp, "frames_received"), >, 0);
    g_object_unref(carol);
    g_object_unref(bob);
    g_object_unref(cam);

    /* --private without anything to send is an argument error. */
    GSubprocess *bad = cli_spawn("--server", server, "--nick", "x", "--private", NULL);
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(cli_finish(bad, "", NULL, &err), ==, 2);
    g_assert_nonnull(strstr(err, "--private"));
    g_object_unref(bad);
    relay_stop(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/private/allow-deny", NULL, test_allow_deny);
    relay_test_add("/private/waiting-and-rename", NULL, test_waiting_and_rename);
    relay_test_add("/private/abuse", NULL, test_abuse);
    g_test_add_func("/private/cli", test_cli);
    return g_test_run();
}
