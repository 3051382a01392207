/* test-notices.c: what the relay tells members unasked, to those that
 * asked in their HELLO (NOTICES): who has which stream (STREAM_NOTICE), and
 * a stream's owner who watches it (WATCH_NOTICE). Raw sockets against the
 * real relay on 127.0.0.1. */
#include "tests/video/video-harness.h"
#include "net/client/stream_viewer.h"

/* Reads the next STREAM_NOTICE and checks it. */
static void expect_notice(GSocket *socket, LcWireStreamState state, guint16 flags, const char *nick,
                          guint32 stream_id, guint8 channels)
{
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(socket, WIRE_STREAM_NOTICE, &msg, 5000));
    g_assert_cmpuint(msg.stream_notice.state, ==, state);
    g_assert_cmphex(msg.flags, ==, flags);
    g_assert_cmpstr(msg.stream_notice.nick, ==, nick);
    g_assert_cmpuint(msg.stream_notice.stream_id, ==, stream_id);
    g_assert_cmpuint(msg.stream_notice.channels, ==, channels);
    wire_msg_clear(&msg);
}

/* Joins as nick and opens an audio stream on the channels. */
static GSocket *open_audio_stream(guint16 port, const char *nick, guint8 channels, LcWireMsg *ready)
{
    GSocket *control = test_raw_join_flags(port, nick, WIRE_FLAG_NOTICES, 0, 0);
    LcWireMsg open = {.type = WIRE_STREAM_OPEN, .flags = WIRE_FLAG_AUDIO};
    open.stream_open.channels = channels;
    test_raw_send(control, &open);
    g_assert_true(test_raw_read_type(control, WIRE_STREAM_READY, ready, 5000));
    g_assert_cmphex(ready->flags, ==, WIRE_FLAG_AUDIO);
    return control;
}

/* The room is told of every stream that starts and ends (STREAM_NOTICE,
 * the owner too; after a rename, again under the new nick), and a member who joins later of every
 * stream there is, each with its media kind, nick and channels: every member that asked in its
 * HELLO (NOTICES); one that did not (a client that predates notices) gets none. */
static void test_stream_notices(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *eye = test_raw_join_flags(fx->port, "eye", WIRE_FLAG_NOTICES, 0, 0);
    LcWireMsg cam_ready, mic_ready, none;
    GSocket *cam = video_raw_open_stream(fx->port, "cam", WIRE_CHANNELS_ALL, &cam_ready);
    guint32 cam_id = cam_ready.stream_ready.stream_id;
    expect_notice(eye, WIRE_STREAM_STARTED, 0, "cam", cam_id, WIRE_CHANNELS_ALL);
    GSocket *mic = open_audio_stream(fx->port, "Mic", WIRE_CHANNEL_UDP, &mic_ready);
    guint32 mic_id = mic_ready.stream_ready.stream_id;
    expect_notice(eye, WIRE_STREAM_STARTED, WIRE_FLAG_AUDIO, "Mic", mic_id, WIRE_CHANNEL_UDP);
    expect_notice(mic, WIRE_STREAM_STARTED, WIRE_FLAG_AUDIO, "Mic", mic_id, WIRE_CHANNEL_UDP);
    g_assert_false(test_raw_read_type(cam, WIRE_STREAM_NOTICE, &none, 300)); /* did not ask */

    /* A latecomer hears of both, right after WELCOME. */
    GSocket *late = test_raw_join_flags(fx->port, "late", WIRE_FLAG_NOTICES, 0, 0);
    for (guint i = 0; i < 2; i++) {
        LcWireMsg msg;
        g_assert_true(test_raw_read_type(late, WIRE_STREAM_NOTICE, &msg, 5000));
        g_assert_cmpuint(msg.stream_notice.state, ==, WIRE_STREAM_STARTED);
        gboolean audio = (msg.flags & WIRE_FLAG_AUDIO) != 0;
        g_assert_cmpstr(msg.stream_notice.nick, ==, audio ? "Mic" : "cam");
        g_assert_cmpuint(msg.stream_notice.stream_id, ==, audio ? mic_id : cam_id);
        wire_msg_clear(&msg);
    }

    /* A rename: the stream is announced again under the new nick. */
    LcWireMsg rename = {.type = WIRE_NICK};
    rename.nick.nick = "Mike";
    test_raw_send(mic, &rename);
    expect_notice(eye, WIRE_STREAM_STARTED, WIRE_FLAG_AUDIO, "Mike", mic_id, WIRE_CHANNEL_UDP);

    LcWireMsg close = {.type = WIRE_STREAM_CLOSE};
    close.stream_close.stream_id = mic_id;
    test_raw_send(mic, &close);
    expect_notice(eye, WIRE_STREAM_ENDED, WIRE_FLAG_AUDIO, "Mike", mic_id, WIRE_CHANNEL_UDP);
    expect_notice(late, WIRE_STREAM_STARTED, WIRE_FLAG_AUDIO, "Mike", mic_id, WIRE_CHANNEL_UDP);
    expect_notice(late, WIRE_STREAM_ENDED, WIRE_FLAG_AUDIO, "Mike", mic_id, WIRE_CHANNEL_UDP);
    g_object_unref(cam); /* the owner leaves: its stream ends */
    expect_notice(eye, WIRE_STREAM_ENDED, 0, "cam", cam_id, WIRE_CHANNELS_ALL);
    wire_msg_clear(&cam_ready);
    wire_msg_clear(&mic_ready);
    g_object_unref(late);
    g_object_unref(mic);
    g_object_unref(eye);
}

