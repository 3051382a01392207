/* test-frag.c: splitting frames into datagram payloads and reassembling them
 * (net/wire/frag.c): sizes, the fragment rules, and reassembly tables with
 * reordering, duplicates, missing fragments, oversize and bounded memory. */
#include "net/wire/frag.h"
#include "tests/test-rows.h"
#include "net/wire/wire.h"

#include <stdlib.h>
#include <string.h>

#define DEADLINE_US 100000

/* Frame sizes and the fragment counts docs/PROTOCOL.md gives them. */
static void test_split_sizes(void)
{
    static const struct {
        gsize size;
        guint count;
    } rows[] = {
        {0, 1},    {1, 1},      {1199, 1},   {1200, 1},      {1201, 2},         {2400, 2},
        {2401, 3}, {30000, 25}, {30001, 26}, {1048576, 874}, {78642000, 65535}, {78642001, 0},
    };
    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
        guint count = frag_count_for_size(rows[i].size);
        g_assert_cmpuint(count, ==, rows[i].count);
        if (count == 0 || rows[i].size > 4 * 1024 * 1024)
            continue;
        /* The slices cover the frame exactly, in order, none over the limit. */
        gsize next = 0;
        for (guint j = 0; j < count; j++) {
            gsize offset = 0, length = 0;
            frag_slice(rows[i].size, j, &offset, &length);
            g_assert_cmpuint(offset, ==, next);
            g_assert_cmpuint(length, <=, FRAG_PAYLOAD_MAX);
            g_assert_true(length > 0 || rows[i].size == 0);
            next += length;
        }
        g_assert_cmpuint(next, ==, rows[i].size);
    }
}

typedef struct {
    const char *name;
    guint32 frame_size;
    guint16 index;
    guint16 count;
    gssize payload_len; /* -1: the right length for the slice */
    gint code;          /* 0: accepted, else the LC_WIRE_ERROR code */
} CheckRow;

/* Fragments that break a rule, and the error each gets. */
static const CheckRow check_rows[] = {
    {"first-of-three", 3000, 0, 3, -1, 0},
    {"last-short", 3000, 2, 3, -1, 0},
    {"empty-frame", 0, 0, 1, 0, 0},
    {"at-frame-max", 65536, 54, 55, -1, 0},
    {"over-frame-max", 65537, 0, 55, -1, WIRE_ERR_TOO_LARGE},
    {"index-equals-count", 3000, 3, 3, 0, WIRE_ERR_BAD_FRAME},
    {"index-far-beyond", 3000, 65535, 3, 0, WIRE_ERR_BAD_FRAME},
    {"count-too-small", 3000, 0, 2, 1200, WIRE_ERR_BAD_FRAME},
    {"count-too-large", 3000, 0, 4, 1200, WIRE_ERR_BAD_FRAME},
    {"count-zero", 3000, 0, 0, 1200, WIRE_ERR_BAD_FRAME},
    {"payload-short", 3000, 0, 3, 1199, WIRE_ERR_BAD_FRAME},
    {"payload-long", 3000, 0, 3, 1201, WIRE_ERR_BAD_FRAME},
    {"last-payload-full", 3000, 2, 3, 1200, WIRE_ERR_BAD_FRAME},
    {"empty-frame-with-bytes", 0, 0, 1, 1, WIRE_ERR_BAD_FRAME},
};

/* Each fragment of the table is accepted or refused with its code. */
static void test_check(gconstpointer data)
{
    const CheckRow *row = data;
    static guint8 bytes[FRAG_PAYLOAD_MAX + 1];
    gsize offset = 0, length = 0;
    frag_slice(row->frame_size, MIN(row->index, row->count), &offset, &length);
    LcFragment f = {
        .meta.stream_id = 1,
        .meta.seq = 1,
        .index = row->index,
        .count = row->count,
        .frame_size = row->frame_size,
        .payload = bytes,
        .payload_len = row->payload_len < 0 ? length : (gsize)row->payload_len,
    };
    g_autoptr(GError) error = NULL;
    gboolean ok = frag_check(&f, 65536, &error);
    if (row->code == 0) {
        g_assert_no_error(error);
        g_assert_true(ok);
    } else {
        g_assert_false(ok);
        g_assert_error(error, LC_WIRE_ERROR, row->code);
    }
}

/* A frame's bytes: a pattern that tells every position apart. */
static guint8 *make_frame(gsize size, guint64 seq)
{
    guint8 *bytes = g_malloc(MAX(size, 1));
    for (gsize i = 0; i < size; i++)
        bytes[i] = (guint8)((i * 31 + seq * 7 + (i >> 8)) & 0xff);
    return bytes;
}

