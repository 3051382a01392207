/* gen-corpus.c: writes the fuzz harnesses' seed corpus.
 *
 * Usage: fuzz-gen-corpus DIR. Writes DIR/wire-decode/ (frames of every type,
 * a stream of several, and malformed ones) and DIR/relay/ (a mode byte, see
 * fuzz-relay.c, then what one or two clients send). Frames are made by the
 * real encoder and then, for the malformed seeds, broken byte by byte. The
 * files are kept in the repository; run this again (cmake target fuzz-corpus)
 * when the protocol changes.
 */
#include "net/wire/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_MODE_HELLO        0x01
#define GEN_MODE_ABRUPT       0x02
#define GEN_MODE_SECOND       0x04
#define GEN_MODE_SECOND_HELLO 0x08
#define GEN_SPLIT_UNIT        16

/* Encodes a message the encoder must accept. */
static GBytes *gen_encode(const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    GBytes *frame = wire_msg_encode(msg, &error);
    if (frame == NULL) {
        fprintf(stderr, "gen-corpus: %s\n", error->message);
        exit(1);
    }
    return frame;
}

/* Appends an encoded message to a buffer. */
static void gen_append(GByteArray *out, const LcWireMsg *msg)
{
    g_autoptr(GBytes) frame = gen_encode(msg);
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    g_byte_array_append(out, bytes, (guint)size);
}

/* Writes one seed file. */
static void gen_write(const char *dir, const char *name, const GByteArray *bytes)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (!g_file_set_contents(path, (const char *)bytes->data, bytes->len, &error)) {
        fprintf(stderr, "gen-corpus: %s\n", error->message);
        exit(1);
    }
}

/* Sets the header's length field to the bytes that follow it. */
static void gen_fix_length(GByteArray *frame)
{
    guint32 length = frame->len - WIRE_HEADER_SIZE;
    for (guint i = 0; i < 4; i++)
        frame->data[6 + i] = (guint8)(length >> (8 * (3 - i)));
}

static LcWireMember gen_members[] = {
    {"alice", "192.168.1.7:51234"},
    {"bob", "[fe80::1]:40000"},
    {"carol", "10.0.0.3:7300"},
};

/* One valid message of every type, by file name. */
static const struct {
    const char *name;
    LcWireMsg msg;
} gen_valid[] = {
    {"hello",
     {.type = WIRE_HELLO, .hello = {0, "alice", "3f2504e0-4f89", 0, WIRE_HISTORY_DEFAULT}}},
    {"hello-resume", {.type = WIRE_HELLO, .hello = {0, "bob", "b-1", 7, 0}}},
    {"welcome",
     {.type = WIRE_WELCOME,
      .welcome = {1, 1700000000000000, "alice", "192.168.1.7:51234", 9, 1, 1, 5, 3, gen_members}}},
    {"error", {.type = WIRE_ERROR, .flags = WIRE_FLAG_FATAL, .error = {7, 0, "nick is empty"}}},
    {"ping", {.type = WIRE_PING, .ping = {1700000000000000, 1}}},
    {"pong", {.type = WIRE_PONG, .pong = {1, 1, 2, 3}}},
    {"chat", {.type = WIRE_CHAT, .chat = {1, "hello"}}},
    {"chat-action-utf8",
     {.type = WIRE_CHAT, .flags = WIRE_FLAG_ACTION, .chat = {2, "w\xc3\xa4ves \xf0\x9f\x91\x8b"}}},
    {"chat-ack", {.type = WIRE_CHAT_ACK, .chat_ack = {1, 1, 1700000000000000}}},
    {"deliver",
     {.type = WIRE_CHAT_DELIVER,
      .flags = WIRE_FLAG_HISTORY | WIRE_FLAG_OWN,
      .deliver = {1, 1700000000000000, "alice", "192.168.1.7:51234", "hi\tall"}}},
    {"presence",
     {.type = WIRE_PRESENCE, .presence = {WIRE_PRESENCE_NICK, "al", "10.0.0.1:1", "alice", ""}}},
    {"nick", {.type = WIRE_NICK, .nick = {"carol"}}},
    {"quit", {.type = WIRE_QUIT, .quit = {"bye"}}},
};

