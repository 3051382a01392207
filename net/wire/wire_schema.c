/* wire_schema.c: the fields of every message type, and the names of the
 * error codes. Adding a message type is one table here and its struct in
 * wire.h. */
#include "net/wire/wire_schema.h"

static const LcField hello_fields[] = {
    NUM(F_U8, hello.role),
    FIELD(F_STR, hello.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_NICK),
    FIELD(F_STR, hello.instance, WIRE_INSTANCE_MAX, F_NONEMPTY | F_ASCII, WIRE_ERR_BAD_FRAME),
    NUM(F_U64, hello.resume_after),
    NUM(F_U32, hello.history_limit),
};
static const LcField welcome_fields[] = {
    NUM(F_U64, welcome.session_id),
    NUM(F_U64, welcome.server_time),
    FIELD(F_STR, welcome.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, welcome.addr, WIRE_ADDR_MAX, 0, WIRE_ERR_BAD_FRAME),
    NUM(F_U64, welcome.last_id),
    NUM(F_U64, welcome.oldest_id),
    NUM(F_U16, welcome.rate_limit),
    NUM(F_U16, welcome.rate_burst),
};
static const LcField error_fields[] = {
    NUM(F_U16, error.code),
    NUM(F_U64, error.ref),
    FIELD(F_STR, error.reason, WIRE_REASON_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField ping_fields[] = {
    NUM(F_U64, ping.t1),
    NUM(F_U64, ping.token),
};
static const LcField pong_fields[] = {
    NUM(F_U64, pong.t1),
    NUM(F_U64, pong.token),
    NUM(F_U64, pong.t2),
    NUM(F_U64, pong.t3),
};
static const LcField auth_challenge_fields[] = {
    NUM(F_DATA, auth_challenge.nonce),
};
static const LcField auth_fields[] = {
    NUM(F_DATA, auth.proof),
};
static const LcField camera_acl_fields[] = {
    NUM(F_U8, camera_acl.op),
    FIELD(F_STR, camera_acl.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_NICK),
};
static const LcField chat_fields[] = {
    NUM(F_U64, chat.client_id),
    FIELD(F_STR, chat.text, WIRE_TEXT_MAX, 0, WIRE_ERR_BAD_TEXT),
};
static const LcField chat_ack_fields[] = {
    NUM(F_U64, chat_ack.client_id),
    NUM(F_U64, chat_ack.id),
    NUM(F_U64, chat_ack.server_time),
};
static const LcField deliver_fields[] = {
    NUM(F_U64, deliver.id),
    NUM(F_U64, deliver.server_time),
    FIELD(F_STR, deliver.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, deliver.addr, WIRE_ADDR_MAX, 0, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, deliver.text, WIRE_TEXT_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField presence_fields[] = {
    NUM(F_U8, presence.kind),
    FIELD(F_STR, presence.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, presence.addr, WIRE_ADDR_MAX, 0, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, presence.old, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, presence.reason, WIRE_REASON_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField nick_fields[] = {
    FIELD(F_STR, nick.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_NICK),
};
static const LcField quit_fields[] = {
    FIELD(F_STR, quit.reason, WIRE_QUIT_REASON_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField privmsg_fields[] = {
    NUM(F_U64, privmsg.client_id),
    FIELD(F_STR, privmsg.to, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_NICK),
    FIELD(F_STR, privmsg.text, WIRE_TEXT_MAX, 0, WIRE_ERR_BAD_TEXT),
};
static const LcField privmsg_deliver_fields[] = {
    NUM(F_U64, privmsg_deliver.id),
    NUM(F_U64, privmsg_deliver.server_time),
    FIELD(F_STR, privmsg_deliver.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, privmsg_deliver.addr, WIRE_ADDR_MAX, 0, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, privmsg_deliver.to, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, privmsg_deliver.text, WIRE_TEXT_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField away_fields[] = {
    FIELD(F_STR, away.reason, WIRE_QUIT_REASON_MAX, 0, WIRE_ERR_BAD_TEXT),
};
static const LcField stream_open_fields[] = {
    NUM(F_U8, stream_open.channels),
};
static const LcField stream_ready_fields[] = {
    NUM(F_U32, stream_ready.stream_id), NUM(F_U64, stream_ready.token),
    NUM(F_U16, stream_ready.udp_port),  NUM(F_U8, stream_ready.channels),
    NUM(F_U32, stream_ready.frame_max), NUM(F_DATA, stream_ready.key),
};
static const LcField stream_close_fields[] = {
    NUM(F_U32, stream_close.stream_id),
};
static const LcField view_fields[] = {
    FIELD(F_STR, view.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_NICK),
    NUM(F_U8, view.channels),
};
static const LcField view_ready_fields[] = {
    NUM(F_U32, view_ready.viewer_id),
    NUM(F_U32, view_ready.stream_id),
    NUM(F_U64, view_ready.token),
    NUM(F_U16, view_ready.udp_port),
    NUM(F_U8, view_ready.channels),
    NUM(F_U32, view_ready.frame_max),
    FIELD(F_STR, view_ready.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    NUM(F_DATA, view_ready.key),
};
static const LcField view_end_fields[] = {
    NUM(F_U32, view_end.viewer_id),
    NUM(F_U32, view_end.stream_id),
    FIELD(F_STR, view_end.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, view_end.reason, WIRE_VIDEO_REASON_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField view_close_fields[] = {
    FIELD(F_STR, view_close.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_NICK),
};
static const LcField video_refused_fields[] = {
    NUM(F_U8, video_refused.request),
    NUM(F_U16, video_refused.code),
    FIELD(F_STR, video_refused.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, video_refused.reason, WIRE_REASON_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField video_hello_fields[] = {
    NUM(F_U8, video_hello.role),
    NUM(F_U32, video_hello.stream_id),
    NUM(F_U32, video_hello.viewer_id),
    NUM(F_U64, video_hello.token),
};
static const LcField video_ready_fields[] = {
    NUM(F_U8, video_ready.role),
    NUM(F_U32, video_ready.stream_id),
    NUM(F_U32, video_ready.viewer_id),
    NUM(F_U64, video_ready.server_time),
};
static const LcField video_frame_fields[] = {
    NUM(F_U32, video_frame.stream_id),  NUM(F_U64, video_frame.seq),
    NUM(F_U64, video_frame.capture_us), NUM(F_U64, video_frame.send_us),
    NUM(F_U8, video_frame.codec),       NUM(F_U16, video_frame.frame_flags),
    NUM(F_DATA, video_frame.data),
};
static const LcField video_ack_fields[] = {
    NUM(F_U32, video_ack.stream_id), NUM(F_U32, video_ack.viewer_id),
    NUM(F_U64, video_ack.seq),       NUM(F_U64, video_ack.first_us),
    NUM(F_U64, video_ack.last_us),   NUM(F_U64, video_ack.clock_offset_us),
};
static const LcField watch_notice_fields[] = {
    NUM(F_U8, watch_notice.state),
    NUM(F_U32, watch_notice.stream_id),
    FIELD(F_STR, watch_notice.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
};
static const LcField stream_notice_fields[] = {
    NUM(F_U8, stream_notice.state),
    NUM(F_U32, stream_notice.stream_id),
    FIELD(F_STR, stream_notice.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    NUM(F_U8, stream_notice.channels),
};
static const LcField keyframe_request_fields[] = {
    NUM(F_U32, keyframe_request.stream_id),
    NUM(F_U8, keyframe_request.channel),
};
static const LcField stats_request_fields[] = {
    NUM(F_U32, stats_request.request),
};
static const LcField stats_stream_fields[] = {
    NUM(F_U32, stats_stream.request),
    NUM(F_U32, stats_stream.stream_id),
    FIELD(F_STR, stats_stream.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_FRAME),
    NUM(F_U8, stats_stream.channels),
    NUM(F_U16, stats_stream.viewers),
    NUM(F_U64, stats_stream.frames_in[LC_CHAN_TCP]),
    NUM(F_U64, stats_stream.frames_in[LC_CHAN_UDP]),
    NUM(F_U64, stats_stream.bytes_in[LC_CHAN_TCP]),
    NUM(F_U64, stats_stream.bytes_in[LC_CHAN_UDP]),
    NUM(F_U64, stats_stream.udp_lost),
    NUM(F_U64, stats_stream.udp_duplicates),
    NUM(F_U64, stats_stream.bad_token),
};
static const LcField stats_viewer_fields[] = {
    NUM(F_U32, stats_viewer.request),
    NUM(F_U32, stats_viewer.viewer_id),
    NUM(F_U32, stats_viewer.stream_id),
    FIELD(F_STR, stats_viewer.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_FRAME),
    NUM(F_U64, stats_viewer.frames_out[LC_CHAN_TCP]),
    NUM(F_U64, stats_viewer.frames_out[LC_CHAN_UDP]),
    NUM(F_U64, stats_viewer.drops[LC_CHAN_TCP]),
    NUM(F_U64, stats_viewer.drops[LC_CHAN_UDP]),
    NUM(F_U32, stats_viewer.queue[LC_CHAN_TCP]),
    NUM(F_U32, stats_viewer.queue[LC_CHAN_UDP]),
    NUM(F_U64, stats_viewer.acks[LC_CHAN_TCP]),
    NUM(F_U64, stats_viewer.acks[LC_CHAN_UDP]),
    NUM(F_U64, stats_viewer.bad_token),
};
static const LcField stats_end_fields[] = {
    NUM(F_U32, stats_end.request),       NUM(F_U32, stats_end.streams),
    NUM(F_U32, stats_end.viewers),       NUM(F_U64, stats_end.bad_datagrams),
    NUM(F_U64, stats_end.unknown_token), NUM(F_U64, stats_end.bad_seal),
};
static const LcField file_offer_fields[] = {
    NUM(F_U32, file_offer.offer_id),
    NUM(F_U64, file_offer.size),
    NUM(F_U8, file_offer.ways),
    NUM(F_U16, file_offer.port),
    FIELD(F_STR, file_offer.to, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_NICK),
    FIELD(F_STR, file_offer.name, WIRE_FILE_NAME_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    NUM(F_DATA, file_offer.sha256),
};
static const LcField file_offered_fields[] = {
    NUM(F_U64, file_offered.transfer_id),
    NUM(F_U32, file_offered.offer_id),
    NUM(F_U64, file_offered.size),
    NUM(F_U8, file_offered.ways),
    FIELD(F_STR, file_offered.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, file_offered.addr, WIRE_ADDR_MAX, 0, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, file_offered.name, WIRE_FILE_NAME_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    NUM(F_DATA, file_offered.sha256),
};
static const LcField file_answer_fields[] = {
    NUM(F_U64, file_answer.transfer_id),
    NUM(F_U8, file_answer.answer),
    NUM(F_U8, file_answer.way),
    NUM(F_U16, file_answer.port),
};
static const LcField file_start_fields[] = {
    NUM(F_U64, file_start.transfer_id),
    NUM(F_U32, file_start.offer_id),
    NUM(F_U8, file_start.role),
    NUM(F_U8, file_start.way),
    NUM(F_U64, file_start.token),
    NUM(F_U16, file_start.port),
    FIELD(F_STR, file_start.nick, WIRE_NICK_MAX, F_NONEMPTY, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, file_start.addr, WIRE_ADDR_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField file_end_fields[] = {
    NUM(F_U64, file_end.transfer_id),
    NUM(F_U32, file_end.offer_id),
    NUM(F_U16, file_end.code),
    FIELD(F_STR, file_end.nick, WIRE_NICK_MAX, 0, WIRE_ERR_BAD_FRAME),
    FIELD(F_STR, file_end.reason, WIRE_REASON_MAX, 0, WIRE_ERR_BAD_FRAME),
};
static const LcField file_hello_fields[] = {
    NUM(F_U8, file_hello.role),
    NUM(F_U64, file_hello.transfer_id),
    NUM(F_U64, file_hello.token),
};
static const LcField file_ready_fields[] = {
    NUM(F_U64, file_ready.transfer_id),
};
static const LcField file_get_fields[] = {
    NUM(F_U64, file_get.offset),
    NUM(F_U32, file_get.length),
};
static const LcField file_have_fields[] = {
    NUM(F_U32, file_have.chunk),
};
static const LcField file_hashes_fields[] = {
    NUM(F_U32, file_hashes.chunk_size),
    NUM(F_U32, file_hashes.first),
    NUM(F_DATA, file_hashes.hashes),
};
static const LcField file_data_fields[] = {
    NUM(F_U64, file_data.offset),
    NUM(F_DATA, file_data.data),
};

#define SCHEMA(type, name, max, flags, fields, members)                                            \
    {                                                                                              \
        type, name, max, flags, fields, G_N_ELEMENTS(fields), members                              \
    }

static const LcSchema schemas[] = {
    SCHEMA(WIRE_HELLO, "HELLO", 512,
           WIRE_FLAG_RESUME | WIRE_FLAG_NOTICES | WIRE_FLAG_KEYFRAMES | WIRE_FLAG_CHAT_EXTRAS |
               WIRE_FLAG_SHARED_CHANNELS | WIRE_FLAG_PASSWORD | WIRE_FLAG_FILES,
           hello_fields, FALSE),
    SCHEMA(WIRE_WELCOME, "WELCOME", WIRE_MAX_PAYLOAD,
           WIRE_FLAG_KEYFRAMES | WIRE_FLAG_SHARED_CHANNELS | WIRE_FLAG_FILES, welcome_fields, TRUE),
    SCHEMA(WIRE_ERROR, "ERROR", 1024, WIRE_FLAG_FATAL, error_fields, FALSE),
    SCHEMA(WIRE_PING, "PING", 16, 0, ping_fields, FALSE),
    SCHEMA(WIRE_PONG, "PONG", 32, 0, pong_fields, FALSE),
    SCHEMA(WIRE_AUTH_CHALLENGE, "AUTH_CHALLENGE", WIRE_AUTH_SIZE, 0, auth_challenge_fields, FALSE),
    SCHEMA(WIRE_AUTH, "AUTH", WIRE_AUTH_SIZE, 0, auth_fields, FALSE),
    SCHEMA(WIRE_CHAT, "CHAT", 4112, WIRE_FLAG_ACTION, chat_fields, FALSE),
    SCHEMA(WIRE_CHAT_ACK, "CHAT_ACK", 32, 0, chat_ack_fields, FALSE),
    SCHEMA(WIRE_CHAT_DELIVER, "CHAT_DELIVER", 4400,
           WIRE_FLAG_ACTION | WIRE_FLAG_HISTORY | WIRE_FLAG_OWN, deliver_fields, FALSE),
    SCHEMA(WIRE_PRESENCE, "PRESENCE", 1024, 0, presence_fields, FALSE),
    SCHEMA(WIRE_NICK, "NICK", 64, 0, nick_fields, FALSE),
    SCHEMA(WIRE_QUIT, "QUIT", 512, 0, quit_fields, FALSE),
    SCHEMA(WIRE_AWAY, "AWAY", 512, 0, away_fields, FALSE),
    SCHEMA(WIRE_PRIVMSG, "PRIVMSG", 4160, WIRE_FLAG_ACTION, privmsg_fields, FALSE),
    SCHEMA(WIRE_PRIVMSG_DELIVER, "PRIVMSG_DELIVER", 4400,
           WIRE_FLAG_ACTION | WIRE_FLAG_HISTORY | WIRE_FLAG_OWN, privmsg_deliver_fields, FALSE),
    /* The camera channels (docs/PROTOCOL.md, "Camera channels"). */
    SCHEMA(WIRE_STREAM_OPEN, "STREAM_OPEN", 16, WIRE_FLAG_AUDIO | WIRE_FLAG_PRIVATE,
           stream_open_fields, FALSE),
    SCHEMA(WIRE_STREAM_READY, "STREAM_READY", 64, WIRE_FLAG_AUDIO, stream_ready_fields, FALSE),
    SCHEMA(WIRE_STREAM_CLOSE, "STREAM_CLOSE", 16, 0, stream_close_fields, FALSE),
    SCHEMA(WIRE_VIEW, "VIEW", 64, WIRE_FLAG_AUDIO, view_fields, FALSE),
    SCHEMA(WIRE_VIEW_READY, "VIEW_READY", 128, WIRE_FLAG_AUDIO, view_ready_fields, FALSE),
    SCHEMA(WIRE_VIEW_END, "VIEW_END", 512, WIRE_FLAG_AUDIO, view_end_fields, FALSE),
    SCHEMA(WIRE_VIEW_CLOSE, "VIEW_CLOSE", 64, WIRE_FLAG_AUDIO, view_close_fields, FALSE),
    SCHEMA(WIRE_VIDEO_REFUSED, "VIDEO_REFUSED", 1024, WIRE_FLAG_AUDIO, video_refused_fields, FALSE),
    SCHEMA(WIRE_VIDEO_HELLO, "VIDEO_HELLO", 32, WIRE_FLAG_SHARED, video_hello_fields, FALSE),
    SCHEMA(WIRE_VIDEO_READY, "VIDEO_READY", 32, 0, video_ready_fields, FALSE),
    SCHEMA(WIRE_VIDEO_FRAME, "VIDEO_FRAME", WIRE_VIDEO_FRAME_HEAD + WIRE_VIDEO_FRAME_MAX, 0,
           video_frame_fields, FALSE),
    SCHEMA(WIRE_STREAM_NOTICE, "STREAM_NOTICE", 64, WIRE_FLAG_AUDIO | WIRE_FLAG_PRIVATE,
           stream_notice_fields, FALSE),
    SCHEMA(WIRE_WATCH_NOTICE, "WATCH_NOTICE", 64, WIRE_FLAG_AUDIO, watch_notice_fields, FALSE),
    SCHEMA(WIRE_KEYFRAME_REQUEST, "KEYFRAME_REQUEST", 16, 0, keyframe_request_fields, FALSE),
    SCHEMA(WIRE_CAMERA_ACL, "CAMERA_ACL", 64, 0, camera_acl_fields, FALSE),
    SCHEMA(WIRE_VIDEO_ACK, "VIDEO_ACK", 64, 0, video_ack_fields, FALSE),
    SCHEMA(WIRE_STATS_REQUEST, "STATS_REQUEST", 16, 0, stats_request_fields, FALSE),
    SCHEMA(WIRE_STATS_STREAM, "STATS_STREAM", 128, WIRE_FLAG_AUDIO, stats_stream_fields, FALSE),
    SCHEMA(WIRE_STATS_VIEWER, "STATS_VIEWER", 128, WIRE_FLAG_AUDIO, stats_viewer_fields, FALSE),
    SCHEMA(WIRE_STATS_END, "STATS_END", 48, 0, stats_end_fields, FALSE),
    /* Files (docs/PROTOCOL.md, "Files"). */
    SCHEMA(WIRE_FILE_OFFER, "FILE_OFFER", 512, 0, file_offer_fields, FALSE),
    SCHEMA(WIRE_FILE_OFFERED, "FILE_OFFERED", 512, 0, file_offered_fields, FALSE),
    SCHEMA(WIRE_FILE_ANSWER, "FILE_ANSWER", 16, 0, file_answer_fields, FALSE),
    SCHEMA(WIRE_FILE_START, "FILE_START", 256, 0, file_start_fields, FALSE),
    SCHEMA(WIRE_FILE_END, "FILE_END", 640, 0, file_end_fields, FALSE),
    SCHEMA(WIRE_FILE_HELLO, "FILE_HELLO", 32, 0, file_hello_fields, FALSE),
    SCHEMA(WIRE_FILE_READY, "FILE_READY", 16, 0, file_ready_fields, FALSE),
    SCHEMA(WIRE_FILE_GET, "FILE_GET", 16, 0, file_get_fields, FALSE),
    SCHEMA(WIRE_FILE_DATA, "FILE_DATA", 8 + WIRE_FILE_DATA_MAX, 0, file_data_fields, FALSE),
    SCHEMA(WIRE_FILE_HAVE, "FILE_HAVE", 16, 0, file_have_fields, FALSE),
    SCHEMA(WIRE_FILE_HASHES, "FILE_HASHES", 8 + WIRE_FILE_DATA_MAX, 0, file_hashes_fields, FALSE),
};

static const char *const error_names[] = {
    [WIRE_ERR_BAD_FRAME] = "BAD_FRAME",
    [WIRE_ERR_UNSUPPORTED_VERSION] = "UNSUPPORTED_VERSION",
    [WIRE_ERR_UNKNOWN_TYPE] = "UNKNOWN_TYPE",
    [WIRE_ERR_TOO_LARGE] = "TOO_LARGE",
    [WIRE_ERR_BAD_UTF8] = "BAD_UTF8",
    [WIRE_ERR_PROTOCOL] = "PROTOCOL",
    [WIRE_ERR_BAD_NICK] = "BAD_NICK",
    [WIRE_ERR_NICK_TAKEN] = "NICK_TAKEN",
    [WIRE_ERR_BAD_TEXT] = "BAD_TEXT",
    [WIRE_ERR_RATE_LIMITED] = "RATE_LIMITED",
    [WIRE_ERR_TIMEOUT] = "TIMEOUT",
    [WIRE_ERR_SERVER_FULL] = "SERVER_FULL",
    [WIRE_ERR_SLOW_CONSUMER] = "SLOW_CONSUMER",
    [WIRE_ERR_SHUTDOWN] = "SHUTDOWN",
    [WIRE_ERR_INTERNAL] = "INTERNAL",
    [WIRE_ERR_NO_SUCH_NICK] = "NO_SUCH_NICK",
    [WIRE_ERR_AUTH] = "AUTH",
    [WIRE_ERR_NOT_ALLOWED] = "NOT_ALLOWED",
    [WIRE_ERR_REJECTED] = "REJECTED",
    [WIRE_ERR_CANCELLED] = "CANCELLED",
};

/* Finds the schema of a type. */
const LcSchema *wire_schema_find(guint8 type)
{
    for (guint i = 0; i < G_N_ELEMENTS(schemas); i++)
        if (schemas[i].type == type)
            return &schemas[i];
    return NULL;
}

/* The name of an ERROR code. */
const char *wire_schema_error_name(guint16 code)
{
    if (code < G_N_ELEMENTS(error_names))
        return error_names[code];
    return NULL;
}
