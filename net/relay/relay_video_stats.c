/* relay_video_stats.c: the camera channels' counters, for the relay API and
 * for STATS_REQUEST on a control connection. */
#include "net/relay/relay_video_private.h"

#include <string.h>

/* The counters of one stream now. */
void relay_video_stream_snapshot(LcRelayStream *stream, LcRelayStreamStats *out)
{
    LcFragCounters frag;
    frag_reassembler_get_counters(stream->reasm, &frag);
    *out = stream->stats;
    g_strlcpy(out->nick, stream->nick, sizeof(out->nick));
    out->stream_id = stream->id;
    out->channels = stream->channels;
    out->media = stream->media;
    out->viewers = stream->viewers->len;
    out->udp_lost = frag.lost;
    out->udp_duplicates = frag.duplicates + frag.late;
    out->udp_rejected = frag.rejected;
    out->udp_pending = frag_reassembler_get_pending(stream->reasm);
}

/* The counters of one viewer now. */
void relay_video_viewer_snapshot(LcRelayViewer *viewer, LcRelayViewerStats *out)
{
    *out = viewer->stats;
    out->viewer_id = viewer->id;
    out->stream_id = viewer->stream ? viewer->stream->id : 0;
    g_strlcpy(out->nick, viewer->nick ? viewer->nick : "", sizeof(out->nick));
    g_strlcpy(out->watching, viewer->want, sizeof(out->watching));
    out->channels = viewer->channels;
    out->media = viewer->media;
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        out->queue[k] = relay_transport_for(k)->viewer_queued(viewer);
}

/* Orders stream statistics by id. */
static gint relay_video_cmp_stream(gconstpointer a, gconstpointer b)
{
    guint32 x = ((const LcRelayStreamStats *)a)->stream_id;
    guint32 y = ((const LcRelayStreamStats *)b)->stream_id;
    return x < y ? -1 : x > y;
}

/* Orders viewer statistics by id. */
static gint relay_video_cmp_viewer(gconstpointer a, gconstpointer b)
{
    guint32 x = ((const LcRelayViewerStats *)a)->viewer_id;
    guint32 y = ((const LcRelayViewerStats *)b)->viewer_id;
    return x < y ? -1 : x > y;
}

/* Fills stats with the relay's camera-channel counters now. */
void relay_get_video_stats(LcRelay *relay, LcRelayVideoStats *stats)
{
    LcRelayVideo *video = relay->video;
    GHashTableIter iter;
    gpointer value;
    memset(stats, 0, sizeof(*stats));
    stats->streams = g_array_new(FALSE, TRUE, sizeof(LcRelayStreamStats));
    stats->viewers = g_array_new(FALSE, TRUE, sizeof(LcRelayViewerStats));
    g_hash_table_iter_init(&iter, video->streams);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayStreamStats s;
        relay_video_stream_snapshot(value, &s);
        g_array_append_val(stats->streams, s);
    }
    g_hash_table_iter_init(&iter, video->viewers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcRelayViewerStats v;
        relay_video_viewer_snapshot(value, &v);
        g_array_append_val(stats->viewers, v);
    }
    g_array_sort(stats->streams, relay_video_cmp_stream);
    g_array_sort(stats->viewers, relay_video_cmp_viewer);
    stats->bad_datagrams = video->bad_datagrams;
    stats->unknown_token = video->unknown_token;
    stats->bad_seal = video->bad_seal;
    stats->udp_send_errors = video->udp_send_errors;
    stats->udp_port = relay_get_port(relay);
    stats->udp_rcvbuf = video->udp_rcvbuf;
    stats->udp_sndbuf = video->udp_sndbuf;
}

/* Frees the arrays stats holds. */
void relay_video_stats_clear(LcRelayVideoStats *stats)
{
    g_clear_pointer(&stats->streams, g_array_unref);
    g_clear_pointer(&stats->viewers, g_array_unref);
}

