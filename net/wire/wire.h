/* wire.h: the lanconf wire protocol (docs/PROTOCOL.md), encoding and decoding.
 *
 * Pure code: no I/O. A frame is a 10-byte header and a payload; decoding checks
 * every rule of the protocol and reports the first failure as a GError in the
 * LC_WIRE_ERROR domain whose code is the ERROR code to send back.
 */
#pragma once

#include <glib.h>

#include "net/wire/chan_kind.h"
#include "net/wire/frag.h"

#define WIRE_VERSION     1
#define WIRE_HEADER_SIZE 10
#define WIRE_MAGIC_0     0x4C /* 'L' */
#define WIRE_MAGIC_1     0x43 /* 'C' */
/* The relay's TCP port (control and camera TCP) and UDP port when none is given. */
#define WIRE_DEFAULT_PORT 7300

#define WIRE_NICK_MAX        32
#define WIRE_UDP_KEY_SIZE    32 /* STREAM_READY's and VIEW_READY's key: AES-256-GCM */
#define WIRE_INSTANCE_MAX    64
#define WIRE_TEXT_MAX        4096
#define WIRE_REASON_MAX      512
#define WIRE_QUIT_REASON_MAX 256
#define WIRE_ADDR_MAX        64
#define WIRE_HISTORY_DEFAULT 0xFFFFFFFFu
#define WIRE_MAX_PAYLOAD     262144

/* Camera channels (docs/PROTOCOL.md, "Camera channels"). */
#define WIRE_VIDEO_FRAME_MAX   (16 * 1024 * 1024) /* largest frame the codec carries, bytes */
#define WIRE_VIDEO_FRAME_HEAD  31 /* VIDEO_FRAME payload bytes before the frame data */
#define WIRE_VIDEO_REASON_MAX  256
#define WIRE_CHANNEL_TCP       0x01 /* channels bit: the TCP video channel */
#define WIRE_CHANNEL_UDP       0x02 /* channels bit: the UDP video channel */
#define WIRE_CHANNELS_ALL      (WIRE_CHANNEL_TCP | WIRE_CHANNEL_UDP)
#define WIRE_VIDEO_ROLE_SENDER 1 /* VIDEO_HELLO role: the camera's channel */
#define WIRE_VIDEO_ROLE_VIEWER 2 /* VIDEO_HELLO role: a viewer's channel */

/* Message types. 0x20-0x2F are the camera channels' (video), 0x30-0x3F
 * frame ACKs and statistics; 0x40-0x4F (audio) are reserved; 0x50-0x5F
 * are files'. */