/* A CHAT frame with the given text (which may break the rules). */
static GByteArray *gen_chat(guint64 client_id, const char *text, gsize len, guint16 flags)
{
    GByteArray *out = g_byte_array_new();
    const guint8 head[] = {WIRE_MAGIC_0,
                           WIRE_MAGIC_1,
                           WIRE_VERSION,
                           WIRE_CHAT,
                           (guint8)(flags >> 8),
                           (guint8)flags,
                           0,
                           0,
                           0,
                           0};
    g_byte_array_append(out, head, sizeof(head));
    for (guint i = 0; i < 8; i++) {
        guint8 b = (guint8)(client_id >> (8 * (7 - i)));
        g_byte_array_append(out, &b, 1);
    }
    const guint8 prefix[] = {(guint8)(len >> 8), (guint8)len};
    g_byte_array_append(out, prefix, 2);
    g_byte_array_append(out, (const guint8 *)text, (guint)len);
    gen_fix_length(out);
    return out;
}

/* Seeds for fuzz-wire-decode: valid frames, a stream, malformed frames. */
static void gen_wire_decode(const char *dir)
{
    for (guint i = 0; i < G_N_ELEMENTS(gen_valid); i++) {
        g_autoptr(GByteArray) frame = g_byte_array_new();
        gen_append(frame, &gen_valid[i].msg);
        g_autofree char *name = g_strconcat(gen_valid[i].name, ".bin", NULL);
        gen_write(dir, name, frame);
    }
    g_autoptr(GByteArray) stream = g_byte_array_new();
    for (guint i = 0; i < G_N_ELEMENTS(gen_valid); i++)
        gen_append(stream, &gen_valid[i].msg);
    gen_write(dir, "stream-all-types.bin", stream);

    /* Header faults, each on a copy of the CHAT frame. */
    static const struct {
        const char *name;
        guint offset;
        guint8 value;
    } header_faults[] = {
        {"bad-magic.bin", 1, 'X'},  {"bad-version.bin", 2, 2},       {"unknown-type.bin", 3, 0x20},
        {"too-large.bin", 8, 0x20}, {"undefined-flag.bin", 5, 0x02}, {"truncated.bin", 9, 0x40},
    };
    for (guint i = 0; i < G_N_ELEMENTS(header_faults); i++) {
        g_autoptr(GByteArray) frame = gen_chat(1, "hello", 5, 0);
        frame->data[header_faults[i].offset] = header_faults[i].value;
        gen_write(dir, header_faults[i].name, frame);
    }
    g_autoptr(GByteArray) trailing = gen_chat(1, "hello", 5, 0);
    g_byte_array_append(trailing, (const guint8 *)"!", 1);
    gen_fix_length(trailing);
    gen_write(dir, "trailing.bin", trailing);

    g_autoptr(GByteArray) bad_utf8 = gen_chat(1, "caf\xc3", 4, 0);
    gen_write(dir, "chat-bad-utf8.bin", bad_utf8);
    g_autoptr(GByteArray) nul = gen_chat(1, "a\0b", 3, 0);
    gen_write(dir, "chat-nul.bin", nul);
    g_autoptr(GByteArray) control = gen_chat(1, "\x1b[31mred", 8, 0);
    gen_write(dir, "chat-control.bin", control);

    /* HELLO with an empty instance; WELCOME whose count promises 200 members. */
    g_autoptr(GByteArray) hello = g_byte_array_new();
    LcWireMsg empty_instance = {.type = WIRE_HELLO, .hello = {0, "alice", "", 0, 0}};
    gen_append(hello, &empty_instance);
    gen_write(dir, "hello-empty-instance.bin", hello);
    g_autoptr(GByteArray) welcome = g_byte_array_new();
    gen_append(welcome, &gen_valid[2].msg);
    welcome->data[WIRE_HEADER_SIZE + 8 + 8 + 2 + 5 + 2 + 17 + 8 + 8 + 2 + 2 + 1] = 200;
    gen_write(dir, "welcome-count-over.bin", welcome);
}

/* Writes one relay seed: a mode byte, then frames. */
static void gen_relay_seed(const char *dir, const char *name, guint8 mode, const GByteArray *body)
{
    g_autoptr(GByteArray) seed = g_byte_array_new();
    g_byte_array_append(seed, &mode, 1);
    g_byte_array_append(seed, body->data, body->len);
    gen_write(dir, name, seed);
}

