/* wire.c: the lanconf wire protocol (docs/PROTOCOL.md), encoding and decoding.
 * Each message type is described once, as a table of fields (kind, offset in
 * LcWireMsg, size limit: wire_schema.c). The encoder and the decoder both walk
 * that table, so the two can never disagree about the layout of a type.
 */
#include "net/wire/wire.h"
#include "net/wire/wire_schema.h"

#include <stddef.h>
#include <string.h>

/* The error domain of this module. */
GQuark wire_error_quark(void)
{
    return g_quark_from_static_string("lc-wire-error-quark");
}

/* Finds the schema of a type, or NULL. */
static const LcSchema *wire_find_schema(guint8 type)
{
    return wire_schema_find(type);
}

/* Largest payload allowed for a type, or 0 for an unknown type. */
gsize wire_max_payload(guint8 type)
{
    const LcSchema *schema = wire_find_schema(type);
    return schema ? schema->max_payload : 0;
}

/* Name of a message type. */
const char *wire_type_name(guint8 type)
{
    const LcSchema *schema = wire_find_schema(type);
    return schema ? schema->name : "UNKNOWN";
}

/* Name of an ERROR code. */
const char *wire_error_name(guint16 code)
{
    const char *name = wire_schema_error_name(code);
    return name != NULL ? name : "UNKNOWN";
}

/* Reads a big-endian integer of n bytes. */
static guint64 wire_read_be(const guint8 *p, guint n)
{
    guint64 v = 0;
    for (guint i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Checks and parses a frame header. */
gboolean wire_header_parse(const guint8 *buf, LcWireHeader *header, GError **error)
{
    if (buf[0] != WIRE_MAGIC_0 || buf[1] != WIRE_MAGIC_1) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME,
                    "bad magic 0x%02x%02x (expected 'LC')", buf[0], buf[1]);
        return FALSE;
    }
    header->version = buf[2];
    header->type = buf[3];
    header->flags = (guint16)wire_read_be(buf + 4, 2);
    header->length = (guint32)wire_read_be(buf + 6, 4);
    if (header->version != WIRE_VERSION) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_UNSUPPORTED_VERSION,
                    "protocol version %u is not supported (this side speaks %u)", header->version,
                    WIRE_VERSION);
        return FALSE;
    }
    const LcSchema *schema = wire_find_schema(header->type);
    if (schema == NULL) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_UNKNOWN_TYPE, "unknown message type 0x%02x",
                    header->type);
        return FALSE;
    }
    if (header->length > schema->max_payload) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                    "%s payload of %u bytes exceeds the limit of %zu", schema->name, header->length,
                    schema->max_payload);
        return FALSE;
    }
    return TRUE;
}

/* A cursor over a payload being decoded. */
typedef struct {
    const guint8 *p;
    gsize left;
    const char *type_name;
    const guint8 *base; /* start of the payload */
    GBytes *owner;      /* the payload as GBytes, for slices; may be NULL */
} LcReader;

/* Takes n bytes from the reader, or fails naming the field. */
static const guint8 *wire_take(LcReader *r, gsize n, const char *field, GError **error)
{
    if (r->left < n) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s truncated in field %s",
                    r->type_name, field);
        return NULL;
    }
    const guint8 *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

/* Checks that every byte is printable ASCII. */
static gboolean wire_is_printable_ascii(const char *s, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (s[i] < 0x21 || s[i] > 0x7e)
            return FALSE;
    return TRUE;
}