/* Fragment index of a frame of size bytes. */
static LcFragment fragment_of(const guint8 *frame, gsize size, guint32 stream, guint64 seq,
                              guint index)
{
    gsize offset = 0, length = 0;
    frag_slice(size, index, &offset, &length);
    LcFragment f = {
        .meta.stream_id = stream,
        .meta.seq = seq,
        .index = (guint16)index,
        .count = (guint16)frag_count_for_size(size),
        .frame_size = (guint32)size,
        .meta.capture_us = 1000 + (gint64)seq,
        .meta.send_us = 2000 + (gint64)index,
        .meta.codec = 7,
        .meta.flags = 0x8001,
        .payload = frame + offset,
        .payload_len = length,
    };
    return f;
}

typedef struct {
    const char *name;
    guint32 size;
    const char *order;   /* fragment indexes fed, in order */
    const char *results; /* one letter per fragment: A added, C complete, D duplicate, L late */
    gboolean lost;       /* the frame is abandoned at the deadline */
    guint duplicates;
} ReassemblyRow;

/* Reassembly of one frame under reordering, duplication and loss. */
static const ReassemblyRow reassembly_rows[] = {
    {"in-order", 3000, "0 1 2", "AAC", FALSE, 0},
    {"reverse", 3000, "2 1 0", "AAC", FALSE, 0},
    {"shuffled", 12000, "7 2 9 0 5 1 8 3 6 4", "AAAAAAAAAC", FALSE, 0},
    {"single", 10, "0", "C", FALSE, 0},
    {"empty", 0, "0", "C", FALSE, 0},
    {"exact-multiple", 2400, "1 0", "AC", FALSE, 0},
    {"duplicate-before-complete", 3000, "0 0 1 1 2", "ADADC", FALSE, 2},
    {"duplicate-after-complete", 2400, "0 1 1 0", "ACDD", FALSE, 2},
    {"missing-middle", 3600, "0 2", "AA", TRUE, 0},
    {"missing-last", 3600, "0 1", "AA", TRUE, 0},
    {"only-duplicates-of-one", 3600, "1 1 1", "ADD", TRUE, 2},
};

/* Feeds the fragments of a row and checks every result, the bytes and the
 * frame's fields, or that it is lost at the deadline. */
static void test_reassembly(gconstpointer data)
{
    const ReassemblyRow *row = data;
    LcFragLimits limits = {1 << 20, 16, 8 << 20, DEADLINE_US};
    g_autoptr(LcFragReassembler) ra = frag_reassembler_new(&limits, NULL, NULL);
    g_autofree guint8 *frame = make_frame(row->size, 5);
    g_auto(GStrv) order = g_strsplit(row->order, " ", -1);
    static const char letters[] = {
        [FRAG_ADDED] = 'A', [FRAG_COMPLETE] = 'C', [FRAG_DUPLICATE] = 'D', [FRAG_LATE] = 'L'};
    gboolean complete = FALSE;

    for (guint i = 0; order[i] != NULL; i++) {
        LcFragment f = fragment_of(frame, row->size, 3, 5, (guint)atoi(order[i]));
        LcFragResult result;
        LcFragFrame out;
        g_autoptr(GError) error = NULL;
        g_assert_true(frag_reassembler_add(ra, &f, 10 + i, 500 + i, &result, &out, &error));
        g_assert_no_error(error);
        g_assert_cmpint(letters[result], ==, row->results[i]);
        if (result != FRAG_COMPLETE)
            continue;
        complete = TRUE;
        gsize size = 0;
        const guint8 *got = g_bytes_get_data(out.data, &size);
        g_assert_cmpmem(got, size, frame, row->size);
        g_assert_cmpuint(out.meta.stream_id, ==, 3);
        g_assert_cmpuint(out.meta.seq, ==, 5);
        g_assert_cmpint(out.meta.capture_us, ==, 1005);
        g_assert_cmpint(out.meta.send_us, ==, 2000); /* the earliest datagram's */
        g_assert_cmpuint(out.meta.codec, ==, 7);
        g_assert_cmphex(out.meta.flags, ==, 0x8001);
        g_assert_cmpint(out.first_us, ==, 500);
        g_assert_cmpint(out.last_us, ==, 500 + (gint64)i);
        frag_frame_clear(&out);
    }
    g_assert_cmpuint(frag_reassembler_expire(ra, 10 + DEADLINE_US + 100), ==, row->lost ? 1 : 0);
    LcFragCounters c;
    frag_reassembler_get_counters(ra, &c);
    g_assert_cmpuint(c.complete, ==, complete ? 1 : 0);
    g_assert_cmpuint(c.lost, ==, row->lost ? 1 : 0);
    g_assert_cmpuint(c.duplicates, ==, row->duplicates);
    g_assert_cmpuint(c.rejected, ==, 0);
    g_assert_cmpuint(frag_reassembler_get_pending(ra), ==, 0);
}