/* Writes one relay seed for two clients: a mode byte, the first client's share
 * in units of 16 bytes, then both clients' frames. */
static void gen_relay_pair(const char *dir, const char *name, guint8 mode, const LcWireMsg *first,
                           const LcWireMsg *second)
{
    g_autoptr(GByteArray) body = g_byte_array_new();
    gen_append(body, first);
    if (body->len % GEN_SPLIT_UNIT != 0 || body->len / GEN_SPLIT_UNIT > G_MAXUINT8) {
        fprintf(stderr,
                "gen-corpus: %s: the first client's frame is %u bytes, not a multiple of %d\n",
                name, body->len, GEN_SPLIT_UNIT);
        exit(1);
    }
    guint8 split = (guint8)(body->len / GEN_SPLIT_UNIT);
    g_byte_array_prepend(body, &split, 1);
    gen_append(body, second);
    gen_relay_seed(dir, name, mode | GEN_MODE_SECOND, body);
}

/* Seeds for fuzz-relay: sessions with and without the harness's HELLO. */
static void gen_relay(const char *dir)
{
    LcWireMsg hello = {.type = WIRE_HELLO, .hello = {0, "zed", "zed-1", 0, 0}};
    LcWireMsg hello_history = {.type = WIRE_HELLO, .hello = {0, "yan", "yan-1", 1, 20}};
    LcWireMsg hello_bad_nick = {.type = WIRE_HELLO, .hello = {0, "1abc", "x", 0, 0}};
    LcWireMsg hello_role = {.type = WIRE_HELLO, .hello = {1, "cam", "x", 0, 0}};
    LcWireMsg chat = {.type = WIRE_CHAT, .chat = {1, "hello"}};
    LcWireMsg action = {.type = WIRE_CHAT, .flags = WIRE_FLAG_ACTION, .chat = {2, "waves"}};
    LcWireMsg empty = {.type = WIRE_CHAT, .chat = {3, ""}};
    LcWireMsg ping = {.type = WIRE_PING, .ping = {1, 2}};
    LcWireMsg pong = {.type = WIRE_PONG, .pong = {1, 2, 3, 4}};
    LcWireMsg nick = {.type = WIRE_NICK, .nick = {"zed2"}};
    LcWireMsg nick_bad = {.type = WIRE_NICK, .nick = {"-no"}};
    LcWireMsg nick_taken = {.type = WIRE_NICK, .nick = {"Observer"}};
    LcWireMsg quit = {.type = WIRE_QUIT, .quit = {"bye"}};
    LcWireMsg welcome = gen_valid[2].msg;
    g_autoptr(GByteArray) body = g_byte_array_new();

#define SEED(name, mode, ...)                                                                      \
    do {                                                                                           \
        const LcWireMsg *msgs[] = {__VA_ARGS__};                                                   \
        g_byte_array_set_size(body, 0);                                                            \
        for (guint i = 0; i < G_N_ELEMENTS(msgs); i++)                                             \
            gen_append(body, msgs[i]);                                                             \
        gen_relay_seed(dir, name, mode, body);                                                     \
    } while (0)

    SEED("join-chat-quit.bin", 0, &hello, &chat, &ping, &nick, &quit);
    SEED("join-only.bin", 0, &hello);
    SEED("join-history.bin", 0, &hello_history, &chat);
    SEED("chat-before-hello.bin", 0, &chat);
    SEED("hello-twice.bin", 0, &hello, &hello);
    SEED("hello-bad-nick.bin", 0, &hello_bad_nick);
    SEED("hello-role-camera.bin", 0, &hello_role);
    SEED("ping-before-hello.bin", 0, &ping, &pong);
    SEED("chat.bin", GEN_MODE_HELLO, &chat);
    SEED("chat-action-empty.bin", GEN_MODE_HELLO, &action, &empty);
    SEED("chat-duplicate.bin", GEN_MODE_HELLO, &chat, &chat);
    SEED("flood.bin", GEN_MODE_HELLO, &chat, &action, &chat, &action, &chat, &action, &chat,
         &action, &chat, &action, &chat, &action);
    SEED("nick-changes.bin", GEN_MODE_HELLO, &nick, &nick_bad, &nick_taken);
    SEED("ping-pong.bin", GEN_MODE_HELLO, &ping, &pong);
    SEED("welcome-from-client.bin", GEN_MODE_HELLO, &welcome);
    SEED("quit.bin", GEN_MODE_HELLO, &quit, &chat);
    SEED("chat-abrupt.bin", GEN_MODE_HELLO | GEN_MODE_ABRUPT, &chat, &ping);
    SEED("join-abrupt.bin", GEN_MODE_ABRUPT, &hello, &ping, &ping, &ping);

    /* The camera channels' control messages, and a video connection's first
     * frame with a token the relay never issued. */
    LcWireMsg stream_open = {.type = WIRE_STREAM_OPEN, .stream_open = {WIRE_CHANNELS_ALL}};
    LcWireMsg stream_close = {.type = WIRE_STREAM_CLOSE, .stream_close = {1}};
    LcWireMsg view = {.type = WIRE_VIEW, .view = {"zed", WIRE_CHANNELS_ALL}};
    LcWireMsg view_other = {.type = WIRE_VIEW, .view = {"Observer", WIRE_CHANNEL_UDP}};
    LcWireMsg view_close = {.type = WIRE_VIEW_CLOSE, .view_close = {"zed"}};
    LcWireMsg stats = {.type = WIRE_STATS_REQUEST, .stats_request = {7}};
    LcWireMsg video_hello = {.type = WIRE_VIDEO_HELLO,
                             .video_hello = {WIRE_VIDEO_ROLE_SENDER, 1, 0, 0x1122334455667788}};
    SEED("stream-open-view-close.bin", GEN_MODE_HELLO, &stream_open, &view, &stats, &stream_close,
         &view_close);
    SEED("stream-open-twice.bin", GEN_MODE_HELLO, &stream_open, &stream_open, &view_other);
    SEED("view-waiting.bin", GEN_MODE_HELLO, &view_other, &stats, &view_close);
    SEED("video-hello-bad-token.bin", 0, &video_hello, &ping);
#undef SEED

    /* Two clients at once: both chatting; two HELLOs for one nick; and the same
     * instance reconnecting, which replaces its first connection. */
    LcWireMsg chat32 = {.type = WIRE_CHAT, .chat = {7, "hello there!"}};
    LcWireMsg hello_sam = {.type = WIRE_HELLO, .hello = {0, "sam", "s1", 0, 0}};
    LcWireMsg hello_sam_again = {.type = WIRE_HELLO, .hello = {0, "SAM", "s2", 0, 0}};
    gen_relay_pair(dir, "two-clients-chat.bin", GEN_MODE_HELLO | GEN_MODE_SECOND_HELLO, &chat32,
                   &chat);
    gen_relay_pair(dir, "two-clients-same-nick.bin", 0, &hello_sam, &hello_sam_again);
    gen_relay_pair(dir, "two-clients-same-instance.bin", 0, &hello_sam, &hello_sam);

    g_autoptr(GByteArray) control = gen_chat(4, "\x1b[2J", 4, 0);
    gen_relay_seed(dir, "chat-control.bin", GEN_MODE_HELLO, control);
    g_autofree char *long_text = g_strnfill(WIRE_TEXT_MAX + 1, 'x');
    g_autoptr(GByteArray) too_long = gen_chat(5, long_text, WIRE_TEXT_MAX + 1, 0);
    gen_relay_seed(dir, "chat-4097.bin", GEN_MODE_HELLO, too_long);
    g_autoptr(GByteArray) bad_magic = gen_chat(6, "hi", 2, 0);
    bad_magic->data[0] = 'X';
    gen_relay_seed(dir, "bad-magic.bin", GEN_MODE_HELLO, bad_magic);
    g_autoptr(GByteArray) http = g_byte_array_new();
    g_byte_array_append(http, (const guint8 *)"GET / HTTP/1.0\r\n\r\n", 18);
    gen_relay_seed(dir, "http.bin", 0, http);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    g_autofree char *wire_dir = g_build_filename(argv[1], "wire-decode", NULL);
    g_autofree char *relay_dir = g_build_filename(argv[1], "relay", NULL);
    if (g_mkdir_with_parents(wire_dir, 0755) != 0 || g_mkdir_with_parents(relay_dir, 0755) != 0) {
        fprintf(stderr, "gen-corpus: cannot create %s\n", argv[1]);
        return 1;
    }
    gen_wire_decode(wire_dir);
    gen_relay(relay_dir);
    return 0;
}
