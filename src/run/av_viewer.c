/* av_viewer.c: a nick's camera stream received, decoded and measured. */
#include "src/run/av_viewer.h"

#include "net/wire/chan_kind.h"
#include "media/decoder.h"
#include "media/viewer_media.h"

#include <string.h>

/* While a channel's H.264 decoder waits for a keyframe, it asks again
 * after this: the keyframe asked for may have been lost on the way (at 2 %
 * datagram loss a keyframe of some 20 datagrams is cut one time in three),
 * and waiting longer for it only lengthens the freeze. The sender forces
 * at most one keyframe per AV_SENDER_KEYFRAME_GAP_US whatever is asked, so
 * asking this often costs the others nothing more. A viewer that still has
 * no picture after AV_VIEWER_KEYFRAME_PATIENCE asks (its decoder fails on
 * whole keyframes, or the link cuts them all) asks twice as seldom after
 * each further ask, up to the most. */
#define AV_VIEWER_KEYFRAME_RETRY_US     (250 * 1000)
#define AV_VIEWER_KEYFRAME_PATIENCE     8
#define AV_VIEWER_KEYFRAME_RETRY_MAX_US (5 * G_USEC_PER_SEC)
/* A channel that shows no new picture for longer than this is frozen,
 * for the whole gap (at 30 fps three frames are 100 ms). */
#define AV_VIEWER_FROZEN_US (100 * 1000)

struct _LcAvViewer {
    LcStreamViewer *video;
    LcViewerMedia *media;
    LcFramelog *log;
    LcAvViewerErrorFunc error_func;
    LcAvViewerEndFunc end_func;
    gpointer user_data;
    guint64 decoded;
    gboolean failed;
    char *nick;
    gint shown_channel;    /* the channel of the picture on show (-1: none yet) */
    LcTtyPicture *picture; /* the media's, once shown in a terminal */
    gboolean headless;     /* asked for no window */
    gboolean apart;        /* TCP and UDP shown apart (av_viewer_split_channels()) */
    LcAvViewerPictureFunc picture_func;
    gpointer picture_data;
    /* Frames are numbered on across the nick's streams: a restarted camera
     * numbers from 1 again, and taken as they are its frames would repeat
     * (or trail) the last stream's, and be dropped as such until the new
     * numbers passed the old ones. */
    guint streams;                      /* streams seen (VIEW_READY) */
    gboolean rebase;                    /* a new stream: its first frame says how it numbers */
    guint64 seq_base;                   /* added to this stream's numbers */
    guint64 seq_top;                    /* the highest number given so far */
    guint64 raw_top;                    /* the highest number of this stream's own */
    gint64 key_asked_us[LC_CHAN_KINDS]; /* monotonic: a keyframe last asked for */
    gint64 key_retry_us[LC_CHAN_KINDS]; /* the wait before asking again */
    guint key_asks[LC_CHAN_KINDS];      /* asks since the last picture */
    gint64 broken_us[LC_CHAN_KINDS];  /* wall clock: the channel lost a reference; 0: it has not */
    gint64 picture_us[LC_CHAN_KINDS]; /* wall clock: the last picture decoded */
};

/* Reports a fatal problem once. */
static void av_viewer_fail(LcAvViewer *v, const GError *error)
{
    if (v->failed)
        return;
    v->failed = TRUE;
    if (v->error_func)
        v->error_func(v, error, v->user_data);
}

/* A frame arrived on a channel: log it and hand it to the decoder. */
static void av_viewer_on_frame(LcStreamViewer *video, const LcStreamFrame *f, gpointer data)
{
    LcAvViewer *v = data;
    const LcFrameMeta *meta = &f->frame->meta;
    LcChanStats chan;
    if (stream_viewer_get_chan_stats(video, f->channel, &chan))
        framelog_set_bad_seal(v->log, f->channel, chan.bad_seal);
    if (v->rebase) {
        /* Numbered anew (a camera restarted): go on from the top. A stream
         * whose numbers go on from the last (a sender back after the relay
         * restarted) keeps them, so that no gap shows as missing frames. */
        v->rebase = FALSE;
        if (meta->seq <= v->raw_top) {
            v->seq_base = v->seq_top;
            v->raw_top = 0;
        }
    }
    v->raw_top = MAX(v->raw_top, meta->seq);
    guint64 seq = v->seq_base + meta->seq;
    if (!framelog_add_received(v->log, f->channel, seq, frame_get_size(f->frame), meta->capture_us,
                               f->last_us))
        return; /* a repeat: decode each channel's copy once */
    v->seq_top = MAX(v->seq_top, seq);
    if (meta->flags & LC_FRAME_FLAG_KEY)
        framelog_note_key(v->log, seq);
    framelog_set_stream(v->log, 0, 0, frame_codec_to_string(meta->codec));
    viewer_media_push(v->media, f->channel, seq, f->frame);
}