/* Two streams and several frames interleaved and shuffled: each frame is
 * rebuilt from its own fragments only (the key is stream and seq). */
static void test_interleaved(void)
{
    LcFragLimits limits = {1 << 20, 64, 64 << 20, DEADLINE_US};
    g_autoptr(LcFragReassembler) ra = frag_reassembler_new(&limits, NULL, NULL);
    GRand *rand = g_rand_new_with_seed(42);
    enum { FRAMES = 6 };
    guint8 *frames[FRAMES];
    gsize sizes[FRAMES];
    g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(LcFragment));
    for (guint i = 0; i < FRAMES; i++) {
        sizes[i] = 1000 + (gsize)g_rand_int_range(rand, 0, 20000);
        frames[i] = make_frame(sizes[i], i);
        for (guint j = 0; j < frag_count_for_size(sizes[i]); j++) {
            /* Frames 0-2 on stream 1, 3-5 on stream 2, with the same seqs. */
            LcFragment f = fragment_of(frames[i], sizes[i], 1 + i / 3, i % 3, j);
            g_array_append_val(all, f);
        }
    }
    for (guint i = all->len - 1; i > 0; i--) {
        guint j = (guint)g_rand_int_range(rand, 0, (gint32)i + 1);
        LcFragment t = g_array_index(all, LcFragment, i);
        g_array_index(all, LcFragment, i) = g_array_index(all, LcFragment, j);
        g_array_index(all, LcFragment, j) = t;
    }
    guint complete = 0;
    for (guint i = 0; i < all->len; i++) {
        LcFragResult result;
        LcFragFrame out;
        g_assert_true(frag_reassembler_add(ra, &g_array_index(all, LcFragment, i), 1, 1, &result,
                                           &out, NULL));
        if (result != FRAG_COMPLETE)
            continue;
        guint which = (out.meta.stream_id - 1) * 3 + (guint)out.meta.seq;
        gsize size = 0;
        const guint8 *got = g_bytes_get_data(out.data, &size);
        g_assert_cmpmem(got, size, frames[which], sizes[which]);
        frag_frame_clear(&out);
        complete++;
    }
    g_assert_cmpuint(complete, ==, FRAMES);
    for (guint i = 0; i < FRAMES; i++)
        g_free(frames[i]);
    g_rand_free(rand);
}

/* A fragment that disagrees with its frame's size is rejected and counted;
 * the frame still completes from the right ones. */
static void test_inconsistent(void)
{
    LcFragLimits limits = {1 << 20, 16, 8 << 20, DEADLINE_US};
    g_autoptr(LcFragReassembler) ra = frag_reassembler_new(&limits, NULL, NULL);
    g_autofree guint8 *frame = make_frame(3000, 1);
    g_autofree guint8 *other = make_frame(4000, 1);
    LcFragResult result;
    LcFragFrame out;
    LcFragment f = fragment_of(frame, 3000, 1, 1, 0);
    g_assert_true(frag_reassembler_add(ra, &f, 1, 1, &result, &out, NULL));
    LcFragment bad = fragment_of(other, 4000, 1, 1, 1);
    g_autoptr(GError) error = NULL;
    g_assert_false(frag_reassembler_add(ra, &bad, 2, 2, &result, &out, &error));
    g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME);
    for (guint i = 1; i < 3; i++) {
        f = fragment_of(frame, 3000, 1, 1, i);
        g_assert_true(frag_reassembler_add(ra, &f, 3, 3, &result, &out, NULL));
    }
    g_assert_cmpint(result, ==, FRAG_COMPLETE);
    g_assert_cmpmem(g_bytes_get_data(out.data, NULL), g_bytes_get_size(out.data), frame, 3000);
    frag_frame_clear(&out);
    LcFragCounters c;
    frag_reassembler_get_counters(ra, &c);
    g_assert_cmpuint(c.rejected, ==, 1);
}

/* Frames over the size limit, or over what the memory bound can ever hold,
 * are refused before anything is allocated for them. */
static void test_oversize(void)
{
    LcFragLimits limits = {10000, 16, 8000, DEADLINE_US};
    g_autoptr(LcFragReassembler) ra = frag_reassembler_new(&limits, NULL, NULL);
    g_autofree guint8 *frame = make_frame(12000, 1);
    LcFragResult result;
    LcFragFrame out;
    g_autoptr(GError) e1 = NULL, e2 = NULL;
    LcFragment f = fragment_of(frame, 12000, 1, 1, 0);
    g_assert_false(frag_reassembler_add(ra, &f, 1, 1, &result, &out, &e1));
    g_assert_error(e1, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE);
    f = fragment_of(frame, 9000, 1, 2, 0);
    g_assert_false(frag_reassembler_add(ra, &f, 1, 1, &result, &out, &e2));
    g_assert_error(e2, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME);
    g_assert_cmpuint(frag_reassembler_get_pending(ra), ==, 0);
}

