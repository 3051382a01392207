/* test-transfer.c: files between real sessions through a real relay on
 * 127.0.0.1: through the relay and directly, checked end to end; names
 * that would leave the folder refused; a transfer that survives the
 * relay's restart and goes on where it stopped. */
#include "net/client/files.h"
#include "net/files/file_name.h"
#include "tests/net/harness.h"
#include "tests/test-tmpdir.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "tests/test-same-file.h"

typedef struct {
    LcSession *session;
    LcFiles *files;
    gboolean joined;
    guint finished;
    guint failed;
    gboolean offer_done;
    guint8 way;
    guint64 last_done;
    guint64 first_done_after_cut; /* the first progress after a restart */
    gboolean cut;
    guint offered;      /* offers shown, not taken at once */
    guint last_offered; /* the last one's number */
    GError *error;
} Side;

/* Notes a join. */
static void side_on_state(LcSession *session, LcSessionState state, const GError *error,
                          gpointer data)
{
    Side *side = data;
    side->joined = state == SESSION_JOINED;
}

/* Notes progress, and where it stood first after a cut. */
static void side_on_progress(LcFiles *files, const LcFilesProgress *p, gpointer data)
{
    Side *side = data;
    side->way = p->way;
    side->last_done = p->done;
    if (side->cut && side->first_done_after_cut == 0)
        side->first_done_after_cut = p->done;
}

/* Notes one transfer's end. */
static void side_on_finished(LcFiles *files, const LcFilesProgress *p, const GError *error,
                             gpointer data)
{
    Side *side = data;
    side->way = p->way ? p->way : side->way;
    if (error == NULL) {
        side->finished++;
        return;
    }
    side->failed++;
    if (side->error == NULL)
        side->error = g_error_copy(error);
}

/* Notes that an offer is over. */
static void side_on_offer_done(LcFiles *files, guint offer, guint n_ok, guint n_failed,
                               gpointer data)
{
    ((Side *)data)->offer_done = TRUE;
}

/* Whether the next side_join() takes files at once (else each offer
 * waits for files_accept()). */
static gboolean side_auto_accept = TRUE;

/* Notes an offer shown. */
static void side_on_offered(LcFiles *files, const LcFilesProgress *p, gpointer data)
{
    Side *side = data;
    side->offered++;
    side->last_offered = p->id;
}

/* Joins a member whose session takes files, receiving into dir (NULL:
 * none). */
static void side_join(Side *side, guint16 port, const char *nick, const char *dir, double rate)
{
    memset(side, 0, sizeof(*side));
    LcSessionConfig config = {.host = "127.0.0.1",
                              .port = port,
                              .nick = nick,
                              .history_limit = 0,
                              .reconnect = TRUE,
                              .reconnect_max_ms = 300,
                              .files = TRUE};
    LcSessionEvents events = {.state = side_on_state};
    side->session = session_new(&config, &events, side);
    LcFilesConfig fconfig = {
        .dir = dir, .auto_accept = dir != NULL && side_auto_accept, .rate = rate};
    LcFilesEvents fevents = {.progress = side_on_progress,
                             .finished = side_on_finished,
                             .offer_done = side_on_offer_done,
                             .offered = side_on_offered};
    side->files = files_new(side->session, &fconfig, &fevents, side);
    session_start(side->session);
    g_assert_true(test_wait_flag(&side->joined, 5000));
}

/* Leaves. */
static void side_leave(Side *side)
{
    files_free(side->files);
    session_free(side->session);
    g_clear_error(&side->error);
}

/* A file of size pseudo-random bytes. */
static char *make_file(const char *dir, const char *name, gsize size)
{
    g_autofree guint8 *data = g_malloc(MAX(size, 1));
    GRand *rand = g_rand_new_with_seed((guint32)size);
    for (gsize i = 0; i < size; i++)
        data[i] = (guint8)g_rand_int(rand);
    g_rand_free(rand);
    char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, (const char *)data, (gssize)size, NULL));
    return path;
}

/* How many of this process's descriptors are open on path. */
static guint open_on(const char *path)
{
    guint n = 0;
    g_autoptr(GDir) d = g_dir_open("/proc/self/fd", 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *link = g_strdup_printf("/proc/self/fd/%s", name);
        g_autofree char *target = g_file_read_link(link, NULL);
        n += target != NULL && g_strcmp0(target, path) == 0;
    }
    return n;
}

/* Both sides are done. */
static gboolean both_done(gpointer data)
{
    Side **sides = data;
    return sides[0]->offer_done && (sides[1]->finished + sides[1]->failed) > 0;
}

