/* test-capture.c: what crosses the loopback interface during a chat and a
 * camera run, captured with a packet socket (AF_PACKET, as tcpdump reads
 * it; root only, skipped otherwise). With TLS and sealed datagrams (the
 * default) none of the chat text and none of the frame bytes is there in
 * clear, and every UDP datagram of the run is a sealed one; the same run
 * with --insecure shows both, so that the capture is known to see them. */
#include "net/client/stream_sender.h"
#include "net/client/stream_viewer.h"
#include "tests/video/video-harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CAPTURE_FRAMES 20
#define FRAME_BYTES    6000 /* several datagrams a frame */

/* A capture of the loopback interface, read on a thread of its own. */
typedef struct {
    int fd;
    GThread *thread;
    gint stop;
    GMutex lock;
    GByteArray *bytes; /* every packet's IP datagram, one after another */
    /* guint8[3]: the first bytes of each UDP payload to or from the relay
     * (a GSO run of one batch's datagrams shows as one packet: its first) */
    GArray *udp;
    guint16 port;
} Capture;

/* Reads packets until told to stop. */
static gpointer capture_run(gpointer data)
{
    Capture *c = data;
    guint8 buf[65536];
    while (!g_atomic_int_get(&c->stop)) {
        ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
        if (n <= 0)
            continue; /* the receive timeout: look at stop again */
        g_mutex_lock(&c->lock);
        g_byte_array_append(c->bytes, buf, (guint)n);
        const struct iphdr *ip = (const struct iphdr *)buf;
        gsize ihl = (gsize)ip->ihl * 4;
        if ((gsize)n >= ihl + sizeof(struct udphdr) + 3 && ip->version == 4 &&
            ip->protocol == IPPROTO_UDP) {
            const struct udphdr *udp = (const struct udphdr *)(buf + ihl);
            if (ntohs(udp->dest) == c->port || ntohs(udp->source) == c->port)
                g_array_append_vals(c->udp, buf + ihl + sizeof(*udp), 1);
        }
        g_mutex_unlock(&c->lock);
    }
    return NULL;
}

/* Starts capturing IP packets on lo; NULL (skip) without the right. */
static Capture *capture_start(guint16 port)
{
    int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
    if (fd < 0)
        return NULL;
    struct sockaddr_ll ll = {.sll_family = AF_PACKET,
                             .sll_protocol = htons(ETH_P_IP),
                             .sll_ifindex = (int)if_nametoindex("lo")};
    g_assert_cmpint(bind(fd, (struct sockaddr *)&ll, sizeof(ll)), ==, 0);
    struct timeval tv = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int size = 16 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
    Capture *c = g_new0(Capture, 1);
    c->fd = fd;
    c->port = port;
    c->bytes = g_byte_array_new();
    c->udp = g_array_new(FALSE, FALSE, 3);
    g_mutex_init(&c->lock);
    c->thread = g_thread_new("capture", capture_run, c);
    return c;
}

/* Stops capturing (what was captured stays). */
static void capture_stop(Capture *c)
{
    g_atomic_int_set(&c->stop, 1);
    g_thread_join(c->thread);
    close(c->fd);
}

static void capture_free(Capture *c)
{
    g_byte_array_unref(c->bytes);
    g_array_unref(c->udp);
    g_mutex_clear(&c->lock);
    g_free(c);
}

/* Whether the capture holds needle anywhere. */
static gboolean capture_has(Capture *c, const char *needle)
{
    return memmem(c->bytes->data, c->bytes->len, needle, strlen(needle)) != NULL;
}

/* UDP datagrams of the run whose version byte says sealed, and plain. */
static void capture_count_udp(Capture *c, guint *sealed, guint *plain)
{
    *sealed = *plain = 0;
    for (guint i = 0; i < c->udp->len; i++) {
        const guint8 *b = &g_array_index(c->udp, guint8, i * 3);
        if (b[0] == DGRAM_MAGIC_0 && b[1] == DGRAM_MAGIC_1)
            (*(b[2] == DGRAM_VERSION_SEALED ? sealed : plain))++;
    }
}

typedef struct {
    gboolean joined;
    char *heard; /* the chat line the viewer received */
    guint frames[LC_CHAN_KINDS];
} Run;

static void run_on_state(LcSession *s, LcSessionState state, const GError *error, gpointer data)
{
    if (state == SESSION_JOINED)
        ((Run *)data)->joined = TRUE;
}

static void run_on_chat(LcSession *s, const LcSessionChat *chat, gpointer data)
{
    Run *r = data;
    if (!chat->own && !chat->history && r->heard == NULL)
        r->heard = g_strdup(chat->text);
}

static void run_on_frame(LcStreamViewer *v, const LcStreamFrame *f, gpointer data)
{
    ((Run *)data)->frames[f->channel]++;
}