typedef enum {
    WIRE_HELLO = 0x01,
    WIRE_WELCOME = 0x02,
    WIRE_ERROR = 0x03,
    WIRE_PING = 0x04,
    WIRE_PONG = 0x05,
    WIRE_AUTH_CHALLENGE = 0x06, /* room password: the relay's nonce */
    WIRE_AUTH = 0x07,           /* room password: the client's proof */
    WIRE_CHAT = 0x10,
    WIRE_CHAT_ACK = 0x11,
    WIRE_CHAT_DELIVER = 0x12,
    WIRE_PRESENCE = 0x13,
    WIRE_NICK = 0x14,
    WIRE_QUIT = 0x15,
    WIRE_AWAY = 0x16,
    WIRE_PRIVMSG = 0x17,
    WIRE_PRIVMSG_DELIVER = 0x18,
    WIRE_STREAM_OPEN = 0x20,
    WIRE_STREAM_READY = 0x21,
    WIRE_STREAM_CLOSE = 0x22,
    WIRE_VIEW = 0x23,
    WIRE_VIEW_READY = 0x24,
    WIRE_VIEW_END = 0x25,
    WIRE_VIEW_CLOSE = 0x26,
    WIRE_VIDEO_REFUSED = 0x27,
    WIRE_VIDEO_HELLO = 0x28,
    WIRE_VIDEO_READY = 0x29,
    WIRE_VIDEO_FRAME = 0x2A,
    WIRE_STREAM_NOTICE = 0x2B,
    WIRE_WATCH_NOTICE = 0x2C,
    WIRE_KEYFRAME_REQUEST = 0x2D,
    WIRE_CAMERA_ACL = 0x2E, /* who may view this member's private streams */
    WIRE_VIDEO_ACK = 0x30,
    WIRE_STATS_REQUEST = 0x31,
    WIRE_STATS_STREAM = 0x32,
    WIRE_STATS_VIEWER = 0x33,
    WIRE_STATS_END = 0x34,
    WIRE_FILE_OFFER = 0x50,   /* files (docs/PROTOCOL.md, "Files"): a member offers one */
    WIRE_FILE_OFFERED = 0x51, /* the offer, as the relay hands it to a receiver */
    WIRE_FILE_ANSWER = 0x52,  /* a receiver takes it, or not */
    WIRE_FILE_START = 0x53,   /* the relay pairs a sender and a receiver: way and token */
    WIRE_FILE_END = 0x54,     /* a transfer ended (whole, refused, failed, gone) */
    WIRE_FILE_HELLO = 0x58,   /* the first frame of a file channel */
    WIRE_FILE_READY = 0x59,   /* the file channel is paired: GET and DATA may flow */
    WIRE_FILE_GET = 0x5A,     /* a receiver asks for a range of the file */
    WIRE_FILE_DATA = 0x5B,    /* bytes of the file */
    WIRE_FILE_HAVE = 0x5C,    /* swarm: a chunk this side has (or, from a sender, may be asked) */
    WIRE_FILE_HASHES = 0x5D,  /* swarm: the SHA-256 of each chunk, from the sender */
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
    WIRE_ERR_NO_SUCH_NICK = 16, /* PRIVMSG to a nick not in the room */
    WIRE_ERR_AUTH = 17,         /* a room password missing or wrong */
    WIRE_ERR_NOT_ALLOWED = 18,  /* VIEW of a private stream its owner has not allowed */
    WIRE_ERR_REJECTED = 19,     /* FILE_END: the receiver said no */
    WIRE_ERR_CANCELLED = 20,    /* FILE_END: the sender or receiver gave the transfer up */
} LcWireErrorCode;

/* Header flags. */
#define WIRE_FLAG_FATAL   0x0001 /* ERROR: the sender closes after it */
#define WIRE_FLAG_RESUME  0x0001 /* HELLO: a reconnect; replay all after resume_after */
#define WIRE_FLAG_NOTICES 0x0002 /* HELLO: send STREAM_NOTICE and WATCH_NOTICE */
/* HELLO: this client takes KEYFRAME_REQUEST (for its streams) and may send
 * it; WELCOME, in answer: this relay passes it on. */
#define WIRE_FLAG_KEYFRAMES 0x0004
/* HELLO: this client takes PRESENCE away (kind 4) and PRIVMSG_DELIVER; a
 * client without it is sent neither. */
#define WIRE_FLAG_CHAT_EXTRAS 0x0008
/* HELLO: this client may carry several views on one viewer video channel
 * (VIDEO_HELLO with SHARED) and one UDP socket; WELCOME, in answer: this
 * relay takes them. */
#define WIRE_FLAG_SHARED_CHANNELS 0x0010
/* HELLO: this client answers AUTH_CHALLENGE (a room password); a relay
 * with a password refuses a client without it. */
#define WIRE_FLAG_PASSWORD 0x0020
/* HELLO: this client takes FILE_OFFERED and FILE_START (files); a client
 * without it is offered none. WELCOME, in answer: this relay carries files. */
#define WIRE_FLAG_FILES 0x0040
/* VIDEO_HELLO (role viewer): the channel may carry several views, each
 * attached by a VIDEO_HELLO of its own, and stays open when they end. */