/* Encodes and queues one message to the asking client. */
static void relay_video_stats_send(LcRelayClient *client, const LcWireMsg *msg)
{
    g_autoptr(GBytes) frame = wire_msg_encode(msg, NULL);
    if (frame != NULL)
        relay_client_enqueue(client, frame);
}

/* Sends one STATS_STREAM. */
static void relay_video_stats_send_stream(LcRelayClient *client, guint32 request,
                                          const LcRelayStreamStats *s)
{
    LcWireMsg msg = {.type = WIRE_STATS_STREAM, .flags = media_kind_to_flags(s->media)};
    msg.stats_stream.request = request;
    msg.stats_stream.stream_id = s->stream_id;
    msg.stats_stream.nick = (char *)s->nick;
    msg.stats_stream.channels = s->channels;
    msg.stats_stream.viewers = (guint16)MIN(s->viewers, G_MAXUINT16);
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        msg.stats_stream.frames_in[k] = s->frames_in[k];
        msg.stats_stream.bytes_in[k] = s->bytes_in[k];
    }
    msg.stats_stream.udp_lost = s->udp_lost;
    msg.stats_stream.udp_duplicates = s->udp_duplicates;
    msg.stats_stream.bad_token = s->bad_token;
    relay_video_stats_send(client, &msg);
}

/* Sends one STATS_VIEWER. */
static void relay_video_stats_send_viewer(LcRelayClient *client, guint32 request,
                                          const LcRelayViewerStats *v)
{
    LcWireMsg msg = {.type = WIRE_STATS_VIEWER, .flags = media_kind_to_flags(v->media)};
    msg.stats_viewer.request = request;
    msg.stats_viewer.viewer_id = v->viewer_id;
    msg.stats_viewer.stream_id = v->stream_id;
    msg.stats_viewer.nick = (char *)v->nick;
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        msg.stats_viewer.frames_out[k] = v->frames_out[k];
        msg.stats_viewer.drops[k] = v->drops[k];
        msg.stats_viewer.queue[k] = (guint32)MIN(v->queue[k], G_MAXUINT32);
        msg.stats_viewer.acks[k] = v->acks[k];
    }
    msg.stats_viewer.bad_token = v->bad_token;
    relay_video_stats_send(client, &msg);
}

/* Whether a viewer's row may go to a member: who watches a private stream
 * is for its owner and that viewer to know. */
static gboolean relay_video_stats_shows_viewer(LcRelayVideo *video, LcRelayClient *client,
                                               const LcRelayViewerStats *v)
{
    LcRelayStream *stream = relay_video_find_stream(video, v->stream_id);
    if (stream == NULL || !stream->private || stream->owner == client->session_id)
        return TRUE;
    LcRelayViewer *viewer = relay_video_find_viewer(video, v->viewer_id);
    return viewer != NULL && viewer->owner == client->session_id;
}

/* Answers STATS_REQUEST: every stream, every viewer the member may know
 * of, then STATS_END. */
void relay_video_handle_stats(LcRelayVideo *video, LcRelayClient *client, guint32 request)
{
    LcRelayVideoStats stats;
    relay_get_video_stats(video->relay, &stats);
    for (guint i = 0; i < stats.streams->len; i++)
        relay_video_stats_send_stream(client, request,
                                      &g_array_index(stats.streams, LcRelayStreamStats, i));
    guint viewers = 0;
    for (guint i = 0; i < stats.viewers->len; i++) {
        const LcRelayViewerStats *v = &g_array_index(stats.viewers, LcRelayViewerStats, i);
        if (!relay_video_stats_shows_viewer(video, client, v))
            continue;
        relay_video_stats_send_viewer(client, request, v);
        viewers++;
    }
    LcWireMsg end = {.type = WIRE_STATS_END};
    end.stats_end.request = request;
    end.stats_end.streams = stats.streams->len;
    end.stats_end.viewers = viewers;
    end.stats_end.bad_datagrams = stats.bad_datagrams;
    end.stats_end.unknown_token = stats.unknown_token;
    end.stats_end.bad_seal = stats.bad_seal;
    relay_video_stats_send(client, &end);
    relay_video_stats_clear(&stats);
}
