/* wire.h: the lanconf wire protocol (docs/PROTOCOL.md), encoding and decoding.
 *
 * Pure code: no I/O. A frame is a 10-byte header and a payload; decoding checks
 * every rule of the protocol and reports the first failure as a GError in the
 * LC_WIRE_ERROR domain whose code is the ERROR code to send back.
 */
#pragma once

#include <glib.h>

#define WIRE_VERSION     1
#define WIRE_HEADER_SIZE 10
#define WIRE_MAGIC_0     0x4C /* 'L' */
#define WIRE_MAGIC_1     0x43 /* 'C' */

#define WIRE_NICK_MAX        32
#define WIRE_INSTANCE_MAX    64
#define WIRE_TEXT_MAX        4096
#define WIRE_REASON_MAX      512
#define WIRE_QUIT_REASON_MAX 256
#define WIRE_ADDR_MAX        64
#define WIRE_HISTORY_DEFAULT 0xFFFFFFFFu
#define WIRE_MAX_PAYLOAD     262144

/* Message types; ranges 0x20-0x2F (video), 0x30-0x3F (ACK, stats) and
 * 0x40-0x4F (audio) are reserved. */
typedef enum {
    WIRE_HELLO = 0x01,
    WIRE_WELCOME = 0x02,
    WIRE_ERROR = 0x03,
    WIRE_PING = 0x04,
    WIRE_PONG = 0x05,
    WIRE_CHAT = 0x10,
    WIRE_CHAT_ACK = 0x11,
    WIRE_CHAT_DELIVER = 0x12,
    WIRE_PRESENCE = 0x13,
    WIRE_NICK = 0x14,
    WIRE_QUIT = 0x15,
} LcWireType;

/* ERROR codes, also the GError codes of LC_WIRE_ERROR. */
typedef enum {
    WIRE_ERR_BAD_FRAME = 1,
    WIRE_ERR_UNSUPPORTED_VERSION = 2,
    WIRE_ERR_UNKNOWN_TYPE = 3,
    WIRE_ERR_TOO_LARGE = 4,
    WIRE_ERR_BAD_UTF8 = 5,
    WIRE_ERR_PROTOCOL = 6,
    WIRE_ERR_BAD_NICK = 7,
    WIRE_ERR_NICK_TAKEN = 8,
    WIRE_ERR_BAD_TEXT = 9,
    WIRE_ERR_RATE_LIMITED = 10,
    WIRE_ERR_TIMEOUT = 11,
    WIRE_ERR_SERVER_FULL = 12,
    WIRE_ERR_SLOW_CONSUMER = 13,
    WIRE_ERR_SHUTDOWN = 14,
    WIRE_ERR_INTERNAL = 15,
} LcWireErrorCode;

/* Header flags. */
#define WIRE_FLAG_FATAL   0x0001 /* ERROR: the sender closes after it */
#define WIRE_FLAG_ACTION  0x0001 /* CHAT, CHAT_DELIVER: an /me action */
#define WIRE_FLAG_HISTORY 0x0002 /* CHAT_DELIVER: replayed from history */
#define WIRE_FLAG_OWN     0x0004 /* CHAT_DELIVER: sent by the recipient's instance */

/* PRESENCE kinds. */
typedef enum {
    WIRE_PRESENCE_JOIN = 1,
    WIRE_PRESENCE_LEAVE = 2,
    WIRE_PRESENCE_NICK = 3,
} LcWirePresenceKind;

#define LC_WIRE_ERROR (wire_error_quark())
GQuark wire_error_quark(void);

typedef struct {
    guint8 version;
    guint8 type;
    guint16 flags;
    guint32 length;
} LcWireHeader;

typedef struct {
    char *nick;
    char *addr;
} LcWireMember;

/* One decoded (or to-be-encoded) message. Strings are owned by the message
 * after decoding (free with wire_msg_clear); for encoding they are borrowed. */
typedef struct {
    guint8 type;
    guint16 flags;
    union {
        struct {
            guint8 role;
            char *nick;
            char *instance;
            guint64 resume_after;
            guint32 history_limit;
        } hello;
        struct {
            guint64 session_id;
            guint64 server_time;
            char *nick;
            char *addr;
            guint64 last_id;
            guint64 oldest_id;
            guint16 rate_limit;
            guint16 rate_burst;
            guint n_members;
            LcWireMember *members;
        } welcome;
        struct {
            guint16 code;
            guint64 ref;
            char *reason;
        } error;
        struct {
            guint64 t1;
            guint64 token;
        } ping;
        struct {
            guint64 t1;
            guint64 token;
            guint64 t2;
            guint64 t3;
        } pong;
        struct {
            guint64 client_id;
            char *text;
        } chat;
        struct {
            guint64 client_id;
            guint64 id;
            guint64 server_time;
        } chat_ack;
        struct {
            guint64 id;
            guint64 server_time;
            char *nick;
            char *addr;
            char *text;
        } deliver;
        struct {
            guint8 kind;
            char *nick;
            char *addr;
            char *old;
            char *reason;
        } presence;
        struct {
            char *nick;
        } nick;
        struct {
            char *reason;
        } quit;
    };
} LcWireMsg;

/* Largest payload allowed for a type, or 0 for an unknown type. */
gsize wire_max_payload(guint8 type);

/* Name of a message type ("CHAT"), or "UNKNOWN". */
const char *wire_type_name(guint8 type);

/* Name of an ERROR code ("NICK_TAKEN"), or "UNKNOWN". */
const char *wire_error_name(guint16 code);

/* Checks and parses the WIRE_HEADER_SIZE bytes at buf (magic, version, type,
 * length limit, in that order). */
gboolean wire_header_parse(const guint8 *buf, LcWireHeader *header, GError **error);

/* Decodes the payload of a parsed header into msg. On failure msg is left
 * cleared. */
gboolean wire_msg_decode(const LcWireHeader *header, const guint8 *payload, LcWireMsg *msg,
                         GError **error);

/* Encodes msg as one frame (header + payload). Fails if a string is too long
 * for its field or the payload exceeds the type's maximum. */
GBytes *wire_msg_encode(const LcWireMsg *msg, GError **error);

/* Frees the strings a decoded message owns and zeroes it. */
void wire_msg_clear(LcWireMsg *msg);

/* Encodes an ERROR frame; never fails (the reason is cut to fit). ref is the
 * client_id of the CHAT it answers, else 0. */
GBytes *wire_encode_error(LcWireErrorCode code, gboolean fatal, guint64 ref, const char *reason);
