/* frag.c: splitting video frames into datagram payloads and reassembling them.
 *
 * Every frame being reassembled, and every frame recently completed or
 * abandoned (a "tombstone", without its buffer), is an entry in one hash table
 * keyed by (stream id, seq). Incomplete entries sit in the `partial` queue in
 * order of arrival, which is also the order of their deadlines, so expiry only
 * looks at the head. Tombstones sit in the `tombs` queue for one more deadline,
 * so that a duplicate arriving after its frame completed, or a straggler of a
 * frame already counted lost, is recognised instead of starting a new frame
 * that would later be counted lost a second time.
 */
#include "net/wire/frag.h"

#include "net/wire/wire.h"

#include <string.h>

/* Tombstones kept at most, whatever the deadline: a bound on memory when a
 * sender sends many tiny frames. */
#define FRAG_TOMBS_MAX 4096

typedef enum { ENTRY_PARTIAL, ENTRY_DONE, ENTRY_LOST } LcFragState;

typedef struct {
    guint32 stream_id;
    guint64 seq;
} LcFragKey;

typedef struct {
    LcFragKey key; /* first: the hash table looks entries up by key */
    LcFragState state;
    guint8 *buf;  /* frame_size bytes while partial */
    guint8 *have; /* one bit per fragment received */
    guint32 frame_size;
    guint16 count;
    guint16 received;
    gint64 capture_us;
    gint64 send_us;
    guint8 codec;
    guint16 flags;
    gint64 first_us;
    gint64 last_us;
    gint64 due_us; /* monotonic: partial, its deadline; tombstone, when it goes */
    GList *link;   /* in partial or tombs */
} LcFragEntry;

struct _LcFragReassembler {
    LcFragLimits limits;
    LcFragLostFunc lost;
    gpointer user_data;
    GHashTable *entries; /* LcFragKey* -> LcFragEntry*, owning the entries */
    GQueue partial;      /* LcFragEntry, oldest first */
    GQueue tombs;        /* LcFragEntry, oldest first */
    gsize pending_bytes;
    LcFragCounters counters;
};

/* Frees the data a reassembled frame holds and zeroes it. */
void frag_frame_clear(LcFragFrame *frame)
{
    g_clear_pointer(&frame->data, g_bytes_unref);
    memset(frame, 0, sizeof(*frame));
}

/* The reassembled frame as a new LcFrame. */
LcFrame *frag_frame_take(LcFragFrame *frame)
{
    LcFrame *out = frame_new(frame->data, (LcCodec)frame->meta.codec);
    out->meta = frame->meta;
    frag_frame_clear(frame);
    return out;
}

/* Fragments a frame of frame_size bytes travels as, or 0 if too many. */
guint frag_count_for_size(gsize frame_size)
{
    gsize n = frame_size == 0 ? 1 : (frame_size + FRAG_PAYLOAD_MAX - 1) / FRAG_PAYLOAD_MAX;
    return n > FRAG_COUNT_MAX ? 0 : (guint)n;
}

/* Where fragment index starts and how long it is. */
void frag_slice(gsize frame_size, guint index, gsize *offset, gsize *length)
{
    gsize start = MIN((gsize)index * FRAG_PAYLOAD_MAX, frame_size);
    *offset = start;
    *length = MIN(frame_size - start, (gsize)FRAG_PAYLOAD_MAX);
}

/* Checks a fragment's own consistency and its frame size. */
gboolean frag_check(const LcFragment *frag, guint32 frame_max, GError **error)
{
    if (frag->frame_size > frame_max) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                    "frame of %u bytes is over the limit of %u", frag->frame_size, frame_max);
        return FALSE;
    }
    guint count = frag_count_for_size(frag->frame_size);
    if (count == 0 || frag->count != count) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME,
                    "fragment count %u does not fit a frame of %u bytes", frag->count,
                    frag->frame_size);
        return FALSE;
    }
    if (frag->index >= frag->count) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "fragment index %u is not below %u",
                    frag->index, frag->count);
        return FALSE;
    }
    gsize offset = 0, length = 0;
    frag_slice(frag->frame_size, frag->index, &offset, &length);
    if (frag->payload_len != length) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME,
                    "fragment %u carries %zu bytes, not %zu", frag->index, frag->payload_len,
                    length);
        return FALSE;
    }
    return TRUE;
}

/* Hashes a (stream, seq) key. */
static guint frag_key_hash(gconstpointer data)
{
    const LcFragKey *key = data;
    return (guint)(key->seq ^ (key->seq >> 32)) ^ (key->stream_id * 2654435761u);
}

