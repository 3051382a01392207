/* test-relay-files.c: the relay's limits on files, attacked with frames
 * written by hand (a real relay on 127.0.0.1): offers per member, flood
 * control, file channels with a wrong token, a receiver asking past the
 * window the relay holds, a sender sending what was not asked for; and,
 * with all of that at once, a real transfer beside it that nothing
 * disturbs. */
#include "net/client/files.h"
#include "net/relay/relay_files.h"
#include "tests/net/harness.h"
#include "tests/test-tmpdir.h"

#include <string.h>

/* A hash for offers made by hand. */
static GBytes *fake_hash(void)
{
    static const guint8 zeros[WIRE_FILE_HASH_SIZE];
    return g_bytes_new_static(zeros, sizeof(zeros));
}

/* FILE_OFFER by hand. */
static void raw_offer(GSocket *s, guint32 id, const char *to, const char *name, guint64 size)
{
    g_autoptr(GBytes) hash = fake_hash();
    LcWireMsg offer = {.type = WIRE_FILE_OFFER};
    offer.file_offer.offer_id = id;
    offer.file_offer.size = size;
    offer.file_offer.ways = WIRE_FILE_WAY_RELAY;
    offer.file_offer.to = (char *)to;
    offer.file_offer.name = (char *)name;
    offer.file_offer.sha256 = hash;
    test_raw_send(s, &offer);
}

/* A member speaking frames by hand, taking files. */
static GSocket *raw_member(guint16 port, const char *nick)
{
    return test_raw_join_flags(port, nick, WIRE_FLAG_FILES, 0, 0);
}

/* mallory offers eve a file, eve takes it through the relay: both sides'
 * FILE_START (their tokens). */
static void raw_pair(GSocket *mallory, GSocket *eve, guint32 id, LcWireMsg *m_start,
                     LcWireMsg *e_start)
{
    raw_offer(mallory, id, "eve", "big.bin", 1ull << 40);
    LcWireMsg offered;
    g_assert_true(test_raw_read_type(eve, WIRE_FILE_OFFERED, &offered, 3000));
    LcWireMsg answer = {.type = WIRE_FILE_ANSWER};
    answer.file_answer.transfer_id = offered.file_offered.transfer_id;
    answer.file_answer.answer = WIRE_FILE_ACCEPT;
    answer.file_answer.way = WIRE_FILE_WAY_RELAY;
    test_raw_send(eve, &answer);
    wire_msg_clear(&offered);
    g_assert_true(test_raw_read_type(eve, WIRE_FILE_START, e_start, 3000));
    g_assert_true(test_raw_read_type(mallory, WIRE_FILE_START, m_start, 3000));
    /* Each side a token of its own. */
    g_assert_cmpuint(m_start->file_start.token, !=, e_start->file_start.token);
}

/* A file channel to the relay, said FILE_HELLO on. */
static GSocket *raw_channel(guint16 port, const LcWireMsg *start, guint8 role)
{
    GSocket *s = test_raw_connect(port);
    LcWireMsg hello = {.type = WIRE_FILE_HELLO};
    hello.file_hello.role = role;
    hello.file_hello.transfer_id = start->file_start.transfer_id;
    hello.file_hello.token = start->file_start.token;
    test_raw_send(s, &hello);
    return s;
}

/* At most RELAY_FILES_OFFERS_PER_CLIENT offers open: the next is refused
 * (RATE_LIMITED, in FILE_END), the member stays. */
static void test_offers_per_member(RelayFixture *fx, gconstpointer data)
{
    GSocket *mallory = raw_member(fx->port, "mallory");
    GSocket *eve = raw_member(fx->port, "eve");
    for (guint i = 1; i <= RELAY_FILES_OFFERS_PER_CLIENT + 1; i++) {
        g_autofree char *name = g_strdup_printf("f%u.bin", i);
        raw_offer(mallory, i, "eve", name, 10);
    }
    LcWireMsg end;
    g_assert_true(test_raw_read_type(mallory, WIRE_FILE_END, &end, 3000));
    g_assert_cmpuint(end.file_end.offer_id, ==, RELAY_FILES_OFFERS_PER_CLIENT + 1);
    g_assert_cmpuint(end.file_end.code, ==, WIRE_ERR_RATE_LIMITED);
    wire_msg_clear(&end);
    test_raw_chat(mallory, 1, "still here");
    LcWireMsg ack;
    g_assert_true(test_raw_read_type(mallory, WIRE_CHAT_ACK, &ack, 3000));
    wire_msg_clear(&ack);
    g_object_unref(mallory);
    g_object_unref(eve);
}

/* A flood of FILE_ANSWERs past the burst: refused with RATE_LIMITED, not
 * a disconnection. */