/* A UDP frame never completed. */
static void av_viewer_on_lost(LcStreamViewer *video, LcChanKind ch, guint64 seq, gpointer data)
{
    LcAvViewer *v = data;
    if (v->rebase)
        return; /* a new stream's, numbered once its first frame comes */
    framelog_add_lost(v->log, ch, v->seq_base + seq);
}

/* A stream starts (the first, or the nick's next after one ended): its
 * numbers go on from the last stream's. */
static void av_viewer_on_stream(LcStreamViewer *video, guint32 stream_id, guint32 viewer_id,
                                gpointer data)
{
    LcAvViewer *v = data;
    if (v->streams++ > 0)
        v->rebase = TRUE;
    /* A new stream starts with its own keyframe: the gap between two
     * streams is neither a freeze nor a recovery. */
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        v->key_asked_us[ch] = v->broken_us[ch] = v->picture_us[ch] = 0;
    memset(v->key_asks, 0, sizeof v->key_asks);
}

/* The stream ended. */
static void av_viewer_on_ended(LcStreamViewer *video, const char *reason, gpointer data)
{
    LcAvViewer *v = data;
    if (v->end_func)
        v->end_func(v, reason, v->user_data);
}

/* The relay refused the view. */
static void av_viewer_on_refused(LcStreamViewer *video, const GError *error, gpointer data)
{
    av_viewer_fail(data, error);
}

/* The viewed member changed its nick: the label follows. */
static void av_viewer_on_renamed(LcStreamViewer *video, const char *nick, gpointer data)
{
    LcAvViewer *v = data;
    g_free(v->nick);
    v->nick = g_strdup(nick);
    v->shown_channel = -1; /* the label is drawn again with the next frame */
}

static const LcStreamViewerEvents av_viewer_events = {
    .renamed = av_viewer_on_renamed,
    .stream = av_viewer_on_stream,
    .frame = av_viewer_on_frame,
    .lost = av_viewer_on_lost,
    .ended = av_viewer_on_ended,
    .refused = av_viewer_on_refused,
};

/* A frame was decoded, or could not be. */
static void av_viewer_on_decoded(LcViewerMedia *media, const LcViewerFrame *f, const GError *error,
                                 gpointer data)
{
    LcAvViewer *v = data;
    guint ch = MIN(f->channel, LC_CHAN_KINDS - 1);
    if (f->want_keyframe) {
        gint64 now = g_get_monotonic_time();
        if (v->broken_us[ch] == 0 && v->picture_us[ch] != 0)
            v->broken_us[ch] = g_get_real_time(); /* a first picture is no recovery */
        if (v->key_retry_us[ch] == 0)
            v->key_retry_us[ch] = AV_VIEWER_KEYFRAME_RETRY_US;
        if ((v->key_asked_us[ch] == 0 || now - v->key_asked_us[ch] >= v->key_retry_us[ch]) &&
            stream_viewer_request_keyframe(v->video, (LcChanKind)ch)) {
            if (++v->key_asks[ch] > AV_VIEWER_KEYFRAME_PATIENCE)
                v->key_retry_us[ch] = MIN(v->key_retry_us[ch] * 2, AV_VIEWER_KEYFRAME_RETRY_MAX_US);
            v->key_asked_us[ch] = now;
            framelog_note_keyframe_request(v->log, (LcChanKind)ch);
        }
    }
    if (error != NULL) {
        /* Before the first picture the channel waits for its first
         * keyframe (a viewer that came mid-stream): no reference was lost. */
        if (g_error_matches(error, DECODER_ERROR, DECODER_ERROR_NEED_KEYFRAME) &&
            v->picture_us[ch] != 0)
            framelog_note_unreferenced(v->log, (LcChanKind)ch);
        framelog_add_corrupt(v->log, (LcChanKind)f->channel, f->seq);
        return;
    }
    v->key_asked_us[ch] = 0;
    v->key_retry_us[ch] = AV_VIEWER_KEYFRAME_RETRY_US;
    v->key_asks[ch] = 0;
    if (v->broken_us[ch] != 0)
        framelog_note_recovery(v->log, (LcChanKind)ch, f->decoded_us - v->broken_us[ch]);
    v->broken_us[ch] = 0;
    if (v->picture_us[ch] != 0 && f->decoded_us - v->picture_us[ch] > AV_VIEWER_FROZEN_US)
        framelog_note_frozen(v->log, (LcChanKind)ch, f->decoded_us - v->picture_us[ch]);
    v->picture_us[ch] = f->decoded_us;
    if (v->decoded++ == 0)
        framelog_set_stream(v->log, f->width, f->height, NULL);
    /* The picture says whose it is and which channel brought it. */
    if (f->shown && (gint)f->channel != v->shown_channel) {
        v->shown_channel = (gint)f->channel;
        g_autofree char *label =
            g_strdup_printf("%s · %s", v->nick, chan_kind_name((LcChanKind)f->channel));
        viewer_media_set_label(v->media, label);
    }
    framelog_add_decoded(v->log, (LcChanKind)f->channel, f->seq, f->decoded_us, f->decode_time_us);
    if (f->shown && v->picture_func != NULL)
        v->picture_func(
            v, v->apart ? viewer_media_get_channel_picture(v->media, f->channel) : v->picture,
            v->picture_data);
}