/* One file to one member by one way; checked byte for byte and by the
 * receiver's SHA-256. */
static void test_way(gconstpointer data)
{
    guint8 way = (guint8)GPOINTER_TO_UINT(data);
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    g_autofree char *src = g_dir_make_tmp("lanconf-send-XXXXXX", NULL);
    g_autofree char *dst = g_dir_make_tmp("lanconf-recv-XXXXXX", NULL);
    /* Not a whole number of FILE_GETs, larger than the window. */
    g_autofree char *path = make_file(src, "report 2026.bin", 3 * 1024 * 1024 + 12345);
    Side alice, bob;
    side_join(&alice, port, "alice", NULL, 0);
    side_join(&bob, port, "bob", dst, 0);

    g_autoptr(GError) error = NULL;
    guint id = files_send(alice.files, path, "bob", way, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(id, >, 0);
    /* The same file to the same member while it goes: refused. */
    g_assert_cmpuint(files_send(alice.files, path, "bob", way, &error), ==, 0);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_clear_error(&error);
    /* Someone not in the room: refused before anything is hashed. */
    g_assert_cmpuint(files_send(alice.files, path, "nobody", way, &error), ==, 0);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error(&error);
    Side *sides[] = {&alice, &bob};
    g_assert_true(test_wait_until(both_done, sides, 20000));
    g_assert_no_error(bob.error);
    g_assert_no_error(alice.error);
    g_assert_cmpuint(bob.finished, ==, 1);
    g_assert_cmpuint(alice.finished, ==, 1);
    g_assert_cmpuint(bob.way, ==, way);
    g_autofree char *got = g_build_filename(dst, "report 2026.bin", NULL);
    test_assert_same_file(path, got);
    g_autofree char *part = g_strconcat(got, ".lanconf-part", NULL);
    g_assert_false(g_file_test(part, G_FILE_TEST_EXISTS));
    /* An offer that is over holds its file no more (nor does the
     * receiver the one it wrote). */
    g_assert_cmpuint(open_on(path), ==, 0);
    g_assert_cmpuint(open_on(got), ==, 0);

    /* The same file again: bob has it, and says so without a transfer. */
    alice.offer_done = FALSE;
    files_send(alice.files, path, "bob", way, &error);
    g_assert_no_error(error);
    g_assert_true(test_wait_flag(&alice.offer_done, 20000));
    g_assert_cmpuint(alice.finished, ==, 2);
    g_assert_cmpuint(bob.finished + bob.failed, ==, 1);

    /* Another file of that name: the name is taken, so it is refused, and
     * the file there is left as it was. */
    g_autofree char *other = make_file(src, "report 2026.bin", 1000);
    alice.offer_done = FALSE;
    files_send(alice.files, other, "bob", way, &error);
    g_assert_no_error(error);
    g_assert_true(test_wait_until(both_done, sides, 20000));
    g_assert_true(test_wait_flag(&alice.offer_done, 20000));
    g_assert_cmpuint(bob.failed, ==, 1);
    g_assert_error(bob.error, LC_FILE_ERROR, FILE_ERROR_EXISTS);
    g_assert_cmpuint(alice.failed, ==, 1);
    g_assert_error(alice.error, LC_WIRE_ERROR, WIRE_ERR_REJECTED);
    g_autofree char *first = make_file(src, "first copy", 3 * 1024 * 1024 + 12345);
    test_assert_same_file(first, got);

    side_leave(&alice);
    side_leave(&bob);
    test_relay_stop(relay);
    test_tmpdir_remove(src);
    test_tmpdir_remove(dst);
}

/* Reads from a raw socket until a message of this type, running the main
 * context meanwhile (bob's session lives there). */
static gboolean raw_read_pumping(GSocket *raw, guint8 type, LcWireMsg *msg)
{
    for (guint i = 0; i < 100; i++) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        if (test_raw_read_type(raw, type, msg, 50))
            return TRUE;
    }
    return FALSE;
}

/* A raw member offers files whose names would leave the folder or hide:
 * the relay refuses each with the reason, and bob is offered none. */