/* Decodes one length-prefixed string field. */
static char *wire_read_str(LcReader *r, const LcField *f, GError **error)
{
    const guint8 *lp = wire_take(r, 2, f->name, error);
    if (lp == NULL)
        return NULL;
    gsize len = wire_read_be(lp, 2);
    if (f->max > 0 && len > f->max) {
        g_set_error(error, LC_WIRE_ERROR, f->err, "%s field %s is %zu bytes, the limit is %u",
                    r->type_name, f->name, len, f->max);
        return NULL;
    }
    const guint8 *s = wire_take(r, len, f->name, error);
    if (s == NULL)
        return NULL;
    if ((f->options & F_NONEMPTY) && len == 0) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s field %s is empty", r->type_name,
                    f->name);
        return NULL;
    }
    if (len > 0 && !g_utf8_validate_len((const char *)s, len, NULL)) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_UTF8, "%s field %s is not valid UTF-8",
                    r->type_name, f->name);
        return NULL;
    }
    if ((f->options & F_ASCII) && !wire_is_printable_ascii((const char *)s, len)) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s field %s must be printable ASCII",
                    r->type_name, f->name);
        return NULL;
    }
    return g_strndup((const char *)s, len);
}

/* Decodes one field into its place in msg. */
static gboolean wire_read_field(LcReader *r, const LcField *f, LcWireMsg *msg, GError **error)
{
    static const guint sizes[] = {[F_U8] = 1, [F_U16] = 2, [F_U32] = 4, [F_U64] = 8};
    guint8 *dst = (guint8 *)msg + f->offset;

    if (f->kind == F_STR) {
        char *s = wire_read_str(r, f, error);
        *(char **)dst = s;
        return s != NULL;
    }
    if (f->kind == F_DATA) {
        gsize n = r->left;
        const guint8 *p = wire_take(r, n, f->name, error);
        *(GBytes **)dst = r->owner ? g_bytes_new_from_bytes(r->owner, (gsize)(p - r->base), n)
                                   : g_bytes_new(p, n);
        return TRUE;
    }
    const guint8 *p = wire_take(r, sizes[f->kind], f->name, error);
    if (p == NULL)
        return FALSE;
    guint64 v = wire_read_be(p, sizes[f->kind]);
    switch (f->kind) {
    case F_U8:
        *(guint8 *)dst = (guint8)v;
        break;
    case F_U16:
        *(guint16 *)dst = (guint16)v;
        break;
    case F_U32:
        *(guint32 *)dst = (guint32)v;
        break;
    default:
        *(guint64 *)dst = v;
        break;
    }
    return TRUE;
}

/* Decodes WELCOME's member list. */
static gboolean wire_read_members(LcReader *r, LcWireMsg *msg, GError **error)
{
    static const LcField nick = {F_STR,         "members.nick", 0,
                                 WIRE_NICK_MAX, F_NONEMPTY,     WIRE_ERR_BAD_FRAME};
    static const LcField addr = {F_STR, "members.addr", 0, WIRE_ADDR_MAX, 0, WIRE_ERR_BAD_FRAME};
    const guint8 *p = wire_take(r, 2, "member_count", error);
    if (p == NULL)
        return FALSE;
    guint n = (guint)wire_read_be(p, 2);
    /* Each member takes at least 4 bytes: a count larger than the rest of the
     * payload allows is malformed, and checking first bounds the allocation. */
    if ((gsize)n * 4 > r->left) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME,
                    "WELCOME member_count %u does not fit the payload", n);
        return FALSE;
    }
    msg->welcome.members = g_new0(LcWireMember, n);
    msg->welcome.n_members = n;
    for (guint i = 0; i < n; i++) {
        if ((msg->welcome.members[i].nick = wire_read_str(r, &nick, error)) == NULL)
            return FALSE;
        if ((msg->welcome.members[i].addr = wire_read_str(r, &addr, error)) == NULL)
            return FALSE;
    }
    return TRUE;
}

/* Fails naming a field whose value is out of its range. */
static gboolean wire_out_of_range(const LcWireMsg *msg, const char *field, guint value,
                                  GError **error)
{
    g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s %s %u is out of range",
                wire_type_name(msg->type), field, value);
    return FALSE;
}

/* Checks a channels field: one or both of TCP and UDP. */
static gboolean wire_check_channels(const LcWireMsg *msg, guint8 channels, GError **error)
{
    if (channels == 0 || (channels & ~WIRE_CHANNELS_ALL) != 0)
        return wire_out_of_range(msg, "channels", channels, error);
    return TRUE;
}

