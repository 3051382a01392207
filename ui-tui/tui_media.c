/* tui_media.c: /cam and /view: the user's camera sender, the viewers, the
 * stats pane they feed once a second and the streaming marks in the member
 * list. */
#include "ui-tui/tui_private.h"

#include "net/wire/clock.h"
#include "src/run/av_sender.h"
#include "src/run/av_viewer.h"
#include "net/wire/chan_kind.h"

#include <math.h>
#include <string.h>

#define TUI_MEDIA_TICK_MS 1000
#define TUI_MEDIA_RECORDS 3000 /* per-frame records kept: the pane reads the aggregates */

/* One viewed stream. */
typedef struct {
    LcTui *tui;
    char *nick;
    LcAvViewer *viewer;
    LcFramelogRun run;
    gboolean failed; /* freed by the next reap */
} LcTuiView;

struct _LcTuiMedia {
    LcCameraOptions camera; /* the camera in use (source, size, rate) */
    LcFramelogRun send_run;
    LcAvSender *sender;
    gboolean sender_failed;
    GPtrArray *views; /* LcTuiView */
    LcStatsPane *pane;
    gboolean shown;
    guint tick;
    guint reap;
    guint watch;        /* on the session: WATCH_NOTICE says who watches our camera */
    char *encoder_said; /* the encoder note given at the last /cam on: not repeated */
};

/* A member changed its nick: its view (for /unview and the stats pane)
 * follows, as the viewer itself does. */
void tui_media_renamed(LcTui *tui, const char *old, const char *nick)
{
    LcTuiMedia *m = tui->media;
    for (guint i = 0; i < m->views->len; i++) {
        LcTuiView *v = g_ptr_array_index(m->views, i);
        if (g_ascii_strcasecmp(v->nick, old) == 0) {
            g_free(v->nick);
            v->nick = g_strdup(nick);
        }
    }
}

/* Frees a viewed stream (GPtrArray free function). */
static void tui_media_view_free(gpointer data)
{
    LcTuiView *v = data;
    if (v->viewer != NULL)
        tui_tiles_remove(v->tui, v->viewer);
    av_viewer_free(v->viewer);
    g_free(v->nick);
    g_free(v);
}

/* Creates the media state of a client. */
void tui_media_init(LcTui *tui)
{
    LcTuiMedia *m = g_new0(LcTuiMedia, 1);
    if (tui->config.camera != NULL)
        camera_options_copy(&m->camera, tui->config.camera);
    else
        camera_options_init(&m->camera);
    m->views = g_ptr_array_new_with_free_func(tui_media_view_free);
    m->pane = statspane_new();
    tui->media = m;
}

/* A member started or stopped watching our camera (WATCH_NOTICE). Sound
 * is left out: in a conference everyone listens to everyone. */
static LcTuiView *tui_media_find_view(LcTuiMedia *m, const char *nick, guint *index);

static void tui_media_on_message(LcSession *session, const LcWireMsg *msg, gpointer data)
{
    LcTui *tui = data;
    if (msg->type == WIRE_STREAM_NOTICE) {
        tui_media_sync_members(tui); /* a camera or a sound went on or off: every mark */
        /* A camera this member waits for came on: said, not only shown. */
        LcTuiView *v = tui_media_find_view(tui->media, msg->stream_notice.nick, NULL);
        if (v != NULL && !v->failed && msg->stream_notice.state == WIRE_STREAM_STARTED &&
            media_kind_from_flags(msg->flags) == LC_MEDIA_VIDEO)
            tui_append_text(tui, CHAT_KIND_INFO, "%s turned a camera on: watching it",
                            msg->stream_notice.nick);
        return;
    }
    if (msg->type != WIRE_WATCH_NOTICE || media_kind_from_flags(msg->flags) != LC_MEDIA_VIDEO)
        return;
    tui_append_text(tui, CHAT_KIND_INFO,
                    msg->watch_notice.state == WIRE_STREAM_STARTED
                        ? "%s is watching your camera"
                        : "%s stopped watching your camera",
                    msg->watch_notice.nick);
}

/* Follows the session's messages (it is made after the media state). */
void tui_media_follow_session(LcTui *tui)
{
    tui->media->watch = session_add_watch(tui->session, tui_media_on_message, tui);
}