#define WIRE_FLAG_SHARED  0x0001
#define WIRE_FLAG_ACTION  0x0001 /* CHAT, CHAT_DELIVER: an /me action */
#define WIRE_FLAG_HISTORY 0x0002 /* CHAT_DELIVER: replayed from history */
#define WIRE_FLAG_OWN     0x0004 /* CHAT_DELIVER: sent by the recipient's instance */
/* STREAM_OPEN, STREAM_READY, VIEW, VIEW_READY, VIEW_END, VIEW_CLOSE,
 * VIDEO_REFUSED, STREAM_NOTICE, STATS_STREAM, STATS_VIEWER: an audio
 * stream; clear: video
 * (net/wire/media_kind.h). */
#define WIRE_FLAG_AUDIO 0x0001
/* STREAM_OPEN, STREAM_NOTICE: a private stream, viewed only by the members
 * its owner allows (CAMERA_ACL). */
#define WIRE_FLAG_PRIVATE 0x0002

/* CAMERA_ACL operations. */
typedef enum {
    WIRE_ACL_ALLOW = 1, /* nick may view the owner's private streams */
    WIRE_ACL_DENY = 2,  /* nick may not; its views of them end */
} LcWireAclOp;

/* Files: the ways a file may travel (FILE_OFFER's ways, bits; FILE_ANSWER's
 * and FILE_START's way, one of them). */
#define WIRE_FILE_WAY_RELAY     0x01 /* through the relay, which keeps a bounded buffer */
#define WIRE_FILE_WAY_DIRECT    0x02 /* from the sender's own port, the relay brokering */
#define WIRE_FILE_WAY_SWARM     0x04 /* in chunks, receivers trading them among themselves */
#define WIRE_FILE_WAYS_ALL      (WIRE_FILE_WAY_RELAY | WIRE_FILE_WAY_DIRECT | WIRE_FILE_WAY_SWARM)
#define WIRE_FILE_NAME_MAX      255          /* bytes of a file's name */
#define WIRE_FILE_HASH_SIZE     32           /* SHA-256 of the whole file */
#define WIRE_FILE_DATA_MAX      (128 * 1024) /* bytes one FILE_GET asks for, one FILE_DATA carries */
#define WIRE_FILE_ROLE_SENDER   1            /* FILE_HELLO, FILE_START role */
#define WIRE_FILE_ROLE_RECEIVER 2

/* FILE_ANSWER answers. */
typedef enum {
    WIRE_FILE_ACCEPT = 1, /* send it (again, to change the way or after a cut) */
    WIRE_FILE_REJECT = 2, /* no */
    WIRE_FILE_WHOLE = 3,  /* this receiver has the whole file already */
} LcWireFileAnswer;

/* Room password: the size of AUTH_CHALLENGE's nonce and AUTH's proof. */
#define WIRE_AUTH_SIZE 32

/* STREAM_NOTICE states. */
typedef enum {
    WIRE_STREAM_ENDED = 0,
    WIRE_STREAM_STARTED = 1,
} LcWireStreamState;