/* Checks a video role field: sender or viewer. */
static gboolean wire_check_role(const LcWireMsg *msg, guint8 role, GError **error)
{
    if (role != WIRE_VIDEO_ROLE_SENDER && role != WIRE_VIDEO_ROLE_VIEWER)
        return wire_out_of_range(msg, "role", role, error);
    return TRUE;
}

/* Checks the ranges of the fields that take only some values. */
static gboolean wire_check_ranges(const LcWireMsg *msg, GError **error)
{
    switch (msg->type) {
    case WIRE_PRESENCE:
        if (msg->presence.kind < WIRE_PRESENCE_JOIN || msg->presence.kind > WIRE_PRESENCE_AWAY)
            return wire_out_of_range(msg, "kind", msg->presence.kind, error);
        return TRUE;
    case WIRE_STREAM_OPEN:
        return wire_check_channels(msg, msg->stream_open.channels, error);
    case WIRE_STREAM_READY:
        return wire_check_channels(msg, msg->stream_ready.channels, error);
    case WIRE_VIEW:
        return wire_check_channels(msg, msg->view.channels, error);
    case WIRE_VIEW_READY:
        return wire_check_channels(msg, msg->view_ready.channels, error);
    case WIRE_VIDEO_HELLO:
        return wire_check_role(msg, msg->video_hello.role, error);
    case WIRE_VIDEO_READY:
        return wire_check_role(msg, msg->video_ready.role, error);
    default:
        return TRUE;
    }
}

/* Decodes a payload, slicing data fields from owner when it is given. */
static gboolean wire_decode(const LcWireHeader *header, const guint8 *payload, GBytes *owner,
                            LcWireMsg *msg, GError **error)
{
    const LcSchema *schema = wire_find_schema(header->type);
    memset(msg, 0, sizeof(*msg));
    if (schema == NULL) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_UNKNOWN_TYPE, "unknown message type 0x%02x",
                    header->type);
        return FALSE;
    }
    msg->type = header->type;
    msg->flags = header->flags;
    if (header->flags & ~schema->allowed_flags) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s has undefined flags 0x%04x",
                    schema->name, header->flags & ~schema->allowed_flags);
        goto fail;
    }
    LcReader r = {payload, header->length, schema->name, payload, owner};
    for (guint i = 0; i < schema->n_fields; i++) {
        if (!wire_read_field(&r, &schema->fields[i], msg, error))
            goto fail;
    }
    if (schema->has_members && !wire_read_members(&r, msg, error))
        goto fail;
    if (!wire_check_ranges(msg, error))
        goto fail;
    if (r.left != 0) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s has %zu bytes left over",
                    schema->name, r.left);
        goto fail;
    }
    return TRUE;

fail:
    wire_msg_clear(msg);
    return FALSE;
}

/* Decodes the payload of a parsed header into msg. */
gboolean wire_msg_decode(const LcWireHeader *header, const guint8 *payload, LcWireMsg *msg,
                         GError **error)
{
    return wire_decode(header, payload, NULL, msg, error);
}

/* Decodes a payload held in GBytes; data fields are slices of it. */
gboolean wire_msg_decode_bytes(const LcWireHeader *header, GBytes *payload, LcWireMsg *msg,
                               GError **error)
{
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(payload, &size);
    if (size < header->length) {
        memset(msg, 0, sizeof(*msg));
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s truncated",
                    wire_type_name(header->type));
        return FALSE;
    }
    return wire_decode(header, bytes ? bytes : (const guint8 *)"", payload, msg, error);
}

/* Appends a big-endian integer of n bytes. */
static void wire_write_be(GByteArray *out, guint64 v, guint n)
{
    guint8 b[8];
    for (guint i = 0; i < n; i++)
        b[n - 1 - i] = (guint8)(v >> (8 * i));
    g_byte_array_append(out, b, n);
}