/* Compares two (stream, seq) keys. */
static gboolean frag_key_equal(gconstpointer a, gconstpointer b)
{
    const LcFragKey *ka = a, *kb = b;
    return ka->stream_id == kb->stream_id && ka->seq == kb->seq;
}

/* Frees an entry. */
static void frag_entry_free(gpointer data)
{
    LcFragEntry *entry = data;
    g_free(entry->buf);
    g_free(entry->have);
    g_free(entry);
}

/* Creates a reassembler. */
LcFragReassembler *frag_reassembler_new(const LcFragLimits *limits, LcFragLostFunc lost,
                                        gpointer user_data)
{
    LcFragReassembler *ra = g_new0(LcFragReassembler, 1);
    ra->limits = *limits;
    ra->limits.max_frames = MAX(ra->limits.max_frames, 1);
    ra->lost = lost;
    ra->user_data = user_data;
    ra->entries = g_hash_table_new_full(frag_key_hash, frag_key_equal, NULL, frag_entry_free);
    g_queue_init(&ra->partial);
    g_queue_init(&ra->tombs);
    return ra;
}

/* Turns an entry into a tombstone that goes one deadline from now. */
static void frag_entry_bury(LcFragReassembler *ra, LcFragEntry *entry, LcFragState state,
                            gint64 mono_us)
{
    if (entry->state == ENTRY_PARTIAL) {
        g_queue_delete_link(&ra->partial, entry->link);
        ra->pending_bytes -= entry->frame_size;
    } else {
        g_queue_delete_link(&ra->tombs, entry->link);
    }
    g_clear_pointer(&entry->buf, g_free);
    g_clear_pointer(&entry->have, g_free);
    entry->state = state;
    entry->due_us = mono_us + ra->limits.deadline_us;
    g_queue_push_tail(&ra->tombs, entry);
    entry->link = ra->tombs.tail;
    while (ra->tombs.length > FRAG_TOMBS_MAX) {
        LcFragEntry *old = g_queue_pop_head(&ra->tombs);
        g_hash_table_remove(ra->entries, &old->key);
    }
}

/* Abandons an incomplete frame: it is lost. */
static void frag_entry_abandon(LcFragReassembler *ra, LcFragEntry *entry, gint64 mono_us,
                               gboolean evicted)
{
    ra->counters.lost++;
    if (evicted)
        ra->counters.evicted++;
    if (ra->lost)
        ra->lost(entry->key.stream_id, entry->key.seq, entry->received, entry->count,
                 ra->user_data);
    frag_entry_bury(ra, entry, ENTRY_LOST, mono_us);
}

/* Abandons incomplete frames whose deadline passed; drops old tombstones. */
guint frag_reassembler_expire(LcFragReassembler *ra, gint64 mono_us)
{
    guint n = 0;
    LcFragEntry *entry;
    while ((entry = g_queue_peek_head(&ra->partial)) != NULL && entry->due_us <= mono_us) {
        frag_entry_abandon(ra, entry, mono_us, FALSE);
        n++;
    }
    while ((entry = g_queue_peek_head(&ra->tombs)) != NULL && entry->due_us <= mono_us) {
        g_queue_pop_head(&ra->tombs);
        g_hash_table_remove(ra->entries, &entry->key);
    }
    return n;
}

/* Abandons the oldest incomplete frames until one of frame_size bytes fits. */
static void frag_make_room(LcFragReassembler *ra, guint32 frame_size, gint64 mono_us)
{
    while (!g_queue_is_empty(&ra->partial) &&
           (ra->partial.length >= ra->limits.max_frames ||
            ra->pending_bytes + frame_size > ra->limits.max_bytes))
        frag_entry_abandon(ra, g_queue_peek_head(&ra->partial), mono_us, TRUE);
}

/* Starts reassembling the frame a fragment belongs to. */
static LcFragEntry *frag_entry_new(LcFragReassembler *ra, const LcFragment *frag, gint64 mono_us,
                                   gint64 wall_us)
{
    frag_make_room(ra, frag->frame_size, mono_us);
    LcFragEntry *entry = g_new0(LcFragEntry, 1);
    entry->key.stream_id = frag->meta.stream_id;
    entry->key.seq = frag->meta.seq;
    entry->state = ENTRY_PARTIAL;
    entry->buf = g_malloc(MAX(frag->frame_size, 1));
    entry->have = g_malloc0((frag->count + 7) / 8);
    entry->frame_size = frag->frame_size;
    entry->count = frag->count;
    entry->capture_us = frag->meta.capture_us;
    entry->send_us = frag->meta.send_us;
    entry->codec = frag->meta.codec;
    entry->flags = frag->meta.flags;
    entry->first_us = wall_us;
    entry->due_us = mono_us + ra->limits.deadline_us;
    g_hash_table_insert(ra->entries, &entry->key, entry);
    g_queue_push_tail(&ra->partial, entry);
    entry->link = ra->partial.tail;
    ra->pending_bytes += entry->frame_size;
    return entry;
}