static void test_bad_names(void)
{
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    g_autofree char *dst = g_dir_make_tmp("lanconf-recv-XXXXXX", NULL);
    Side bob;
    side_join(&bob, port, "bob", dst, 0);
    GSocket *raw = test_raw_join_flags(port, "mallory", WIRE_FLAG_FILES, 0, 0);
    static const char *const names[] = {"../evil", "/etc/passwd", "a/b",           ".bashrc",
                                        "..",      "a\nb",        "x\u202eexe.txt"};
    guint8 sha[WIRE_FILE_HASH_SIZE] = {0};
    g_autoptr(GBytes) hash = g_bytes_new(sha, sizeof(sha));
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        LcWireMsg offer = {.type = WIRE_FILE_OFFER};
        offer.file_offer.offer_id = i + 1;
        offer.file_offer.size = 10;
        offer.file_offer.ways = WIRE_FILE_WAY_RELAY;
        offer.file_offer.to = "bob";
        offer.file_offer.name = (char *)names[i];
        offer.file_offer.sha256 = hash;
        test_raw_send(raw, &offer);
        LcWireMsg answer;
        g_test_message("offering %s", names[i]);
        g_assert_true(test_raw_read_type(raw, WIRE_FILE_END, &answer, 3000));
        g_assert_cmpuint(answer.file_end.offer_id, ==, i + 1);
        g_assert_cmpuint(answer.file_end.code, ==, WIRE_ERR_PROTOCOL);
        g_assert_nonnull(strstr(answer.file_end.reason, "name"));
        wire_msg_clear(&answer);
    }
    /* A good name goes through to bob, whose folder gets nothing else. */
    LcWireMsg offer = {.type = WIRE_FILE_OFFER};
    offer.file_offer.offer_id = 99;
    offer.file_offer.size = 10;
    offer.file_offer.ways = WIRE_FILE_WAY_RELAY;
    offer.file_offer.to = "bob";
    offer.file_offer.name = "fine.txt";
    offer.file_offer.sha256 = hash;
    test_raw_send(raw, &offer);
    LcWireMsg start;
    g_assert_true(raw_read_pumping(raw, WIRE_FILE_START, &start));
    g_assert_cmpstr(start.file_start.nick, ==, "bob");
    g_assert_cmpuint(start.file_start.way, ==, WIRE_FILE_WAY_RELAY);
    wire_msg_clear(&start);
    g_autoptr(GDir) d = g_dir_open(dst, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        g_assert_cmpstr(name, ==, "fine.txt.lanconf-part");
    /* A name that is not UTF-8 is a broken frame: the relay says so and
     * closes. */
    offer.file_offer.name = "\xff\xfe";
    test_raw_send(raw, &offer);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(raw, 3000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_BAD_UTF8);
    g_object_unref(raw);
    side_leave(&bob);
    test_relay_stop(relay);
    test_tmpdir_remove(dst);
}

static guint16 restart_port;

/* The restarted relay takes the port the first one had. */
static void restart_tweak(LcRelayConfig *config)
{
    config->port = restart_port;
}

/* The receiver has a part of the file. */
static gboolean some_received(gpointer data)
{
    return ((Side *)data)->last_done >= 2 * 1024 * 1024;
}

/* Held to 4 MiB/s, through the relay or directly: the relay stops midway
 * and comes back on its port; both sessions rejoin, the sender offers
 * again, and the receiver goes on from its part file, not from the start
 * (directly, the channel it had is replaced by the new offer's). */
static void test_resume_after_restart(gconstpointer data)
{
    guint8 way = (guint8)GPOINTER_TO_UINT(data);
    TestRelay *relay = test_relay_start(NULL);
    restart_port = test_relay_port(relay);
    g_autofree char *src = g_dir_make_tmp("lanconf-send-XXXXXX", NULL);
    g_autofree char *dst = g_dir_make_tmp("lanconf-recv-XXXXXX", NULL);
    gsize size = 12 * 1024 * 1024;
    g_autofree char *path = make_file(src, "big.bin", size);
    Side alice, bob;
    side_join(&alice, restart_port, "alice", NULL, 4.0 * 1024 * 1024);
    side_join(&bob, restart_port, "bob", dst, 0);
    g_autoptr(GError) error = NULL;
    files_send(alice.files, path, "bob", way, &error);
    g_assert_no_error(error);
    g_assert_true(test_wait_until(some_received, &bob, 20000));

    guint64 cut_at = bob.last_done;
    test_relay_stop(relay);
    bob.cut = TRUE;
    relay = test_relay_start(restart_tweak);
    Side *sides[] = {&alice, &bob};
    g_assert_true(test_wait_until(both_done, sides, 30000));
    g_assert_no_error(bob.error);
    g_assert_cmpuint(bob.finished, ==, 1);
    g_assert_cmpuint(alice.finished, ==, 1);
    /* It went on from the part file: no progress below where it was cut,
     * less a window that may not have reached the disk. */
    g_assert_cmpuint(bob.first_done_after_cut + 2 * 1024 * 1024, >=, cut_at);
    g_autofree char *got = g_build_filename(dst, "big.bin", NULL);
    test_assert_same_file(path, got);

    side_leave(&alice);
    side_leave(&bob);
    test_relay_stop(relay);
    test_tmpdir_remove(src);
    test_tmpdir_remove(dst);
}