/* Reads the next WATCH_NOTICE and checks it. */
static void expect_watch(GSocket *socket, guint8 state, guint16 flags, const char *nick,
                         guint32 stream_id)
{
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(socket, WIRE_WATCH_NOTICE, &msg, 5000));
    g_assert_cmpuint(msg.watch_notice.state, ==, state);
    g_assert_cmphex(msg.flags, ==, flags);
    g_assert_cmpstr(msg.watch_notice.nick, ==, nick);
    g_assert_cmpuint(msg.watch_notice.stream_id, ==, stream_id);
    wire_msg_clear(&msg);
}

/* A sender is told who starts and stops watching its stream (WATCH_NOTICE,
 * if it asked for notices in its HELLO), under the nick the watcher has now,
 * not when it ends the stream itself; one that did not ask is told
 * nothing. */
static void test_watch_notices(RelayFixture *fx, gconstpointer tweak)
{
    LcWireMsg mic_ready, cam_ready, none;
    GSocket *mic = open_audio_stream(fx->port, "Mic", WIRE_CHANNEL_UDP, &mic_ready);
    guint32 mic_id = mic_ready.stream_ready.stream_id;
    GSocket *cam = video_raw_open_stream(fx->port, "cam", WIRE_CHANNELS_ALL, &cam_ready);
    GSocket *ear = test_raw_join(fx->port, "ear", 0, 0);
    LcWireMsg view = {.type = WIRE_VIEW, .flags = WIRE_FLAG_AUDIO};
    view.view.nick = "mic";
    view.view.channels = WIRE_CHANNEL_UDP;
    test_raw_send(ear, &view);
    expect_watch(mic, WIRE_STREAM_STARTED, WIRE_FLAG_AUDIO, "ear", mic_id);
    LcWireMsg look = {.type = WIRE_VIEW};
    look.view.nick = "cam";
    look.view.channels = WIRE_CHANNEL_TCP;
    test_raw_send(ear, &look);
    g_assert_true(test_raw_read_type(ear, WIRE_VIEW_READY, &none, 5000));
    wire_msg_clear(&none);
    g_assert_false(test_raw_read_type(cam, WIRE_WATCH_NOTICE, &none, 300)); /* did not ask */

    /* A watcher that renames stops watching under its new nick. */
    LcWireMsg rename = {.type = WIRE_NICK};
    rename.nick.nick = "Ear2";
    test_raw_send(ear, &rename);
    LcWireMsg stop = {.type = WIRE_VIEW_CLOSE, .flags = WIRE_FLAG_AUDIO};
    stop.view_close.nick = "Mic";
    test_raw_send(ear, &stop);
    expect_watch(mic, WIRE_STREAM_ENDED, WIRE_FLAG_AUDIO, "Ear2", mic_id);

    /* A watcher that leaves stops watching. */
    GSocket *eye = test_raw_join(fx->port, "eye", 0, 0);
    test_raw_send(eye, &view);
    expect_watch(mic, WIRE_STREAM_STARTED, WIRE_FLAG_AUDIO, "eye", mic_id);
    g_object_unref(eye);
    expect_watch(mic, WIRE_STREAM_ENDED, WIRE_FLAG_AUDIO, "eye", mic_id);

    test_raw_send(ear, &view); /* again, then the owner ends its stream */
    expect_watch(mic, WIRE_STREAM_STARTED, WIRE_FLAG_AUDIO, "Ear2", mic_id);
    LcWireMsg close = {.type = WIRE_STREAM_CLOSE, .flags = WIRE_FLAG_AUDIO};
    close.stream_close.stream_id = mic_id;
    test_raw_send(mic, &close);
    g_assert_false(test_raw_read_type(mic, WIRE_WATCH_NOTICE, &none, 300));
    wire_msg_clear(&mic_ready);
    wire_msg_clear(&cam_ready);
    g_object_unref(ear);
    g_object_unref(cam);
    g_object_unref(mic);
}