/* Hands a complete frame out and buries its entry. */
static void frag_entry_complete(LcFragReassembler *ra, LcFragEntry *entry, gint64 mono_us,
                                LcFragFrame *out)
{
    out->meta.stream_id = entry->key.stream_id;
    out->meta.seq = entry->key.seq;
    out->meta.capture_us = entry->capture_us;
    out->meta.send_us = entry->send_us;
    out->meta.codec = entry->codec;
    out->meta.flags = entry->flags;
    out->data = g_bytes_new_take(g_steal_pointer(&entry->buf), entry->frame_size);
    out->first_us = entry->first_us;
    out->last_us = entry->last_us;
    out->datagrams = entry->count;
    ra->counters.complete++;
    frag_entry_bury(ra, entry, ENTRY_DONE, mono_us);
}

static gboolean frag_reject(LcFragReassembler *ra, GError **error, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* Rejects a fragment, counting it. */
static gboolean frag_reject(LcFragReassembler *ra, GError **error, const char *format, ...)
{
    va_list args;
    ra->counters.rejected++;
    va_start(args, format);
    g_autofree char *message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error_literal(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, message);
    return FALSE;
}

/* Adds one fragment. */
gboolean frag_reassembler_add(LcFragReassembler *ra, const LcFragment *frag, gint64 mono_us,
                              gint64 wall_us, LcFragResult *result, LcFragFrame *out,
                              GError **error)
{
    memset(out, 0, sizeof(*out));
    frag_reassembler_expire(ra, mono_us);
    if (!frag_check(frag, ra->limits.frame_max, error)) {
        ra->counters.rejected++;
        return FALSE;
    }
    if (frag->frame_size > ra->limits.max_bytes)
        return frag_reject(ra, error, "frame of %u bytes cannot be held (limit %zu)",
                           frag->frame_size, ra->limits.max_bytes);
    LcFragKey key = {frag->meta.stream_id, frag->meta.seq};
    LcFragEntry *entry = g_hash_table_lookup(ra->entries, &key);
    if (entry != NULL && entry->state != ENTRY_PARTIAL) {
        *result = entry->state == ENTRY_DONE ? FRAG_DUPLICATE : FRAG_LATE;
        if (entry->state == ENTRY_DONE)
            ra->counters.duplicates++;
        else
            ra->counters.late++;
        return TRUE;
    }
    if (entry != NULL && (entry->frame_size != frag->frame_size || entry->count != frag->count))
        return frag_reject(
            ra, error, "fragment of frame %" G_GUINT64_FORMAT " disagrees with the frame's size",
            frag->meta.seq);
    if (entry == NULL)
        entry = frag_entry_new(ra, frag, mono_us, wall_us);
    if (entry->have[frag->index / 8] & (1u << (frag->index % 8))) {
        ra->counters.duplicates++;
        *result = FRAG_DUPLICATE;
        return TRUE;
    }
    entry->have[frag->index / 8] |= (guint8)(1u << (frag->index % 8));
    if (frag->payload_len > 0)
        memcpy(entry->buf + (gsize)frag->index * FRAG_PAYLOAD_MAX, frag->payload,
               frag->payload_len);
    entry->received++;
    entry->last_us = wall_us;
    entry->send_us = MIN(entry->send_us, frag->meta.send_us);
    ra->counters.fragments++;
    *result = FRAG_ADDED;
    if (entry->received == entry->count) {
        frag_entry_complete(ra, entry, mono_us, out);
        *result = FRAG_COMPLETE;
    }
    return TRUE;
}

/* Incomplete frames held now. */
guint frag_reassembler_get_pending(LcFragReassembler *ra)
{
    return ra->partial.length;
}

/* Bytes held by incomplete frames now. */
gsize frag_reassembler_get_pending_bytes(LcFragReassembler *ra)
{
    return ra->pending_bytes;
}

/* What the reassembler has seen. */
void frag_reassembler_get_counters(LcFragReassembler *ra, LcFragCounters *counters)
{
    *counters = ra->counters;
}

/* Frees a reassembler and every frame it holds. */
void frag_reassembler_free(LcFragReassembler *ra)
{
    if (ra == NULL)
        return;
    g_queue_clear(&ra->partial);
    g_queue_clear(&ra->tombs);
    g_hash_table_destroy(ra->entries);
    g_free(ra);
}