/* bob has been offered n files. */
static gboolean offered_twice(gpointer data)
{
    return ((Side *)data)->offered >= 2;
}

/* An offer withdrawn before it was answered (its sender left), then made
 * again: the receiver asks anew, and takes the second. */
static void test_withdrawn_offer(void)
{
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    g_autofree char *src = g_dir_make_tmp("lanconf-send-XXXXXX", NULL);
    g_autofree char *dst = g_dir_make_tmp("lanconf-recv-XXXXXX", NULL);
    g_autofree char *path = make_file(src, "asked.bin", 300000);
    Side alice, bob;
    side_auto_accept = FALSE;
    side_join(&bob, port, "bob", dst, 0);
    side_auto_accept = TRUE;
    for (guint round = 0; round < 2; round++) {
        side_join(&alice, port, "alice", NULL, 0);
        g_autoptr(GError) error = NULL;
        files_send(alice.files, path, "bob", WIRE_FILE_WAY_DIRECT, &error);
        g_assert_no_error(error);
        if (round == 0) {
            g_assert_true(test_wait_flag((gboolean *)&bob.offered, 10000));
            /* Gone before bob answered (QUIT: the nick is free at once). */
            session_quit(alice.session, "bye");
            for (gint64 until = g_get_monotonic_time() + 3000000;
                 session_get_state(alice.session) != SESSION_CLOSED &&
                 g_get_monotonic_time() < until;)
                g_main_context_iteration(NULL, FALSE);
            side_leave(&alice);
            /* Let bob hear of it (and the relay free the nick). */
            for (gint64 until = g_get_monotonic_time() + 500000; g_get_monotonic_time() < until;)
                g_main_context_iteration(NULL, FALSE);
        }
    }
    g_assert_true(test_wait_until(offered_twice, &bob, 10000));
    g_assert_cmpuint(bob.failed, ==, 1); /* the withdrawn one */
    g_autoptr(GError) error = NULL;
    g_assert_true(files_accept(bob.files, bob.last_offered, &error));
    Side *sides[] = {&alice, &bob};
    g_assert_true(test_wait_until(both_done, sides, 10000));
    g_assert_cmpuint(bob.finished, ==, 1);
    g_autofree char *got = g_build_filename(dst, "asked.bin", NULL);
    test_assert_same_file(path, got);
    side_leave(&alice);
    side_leave(&bob);
    test_relay_stop(relay);
    test_tmpdir_remove(src);
    test_tmpdir_remove(dst);
}

/* Every receiver has its file. */
static gboolean all_received(gpointer data)
{
    Side **sides = data;
    for (guint i = 0; sides[i] != NULL; i++)
        if (sides[i]->finished + sides[i]->failed == 0)
            return FALSE;
    return TRUE;
}

/* One file to the room as a swarm: three receivers, all checked end to
 * end; the sender uploads each chunk about once (far less than three
 * copies), the receivers trading the rest among themselves. */
static void test_swarm(void)
{
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    g_autofree char *src = g_dir_make_tmp("lanconf-send-XXXXXX", NULL);
    gsize size = 24 * 1024 * 1024 + 777;
    g_autofree char *path = make_file(src, "lecture.mkv", size);
    const char *nicks[] = {"bob", "carol", "dave"};
    Side alice, recv[3];
    char *dirs[3];
    side_join(&alice, port, "alice", NULL, 0);
    for (guint i = 0; i < 3; i++) {
        dirs[i] = g_dir_make_tmp("lanconf-recv-XXXXXX", NULL);
        side_join(&recv[i], port, nicks[i], dirs[i], 0);
    }
    g_autoptr(GError) error = NULL;
    files_send(alice.files, path, NULL, WIRE_FILE_WAY_SWARM, &error);
    g_assert_no_error(error);
    Side *receivers[] = {&recv[0], &recv[1], &recv[2], NULL};
    g_assert_true(test_wait_until(all_received, receivers, 60000));
    g_assert_true(test_wait_flag(&alice.offer_done, 10000));
    guint64 traded = 0;
    for (guint i = 0; i < 3; i++) {
        g_assert_no_error(recv[i].error);
        g_assert_cmpuint(recv[i].finished, ==, 1);
        g_assert_cmpuint(recv[i].way, ==, WIRE_FILE_WAY_SWARM);
        g_autofree char *got = g_build_filename(dirs[i], "lecture.mkv", NULL);
        test_assert_same_file(path, got);
        traded += files_get_uploaded(recv[i].files);
    }
    g_assert_cmpuint(alice.finished, ==, 3);
    guint64 sent = files_get_uploaded(alice.files);
    g_test_message("swarm of 3: the sender uploaded %.2f copies, the receivers %.2f",
                   (double)sent / (double)size, (double)traded / (double)size);
    g_assert_cmpuint(sent, >=, size);
    g_assert_cmpuint(sent, <, 2 * size);
    g_assert_cmpuint(traded, >=, size);
    side_leave(&alice);
    for (guint i = 0; i < 3; i++) {
        side_leave(&recv[i]);
        test_tmpdir_remove(dirs[i]);
        g_free(dirs[i]);
    }
    test_relay_stop(relay);
    test_tmpdir_remove(src);
}