/* Shows the camera in a terminal as well. */
LcTtyPicture *av_viewer_show_in_terminal(LcAvViewer *viewer, LcAvViewerPictureFunc func,
                                         gpointer user_data)
{
    viewer->picture = viewer_media_get_picture(viewer->media);
    viewer->picture_func = func;
    viewer->picture_data = user_data;
    return viewer->picture;
}

/* Shows TCP and UDP apart. */
gboolean av_viewer_split_channels(LcAvViewer *viewer, GError **error)
{
    static const char *const names[VIEWER_MEDIA_CHANNELS] = {
        [LC_CHAN_TCP] = "tcp",
        [LC_CHAN_UDP] = "udp",
    };
    g_autofree char *title = g_strdup_printf("%s's camera", viewer->nick);
    if (!viewer_media_split(viewer->media, viewer->headless, title, names, error))
        return FALSE;
    viewer->apart = TRUE;
    return TRUE;
}

/* A channel's picture, with channels apart. */
LcTtyPicture *av_viewer_get_channel_picture(LcAvViewer *viewer, LcChanKind channel)
{
    return viewer->apart ? viewer_media_get_channel_picture(viewer->media, channel) : NULL;
}

/* The viewed member's nick now. */
const char *av_viewer_get_nick(LcAvViewer *viewer)
{
    return viewer->nick;
}

/* Streams of the nick seen so far. */
guint av_viewer_get_stream_count(LcAvViewer *viewer)
{
    return viewer->streams;
}

/* Whether frames are shown in a window. */
gboolean av_viewer_has_window(LcAvViewer *viewer)
{
    return !viewer_media_is_headless(viewer->media);
}

/* Why no window opened, in words for a message. */
const char *av_viewer_why_no_window(LcAvViewer *viewer)
{
    const char *note = av_viewer_get_display_note(viewer);
    static const char *const prefixes[] = {"headless: ", "no video output available: "};
    for (guint i = 0; i < G_N_ELEMENTS(prefixes); i++)
        if (g_str_has_prefix(note, prefixes[i]))
            note += strlen(prefixes[i]);
    return note;
}

/* The channel of the picture on show. */
const char *av_viewer_get_shown_channel(LcAvViewer *viewer)
{
    return viewer->shown_channel < 0 ? NULL : chan_kind_name((LcChanKind)viewer->shown_channel);
}

/* Describes a viewing run for the summary: what the viewer asked for; the
 * stream's own parameters fill in as its frames arrive. */
void av_viewer_describe_run(LcFramelogRun *run, guint channels, LcStreamAckMode ack_mode,
                            double duration_s)
{
    *run = (LcFramelogRun){
        .channels = channels,
        .ack_mode = stream_sender_ack_mode_name(ack_mode),
        .duration_s = duration_s,
    };
}

/* Starts viewing nick's stream. */
LcAvViewer *av_viewer_new(LcSession *session, const char *nick, const LcStreamViewerConfig *config,
                          const LcFramelogRun *run, gboolean headless, gint64 sender_offset_us,
                          LcAvViewerErrorFunc error_func, LcAvViewerEndFunc end_func,
                          gpointer user_data, GError **error)
{
    g_autoptr(LcAvViewer) v = g_new0(LcAvViewer, 1);
    v->shown_channel = -1;
    v->error_func = error_func;
    v->end_func = end_func;
    v->user_data = user_data;
    v->nick = g_strdup(nick);
    g_autofree char *title = g_strdup_printf("%s's camera", nick); /* then ": lanconf" */
    v->headless = headless;
    v->media = viewer_media_new(headless, title, av_viewer_on_decoded, v, error);
    if (v->media == NULL)
        return NULL;
    v->log = framelog_new(FRAMELOG_ROLE_VIEWER, run, g_get_real_time());
    framelog_set_sender_offset(v->log, sender_offset_us);
    v->video = stream_viewer_new(session, nick, config, &av_viewer_events, v);
    return g_steal_pointer(&v);
}

/* The frame log. */
LcFramelog *av_viewer_get_framelog(LcAvViewer *v)
{
    return v->log;
}

/* One line on the display. */
const char *av_viewer_get_display_note(LcAvViewer *v)
{
    return viewer_media_get_display_description(v->media);
}

/* Frees the viewer: network first, then the decoder, then the log. */
void av_viewer_free(LcAvViewer *v)
{
    if (v == NULL)
        return;
    g_clear_pointer(&v->video, stream_viewer_free);
    g_clear_pointer(&v->media, viewer_media_free);
    g_clear_pointer(&v->log, framelog_free);
    g_free(v->nick);
    g_free(v);
}