/* Stops every stream and frees the media state. */
void tui_media_clear(LcTui *tui)
{
    LcTuiMedia *m = tui->media;
    if (m == NULL)
        return;
    if (m->watch != 0)
        session_remove_watch(tui->session, m->watch);
    g_clear_handle_id(&m->tick, g_source_remove);
    g_clear_handle_id(&m->reap, g_source_remove);
    g_clear_pointer(&m->sender, av_sender_free);
    g_ptr_array_unref(m->views);
    statspane_free(m->pane);
    camera_options_clear(&m->camera);
    g_free(m->encoder_said);
    g_free(m);
    tui->media = NULL;
}

/* The stats pane to draw, or NULL when hidden. */
const LcStatsPane *tui_media_get_pane(LcTui *tui)
{
    return tui->media->shown ? tui->media->pane : NULL;
}

/* A viewed stream by nick, or NULL. */
static LcTuiView *tui_media_find_view(LcTuiMedia *m, const char *nick, guint *index)
{
    for (guint i = 0; i < m->views->len; i++) {
        LcTuiView *v = g_ptr_array_index(m->views, i);
        if (g_ascii_strcasecmp(v->nick, nick) == 0) {
            if (index != NULL)
                *index = i;
            return v;
        }
    }
    return NULL;
}

/* Marks yourself while your camera is on, and every member the relay says
 * has a camera on (STREAM_NOTICE), viewed here or not. */
void tui_media_sync_members(LcTui *tui)
{
    LcTuiMedia *m = tui->media;
    members_clear_streaming(tui->members);
    if (m->sender != NULL)
        members_set_streaming(tui->members, session_get_nick(tui->session), TRUE);
    /* Whoever the relay says has a camera on, viewed here or not. */
    const GPtrArray *streams = room_streams_get_all(session_get_streams(tui->session));
    for (guint i = 0; i < streams->len; i++) {
        const LcRoomStream *s = g_ptr_array_index(streams, i);
        if (s->media == LC_MEDIA_VIDEO)
            members_set_streaming(tui->members, s->nick, TRUE);
    }
    if (tui->audio != NULL)
        tui_audio_sync_members(tui);
    tui_mark(tui, VIEW_MEMBERS);
}

/* Copies one channel's interval into the pane's figures. */
static void tui_media_fill_channel(const LcChannelInterval *in, gboolean viewer,
                                   LcStatsPaneChannel *out)
{
    out->active = TRUE;
    if (viewer) {
        out->fps = in->fps_decoded;
        out->mbps = in->received.goodput_mbps;
        out->p50_ms = in->end_to_end_p50_ms;
        out->p99_ms = in->end_to_end_p99_ms;
        out->lost = in->received.counts.frames_lost;
        out->dropped = in->received.counts.frames_dropped;
    } else {
        out->fps = in->sent.fps_acked;
        out->mbps = in->sent.goodput_mbps;
        out->p50_ms = in->rtt_p50_ms;
        out->p99_ms = in->rtt_p99_ms;
        out->lost = in->sent.counts.frames_lost;
        out->dropped = in->sent.counts.frames_dropped;
    }
}

/* Closes a log's second and adds its stream to the pane. */
static void tui_media_add_stream(LcTuiMedia *m, LcFramelog *log, const char *label, gboolean viewer,
                                 gint64 now_us)
{
    LcChannelInterval intervals[LC_CHAN_KINDS];
    LcStatsPaneChannel tcp = {.fps = NAN, .mbps = NAN, .p50_ms = NAN, .p99_ms = NAN};
    LcStatsPaneChannel udp = tcp;
    guint n = framelog_close_interval(log, now_us, intervals);
    for (guint i = 0; i < n; i++)
        tui_media_fill_channel(&intervals[i], viewer,
                               intervals[i].channel == LC_CHAN_TCP ? &tcp : &udp);
    statspane_add(m->pane, label, &tcp, &udp);
}

