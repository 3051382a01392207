/* frag.h: splitting a video frame into UDP datagram payloads and putting it
 * back together (docs/PROTOCOL.md, "UDP datagrams").
 *
 * Pure code: no sockets and no clock; callers pass the time. A frame of
 * frame_size bytes travels as frag_count_for_size() fragments; fragment i
 * carries bytes [i * FRAG_PAYLOAD_MAX, min((i + 1) * FRAG_PAYLOAD_MAX, size)).
 * The reassembler is keyed by (stream id, seq), tolerates reordering and
 * duplicates, holds a bounded number of incomplete frames and abandons each
 * one a fixed time after its first datagram arrived: that frame is lost.
 */
#pragma once

#include "core/frame.h"

#include <glib.h>

/* Largest payload of one datagram: with the 55-byte fragment header, UDP and
 * IPv4 or IPv6 headers, a datagram stays under a 1500-byte Ethernet MTU, so
 * IP never fragments it. */
#define FRAG_PAYLOAD_MAX 1200

/* The largest fragment count a frame may have (a u16 on the wire). */
#define FRAG_COUNT_MAX 65535

/* One fragment as carried by a datagram; payload is borrowed. */
typedef struct {
    LcFrameMeta meta; /* send_us: when this datagram was sent */
    guint16 index;
    guint16 count;
    guint32 frame_size; /* bytes of the whole frame */
    const guint8 *payload;
    gsize payload_len;
} LcFragment;

/* A frame put back together. */
typedef struct {
    LcFrameMeta meta; /* send_us: the earliest send time of its datagrams */
    GBytes *data;
    gint64 first_us; /* arrival of its first datagram, caller's wall clock */
    gint64 last_us;  /* arrival of the datagram that completed it */
    guint datagrams;
} LcFragFrame;

/* Frees the data a reassembled frame holds and zeroes it. */
void frag_frame_clear(LcFragFrame *frame);
/* The reassembled frame as a new LcFrame (its data moves over, no copy);
 * the reassembled frame is cleared. */
LcFrame *frag_frame_take(LcFragFrame *frame);

/* Fragments a frame of frame_size bytes travels as (at least 1: an empty frame
 * is one empty fragment), or 0 when it is too large for the fragment count. */
guint frag_count_for_size(gsize frame_size);

/* Where fragment index of a frame of frame_size bytes starts, and its length. */
void frag_slice(gsize frame_size, guint index, gsize *offset, gsize *length);

/* Checks a fragment against the rules above and frame_max: index below count,
 * count matching frame_size, payload length matching the slice. Errors are
 * LC_WIRE_ERROR BAD_FRAME, or TOO_LARGE for a frame over frame_max. */
gboolean frag_check(const LcFragment *frag, guint32 frame_max, GError **error);

typedef struct {
    guint32 frame_max;  /* largest frame accepted, bytes */
    guint max_frames;   /* incomplete frames held at once; the oldest is abandoned beyond */
    gsize max_bytes;    /* bytes held by incomplete frames; the oldest is abandoned beyond */
    gint64 deadline_us; /* an incomplete frame is abandoned this long after its first datagram */
} LcFragLimits;

typedef enum {
    FRAG_ADDED,     /* stored; its frame is not complete yet */
    FRAG_COMPLETE,  /* it completed its frame */
    FRAG_DUPLICATE, /* already received, or its frame is already complete */
    FRAG_LATE,      /* its frame was already abandoned as lost */
} LcFragResult;

/* What a reassembler has seen since it was created. */
typedef struct {
    guint64 fragments;  /* accepted (added or completing) */
    guint64 complete;   /* frames completed */
    guint64 lost;       /* frames abandoned: deadline passed or evicted */
    guint64 evicted;    /* of lost: abandoned early to stay within the limits */
    guint64 duplicates; /* fragments received twice, or after their frame completed */
    guint64 late;       /* fragments of frames already abandoned */
    guint64 rejected;   /* fragments that broke the rules or disagreed with their frame */
} LcFragCounters;

typedef struct _LcFragReassembler LcFragReassembler;

/* Called for each frame abandoned incomplete: received of count fragments. */
typedef void (*LcFragLostFunc)(guint32 stream_id, guint64 seq, guint received, guint count,
                               gpointer user_data);

/* Creates a reassembler; lost (may be NULL) hears of every abandoned frame. */
LcFragReassembler *frag_reassembler_new(const LcFragLimits *limits, LcFragLostFunc lost,
                                        gpointer user_data);

/* Adds one fragment that arrived at mono_us (monotonic, for deadlines) and
 * wall_us (the receive timestamp reported). On FRAG_COMPLETE, out holds the
 * frame (clear it with frag_frame_clear). FALSE with an error when the
 * fragment breaks the rules; it is dropped and counted as rejected. */
gboolean frag_reassembler_add(LcFragReassembler *ra, const LcFragment *frag, gint64 mono_us,
                              gint64 wall_us, LcFragResult *result, LcFragFrame *out,
                              GError **error);

/* Abandons every incomplete frame whose deadline has passed at mono_us;
 * returns how many. */
guint frag_reassembler_expire(LcFragReassembler *ra, gint64 mono_us);

/* Incomplete frames held now. */
guint frag_reassembler_get_pending(LcFragReassembler *ra);

/* Bytes held by incomplete frames now. */
gsize frag_reassembler_get_pending_bytes(LcFragReassembler *ra);

void frag_reassembler_get_counters(LcFragReassembler *ra, LcFragCounters *counters);

void frag_reassembler_free(LcFragReassembler *ra);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFragReassembler, frag_reassembler_free)