/* PRESENCE kinds. */
typedef enum {
    WIRE_PRESENCE_JOIN = 1,
    WIRE_PRESENCE_LEAVE = 2,
    WIRE_PRESENCE_NICK = 3,
    WIRE_PRESENCE_AWAY = 4, /* reason: the away message; empty: back */
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
            guint64 client_id;
            char *to; /* the one member it is for */
            char *text;
        } privmsg;
        struct {
            guint64 id;
            guint64 server_time;
            char *nick;
            char *addr;
            char *to;
            char *text;
        } privmsg_deliver;
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
            GBytes *nonce; /* WIRE_AUTH_SIZE random bytes */
        } auth_challenge;
        struct {
            GBytes *proof; /* WIRE_AUTH_SIZE bytes: net/secure/room_auth.h */
        } auth;
        struct {
            guint32 offer_id; /* the sender's own number for the offer */
            guint64 size;
            guint8 ways;  /* WIRE_FILE_WAY_* bits the sender serves */
            guint16 port; /* the sender's port for direct transfers, or 0 */
            char *to;     /* the one member it is for; empty: every member */
            char *name;
            GBytes *sha256; /* WIRE_FILE_HASH_SIZE bytes */
        } file_offer;
        struct {
            guint64 transfer_id; /* the relay's number for the offer */
            /* 0: an offer to this client; else a copy to its sender (its
             * own number), nick naming the receiver it went to */
            guint32 offer_id;
            guint64 size;
            guint8 ways;
            char *nick; /* the sender (a copy: the receiver) */
            char *addr;
            char *name;
            GBytes *sha256;
        } file_offered;
        struct {
            guint64 transfer_id;
            guint8 answer; /* LcWireFileAnswer */
            guint8 way;    /* accept: the WIRE_FILE_WAY_* wanted */
            guint16 port;  /* swarm: this receiver's port for the other receivers */
        } file_answer;
        struct {
            guint64 transfer_id;
            guint32 offer_id; /* to the sender: its own number; to a receiver: 0 */
            guint8 role;      /* the role this client plays: WIRE_FILE_ROLE_* */
            guint8 way;
            guint64 token; /* the file channel's one-time token */
            guint16 port;  /* direct, to the receiver: the sender's port */
            char *nick;    /* the other side */
            char *addr;    /* direct, to the receiver: the sender's IP; else the other's address */
        } file_start;
        struct {
            guint64 transfer_id;
            guint32 offer_id; /* to the sender: its own number; else 0 */
            guint16 code;     /* 0: the receiver has it whole; else an ERROR code */
            char *nick;       /* the other side, or empty: every one */
            char *reason;
        } file_end;
        struct {
            guint8 role; /* WIRE_FILE_ROLE_* */
            guint64 transfer_id;
            guint64 token;
        } file_hello;
        struct {
            guint64 transfer_id;
        } file_ready;
        struct {
            guint64 offset;
            guint32 length; /* at most WIRE_FILE_DATA_MAX */
        } file_get;
        struct {
            guint64 offset;
            GBytes *data; /* the rest of the payload */
        } file_data;
        struct {
            guint32 chunk;
        } file_have;
        struct {
            guint32 chunk_size; /* bytes of each chunk but the last */
            guint32 first;      /* the chunk the first hash is of */
            GBytes *hashes;     /* WIRE_FILE_HASH_SIZE bytes per chunk */
        } file_hashes;
        struct {
            guint8 op; /* LcWireAclOp */
            char *nick;
        } camera_acl;
        struct {
            char *reason;
        } quit;
        struct {
            char *reason; /* empty: back */
        } away;
        struct {
            guint8 channels;
        } stream_open;
        struct {
            guint32 stream_id;
            guint64 token;
            guint16 udp_port;
            guint8 channels;
            guint32 frame_max;
            GBytes *key; /* UDP key (over TLS only: WIRE_UDP_KEY_SIZE bytes), or empty */
        } stream_ready;
        struct {
            guint32 stream_id;
        } stream_close;
        struct {
            char *nick;
            guint8 channels;
        } view;
        struct {
            guint32 viewer_id;
            guint32 stream_id;
            guint64 token;
            guint16 udp_port;
            guint8 channels;
            guint32 frame_max;
            char *nick;
            GBytes *key; /* UDP key (over TLS only: WIRE_UDP_KEY_SIZE bytes), or empty */
        } view_ready;
        struct {
            guint32 viewer_id;
            guint32 stream_id;
            char *nick;
            char *reason;
        } view_end;
        struct {
            char *nick;
        } view_close;
        struct {
            guint8 request; /* the type refused: STREAM_OPEN or VIEW */
            guint16 code;   /* an ERROR code */
            char *nick;
            char *reason;
        } video_refused;
        struct {
            guint8 role;
            guint32 stream_id;
            guint32 viewer_id;
            guint64 token;
        } video_hello;
        struct {
            guint8 role;
            guint32 stream_id;
            guint32 viewer_id;
            guint64 server_time;
        } video_ready;
        struct {
            guint32 stream_id;
            guint64 seq;
            guint64 capture_us;
            guint64 send_us;
            guint8 codec;
            guint16 frame_flags;
            GBytes *data; /* the frame's bytes: the rest of the payload */
        } video_frame;
        struct {
            guint32 stream_id;
            guint32 viewer_id;
            guint64 seq;
            guint64 first_us;
            guint64 last_us;
            guint64 clock_offset_us; /* i64, two's complement */
        } video_ack;
        struct {
            guint8 state; /* LcWireStreamState */
            guint32 stream_id;
            char *nick; /* the member whose stream it is */
            guint8 channels;
        } stream_notice;
        struct {
            guint8 state; /* LcWireStreamState: started or stopped watching */
            guint32 stream_id;
            char *nick; /* the member who watches (or listens) */
        } watch_notice;
        struct {
            guint32 stream_id;
            guint8 channel; /* LcChanKind whose viewer lost a reference */
        } keyframe_request;
        struct {
            guint32 request;
        } stats_request;
        struct {
            guint32 request;
            guint32 stream_id;
            char *nick;
            guint8 channels;
            guint16 viewers;
            guint64 frames_in[LC_CHAN_KINDS]; /* on the wire: tcp, then udp */
            guint64 bytes_in[LC_CHAN_KINDS];
            guint64 udp_lost;
            guint64 udp_duplicates;
            guint64 bad_token;
        } stats_stream;
        struct {
            guint32 request;
            guint32 viewer_id;
            guint32 stream_id;
            char *nick;
            guint64 frames_out[LC_CHAN_KINDS]; /* on the wire: tcp, then udp */
            guint64 drops[LC_CHAN_KINDS];
            guint32 queue[LC_CHAN_KINDS];
            guint64 acks[LC_CHAN_KINDS];
            guint64 bad_token;
        } stats_viewer;
        struct {
            guint32 request;
            guint32 streams;
            guint32 viewers;
            guint64 bad_datagrams;
            guint64 unknown_token;
            guint64 bad_seal; /* sealed datagrams dropped: forged, replayed, or unsealed */
        } stats_end;
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