/* Refreshes the pane from the frame logs (closing each log's second). */
static void tui_media_refresh(LcTui *tui)
{
    LcTuiMedia *m = tui->media;
    gint64 now = clock_now_us();
    statspane_clear(m->pane);
    if (m->sender != NULL) {
        av_sender_update_socket_stats(m->sender);
        tui_media_add_stream(m, av_sender_get_framelog(m->sender), "you → relay", FALSE, now);
    }
    for (guint i = 0; i < m->views->len; i++) {
        LcTuiView *v = g_ptr_array_index(m->views, i);
        g_autofree char *label = g_strdup_printf("view %s", v->nick);
        tui_media_add_stream(m, av_viewer_get_framelog(v->viewer), label, TRUE, now);
    }
    if (tui->audio != NULL)
        tui_audio_fill_pane(tui, m->pane, now);
    tui_tiles_tick(tui);
    if (m->shown)
        tui_mark(tui, VIEW_CHAT);
}

/* Once a second while a stream runs. */
static gboolean tui_media_on_tick(gpointer data)
{
    tui_media_refresh(data);
    return G_SOURCE_CONTINUE;
}

/* Starts or stops the one-second timer as streams come and go. */
static void tui_media_update_tick(LcTui *tui)
{
    LcTuiMedia *m = tui->media;
    gboolean any =
        m->sender != NULL || m->views->len > 0 || (tui->audio != NULL && tui_audio_is_active(tui));
    if (any && m->tick == 0)
        m->tick = g_timeout_add(TUI_MEDIA_TICK_MS, tui_media_on_tick, tui);
    else if (!any)
        g_clear_handle_id(&m->tick, g_source_remove);
    if (!any)
        statspane_clear(m->pane);
    tui_media_sync_members(tui);
    if (m->shown)
        tui_mark(tui, VIEW_CHAT);
}

/* Starts or stops the pane's refresh as streams and sound come and go. */
void tui_media_update(LcTui *tui)
{
    tui_media_update_tick(tui);
}

/* Frees the sender and viewers that failed (outside their callbacks). */
static gboolean tui_media_on_reap(gpointer data)
{
    LcTui *tui = data;
    LcTuiMedia *m = tui->media;
    m->reap = 0;
    if (m->sender_failed) {
        g_clear_pointer(&m->sender, av_sender_free);
        m->sender_failed = FALSE;
    }
    for (guint i = m->views->len; i > 0; i--) {
        LcTuiView *v = g_ptr_array_index(m->views, i - 1);
        if (v->failed)
            g_ptr_array_remove_index(m->views, i - 1);
    }
    tui_media_update_tick(tui);
    return G_SOURCE_REMOVE;
}

/* Schedules a reap after a callback reported a failure. */
static void tui_media_schedule_reap(LcTui *tui)
{
    if (tui->media->reap == 0)
        tui->media->reap = g_idle_add(tui_media_on_reap, tui);
}

/* The camera failed (bad source, end of file, relay refusal). */
static void tui_media_on_sender_error(LcAvSender *sender, const GError *error, gpointer data)
{
    LcTui *tui = data;
    tui_append_text(tui, CHAT_KIND_ERROR, "camera stopped: %s", error->message);
    tui->media->sender_failed = TRUE;
    tui_media_schedule_reap(tui);
}

/* Checks that a camera source other than the test pattern exists, before
 * the stream is asked of the relay. */
static gboolean tui_media_check_source(const char *source, GError **error)
{
    if (g_strcmp0(source, "test") == 0 || g_str_has_prefix(source, "synthetic") ||
        g_file_test(source, G_FILE_TEST_EXISTS))
        return TRUE;
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                "no camera or file %s (use test, synthetic[:SEED], /dev/videoN or a video file)",
                source);
    return FALSE;
}

