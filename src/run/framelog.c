/*
 * The frame log: matches each channel event to its frame's record, derives
 * the record's figures and feeds the channel's aggregator. Events that do
 * not fit the record (a second ACK, an ACK after a loss) are refused whole,
 * so a frame is counted once in exactly one fate.
 */
#include "src/run/framelog.h"

#include "net/stats/stats_defaults.h"
#include "src/run/framelog_private.h"

/* Copies run into log, with defaults for the zero fields. */
static void framelog_copy_run(LcFramelog *log, const LcFramelogRun *run)
{
    if (run != NULL)
        log->run = *run;
    log->source = g_strdup(log->run.source);
    log->encoder = g_strdup(log->run.encoder);
    log->codec = g_strdup(log->run.codec);
    log->ack_mode = g_strdup(log->run.ack_mode);
    log->mode = g_strdup(log->run.mode);
    log->run.mode = log->mode;
    log->run.source = log->source;
    log->run.encoder = log->encoder;
    log->run.codec = log->codec;
    log->run.ack_mode = log->ack_mode;
    log->run.channels &= LC_CHAN_MASK_ALL;
    if (log->run.channels == 0)
        log->run.channels = LC_CHAN_MASK_ALL;
    if (log->run.deadline_us <= 0)
        log->run.deadline_us = LC_STATS_DEADLINE_DEFAULT_US;
}

/* Starts a log for role; run is copied. */
LcFramelog *framelog_new(LcFramelogRole role, const LcFramelogRun *run, gint64 start_us)
{
    LcFramelog *log = g_new0(LcFramelog, 1);

    log->role = role;
    log->start_us = start_us;
    framelog_copy_run(log, run);
    for (guint i = 0; i < LC_CHAN_KINDS; i++) {
        if (!chan_kind_mask_has(log->run.channels, i))
            continue;
        log->channels[i] = chanstats_new(i, start_us, log->run.deadline_us);
        log->records[i] = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
    }
    log->intervals = g_array_new(FALSE, FALSE, sizeof(LcChannelInterval));
    log->encode_ms = stats_dist_new();
    return log;
}

/* Frees the log and its records. NULL is ignored. */
void framelog_free(LcFramelog *log)
{
    if (log == NULL)
        return;
    for (guint i = 0; i < LC_CHAN_KINDS; i++) {
        chanstats_free(log->channels[i]);
        if (log->records[i] != NULL)
            g_hash_table_unref(log->records[i]);
        g_queue_clear(&log->order[i]);
    }
    g_array_unref(log->intervals);
    stats_dist_free(log->encode_ms);
    g_free(log->source);
    g_free(log->encoder);
    g_free(log->codec);
    g_free(log->mode);
    g_free(log->ack_mode);
    g_free(log);
}

/* Whether channel is enabled in this run. */
gboolean framelog_has_channel(const LcFramelog *log, LcChanKind channel)
{
    g_return_val_if_fail(log != NULL, FALSE);
    return channel < LC_CHAN_KINDS && log->channels[channel] != NULL;
}

/* The channel's aggregator, or NULL when the channel is not enabled. */
LcChannelStats *framelog_get_channel_stats(LcFramelog *log, LcChanKind channel)
{
    return framelog_has_channel(log, channel) ? log->channels[channel] : NULL;
}

/* Sets the relay's clock minus the local clock. */
void framelog_set_relay_offset(LcFramelog *log, gint64 offset_us)
{
    g_return_if_fail(log != NULL);
    log->relay_offset_us = offset_us;
}

/* Sets the sender's clock minus the local clock. */
void framelog_set_sender_offset(LcFramelog *log, gint64 offset_us)
{
    g_return_if_fail(log != NULL);
    log->sender_offset_us = offset_us;
}

/* Attaches the kernel TCP_INFO of a channel's connection. */
void framelog_set_tcp_info(LcFramelog *log, LcChanKind channel, const LcStatsTcpInfo *info)
{
    if (framelog_has_channel(log, channel))
        chanstats_set_tcp_info(log->channels[channel], info);
}

/* The log's own record of frame seq on channel, or NULL. */
static LcFrameRecord *framelog_find(const LcFramelog *log, LcChanKind channel, guint64 seq)
{
    if (!framelog_has_channel(log, channel))
        return NULL;
    gint64 key = (gint64)seq;
    return g_hash_table_lookup(log->records[channel], &key);
}

/* The record of frame seq on channel, or NULL. */
const LcFrameRecord *framelog_lookup(const LcFramelog *log, LcChanKind channel, guint64 seq)
{
    return framelog_find(log, channel, seq);
}