/* Like wire_msg_decode, but a data field (VIDEO_FRAME's data) is a slice of
 * payload, which holds header->length bytes, instead of a copy. */
gboolean wire_msg_decode_bytes(const LcWireHeader *header, GBytes *payload, LcWireMsg *msg,
                               GError **error);

/* Encodes msg as one frame (header + payload). Fails if a string is too long
 * for its field or the payload exceeds the type's maximum. */
GBytes *wire_msg_encode(const LcWireMsg *msg, GError **error);

/* Encodes a message whose last field is data (VIDEO_FRAME) as two pieces for a
 * gathered write: the returned head (header and every other field) and *data,
 * a new reference to the data field (an empty GBytes when it is NULL). */
GBytes *wire_msg_encode_split(const LcWireMsg *msg, GBytes **data, GError **error);

/* Frees the strings a decoded message owns and zeroes it. */
void wire_msg_clear(LcWireMsg *msg);

/* Encodes the PONG answering a PING that arrived at received_us (this
 * host's clock); t3 is taken now. Never fails. */
GBytes *wire_encode_pong(const LcWireMsg *ping, gint64 received_us);

/* Encodes an ERROR frame; never fails (the reason is cut to fit). ref is the
 * client_id of the CHAT it answers, else 0. */
GBytes *wire_encode_error(LcWireErrorCode code, gboolean fatal, guint64 ref, const char *reason);

/* A VIDEO_FRAME message's description of its frame (its data aside). */
void wire_video_frame_get_meta(const LcWireMsg *msg, LcFrameMeta *meta);
/* Makes msg a VIDEO_FRAME of a frame: meta and data (borrowed). */
void wire_video_frame_init(LcWireMsg *msg, const LcFrameMeta *meta, GBytes *data);
/* A VIDEO_FRAME message as a new frame (its data shared, not copied). */
LcFrame *wire_video_frame_to_frame(const LcWireMsg *msg);