/* /cam on [--private] [SOURCE] [tcp|udp|both]. */
void tui_media_cam_on(LcTui *tui, const char *source, const char *channels, gboolean private)
{
    LcTuiMedia *m = tui->media;
    g_autoptr(GError) error = NULL;
    guint mask = LC_CHAN_MASK_ALL;
    if (m->sender != NULL && !m->sender_failed) {
        tui_append_text(tui, CHAT_KIND_ERROR, "your camera is already on; /cam off first");
        return;
    }
    g_clear_pointer(&m->sender, av_sender_free);
    m->sender_failed = FALSE;
    if (channels != NULL && !chan_kind_parse_mask(channels, &mask, &error)) {
        tui_append_text(tui, CHAT_KIND_ERROR, "/cam: %s", error->message);
        return;
    }
    if (source != NULL) {
        g_free(m->camera.source);
        m->camera.source = g_strdup(source);
    }
    if (m->camera.source == NULL) {
        const LcCameraOptions *configured = tui->config.camera;
        m->camera.source =
            g_strdup(configured != NULL && configured->source != NULL ? configured->source
                                                                      : CAMERA_DEFAULT_SOURCE);
    }
    LcStreamSenderConfig vc;
    stream_sender_config_init(&vc);
    vc.channels = mask;
    vc.private = private;
    av_sender_describe_run(&m->send_run, &m->camera, mask, LC_STREAM_ACK_PIPELINED, 0);
    if (!tui_media_check_source(m->camera.source, &error) ||
        !camera_options_validate(&m->camera, &error) ||
        (m->sender = av_sender_new(tui->session, &m->camera, &vc, &m->send_run,
                                   tui_media_on_sender_error, tui, &error)) == NULL ||
        !av_sender_start(m->sender, &error)) {
        g_clear_pointer(&m->sender, av_sender_free);
        g_clear_pointer(&m->camera.source, g_free); /* the next /cam on starts afresh */
        tui_append_text(tui, CHAT_KIND_ERROR, "camera not started: %s", error->message);
        return;
    }
    framelog_set_record_limit(av_sender_get_framelog(m->sender), TUI_MEDIA_RECORDS);
    /* Which encoder runs, and why not a GPU one, is said at the first /cam
     * on, and again only when it changes. */
    const char *note = av_sender_get_encoder_note(m->sender);
    gboolean again = g_strcmp0(note, m->encoder_said) == 0;
    tui_append_text(tui, CHAT_KIND_INFO, "%scamera on: %s %dx%d@%d on %s%s%s%s",
                    private ? "private " : "", m->camera.source, m->camera.width, m->camera.height,
                    m->camera.fps, mask == LC_CHAN_MASK_ALL ? "tcp and udp" : channels,
                    again ? "" : " (", again ? "" : note, again ? "" : ")");
    if (private)
        tui_cmd_allow(tui, NULL, TRUE); /* who may view it */
    g_free(m->encoder_said);
    m->encoder_said = g_strdup(note);
    tui_media_update_tick(tui);
}

/* /cam off. */
void tui_media_cam_off(LcTui *tui)
{
    LcTuiMedia *m = tui->media;
    if (m->sender == NULL) {
        tui_append_text(tui, CHAT_KIND_ERROR, "your camera is not on");
        return;
    }
    g_clear_pointer(&m->sender, av_sender_free);
    m->sender_failed = FALSE;
    tui_append_text(tui, CHAT_KIND_INFO, "camera off");
    tui_media_update_tick(tui);
}

/* A viewer failed (refused by the relay, decoder set-up). */
static void tui_media_on_viewer_error(LcAvViewer *viewer, const GError *error, gpointer data)
{
    LcTuiView *v = data;
    tui_append_text(v->tui, CHAT_KIND_ERROR, "view %s stopped: %s", v->nick, error->message);
    v->failed = TRUE;
    tui_media_schedule_reap(v->tui);
}

/* A viewed stream ended; the viewer waits for the next one. */
static void tui_media_on_viewer_end(LcAvViewer *viewer, const char *reason, gpointer data)
{
    LcTuiView *v = data;
    /* The view goes on by itself when the same program starts a camera
     * again; a new program under the nick is another client (the relay
     * does not hand it viewers it did not ask for). */
    tui_append_text(v->tui, CHAT_KIND_INFO,
                    "%s's camera stopped (%s); the view goes on when %s's program turns a "
                    "camera on again (/unview %s stops it)",
                    v->nick, reason ? reason : "sender stopped", v->nick, v->nick);
    tui_tiles_stream_ended(v->tui, viewer);
}

/* /view NICK [window|terminal]: where NULL is a window where one can open,
 * else the terminal. */