static void test_flood(RelayFixture *fx, gconstpointer data)
{
    GSocket *mallory = raw_member(fx->port, "mallory");
    for (guint i = 0; i < RELAY_FILES_BURST + 10; i++) {
        LcWireMsg answer = {.type = WIRE_FILE_ANSWER};
        answer.file_answer.transfer_id = 12345;
        answer.file_answer.answer = WIRE_FILE_REJECT;
        test_raw_send(mallory, &answer);
    }
    LcWireMsg msg;
    gboolean limited = FALSE;
    while (!limited && test_raw_read(mallory, &msg, 3000)) {
        limited = msg.type == WIRE_ERROR && msg.error.code == WIRE_ERR_RATE_LIMITED &&
                  !(msg.flags & WIRE_FLAG_FATAL);
        wire_msg_clear(&msg);
    }
    g_assert_true(limited);
    LcRelayCounters counters;
    test_relay_counters(fx->relay, &counters);
    g_assert_cmpuint(counters.rate_limited, >, 0);
    g_object_unref(mallory);
}

/* A file channel naming no transfer, or the right transfer with another
 * token, or a role said twice: refused and closed. */
static void test_bad_hello(RelayFixture *fx, gconstpointer data)
{
    GSocket *mallory = raw_member(fx->port, "mallory");
    GSocket *eve = raw_member(fx->port, "eve");
    LcWireMsg m_start, e_start;
    raw_pair(mallory, eve, 1, &m_start, &e_start);
    LcWireMsg forged = m_start;
    forged.file_start.token ^= 1;
    /* A forged token, an unknown role, and the receiver's token for the
     * sender's side. */
    GSocket *bad[] = {raw_channel(fx->port, &forged, WIRE_FILE_ROLE_SENDER),
                      raw_channel(fx->port, &m_start, 7),
                      raw_channel(fx->port, &e_start, WIRE_FILE_ROLE_SENDER)};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint16 code = 0;
        g_assert_true(test_raw_wait_closed(bad[i], 3000, &code));
        g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);
        g_object_unref(bad[i]);
    }
    GSocket *first = raw_channel(fx->port, &m_start, WIRE_FILE_ROLE_SENDER);
    GSocket *twice = raw_channel(fx->port, &m_start, WIRE_FILE_ROLE_SENDER);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(twice, 3000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);
    wire_msg_clear(&m_start);
    wire_msg_clear(&e_start);
    g_object_unref(twice);
    g_object_unref(first);
    g_object_unref(mallory);
    g_object_unref(eve);
}

/* A receiver that asks for more than the relay holds for a transfer, and
 * a sender that sends what was not asked for: the pair is closed, the
 * members stay. */
static void test_window_and_unasked(RelayFixture *fx, gconstpointer data)
{
    GSocket *mallory = raw_member(fx->port, "mallory");
    GSocket *eve = raw_member(fx->port, "eve");
    for (guint round = 0; round < 2; round++) {
        LcWireMsg m_start, e_start;
        raw_pair(mallory, eve, round + 1, &m_start, &e_start);
        GSocket *tx = raw_channel(fx->port, &m_start, WIRE_FILE_ROLE_SENDER);
        GSocket *rx = raw_channel(fx->port, &e_start, WIRE_FILE_ROLE_RECEIVER);
        LcWireMsg ready;
        g_assert_true(test_raw_read_type(tx, WIRE_FILE_READY, &ready, 3000));
        g_assert_true(test_raw_read_type(rx, WIRE_FILE_READY, &ready, 3000));
        if (round == 0) {
            /* Past the window by one FILE_GET. */
            guint n = RELAY_FILES_WINDOW_MAX / WIRE_FILE_DATA_MAX + 1;
            for (guint i = 0; i < n; i++) {
                LcWireMsg get = {.type = WIRE_FILE_GET};
                get.file_get.offset = (guint64)i * WIRE_FILE_DATA_MAX;
                get.file_get.length = WIRE_FILE_DATA_MAX;
                test_raw_send(rx, &get);
            }
        } else {
            guint8 junk[1000] = {0};
            g_autoptr(GBytes) bytes = g_bytes_new(junk, sizeof(junk));
            LcWireMsg msg = {.type = WIRE_FILE_DATA};
            msg.file_data.data = bytes;
            test_raw_send(tx, &msg);
        }
        guint16 code = 0;
        g_assert_true(test_raw_wait_closed(round == 0 ? rx : tx, 3000, &code));
        g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);
        g_assert_true(test_raw_wait_closed(round == 0 ? tx : rx, 3000, NULL));
        wire_msg_clear(&m_start);
        wire_msg_clear(&e_start);
        g_object_unref(tx);
        g_object_unref(rx);
    }
    test_raw_chat(eve, 1, "fine");
    LcWireMsg ack;
    g_assert_true(test_raw_read_type(eve, WIRE_CHAT_ACK, &ack, 3000));
    wire_msg_clear(&ack);
    g_object_unref(mallory);
    g_object_unref(eve);
}

typedef struct {
    gboolean joined;
    guint finished, failed;
} Member;

