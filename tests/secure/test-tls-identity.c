/* test-tls-identity.c: the relay's TLS identity made on first start and
 * loaded after, its fingerprint as openssl computes it, a TLS handshake
 * between GIO's client and server (glib-networking) with the certificate
 * pinned by fingerprint, and the pins clients keep (known_relays). */
#include "tests/test-tmpdir.h"
#include "net/secure/known_relays.h"
#include "net/secure/tls_identity.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* A fresh directory under the test's temporary folder. */
static char *make_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("lanconf-tls-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

/* First start makes a key (owner-only) and a certificate; the next load
 * finds the same, with the fingerprint openssl gives; one file without the
 * other, or a key that is not the certificate's, is a clear error. */
static void test_identity(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *data = g_build_filename(dir, "data", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(LcTlsIdentity) first = tls_identity_load(data, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(first->created);
    g_assert_true(g_str_has_prefix(first->fingerprint, "SHA256:"));
    g_assert_cmpuint(strlen(first->fingerprint), ==, strlen("SHA256") + 32 * 3);
    GStatBuf st;
    g_assert_cmpint(g_stat(first->key_path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);

    g_autoptr(LcTlsIdentity) again = tls_identity_load(data, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(again->created);
    g_assert_cmpstr(again->fingerprint, ==, first->fingerprint);

    /* openssl, which nobody here wrote, agrees on the fingerprint. */
    g_autofree char *out = NULL;
    g_autofree char *cmd =
        g_strdup_printf("openssl x509 -in %s -noout -fingerprint -sha256", first->cert_path);
    gint status = 0;
    if (g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL) && status == 0) {
        char *eq = strchr(out, '=');
        g_assert_nonnull(eq);
        g_strstrip(eq + 1);
        g_assert_cmpstr(eq + 1, ==, first->fingerprint + strlen("SHA256:"));
    } else {
        g_test_message("openssl not found: fingerprint not cross-checked");
    }

    /* Given files are loaded as they are; half a pair is refused. */
    g_autoptr(LcTlsIdentity) given =
        tls_identity_load(NULL, first->cert_path, first->key_path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(given->fingerprint, ==, first->fingerprint);
    g_assert_null(tls_identity_load(NULL, first->cert_path, NULL, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    /* Another identity's key does not fit this certificate. */
    g_autofree char *other_dir = g_build_filename(dir, "other", NULL);
    g_autoptr(LcTlsIdentity) other = tls_identity_load(other_dir, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(other->fingerprint, !=, first->fingerprint);
    g_assert_null(tls_identity_load(NULL, first->cert_path, other->key_path, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, first->cert_path));
    g_clear_error(&error);

    /* The certificate lost, the key kept: said, not silently made anew. */
    g_remove(first->cert_path);
    g_assert_null(tls_identity_load(data, NULL, NULL, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "remove both"));
    test_tmpdir_remove(other_dir);
    test_tmpdir_remove(data);
    test_tmpdir_remove(dir);
}

typedef struct {
    GSocket *socket;
    GTlsCertificate *certificate;
    GError *error;
    char *said; /* what the client wrote, as the server read it */
} Server;

/* The server's side of the handshake, on a thread: reads one line. */
static gpointer serve(gpointer data)
{
    Server *s = data;
    g_autoptr(GSocketConnection) conn = g_socket_connection_factory_create_connection(s->socket);
    g_autoptr(GIOStream) tls =
        g_tls_server_connection_new(G_IO_STREAM(conn), s->certificate, &s->error);
    if (tls == NULL || !g_tls_connection_handshake(G_TLS_CONNECTION(tls), NULL, &s->error))
        return NULL;
    char buf[64] = {0};
    gssize n = g_input_stream_read(g_io_stream_get_input_stream(tls), buf, sizeof(buf) - 1, NULL,
                                   &s->error);
    if (n > 0)
        s->said = g_strndup(buf, (gsize)n);
    g_io_stream_close(tls, NULL, NULL);
    return NULL;
}

/* The client accepts the relay's self-signed certificate when its
 * fingerprint is the one pinned, whatever else GIO says of it. */
static gboolean accept_pinned(GTlsConnection *conn, GTlsCertificate *peer,
                              GTlsCertificateFlags errors, gpointer data)
{
    g_autofree char *fingerprint = tls_identity_fingerprint(peer);
    return g_strcmp0(fingerprint, data) == 0;
}

/* Runs a handshake with the identity's certificate, the client pinning
 * pin; returns whether the client got through. */
static gboolean handshake(LcTlsIdentity *id, const char *pin, char **said)
{
    g_autoptr(GError) error = NULL;
    GSocket *pair[2];
    int sv[2];
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    for (guint i = 0; i < 2; i++) {
        pair[i] = g_socket_new_from_fd(sv[i], &error);
        g_assert_no_error(error);
    }
    Server s = {.socket = pair[0], .certificate = id->certificate};
    GThread *thread = g_thread_new("tls-server", serve, &s);
    g_autoptr(GSocketConnection) conn = g_socket_connection_factory_create_connection(pair[1]);
    g_autoptr(GIOStream) tls = g_tls_client_connection_new(G_IO_STREAM(conn), NULL, &error);
    g_assert_no_error(error);
    g_signal_connect(tls, "accept-certificate", G_CALLBACK(accept_pinned), (gpointer)pin);
    gboolean ok = g_tls_connection_handshake(G_TLS_CONNECTION(tls), NULL, &error);
    if (ok) {
        g_output_stream_write_all(g_io_stream_get_output_stream(tls), "hello", 5, NULL, NULL,
                                  &error);
        g_assert_no_error(error);
        g_io_stream_close(tls, NULL, NULL);
    } else {
        g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
    }
    g_thread_join(thread);
    *said = s.said;
    g_clear_error(&s.error);
    g_object_unref(pair[0]);
    g_object_unref(pair[1]);
    return ok;
}

/* GIO's TLS client and server shake hands over the relay's self-signed
 * certificate when the client pins its fingerprint, and not otherwise;
 * what goes through after the handshake arrives. */
static void test_handshake(void)
{
    g_autoptr(GTlsBackend) backend = g_object_ref(g_tls_backend_get_default());
    if (!g_tls_backend_supports_tls(backend)) {
        g_test_skip("no TLS backend (glib-networking) installed");
        return;
    }
    g_autofree char *dir = make_dir();
    g_autoptr(GError) error = NULL;
    g_autoptr(LcTlsIdentity) id = tls_identity_load(dir, NULL, NULL, &error);
    g_assert_no_error(error);
    char *said = NULL;
    g_assert_true(handshake(id, id->fingerprint, &said));
    g_assert_cmpstr(said, ==, "hello");
    g_clear_pointer(&said, g_free);
    g_autofree char *wrong = g_strdup(id->fingerprint);
    wrong[strlen(wrong) - 1] = wrong[strlen(wrong) - 1] == '0' ? '1' : '0';
    g_assert_false(handshake(id, wrong, &said));
    g_assert_null(said);
    test_tmpdir_remove(dir);
}

/* Pins: a relay met first is new, then pinned; another fingerprint is a
 * change, refused with both fingerprints and how to accept; pinning anew
 * replaces the line and keeps the others and the comments. */
static void test_known_relays(void)
{
    g_autofree char *dir = make_dir();
    g_autofree char *path = g_build_filename(dir, "lanconf", "known_relays", NULL);
    const char *a = "SHA256:AA:BB", *b = "SHA256:CC:DD";
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(known_relays_check(path, "relay:7300", a, NULL, &error), ==, KNOWN_RELAY_NEW);
    g_assert_no_error(error);
    g_assert_true(known_relays_pin(path, "relay:7300", a, &error));
    g_assert_true(known_relays_pin(path, "other:7300", b, &error));
    g_assert_no_error(error);
    g_assert_cmpint(known_relays_check(path, "RELAY:7300", a, NULL, &error), ==, KNOWN_RELAY_MATCH);
    char *pinned = NULL;
    g_assert_cmpint(known_relays_check(path, "relay:7300", b, &pinned, &error), ==,
                    KNOWN_RELAY_CHANGED);
    g_assert_cmpstr(pinned, ==, a);
    g_autoptr(GError) changed = known_relays_changed_error(path, "relay:7300", pinned, b);
    g_assert_nonnull(strstr(changed->message, a));
    g_assert_nonnull(strstr(changed->message, b));
    g_assert_nonnull(strstr(changed->message, path));
    g_free(pinned);

    /* A comment and a line of another shape survive a new pin. */
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_autofree char *edited = g_strdup_printf("# my relays\nnot a pin line at all\n%s", text);
    g_assert_true(g_file_set_contents(path, edited, -1, NULL));
    g_assert_true(known_relays_pin(path, "relay:7300", b, &error));
    g_assert_cmpint(known_relays_check(path, "relay:7300", b, NULL, &error), ==, KNOWN_RELAY_MATCH);
    g_assert_cmpint(known_relays_check(path, "other:7300", b, NULL, &error), ==, KNOWN_RELAY_MATCH);
    g_autofree char *after = NULL;
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_nonnull(strstr(after, "# my relays\nnot a pin line at all\n"));
    g_assert_null(strstr(after, a));
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);

    /* A file that cannot be read is an error, not an empty list. */
    g_autofree char *folder = g_build_filename(dir, "lanconf", NULL);
    g_assert_cmpint(known_relays_check(folder, "relay:7300", a, NULL, &error), ==, -1);
    g_assert_nonnull(error);
    g_remove(path);
    g_rmdir(folder);
    g_rmdir(dir);
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/secure/tls-identity", test_identity);
    g_test_add_func("/secure/handshake", test_handshake);
    g_test_add_func("/secure/known-relays", test_known_relays);
    return g_test_run();
}