void tui_media_view(LcTui *tui, const char *nick, const char *where, gboolean apart)
{
    LcTuiMedia *m = tui->media;
    g_autoptr(GError) error = NULL;
    LcTuiView *old = tui_media_find_view(m, nick, NULL);
    if (old != NULL && !old->failed) {
        tui_append_text(tui, CHAT_KIND_ERROR, "already viewing %s (/unview %s first)", nick, nick);
        return;
    }
    if (g_ascii_strcasecmp(nick, session_get_nick(tui->session)) == 0) {
        tui_append_text(tui, CHAT_KIND_ERROR,
                        "%s is you: /view shows another member's camera (/who lists who is on "
                        "camera)",
                        nick);
        return;
    }
    gboolean terminal = g_strcmp0(where, "terminal") == 0;
    LcTuiView *v = g_new0(LcTuiView, 1);
    v->tui = tui;
    v->nick = g_strdup(nick);
    v->run = (LcFramelogRun){.source = "relay",
                             .encoder = "auto",
                             .ack_mode = stream_sender_ack_mode_name(LC_STREAM_ACK_PIPELINED)};
    LcStreamViewerConfig vc;
    stream_viewer_config_init(&vc);
    vc.channels = LC_CHAN_MASK_ALL;
    /* A window where one can open; else in the terminal, and the display
     * says why no window. */
    v->viewer = av_viewer_new(tui->session, nick, &vc, &v->run, terminal, 0,
                              tui_media_on_viewer_error, tui_media_on_viewer_end, v, &error);
    if (v->viewer == NULL) {
        tui_append_text(tui, CHAT_KIND_ERROR, "cannot view %s: %s", nick, error->message);
        tui_media_view_free(v);
        return;
    }
    if (apart && !av_viewer_split_channels(v->viewer, &error)) {
        tui_append_text(tui, CHAT_KIND_ERROR, "cannot view %s: %s", nick, error->message);
        tui_media_view_free(v);
        return;
    }
    gboolean window = av_viewer_has_window(v->viewer);
    const char *note = av_viewer_why_no_window(v->viewer);
    if (!window && g_strcmp0(where, "window") == 0) {
        tui_append_text(tui, CHAT_KIND_ERROR,
                        "cannot open a window for %s (%s); /view %s shows it in the terminal", nick,
                        note, nick);
        tui_media_view_free(v);
        return;
    }
    if (!window)
        tui_tiles_add(tui, v->viewer, apart);
    g_autofree char *shown =
        window     ? g_strdup(note)
        : terminal ? g_strdup("in the terminal, above the chat")
                   : g_strdup_printf("in the terminal, above the chat (no window: %s)", note);
    framelog_set_record_limit(av_viewer_get_framelog(v->viewer), TUI_MEDIA_RECORDS);
    g_ptr_array_add(m->views, v);
    /* The view waits for a camera that is not on yet; say so rather than
     * promise a picture. */
    if (room_streams_find(session_get_streams(tui->session), nick, LC_MEDIA_VIDEO) != NULL)
        tui_append_text(tui, CHAT_KIND_INFO, "viewing %s's camera: %s", nick, shown);
    else if (members_find(tui->members, nick) == NULL)
        tui_append_text(tui, CHAT_KIND_INFO,
                        "%s is not in the room: the view starts if %s joins and turns a camera "
                        "on (/unview %s stops waiting)",
                        nick, nick, nick);
    else
        tui_append_text(tui, CHAT_KIND_INFO,
                        "%s is not streaming: the view starts when %s turns a camera on "
                        "(/unview %s stops waiting)",
                        nick, nick, nick);
    tui_media_update_tick(tui);
}

/* /unview NICK. */
void tui_media_unview(LcTui *tui, const char *nick)
{
    LcTuiMedia *m = tui->media;
    guint index = 0;
    if (tui_media_find_view(m, nick, &index) == NULL) {
        tui_append_text(tui, CHAT_KIND_ERROR, "not viewing %s", nick);
        return;
    }
    g_ptr_array_remove_index(m->views, index);
    tui_append_text(tui, CHAT_KIND_INFO, "stopped viewing %s", nick);
    tui_media_update_tick(tui);
}

/* F2 and /stats: shows or hides the stats pane. */
void tui_media_toggle_stats(LcTui *tui)
{
    tui->media->shown = !tui->media->shown;
    tui_mark(tui, VIEW_CHAT | VIEW_STATUS);
}