static gboolean run_heard(gpointer data)
{
    return ((Run *)data)->heard != NULL;
}

static gboolean run_got_frames(gpointer data)
{
    Run *r = data;
    return r->frames[LC_CHAN_TCP] >= CAPTURE_FRAMES && r->frames[LC_CHAN_UDP] >= CAPTURE_FRAMES;
}

static gboolean sender_ready(gpointer data)
{
    return stream_sender_is_ready(data);
}

/* A joined session, TLS or plaintext. */
static LcSession *join(guint16 port, const char *nick, gboolean insecure, Run *r)
{
    LcSessionConfig config = {
        .host = "127.0.0.1", .port = port, .nick = nick, .insecure = insecure};
    LcSessionEvents events = {.state = run_on_state, .chat = run_on_chat};
    r->joined = FALSE;
    LcSession *s = session_new(&config, &events, r);
    session_start(s);
    g_assert_true(test_wait_flag(&r->joined, 5000));
    return s;
}

/* One chat line and a camera on both channels under capture: the markers
 * in clear, or not. */
static void capture_one_run(RelayFixture *fx, gboolean insecure)
{
    guint16 port = fx->port;
    Capture *c = capture_start(port);
    if (c == NULL) {
        g_test_skip("capturing needs root (CAP_NET_RAW)");
        return;
    }
    g_autofree char *uuid = g_uuid_string_random();
    g_autofree char *chat_marker = g_strdup_printf("chat-marker-%s", uuid);
    g_autofree char *frame_marker = g_strdup_printf("frame-marker-%s", uuid);
    Run a = {0}, b = {0};
    LcSession *cam = join(port, "cam", insecure, &a);
    LcSession *eye = join(port, "eye", insecure, &b);
    g_autoptr(GError) error = NULL;
    g_assert_cmpuint(session_send_chat(cam, chat_marker, FALSE, &error), >, 0);
    g_assert_true(test_wait_until(run_heard, &b, 5000));
    g_assert_cmpstr(b.heard, ==, chat_marker);

    LcStreamSenderConfig sc;
    stream_sender_config_init(&sc);
    LcStreamSenderEvents se = {0};
    LcStreamSender *sender = stream_sender_new(cam, &sc, &se, NULL);
    LcStreamViewerConfig vc;
    stream_viewer_config_init(&vc);
    LcStreamViewerEvents ve = {.frame = run_on_frame};
    LcStreamViewer *viewer = stream_viewer_new(eye, "cam", &vc, &ve, &b);
    g_assert_true(test_wait_until(sender_ready, sender, 5000));
    GString *data = g_string_new(NULL);
    while (data->len < FRAME_BYTES)
        g_string_append(data, frame_marker);
    for (guint i = 0; i < 10 * CAPTURE_FRAMES && !run_got_frames(&b); i++) {
        g_autoptr(GBytes) bytes = g_bytes_new(data->str, data->len);
        g_autoptr(LcFrame) frame = frame_new(bytes, LC_CODEC_JPEG);
        frame->meta.seq = i + 1;
        frame->meta.capture_us = g_get_real_time();
        stream_sender_send_frame(sender, frame, NULL);
        video_run_for(20);
    }
    g_assert_true(run_got_frames(&b));
    video_run_for(100);
    capture_stop(c);

    guint sealed = 0, plain = 0;
    capture_count_udp(c, &sealed, &plain);
    g_test_message("%s: %u bytes captured, UDP datagrams sealed %u, plain %u",
                   insecure ? "insecure" : "default", c->bytes->len, sealed, plain);
    if (insecure) {
        g_assert_true(capture_has(c, chat_marker));
        g_assert_true(capture_has(c, frame_marker));
        g_assert_cmpuint(plain, >, 0);
    } else {
        g_assert_false(capture_has(c, chat_marker));
        g_assert_false(capture_has(c, frame_marker));
        g_assert_false(capture_has(c, "chat-marker-"));
        g_assert_false(capture_has(c, "frame-marker-"));
        g_assert_cmpuint(plain, ==, 0);
        g_assert_cmpuint(sealed, >=, 2 * CAPTURE_FRAMES);
    }
    stream_viewer_free(viewer);
    stream_sender_free(sender);
    session_free(eye);
    session_free(cam);
    g_free(a.heard);
    g_free(b.heard);
    g_string_free(data, TRUE);
    capture_free(c);
}

/* The default: TLS and sealed datagrams. */
static void test_capture_sealed(RelayFixture *fx, gconstpointer tweak)
{
    capture_one_run(fx, FALSE);
}

/* The control: --insecure shows the markers, so the capture sees them. */
static void test_capture_insecure(RelayFixture *fx, gconstpointer tweak)
{
    capture_one_run(fx, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/secure/capture/sealed", NULL, test_capture_sealed);
    relay_test_add("/secure/capture/insecure", NULL, test_capture_insecure);
    return g_test_run();
}