/* Appends a length-prefixed string, or fails if it is over the field's limit. */
static gboolean wire_write_str(GByteArray *out, const char *s, const char *type_name,
                               const char *field, guint16 max, GError **error)
{
    gsize len = s ? strlen(s) : 0;
    if (len > max) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                    "%s field %s is %zu bytes, the limit is %u", type_name, field, len, max);
        return FALSE;
    }
    wire_write_be(out, len, 2);
    g_byte_array_append(out, (const guint8 *)(s ? s : ""), (guint)len);
    return TRUE;
}

/* Appends one field of msg. */
static gboolean wire_write_field(GByteArray *out, const LcSchema *schema, const LcField *f,
                                 const LcWireMsg *msg, GError **error)
{
    const guint8 *src = (const guint8 *)msg + f->offset;
    switch (f->kind) {
    case F_U8:
        wire_write_be(out, *(const guint8 *)src, 1);
        return TRUE;
    case F_U16:
        wire_write_be(out, *(const guint16 *)src, 2);
        return TRUE;
    case F_U32:
        wire_write_be(out, *(const guint32 *)src, 4);
        return TRUE;
    case F_U64:
        wire_write_be(out, *(const guint64 *)src, 8);
        return TRUE;
    case F_STR:
        return wire_write_str(out, *(char *const *)src, schema->name, f->name, f->max, error);
    case F_DATA: {
        GBytes *data = *(GBytes *const *)src;
        gsize size = 0;
        const guint8 *bytes = data ? g_bytes_get_data(data, &size) : NULL;
        if (size > schema->max_payload) {
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                        "%s field %s is %zu bytes, over the limit of %zu", schema->name, f->name,
                        size, schema->max_payload);
            return FALSE;
        }
        if (size > 0)
            g_byte_array_append(out, bytes, (guint)size);
        return TRUE;
    }
    }
    return FALSE;
}

/* Encodes msg into out: the header and every field but, when split_data is
 * set, a last data field, whose size *tail is counted in the length. */
static gboolean wire_encode(const LcWireMsg *msg, gboolean split_data, GByteArray *out,
                            GBytes **tail, GError **error)
{
    const LcSchema *schema = wire_find_schema(msg->type);
    if (schema == NULL) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_UNKNOWN_TYPE, "unknown message type 0x%02x",
                    msg->type);
        return FALSE;
    }
    guint n_fields = schema->n_fields;
    gsize tail_size = 0;
    if (split_data) {
        const LcField *last = &schema->fields[n_fields - 1];
        if (last->kind != F_DATA) {
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME, "%s has no data field to split",
                        schema->name);
            return FALSE;
        }
        GBytes *data = *(GBytes *const *)((const guint8 *)msg + last->offset);
        *tail = data ? g_bytes_ref(data) : g_bytes_new(NULL, 0);
        tail_size = g_bytes_get_size(*tail);
        n_fields--;
    }
    const guint8 head[] = {WIRE_MAGIC_0, WIRE_MAGIC_1, WIRE_VERSION, msg->type};
    g_byte_array_append(out, head, sizeof(head));
    wire_write_be(out, msg->flags, 2);
    wire_write_be(out, 0, 4); /* length, filled in below */
    for (guint i = 0; i < n_fields; i++)
        if (!wire_write_field(out, schema, &schema->fields[i], msg, error))
            return FALSE;
    if (schema->has_members) {
        if (msg->welcome.n_members > G_MAXUINT16) {
            g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE, "WELCOME has %u members",
                        msg->welcome.n_members);
            return FALSE;
        }
        wire_write_be(out, msg->welcome.n_members, 2);
        for (guint i = 0; i < msg->welcome.n_members; i++) {
            const LcWireMember *m = &msg->welcome.members[i];
            if (!wire_write_str(out, m->nick, "WELCOME", "members.nick", WIRE_NICK_MAX, error) ||
                !wire_write_str(out, m->addr, "WELCOME", "members.addr", WIRE_ADDR_MAX, error))
                return FALSE;
        }
    }
    gsize length = out->len - WIRE_HEADER_SIZE + tail_size;
    if (length > schema->max_payload) {
        g_set_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE,
                    "%s payload of %zu bytes exceeds the limit of %zu", schema->name, length,
                    schema->max_payload);
        return FALSE;
    }
    for (guint i = 0; i < 4; i++)
        out->data[6 + i] = (guint8)(length >> (8 * (3 - i)));
    return TRUE;
}