/* Adds a new record for seq (bytes of data captured at capture_us) on an
 * enabled channel; NULL if the frame has one already. */
static LcFrameRecord *framelog_insert(LcFramelog *log, LcChanKind channel, guint64 seq,
                                      guint64 bytes, gint64 capture_us)
{
    if (!framelog_has_channel(log, channel) || framelog_find(log, channel, seq) != NULL)
        return NULL;
    LcFrameRecord *record = g_new(LcFrameRecord, 1);
    frame_record_init(record, channel, seq);
    record->bytes = bytes;
    record->capture_us = capture_us;
    for (guint i = 0; i < log->keys_held && !record->key; i++)
        record->key = log->keys[i] == seq;
    g_hash_table_insert(log->records[channel], &record->seq, record);
    if (log->record_limit > 0) {
        /* The oldest record goes: the run's figures are in the aggregates,
         * which keep counting; only frames.csv forgets it. */
        g_queue_push_tail(&log->order[channel], GSIZE_TO_POINTER((gsize)seq));
        if (g_queue_get_length(&log->order[channel]) > log->record_limit) {
            guint64 oldest = GPOINTER_TO_SIZE(g_queue_pop_head(&log->order[channel]));
            g_hash_table_remove(log->records[channel], &oldest);
        }
    }
    return record;
}

/* Frame seq decodes on its own (a JPEG frame, an H.264 keyframe): its
 * records say so, those there now and those made later. */
void framelog_note_key(LcFramelog *log, guint64 seq)
{
    g_return_if_fail(log != NULL && seq > 0);

    log->keys[log->keys_next] = seq;
    log->keys_next = (log->keys_next + 1) % FRAMELOG_KEY_RING;
    log->keys_held = MIN(log->keys_held + 1, FRAMELOG_KEY_RING);
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        LcFrameRecord *record = framelog_find(log, (LcChanKind)c, seq);
        if (record != NULL)
            record->key = TRUE;
    }
}

/* The run's parameters as the log keeps them. */
const LcFramelogRun *framelog_get_run(const LcFramelog *log)
{
    g_return_val_if_fail(log != NULL, NULL);
    return &log->run;
}

/* Keeps at most limit records per channel (0: all). */
void framelog_set_record_limit(LcFramelog *log, guint limit)
{
    log->record_limit = limit;
}

/* Recomputes a record's figures with the current clock offsets. */
static void framelog_derive(const LcFramelog *log, LcFrameRecord *record)
{
    frame_record_derive(record, log->relay_offset_us, log->sender_offset_us);
}

/* Whether the frame's fate at the sender is already settled (acked, lost or dropped). */
static gboolean framelog_is_resolved(const LcFrameRecord *record)
{
    return frame_record_time_is_set(record->ack_us) || record->lost || record->dropped;
}

/* The sender's record of seq while its fate is open, else NULL. */
static LcFrameRecord *framelog_find_unresolved(LcFramelog *log, LcChanKind channel, guint64 seq)
{
    LcFrameRecord *record = framelog_find(log, channel, seq);
    return record != NULL && !framelog_is_resolved(record) ? record : NULL;
}

/* The viewer's record of seq while it is neither decoded nor corrupt, else NULL. */
static LcFrameRecord *framelog_find_undecoded(LcFramelog *log, LcChanKind channel, guint64 seq)
{
    LcFrameRecord *record = framelog_find(log, channel, seq);
    return record != NULL && !record->corrupt && !frame_record_time_is_set(record->decoded_us)
               ? record
               : NULL;
}

/* Sender: frame seq was handed to the channel at send_us. */
gboolean framelog_add_sent(LcFramelog *log, LcChanKind channel, guint64 seq, guint64 bytes,
                           gint64 capture_us, gint64 send_us)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_insert(log, channel, seq, bytes, capture_us);
    if (record == NULL)
        return FALSE;
    record->send_us = send_us;
    log->sent_any[channel] = TRUE;
    framelog_derive(log, record);
    chanstats_add_sent(log->channels[channel], record);
    return TRUE;
}