/* The process's peak resident memory in bytes (VmHWM), or 0. */
static G_GNUC_UNUSED guint64 peak_rss(void)
{
    g_autofree char *status = NULL;
    if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
        return 0;
    const char *line = strstr(status, "VmHWM:");
    return line ? g_ascii_strtoull(line + 6, NULL, 10) * 1024 : 0;
}

/* A sparse file larger than this process would want to hold (1 GiB; a
 * quarter of it under the sanitizers, which run many times slower) goes
 * through the relay whole, checked by its SHA-256; the relay, the sender
 * and the receiver all live in this process, whose peak memory grows by
 * far less than the file. */
static void test_large_sparse(void)
{
#if defined(__SANITIZE_ADDRESS__)
    const guint64 size = 256ull * 1024 * 1024;
#else
    const guint64 size = 1024ull * 1024 * 1024;
#endif
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    g_autofree char *src = g_dir_make_tmp("lanconf-send-XXXXXX", NULL);
    g_autofree char *dst = g_dir_make_tmp("lanconf-recv-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(src, "disk.img", NULL);
    FILE *f = fopen(path, "w");
    g_assert_nonnull(f);
    g_assert_cmpint(fseeko(f, (off_t)size - 5, SEEK_SET), ==, 0);
    g_assert_cmpint(fputs("tail\n", f), >=, 0);
    fclose(f);
#if !defined(__SANITIZE_ADDRESS__)
    guint64 before = peak_rss();
#endif
    Side alice, bob;
    side_join(&alice, port, "alice", NULL, 0);
    side_join(&bob, port, "bob", dst, 0);
    g_autoptr(GError) error = NULL;
    files_send(alice.files, path, "bob", WIRE_FILE_WAY_RELAY, &error);
    g_assert_no_error(error);
    Side *sides[] = {&alice, &bob};
    g_assert_true(test_wait_until(both_done, sides, 110000));
    g_assert_no_error(bob.error);
    g_assert_cmpuint(bob.finished, ==, 1);
    g_autofree char *got = g_build_filename(dst, "disk.img", NULL);
    GStatBuf st;
    g_assert_cmpint(g_stat(got, &st), ==, 0);
    g_assert_cmpuint((guint64)st.st_size, ==, size);
#if !defined(__SANITIZE_ADDRESS__)
    guint64 grew = peak_rss() - MIN(before, peak_rss());
    g_test_message("peak memory grew by %" G_GUINT64_FORMAT " MiB for a %" G_GUINT64_FORMAT
                   " MiB file",
                   grew >> 20, size >> 20);
    g_assert_cmpuint(grew, <, size / 4);
#endif
    side_leave(&alice);
    side_leave(&bob);
    test_relay_stop(relay);
    test_tmpdir_remove(src);
    test_tmpdir_remove(dst);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/files/transfer/relay", GUINT_TO_POINTER(WIRE_FILE_WAY_RELAY), test_way);
    g_test_add_data_func("/files/transfer/direct", GUINT_TO_POINTER(WIRE_FILE_WAY_DIRECT),
                         test_way);
    g_test_add_func("/files/transfer/bad-names", test_bad_names);
    g_test_add_func("/files/transfer/swarm", test_swarm);
    g_test_add_func("/files/transfer/withdrawn-offer", test_withdrawn_offer);
    g_test_add_data_func("/files/transfer/resume-after-restart/relay",
                         GUINT_TO_POINTER(WIRE_FILE_WAY_RELAY), test_resume_after_restart);
    g_test_add_data_func("/files/transfer/resume-after-restart/direct",
                         GUINT_TO_POINTER(WIRE_FILE_WAY_DIRECT), test_resume_after_restart);
    g_test_add_func("/files/transfer/large-sparse", test_large_sparse);
    return g_test_run();
}