/* Notes a join. */
static void member_on_state(LcSession *s, LcSessionState state, const GError *e, gpointer data)
{
    ((Member *)data)->joined = state == SESSION_JOINED;
}

/* Notes a transfer's end. */
static void member_on_finished(LcFiles *f, const LcFilesProgress *p, const GError *error,
                               gpointer data)
{
    Member *m = data;
    if (error == NULL)
        m->finished++;
    else
        m->failed++;
}

/* A session taking files into dir (NULL: none). */
static LcSession *member_join(guint16 port, const char *nick, const char *dir, Member *m,
                              LcFiles **files)
{
    LcSessionConfig sc = {
        .host = "127.0.0.1", .port = port, .nick = nick, .history_limit = 0, .files = TRUE};
    LcSessionEvents ev = {.state = member_on_state};
    LcSession *s = session_new(&sc, &ev, m);
    LcFilesConfig fc = {.dir = dir, .auto_accept = dir != NULL};
    LcFilesEvents fe = {.finished = member_on_finished};
    *files = files_new(s, &fc, &fe, m);
    session_start(s);
    g_assert_true(test_wait_flag(&m->joined, 5000));
    return s;
}

/* bob has his file. */
static gboolean bob_done(gpointer data)
{
    Member *bob = data;
    return bob->finished + bob->failed > 0;
}

/* Every abuse at once beside a real transfer: alice's file reaches bob
 * whole all the same. */
static void test_abuse_beside_transfer(RelayFixture *fx, gconstpointer data)
{
    g_autofree char *src = g_dir_make_tmp("lanconf-send-XXXXXX", NULL);
    g_autofree char *dst = g_dir_make_tmp("lanconf-recv-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(src, "calm.bin", NULL);
    gsize size = 6 * 1024 * 1024;
    g_autofree char *bytes = g_malloc(size);
    for (gsize i = 0; i < size; i++)
        bytes[i] = (char)(i ^ (i >> 9));
    g_assert_true(g_file_set_contents(path, bytes, (gssize)size, NULL));
    Member alice = {0}, bob = {0};
    LcFiles *af = NULL, *bf = NULL;
    LcSession *as = member_join(fx->port, "alice", NULL, &alice, &af);
    LcSession *bs = member_join(fx->port, "bob", dst, &bob, &bf);
    GSocket *mallory = raw_member(fx->port, "mallory");
    GSocket *eve = raw_member(fx->port, "eve");
    /* The window overflow, a forged channel and a flood, then the real
     * transfer while they run. */
    LcWireMsg m_start, e_start;
    raw_pair(mallory, eve, 1, &m_start, &e_start);
    GSocket *tx = raw_channel(fx->port, &m_start, WIRE_FILE_ROLE_SENDER);
    GSocket *rx = raw_channel(fx->port, &e_start, WIRE_FILE_ROLE_RECEIVER);
    LcWireMsg forged = m_start;
    forged.file_start.token += 1;
    GSocket *bad = raw_channel(fx->port, &forged, WIRE_FILE_ROLE_RECEIVER);
    g_autoptr(GError) error = NULL;
    files_send(af, path, "bob", WIRE_FILE_WAY_RELAY, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < RELAY_FILES_WINDOW_MAX / WIRE_FILE_DATA_MAX + 4; i++) {
        LcWireMsg get = {.type = WIRE_FILE_GET};
        get.file_get.length = WIRE_FILE_DATA_MAX;
        test_raw_send(rx, &get);
    }
    for (guint i = 0; i < 2 * RELAY_FILES_OFFERS_PER_CLIENT; i++)
        raw_offer(mallory, 100 + i, "bob", "spam.bin", 1);
    g_assert_true(test_wait_until(bob_done, &bob, 30000));
    g_assert_cmpuint(bob.finished, ==, 1);
    g_autofree char *got = g_build_filename(dst, "calm.bin", NULL);
    g_autofree char *back = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(got, &back, &len, NULL));
    g_assert_cmpuint(len, ==, size);
    g_assert_true(memcmp(back, bytes, size) == 0);
    wire_msg_clear(&m_start);
    wire_msg_clear(&e_start);
    g_object_unref(bad);
    g_object_unref(tx);
    g_object_unref(rx);
    g_object_unref(mallory);
    g_object_unref(eve);
    files_free(af);
    files_free(bf);
    session_free(as);
    session_free(bs);
    test_tmpdir_remove(src);
    test_tmpdir_remove(dst);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/files/relay/offers-per-member", NULL, test_offers_per_member);
    relay_test_add("/files/relay/flood", NULL, test_flood);
    relay_test_add("/files/relay/bad-hello", NULL, test_bad_hello);
    relay_test_add("/files/relay/window-and-unasked", NULL, test_window_and_unasked);
    relay_test_add("/files/relay/abuse-beside-transfer", NULL, test_abuse_beside_transfer);
    return g_test_run();
}