/* Encodes msg as one frame. */
GBytes *wire_msg_encode(const LcWireMsg *msg, GError **error)
{
    g_autoptr(GByteArray) out = g_byte_array_sized_new(64);
    if (!wire_encode(msg, FALSE, out, NULL, error))
        return NULL;
    return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

/* Encodes a message whose last field is data as a head and the data. */
GBytes *wire_msg_encode_split(const LcWireMsg *msg, GBytes **data, GError **error)
{
    g_autoptr(GByteArray) out = g_byte_array_sized_new(64);
    g_autoptr(GBytes) tail = NULL;
    if (!wire_encode(msg, TRUE, out, &tail, error))
        return NULL;
    *data = g_steal_pointer(&tail);
    return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

/* Frees the strings a decoded message owns and zeroes it. */
void wire_msg_clear(LcWireMsg *msg)
{
    const LcSchema *schema = wire_find_schema(msg->type);
    if (schema != NULL) {
        for (guint i = 0; i < schema->n_fields; i++) {
            const LcField *f = &schema->fields[i];
            if (f->kind == F_STR)
                g_free(*(char **)((guint8 *)msg + f->offset));
            else if (f->kind == F_DATA)
                g_clear_pointer((GBytes **)((guint8 *)msg + f->offset), g_bytes_unref);
        }
        if (schema->has_members && msg->welcome.members != NULL) {
            for (guint i = 0; i < msg->welcome.n_members; i++) {
                g_free(msg->welcome.members[i].nick);
                g_free(msg->welcome.members[i].addr);
            }
            g_free(msg->welcome.members);
        }
    }
    memset(msg, 0, sizeof(*msg));
}

/* Cuts s to at most max bytes without splitting a UTF-8 character. */
static char *wire_cut_utf8(const char *s, gsize max)
{
    if (s == NULL)
        return g_strdup("");
    gsize len = strlen(s);
    if (len <= max)
        return g_strdup(s);
    const char *end = g_utf8_find_prev_char(s, s + max + 1);
    return g_strndup(s, end ? (gsize)(end - s) : 0);
}

/* Encodes the PONG answering a PING: its t1 and token echoed, t2 when it
 * arrived, t3 now (RFC 5905's four timestamps, seen from the responder). */
GBytes *wire_encode_pong(const LcWireMsg *ping, gint64 received_us)
{
    LcWireMsg pong = {.type = WIRE_PONG};
    pong.pong.t1 = ping->ping.t1;
    pong.pong.token = ping->ping.token;
    pong.pong.t2 = (guint64)received_us;
    pong.pong.t3 = (guint64)g_get_real_time();
    GBytes *frame = wire_msg_encode(&pong, NULL);
    g_assert(frame != NULL);
    return frame;
}

/* Encodes an ERROR frame; never fails. */
GBytes *wire_encode_error(LcWireErrorCode code, gboolean fatal, guint64 ref, const char *reason)
{
    g_autofree char *cut = NULL;
    if (reason != NULL && !g_utf8_validate(reason, -1, NULL))
        cut = g_strdup("(reason was not valid UTF-8)");
    else
        cut = wire_cut_utf8(reason, WIRE_REASON_MAX);
    LcWireMsg msg = {.type = WIRE_ERROR, .flags = fatal ? WIRE_FLAG_FATAL : 0};
    msg.error.code = code;
    msg.error.ref = ref;
    msg.error.reason = cut;
    GBytes *frame = wire_msg_encode(&msg, NULL);
    g_assert(frame != NULL);
    return frame;
}