/* Records which frames were abandoned. */
static void on_lost(guint32 stream, guint64 seq, guint received, guint count, gpointer data)
{
    g_array_append_val((GArray *)data, seq);
}

/* Beyond max_frames (or max_bytes) incomplete frames, the oldest is
 * abandoned as lost: memory stays bounded whatever a sender does. */
static void test_bounded(void)
{
    g_autoptr(GArray) lost = g_array_new(FALSE, FALSE, sizeof(guint64));
    LcFragLimits limits = {1 << 20, 4, 5 * 2400, DEADLINE_US};
    g_autoptr(LcFragReassembler) ra = frag_reassembler_new(&limits, on_lost, lost);
    g_autofree guint8 *frame = make_frame(2400, 0);
    for (guint64 seq = 1; seq <= 10; seq++) {
        LcFragResult result;
        LcFragFrame out;
        LcFragment f = fragment_of(frame, 2400, 1, seq, 0);
        g_assert_true(frag_reassembler_add(ra, &f, (gint64)seq, 1, &result, &out, NULL));
        g_assert_cmpuint(frag_reassembler_get_pending(ra), <=, 4);
        g_assert_cmpuint(frag_reassembler_get_pending_bytes(ra), <=, 5 * 2400);
    }
    g_assert_cmpuint(lost->len, ==, 6);
    for (guint i = 0; i < lost->len; i++)
        g_assert_cmpuint(g_array_index(lost, guint64, i), ==, i + 1); /* oldest first */
    LcFragCounters c;
    frag_reassembler_get_counters(ra, &c);
    g_assert_cmpuint(c.evicted, ==, 6);
    /* With a byte bound tighter than the frame bound, bytes decide. */
    LcFragLimits tight = {1 << 20, 100, 2 * 2400, DEADLINE_US};
    g_autoptr(LcFragReassembler) rb = frag_reassembler_new(&tight, NULL, NULL);
    for (guint64 seq = 1; seq <= 5; seq++) {
        LcFragResult result;
        LcFragFrame out;
        LcFragment f = fragment_of(frame, 2400, 1, seq, 1);
        g_assert_true(frag_reassembler_add(rb, &f, 1, 1, &result, &out, NULL));
    }
    g_assert_cmpuint(frag_reassembler_get_pending(rb), ==, 2);
}

/* A straggler of a frame already counted lost is late, not a new frame that
 * would be lost a second time; once its tombstone goes, it would start anew. */
static void test_late(void)
{
    g_autoptr(GArray) lost = g_array_new(FALSE, FALSE, sizeof(guint64));
    LcFragLimits limits = {1 << 20, 16, 8 << 20, DEADLINE_US};
    g_autoptr(LcFragReassembler) ra = frag_reassembler_new(&limits, on_lost, lost);
    g_autofree guint8 *frame = make_frame(3000, 9);
    LcFragResult result;
    LcFragFrame out;
    LcFragment f0 = fragment_of(frame, 3000, 1, 9, 0);
    LcFragment f1 = fragment_of(frame, 3000, 1, 9, 1);
    g_assert_true(frag_reassembler_add(ra, &f0, 0, 0, &result, &out, NULL));
    g_assert_cmpuint(frag_reassembler_expire(ra, DEADLINE_US - 1), ==, 0);
    g_assert_cmpuint(frag_reassembler_expire(ra, DEADLINE_US), ==, 1);
    g_assert_true(frag_reassembler_add(ra, &f1, DEADLINE_US + 10, 0, &result, &out, NULL));
    g_assert_cmpint(result, ==, FRAG_LATE);
    g_assert_cmpuint(frag_reassembler_expire(ra, 3 * DEADLINE_US), ==, 0);
    g_assert_cmpuint(lost->len, ==, 1);
    g_assert_true(frag_reassembler_add(ra, &f1, 3 * DEADLINE_US, 0, &result, &out, NULL));
    g_assert_cmpint(result, ==, FRAG_ADDED);
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/video/frag/split-sizes", test_split_sizes);
    TEST_ADD_ROWS("/video/frag/check", check_rows, test_check);
    TEST_ADD_ROWS("/video/frag/reassembly", reassembly_rows, test_reassembly);
    g_test_add_func("/video/frag/interleaved", test_interleaved);
    g_test_add_func("/video/frag/inconsistent", test_inconsistent);
    g_test_add_func("/video/frag/oversize", test_oversize);
    g_test_add_func("/video/frag/bounded", test_bounded);
    g_test_add_func("/video/frag/late", test_late);
    return g_test_run();
}
