/* fuzz-wire-decode.c: libFuzzer harness for the wire codec (net/wire/wire.c) and
 * the nick and text rules (net/wire/validate.c).
 *
 * The input is read as a stream of frames, the way a connection reads it: a
 * header, then its payload, then the next header. Each header and payload is
 * decoded from its own exact-size copy, so that AddressSanitizer catches a read
 * past either. A frame that decodes must encode back to exactly the same bytes;
 * a frame that does not must fail with a protocol error code, and the ERROR
 * frame answering it must decode. The whole input is also tried as the reason
 * of an ERROR frame, which is always produced and always decodes.
 */
#include "net/wire/validate.h"
#include "net/wire/wire.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run: libFuzzer keeps the input that got here as a crash. */
static void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-wire-decode: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* Decodes an ERROR frame made by wire_encode_error; fills msg. */
static void fuzz_decode_error_frame(GBytes *frame, LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    LcWireHeader header;

    if (size < WIRE_HEADER_SIZE || !wire_header_parse(bytes, &header, &error) ||
        header.length != size - WIRE_HEADER_SIZE ||
        !wire_msg_decode(&header, bytes + WIRE_HEADER_SIZE, msg, &error))
        fuzz_fail("an ERROR frame from wire_encode_error does not decode",
                  error ? error->message : "bad length");
    if (strlen(msg->error.reason) > WIRE_REASON_MAX ||
        !g_utf8_validate(msg->error.reason, -1, NULL))
        fuzz_fail("an ERROR reason is too long or not UTF-8", NULL);
}

/* The input as an ERROR reason: cut at a character boundary to 512 bytes at
 * most, or replaced when it is not UTF-8. */
static void fuzz_check_reason(const uint8_t *data, size_t size)
{
    g_autofree char *reason = g_strndup((const char *)data, size);
    g_autoptr(GBytes) frame = wire_encode_error(WIRE_ERR_BAD_FRAME, TRUE, size, reason);
    LcWireMsg msg;

    fuzz_decode_error_frame(frame, &msg);
    gsize len = strlen(reason);
    gsize got = strlen(msg.error.reason);
    if (!g_utf8_validate(reason, -1, NULL)) {
        if (strcmp(msg.error.reason, "(reason was not valid UTF-8)") != 0)
            fuzz_fail("an invalid reason was not replaced", NULL);
    } else if (memcmp(msg.error.reason, reason, got) != 0 ||
               got < MIN(len, (gsize)WIRE_REASON_MAX - 3)) {
        fuzz_fail("a reason was not cut to its longest valid prefix", NULL);
    }
    wire_msg_clear(&msg);
}

/* A decoded message must encode back to the very bytes it came from. */
static void fuzz_check_roundtrip(const LcWireMsg *msg, const guint8 *frame, gsize size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) again = wire_msg_encode(msg, &error);
    if (again == NULL)
        fuzz_fail("a decoded message does not encode", error->message);
    gsize again_size = 0;
    const guint8 *bytes = g_bytes_get_data(again, &again_size);
    if (again_size != size || memcmp(bytes, frame, size) != 0)
        fuzz_fail("a decoded message encodes to different bytes", wire_type_name(msg->type));
}

/* A nick the rules allow is 1..32 bytes and equals itself in any case. */
static void fuzz_check_nick(const char *nick)
{
    if (!validate_nick(nick, NULL))
        return;
    gsize len = strlen(nick);
    g_autofree char *upper = g_ascii_strup(nick, -1);
    if (len == 0 || len > WIRE_NICK_MAX || !validate_nick_equal(nick, upper))
        fuzz_fail("validate_nick allowed a nick it should not", nick);
}

/* Text the rules allow is 1..4096 bytes with no control character but TAB. */
static void fuzz_check_text(const char *text)
{
    g_autoptr(GError) error = NULL;
    if (!validate_text(text, &error)) {
        if (error->code != WIRE_ERR_BAD_TEXT && error->code != WIRE_ERR_BAD_UTF8)
            fuzz_fail("validate_text failed with an unexpected code", error->message);
        return;
    }
    gsize len = strlen(text);
    if (len == 0 || len > WIRE_TEXT_MAX)
        fuzz_fail("validate_text allowed a text of a wrong length", NULL);
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if ((c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0))
            fuzz_fail("validate_text allowed a control character", NULL);
    }
}

/* Applies the nick and text rules to the decoded strings they govern. */
static void fuzz_check_rules(const LcWireMsg *msg)
{
    switch (msg->type) {
    case WIRE_HELLO:
        fuzz_check_nick(msg->hello.nick);
        break;
    case WIRE_NICK:
        fuzz_check_nick(msg->nick.nick);
        break;
    case WIRE_CHAT:
        fuzz_check_text(msg->chat.text);
        break;
    case WIRE_CHAT_DELIVER:
        fuzz_check_nick(msg->deliver.nick);
        fuzz_check_text(msg->deliver.text);
        break;
    default:
        break;
    }
}

/* Decodes the payload of one frame whose header parsed. */
static void fuzz_decode_frame(const LcWireHeader *header, const guint8 *frame)
{
    g_autofree guint8 *payload = g_malloc(MAX(header->length, 1));
    g_autoptr(GError) error = NULL;
    LcWireMsg msg;

    memcpy(payload, frame + WIRE_HEADER_SIZE, header->length);
    if (!wire_msg_decode(header, payload, &msg, &error)) {
        if (error == NULL || error->domain != LC_WIRE_ERROR ||
            (error->code != WIRE_ERR_BAD_FRAME && error->code != WIRE_ERR_BAD_UTF8 &&
             error->code != WIRE_ERR_BAD_NICK && error->code != WIRE_ERR_BAD_TEXT))
            fuzz_fail("a payload failed with an unexpected error", error ? error->message : NULL);
        wire_msg_clear(&msg);
        g_autoptr(GBytes) answer = wire_encode_error(error->code, TRUE, 0, error->message);
        LcWireMsg reply;
        fuzz_decode_error_frame(answer, &reply);
        wire_msg_clear(&reply);
        return;
    }
    fuzz_check_roundtrip(&msg, frame, WIRE_HEADER_SIZE + header->length);
    fuzz_check_rules(&msg);
    wire_msg_clear(&msg);
}

/* Reads the input as a stream of frames until it ends or breaks the framing. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gsize at = 0;
    while (size - at >= WIRE_HEADER_SIZE) {
        g_autofree guint8 *head = g_memdup2(data + at, WIRE_HEADER_SIZE);
        g_autoptr(GError) error = NULL;
        LcWireHeader header;
        if (!wire_header_parse(head, &header, &error)) {
            if (error->code < WIRE_ERR_BAD_FRAME || error->code > WIRE_ERR_TOO_LARGE)
                fuzz_fail("a header failed with an unexpected error", error->message);
            break; /* a receiver closes here: the stream cannot be resynchronised */
        }
        if (header.length > size - at - WIRE_HEADER_SIZE)
            break; /* the rest of the frame has not arrived */
        fuzz_decode_frame(&header, data + at);
        at += WIRE_HEADER_SIZE + header.length;
    }
    fuzz_check_reason(data, size);
    return 0;
}
