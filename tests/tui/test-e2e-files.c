/* test-e2e-files.c: files in the terminal client end to end
 * (e2e-harness.h): an offer shown with its number, /accept taking it into
 * the files folder with the progress bar in the status line, /reject, and
 * /send to a lanconf-cli that takes files. */
#include "e2e-harness.h"

#include <string.h>

#include "tests/test-same-file.h"

/* A file of size bytes of a pattern, in the test's folder. */
static char *e2e_make_file(E2e *e, const char *name, gsize size)
{
    g_autofree guint8 *data = g_malloc(size);
    for (gsize i = 0; i < size; i++)
        data[i] = (guint8)(i * 131 + i / 7);
    char *path = e2e_path(e, name);
    g_assert_true(g_file_set_contents(path, (const char *)data, (gssize)size, NULL));
    return path;
}

/* carol offers alice a file: alice sees the offer and its number, takes it
 * with /accept (the bar in the status line while it comes, held to 2 MiB/s),
 * and it arrives whole; a second offer is turned down with /reject, and
 * carol hears why. */
static void test_accept_reject(E2e *e, gconstpointer data)
{
    g_autofree char *file = e2e_make_file(e, "notes 1.bin", 6 * 1024 * 1024);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    const char *argv[] = {BIN("lanconf-cli"),
                          "--server",
                          server,
                          "--nick",
                          "carol",
                          "--send-file",
                          file,
                          "--to",
                          "alice",
                          "--file-rate",
                          "2M",
                          "--timeout",
                          "60",
                          NULL};
    g_autoptr(GSubprocess) carol = e2e_spawn(e, argv, "carol", FALSE);
    e2e_expect(e, NULL, "carol offers you notes 1.bin (6.0 MiB): /accept 1");
    /* A wrong number is said to be one, and nothing is taken. */
    e2e_type(e, "/accept 9", TRUE);
    e2e_expect(e, NULL, "no file offer 9 is waiting");
    e2e_type(e, "/accept", TRUE);
    e2e_expect(e, NULL, "v notes 1.bin from carol [");
    e2e_expect(e, NULL, "received notes 1.bin from carol (6.0 MiB)");
    g_autofree char *got = e2e_path(e, "files/notes 1.bin");
    test_assert_same_file(file, got);
    e2e_expect(e, "carol.err", "sent notes 1.bin to alice");
    g_assert_true(g_subprocess_wait_check(carol, NULL, NULL));

    /* The same file again: alice has it, and carol is told so at once. */
    const char *same[] = {BIN("lanconf-cli"), "--server", server, "--nick", "carol",
                          "--send-file",      file,       "--to", "alice",  NULL};
    g_autoptr(GSubprocess) carol1 = e2e_spawn(e, same, "carol1", FALSE);
    e2e_expect(e, "carol1.err", "sent notes 1.bin to alice");
    g_assert_true(g_subprocess_wait_check(carol1, NULL, NULL));

    g_autofree char *other = e2e_make_file(e, "other.bin", 1000);
    const char *again[] = {BIN("lanconf-cli"), "--server", server, "--nick", "carol",
                           "--send-file",      other,      "--to", "alice",  NULL};
    g_autoptr(GSubprocess) carol2 = e2e_spawn(e, again, "carol2", FALSE);
    e2e_expect(e, NULL, "/accept 2");
    e2e_type(e, "/reject 2", TRUE);
    e2e_expect(e, NULL, "other.bin from carol: turned down");
    e2e_expect(e, "carol2.err", "alice said no");
    g_assert_false(g_subprocess_wait_check(carol2, NULL, NULL));
}

/* alice sends a file to dave (a lanconf-cli taking files): dave has it
 * whole, and alice is told he checked it. A file that is not there is an
 * error line. */
static void test_send(E2e *e, gconstpointer data)
{
    g_autofree char *file = e2e_make_file(e, "slides.bin", 3 * 1024 * 1024 + 5);
    g_autofree char *dave_dir = e2e_path(e, "dave");
    g_mkdir_with_parents(dave_dir, 0700);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", e->port);
    const char *argv[] = {
        BIN("lanconf-cli"), "--server", server, "--nick",    "dave", "--accept-files",
        dave_dir,           "--files",  "1",    "--timeout", "60",   NULL};
    g_autoptr(GSubprocess) dave = e2e_spawn(e, argv, "dave", FALSE);
    e2e_expect(e, NULL, "dave@127.0.0.1");
    e2e_type(e, "/send /no/such/file dave", TRUE);
    e2e_expect(e, NULL, "not sent: /no/such/file");
    g_autofree char *cmd = g_strdup_printf("/send \"%s\" dave", file);
    e2e_type(e, cmd, TRUE);
    e2e_expect(e, NULL, "dave has slides.bin (3.0 MiB), SHA-256 checked");
    g_assert_true(g_subprocess_wait_check(dave, NULL, NULL));
    g_autofree char *got = g_build_filename(dave_dir, "slides.bin", NULL);
    test_assert_same_file(file, got);
}

int main(int argc, char **argv)
{
    if (!e2e_init(&argc, &argv))
        return 77;
    g_test_add("/tui/e2e/files/accept-reject", E2e, NULL, e2e_setup, test_accept_reject,
               e2e_teardown);
    g_test_add("/tui/e2e/files/send", E2e, NULL, e2e_setup, test_send, e2e_teardown);
    return g_test_run();
}