/* Sender: frame seq was dropped before sending. */
gboolean framelog_add_dropped(LcFramelog *log, LcChanKind channel, guint64 seq, guint64 bytes,
                              gint64 capture_us, LcFramelogDrop why)
{
    g_return_val_if_fail(log != NULL && why < FRAMELOG_N_DROPS, FALSE);

    LcFrameRecord *record = framelog_find(log, channel, seq);
    if (record == NULL) {
        record = framelog_insert(log, channel, seq, bytes, capture_us);
        if (record == NULL)
            return FALSE;
    } else if (framelog_is_resolved(record)) {
        return FALSE;
    }
    record->dropped = TRUE;
    /* Not open after it had sent: it was closed, which is not set-up. */
    if (why == FRAMELOG_DROP_NOT_READY && log->sent_any[channel])
        why = FRAMELOG_DROP_CLOSED;
    log->drops[channel][why]++;
    chanstats_add_dropped(log->channels[channel], record);
    return TRUE;
}

/* Sender: the source delivered a frame. */
void framelog_add_captured(LcFramelog *log, gint64 capture_us, gint64 encode_time_us)
{
    g_return_if_fail(log != NULL);

    if (log->captured == 0 || capture_us < log->first_capture_us)
        log->first_capture_us = capture_us;
    if (log->captured == 0 || capture_us > log->last_capture_us)
        log->last_capture_us = capture_us;
    log->captured++;
    if (encode_time_us > 0)
        stats_dist_add_us(log->encode_ms, encode_time_us);
}

/* Sender: frame seq was declared lost by the channel. */
gboolean framelog_add_lost(LcFramelog *log, LcChanKind channel, guint64 seq)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_find_unresolved(log, channel, seq);
    if (record == NULL)
        return FALSE;
    record->lost = TRUE;
    chanstats_add_lost(log->channels[channel], record);
    return TRUE;
}

/* Sender: the relay's ACK for seq arrived at ack_us. */
gboolean framelog_add_relay_ack(LcFramelog *log, LcChanKind channel, guint64 seq,
                                gint64 relay_first_us, gint64 relay_last_us, gint64 ack_us)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_find_unresolved(log, channel, seq);
    if (record == NULL)
        return FALSE;
    record->relay_first_us = relay_first_us;
    record->relay_last_us = relay_last_us;
    record->ack_us = ack_us;
    framelog_derive(log, record);
    chanstats_add_relay_ack(log->channels[channel], record);
    return TRUE;
}

/*
 * Sender: a viewer's ACK for seq. Several viewers may acknowledge one frame;
 * the record keeps the latest receive time (the slowest viewer), and every
 * ACK is one sample of capture-to-viewer delay.
 */
gboolean framelog_add_viewer_ack(LcFramelog *log, LcChanKind channel, guint64 seq,
                                 gint64 viewer_recv_us)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_find(log, channel, seq);
    if (record == NULL || record->dropped || !frame_record_time_is_set(viewer_recv_us))
        return FALSE;
    if (!frame_record_time_is_set(record->viewer_recv_us) ||
        viewer_recv_us > record->viewer_recv_us)
        record->viewer_recv_us = viewer_recv_us;
    framelog_derive(log, record);

    gint64 to_viewer_us = FRAME_RECORD_TIME_UNSET;
    if (frame_record_time_is_set(record->capture_us))
        to_viewer_us = viewer_recv_us - (record->capture_us - log->sender_offset_us);
    chanstats_add_viewer_ack(log->channels[channel], record, to_viewer_us);
    return TRUE;
}

/* Viewer: the stream's picture size and codec, once known. */
void framelog_set_stream(LcFramelog *log, gint width, gint height, const char *codec)
{
    g_return_if_fail(log != NULL);

    if (log->run.width <= 0 && log->run.height <= 0 && width > 0 && height > 0) {
        log->run.width = width;
        log->run.height = height;
    }
    if (log->codec == NULL && codec != NULL) {
        log->codec = g_strdup(codec);
        log->run.codec = log->codec;
    }
}

/* Sender: a viewer on the same clock decoded frame seq at decoded_us. */
gboolean framelog_set_decoded(LcFramelog *log, LcChanKind channel, guint64 seq, gint64 decoded_us)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_find(log, channel, seq);
    if (record == NULL || record->dropped || !frame_record_time_is_set(decoded_us) ||
        frame_record_time_is_set(record->decoded_us))
        return FALSE;
    record->decoded_us = decoded_us;
    framelog_derive(log, record);
    return TRUE;
}

/* Sender: a viewer on the same clock received frame seq whole and could
 * not decode it (damaged, or its H.264 reference lost). */
gboolean framelog_set_corrupt(LcFramelog *log, LcChanKind channel, guint64 seq)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_find(log, channel, seq);
    if (record == NULL || record->dropped || record->corrupt)
        return FALSE;
    record->corrupt = TRUE;
    return TRUE;
}