/* Records the nicks a viewer followed. */
static void on_renamed(LcStreamViewer *viewer, const char *nick, gpointer data)
{
    g_string_append_printf(data, "%s;", nick);
}

/* Records that the viewer's stream started. */
static void on_stream(LcStreamViewer *viewer, guint32 stream_id, guint32 viewer_id, gpointer data)
{
    g_string_append(data, "stream;");
}

/* A viewer follows the member it views through nick changes (any case),
 * and not through others' changes. */
static void test_viewer_follows_rename(RelayFixture *fx, gconstpointer tweak)
{
    LcWireMsg ready;
    GSocket *cam = video_raw_open_stream(fx->port, "cam", WIRE_CHANNELS_ALL, &ready);
    g_autoptr(LcSession) session = video_session_join(fx->port, "ear");
    g_autoptr(GString) seen = g_string_new(NULL);
    LcStreamViewerConfig config;
    stream_viewer_config_init(&config);
    config.channels = LC_CHAN_BIT(LC_CHAN_TCP);
    LcStreamViewerEvents events = {.stream = on_stream, .renamed = on_renamed};
    g_autoptr(LcStreamViewer) viewer = stream_viewer_new(session, "CAM", &config, &events, seen);
    g_assert_nonnull(viewer);
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (strstr(seen->str, "stream;") == NULL && g_get_monotonic_time() < end)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpstr(seen->str, ==, "stream;");
    GSocket *other = test_raw_join(fx->port, "other", 0, 0);
    LcWireMsg rename = {.type = WIRE_NICK};
    rename.nick.nick = "someone";
    test_raw_send(other, &rename); /* not the viewed member */
    rename.nick.nick = "Studio";
    test_raw_send(cam, &rename);
    end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (strstr(seen->str, "Studio") == NULL && g_get_monotonic_time() < end)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpstr(seen->str, ==, "stream;Studio;");
    wire_msg_clear(&ready);
    g_object_unref(other);
    g_object_unref(cam);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/video/notices/stream", NULL, test_stream_notices);
    relay_test_add("/video/notices/watch", NULL, test_watch_notices);
    relay_test_add("/video/notices/viewer-follows-rename", NULL, test_viewer_follows_rename);
    return g_test_run();
}
