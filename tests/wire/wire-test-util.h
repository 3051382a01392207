/* wire-test-util.h: helpers shared by the wire codec tests: building frames
 * byte by byte from a table of pieces, hex literals, and decoding a whole frame
 * the way a receiver does (header first, then the payload). */
#pragma once

#include "net/wire/wire.h"

/* One piece of a hand-built payload. */
typedef enum {
    P_END,  /* end of the list */
    P_U8,   /* num as one byte */
    P_U16,  /* num as a big-endian u16 */
    P_U32,  /* num as a big-endian u32 */
    P_U64,  /* num as a big-endian u64 */
    P_STR,  /* a u16 length, then the len bytes of bytes (NULs included) */
    P_FILL, /* a u16 length, then bytes repeated num times */
    P_LEN,  /* only a u16 length of num, with no bytes after it */
    P_RAW,  /* the len bytes of bytes, with no length before them */
} WirePieceKind;

typedef struct {
    WirePieceKind kind;
    guint64 num;
    const char *bytes;
    gsize len;
} WirePiece;

#define WIRE_PIECES_MAX 14

/* clang-format off */
#define U8(v)      {P_U8, (v), NULL, 0}
#define U16(v)     {P_U16, (v), NULL, 0}
#define U32(v)     {P_U32, (v), NULL, 0}
#define U64(v)     {P_U64, (v), NULL, 0}
#define STR(s)     {P_STR, 0, (s), sizeof(s) - 1}
#define FILL(s, n) {P_FILL, (n), (s), sizeof(s) - 1}
#define LEN(n)     {P_LEN, (n), NULL, 0}
#define RAW(s)     {P_RAW, 0, (s), sizeof(s) - 1}
#define END        {P_END, 0, NULL, 0}
/* clang-format on */

/* Builds a frame: a correct header for type and flags whose length is that of
 * the payload the pieces describe, then the payload. */
GByteArray *wire_test_build(guint8 type, guint16 flags, const WirePiece *pieces);

/* Parses hex digits ("4C43 0101"), ignoring spaces, into bytes. */
GByteArray *wire_test_hex(const char *hex);

/* Decodes a whole frame: parses the header, checks that the header's length
 * matches the bytes given, and decodes the payload from an exact-size copy (so
 * that AddressSanitizer sees any read past the end). */
gboolean wire_test_decode(const guint8 *frame, gsize size, LcWireMsg *msg, GError **error);

/* Asserts that decoding frame fails with LC_WIRE_ERROR / code and leaves msg
 * cleared. */
void wire_test_assert_decode_fails(const guint8 *frame, gsize size, LcWireErrorCode code);

/* Asserts that two messages carry the same type, flags and fields (a NULL
 * string counts as empty, as the encoder writes it). */
void wire_test_assert_msg_equal(const LcWireMsg *got, const LcWireMsg *want);

/* A string of n copies of c. */
char *wire_test_repeat(const char *c, gsize n);

/* One string per length-limited field, room for its limit and one byte more. */
typedef struct {
    char nick[WIRE_NICK_MAX + 2];
    char instance[WIRE_INSTANCE_MAX + 2];
    char addr[WIRE_ADDR_MAX + 2];
    char text[WIRE_TEXT_MAX + 2];
    char reason[WIRE_REASON_MAX + 2];
    char quit[WIRE_QUIT_REASON_MAX + 2];
} WireTestStrings;

/* Fills each string with its field's limit plus `over` (0 or 1) ASCII bytes. */
void wire_test_fill_strings(WireTestStrings *s, guint over);