/* Viewer: the whole frame seq arrived at recv_us. */
gboolean framelog_add_received(LcFramelog *log, LcChanKind channel, guint64 seq, guint64 bytes,
                               gint64 capture_us, gint64 recv_us)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_insert(log, channel, seq, bytes, capture_us);
    if (record == NULL)
        return FALSE;
    record->viewer_recv_us = recv_us;
    framelog_derive(log, record);
    chanstats_add_received(log->channels[channel], record);
    return TRUE;
}

/* Viewer: frame seq was decoded at decoded_us in decode_time_us. */
gboolean framelog_add_decoded(LcFramelog *log, LcChanKind channel, guint64 seq, gint64 decoded_us,
                              gint64 decode_time_us)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_find_undecoded(log, channel, seq);
    if (record == NULL)
        return FALSE;
    record->decoded_us = decoded_us;
    framelog_derive(log, record);
    chanstats_add_decoded(log->channels[channel], record, decode_time_us);
    return TRUE;
}

/* Viewer: frame seq arrived but could not be decoded. */
gboolean framelog_add_corrupt(LcFramelog *log, LcChanKind channel, guint64 seq)
{
    g_return_val_if_fail(log != NULL, FALSE);

    LcFrameRecord *record = framelog_find_undecoded(log, channel, seq);
    if (record == NULL)
        return FALSE;
    record->corrupt = TRUE;
    chanstats_add_corrupt(log->channels[channel], record);
    return TRUE;
}

/* A keyframe asked for, or a viewer's request received. */
void framelog_note_keyframe_request(LcFramelog *log, LcChanKind channel)
{
    if (channel < LC_CHAN_KINDS && log->channels[channel] != NULL)
        chanstats_add_keyframe_request(log->channels[channel]);
}

/* A frame not decoded for a lost reference. */
void framelog_note_unreferenced(LcFramelog *log, LcChanKind channel)
{
    if (channel < LC_CHAN_KINDS && log->channels[channel] != NULL)
        chanstats_add_unreferenced(log->channels[channel]);
}

/* A picture us after a lost reference. */
void framelog_note_recovery(LcFramelog *log, LcChanKind channel, gint64 us)
{
    if (channel < LC_CHAN_KINDS && log->channels[channel] != NULL)
        chanstats_add_recovery(log->channels[channel], us);
}

/* Datagrams a channel dropped for their seal, so far. */
void framelog_set_bad_seal(LcFramelog *log, LcChanKind channel, guint64 count)
{
    if (channel < LC_CHAN_KINDS && log->channels[channel] != NULL)
        chanstats_set_bad_seal(log->channels[channel], count);
}

/* A freeze of us on a channel. */
void framelog_note_frozen(LcFramelog *log, LcChanKind channel, gint64 us)
{
    if (channel < LC_CHAN_KINDS && log->channels[channel] != NULL)
        chanstats_add_frozen(log->channels[channel], us);
}

/* Orders records by seq, then by channel. */
static gint framelog_compare_records(gconstpointer a, gconstpointer b)
{
    const LcFrameRecord *x = *(const LcFrameRecord *const *)a;
    const LcFrameRecord *y = *(const LcFrameRecord *const *)b;

    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return (gint)x->channel - (gint)y->channel;
}

/* Every record, ordered by seq then channel. */
GPtrArray *framelog_get_records(const LcFramelog *log)
{
    g_return_val_if_fail(log != NULL, NULL);

    GPtrArray *records = g_ptr_array_new();
    for (guint i = 0; i < LC_CHAN_KINDS; i++) {
        if (log->records[i] == NULL)
            continue;
        GHashTableIter iter;
        gpointer record;
        g_hash_table_iter_init(&iter, log->records[i]);
        while (g_hash_table_iter_next(&iter, NULL, &record))
            g_ptr_array_add(records, record);
    }
    g_ptr_array_sort(records, framelog_compare_records);
    return records;
}

/* Closes the interval ending at now_us for every enabled channel. */
guint framelog_close_interval(LcFramelog *log, gint64 now_us, LcChannelInterval out[LC_CHAN_KINDS])
{
    g_return_val_if_fail(log != NULL && out != NULL, 0);

    guint n = 0;
    for (guint i = 0; i < LC_CHAN_KINDS; i++) {
        if (log->channels[i] == NULL)
            continue;
        chanstats_close_interval(log->channels[i], now_us, &out[n]);
        g_array_append_val(log->intervals, out[n]);
        n++;
    }
    return n;
}
