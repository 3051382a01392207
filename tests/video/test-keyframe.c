/* test-keyframe.c: KEYFRAME_REQUEST through the real relay on 127.0.0.1: a
 * viewer's request reaches the stream's sender; requests closer than the
 * merge gap are one; nobody but a viewer of the stream gets one through;
 * and a flood of them, some naming no stream, disturbs nothing else. */
#include "tests/video/video-harness.h"
#include "net/relay/relay_defaults.h"

/* Sends a KEYFRAME_REQUEST. */
static void ask_key(GSocket *socket, guint32 stream_id, guint8 channel)
{
    LcWireMsg msg = {.type = WIRE_KEYFRAME_REQUEST};
    msg.keyframe_request.stream_id = stream_id;
    msg.keyframe_request.channel = channel;
    test_raw_send(socket, &msg);
}

/* Counts the KEYFRAME_REQUESTs that reach socket within ms, each for
 * stream_id. */
static guint count_keys(GSocket *socket, guint32 stream_id, guint ms)
{
    guint n = 0;
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    LcWireMsg msg;
    for (gint64 now = g_get_monotonic_time(); now < end; now = g_get_monotonic_time()) {
        if (!test_raw_read_type(socket, WIRE_KEYFRAME_REQUEST, &msg, (guint)((end - now) / 1000)))
            break;
        g_assert_cmpuint(msg.keyframe_request.stream_id, ==, stream_id);
        wire_msg_clear(&msg);
        n++;
    }
    return n;
}

/* The member on socket was not cut off: its chat line is acknowledged. */
static void assert_still_chats(GSocket *socket)
{
    LcWireMsg chat = {.type = WIRE_CHAT};
    chat.chat.client_id = 1;
    chat.chat.text = "still here";
    test_raw_send(socket, &chat);
    LcWireMsg ack;
    g_assert_true(test_raw_read_type(socket, WIRE_CHAT_ACK, &ack, 5000));
    wire_msg_clear(&ack);
}

/* Joins as "cam", a client that takes KEYFRAME_REQUEST (flags
 * WIRE_FLAG_KEYFRAMES) or one from before it (0), and opens a camera. */
static GSocket *open_camera(guint16 port, guint16 flags, guint32 *stream_id)
{
    GSocket *control = test_raw_join_flags(port, "cam", flags, 0, 0);
    LcWireMsg open = {.type = WIRE_STREAM_OPEN};
    open.stream_open.channels = WIRE_CHANNELS_ALL;
    test_raw_send(control, &open);
    LcWireMsg ready;
    g_assert_true(test_raw_read_type(control, WIRE_STREAM_READY, &ready, 5000));
    *stream_id = ready.stream_ready.stream_id;
    return control;
}

/* Joins as nick and views cam's camera on TCP. */
static GSocket *join_viewer(guint16 port, const char *nick)
{
    GSocket *socket = test_raw_join(port, nick, 0, 0);
    LcWireMsg look = {.type = WIRE_VIEW};
    look.view.nick = "cam";
    look.view.channels = WIRE_CHANNEL_TCP;
    test_raw_send(socket, &look);
    LcWireMsg ready;
    g_assert_true(test_raw_read_type(socket, WIRE_VIEW_READY, &ready, 5000));
    wire_msg_clear(&ready);
    return socket;
}

/* A viewer's request reaches the sender with the channel it named; a flood
 * of them is merged to one per RELAY_KEYFRAME_REQUEST_GAP_US; after the gap
 * the next goes through again. */
static void test_keyframe_forwarded(RelayFixture *fx, gconstpointer tweak)
{
    guint32 id = 0;
    GSocket *cam = open_camera(fx->port, WIRE_FLAG_KEYFRAMES, &id);
    GSocket *eye = join_viewer(fx->port, "eye");

    ask_key(eye, id, LC_CHAN_UDP);
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(cam, WIRE_KEYFRAME_REQUEST, &msg, 5000));
    g_assert_cmpuint(msg.keyframe_request.stream_id, ==, id);
    g_assert_cmpuint(msg.keyframe_request.channel, ==, LC_CHAN_UDP);
    wire_msg_clear(&msg);

    /* 200 at once, within one gap of the first: none more gets through. */
    for (guint i = 0; i < 200; i++)
        ask_key(eye, id, LC_CHAN_UDP);
    g_assert_cmpuint(count_keys(cam, id, 50), ==, 0);

    /* After the gap, one again. */
    g_usleep(RELAY_KEYFRAME_REQUEST_GAP_US + 20000);
    ask_key(eye, id, LC_CHAN_TCP);
    g_assert_cmpuint(count_keys(cam, id, 500), ==, 1);
    g_object_unref(eye);
    g_object_unref(cam);
}

/* Requests from a member who does not view the stream, from the sender
 * itself, and for a stream that does not exist, go nowhere, and nobody is
 * cut off for them: the member still chats, the viewer's request still
 * reaches the sender. Several abuses at once: two floods beside it. */
static void test_keyframe_refused(RelayFixture *fx, gconstpointer tweak)
{
    guint32 id = 0;
    GSocket *cam = open_camera(fx->port, WIRE_FLAG_KEYFRAMES, &id);
    GSocket *eye = join_viewer(fx->port, "eye");
    GSocket *mallory = test_raw_join(fx->port, "mallory", 0, 0);

    for (guint i = 0; i < 300; i++) {
        ask_key(mallory, id, LC_CHAN_UDP);  /* not a viewer */
        ask_key(mallory, id + 1000 + i, 0); /* no such stream */
        ask_key(cam, id, LC_CHAN_TCP);      /* the sender is no viewer either */
        ask_key(mallory, 0, 200);           /* nothing, and no such channel */
    }
    g_assert_cmpuint(count_keys(cam, id, 300), ==, 0);

    /* The viewer's own request still goes through, and mallory still chats. */
    ask_key(eye, id, LC_CHAN_TCP);
    g_assert_cmpuint(count_keys(cam, id, 2000), ==, 1);
    assert_still_chats(mallory);
    g_object_unref(mallory);
    g_object_unref(eye);
    g_object_unref(cam);
}

/* A sender from before KEYFRAME_REQUEST (no KEYFRAMES in its HELLO) is
 * never sent one, however its viewers ask: it would close on the unknown
 * type. It stays in the room and chats on. */
static void test_keyframe_old_sender(RelayFixture *fx, gconstpointer tweak)
{
    guint32 id = 0;
    GSocket *cam = open_camera(fx->port, 0, &id);
    GSocket *eye = join_viewer(fx->port, "eye");
    for (guint i = 0; i < 20; i++) {
        ask_key(eye, id, LC_CHAN_UDP);
        g_usleep(RELAY_KEYFRAME_REQUEST_GAP_US / 4);
    }
    g_assert_cmpuint(count_keys(cam, id, 300), ==, 0);
    assert_still_chats(cam);
    g_object_unref(eye);
    g_object_unref(cam);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/video/keyframe/forwarded", NULL, test_keyframe_forwarded);
    relay_test_add("/video/keyframe/refused", NULL, test_keyframe_refused);
    relay_test_add("/video/keyframe/old-sender", NULL, test_keyframe_old_sender);
    return g_test_run();
}
