/* bench_mqtt_wire.c: the few MQTT 3.1.1 packets `lanconf-bench chat` needs. */
#include "src/lab/bench_mqtt_wire.h"

#include <string.h>

/* Appends an MQTT "Remaining Length" (section 2.2.3): 7 bits a byte. */
static void mqtt_put_length(GByteArray *out, gsize len)
{
    do {
        guint8 b = len % 128;
        len /= 128;
        if (len > 0)
            b |= 0x80;
        g_byte_array_append(out, &b, 1);
    } while (len > 0);
}

/* Appends a UTF-8 string with its 16-bit length (section 1.5.3). */
static void mqtt_put_string(GByteArray *out, const char *s)
{
    gsize len = strlen(s);
    guint8 head[2] = {(guint8)(len >> 8), (guint8)len};
    g_byte_array_append(out, head, 2);
    g_byte_array_append(out, (const guint8 *)s, (guint)len);
}

/* Wraps a body in a fixed header. */
static GBytes *mqtt_packet(guint8 first, GByteArray *body)
{
    GByteArray *out = g_byte_array_sized_new(body->len + 5);
    g_byte_array_append(out, &first, 1);
    mqtt_put_length(out, body->len);
    g_byte_array_append(out, body->data, body->len);
    g_byte_array_unref(body);
    return g_byte_array_free_to_bytes(out);
}

/* CONNECT with a clean session. */
GBytes *mqtt_wire_connect(const char *client_id, guint16 keepalive_s)
{
    GByteArray *body = g_byte_array_new();
    mqtt_put_string(body, "MQTT");
    const guint8 rest[] = {4 /* level 3.1.1 */, 0x02 /* clean session */,
                           (guint8)(keepalive_s >> 8), (guint8)keepalive_s};
    g_byte_array_append(body, rest, sizeof(rest));
    mqtt_put_string(body, client_id);
    return mqtt_packet(0x10, body);
}

/* SUBSCRIBE to one filter at QoS 0. */
GBytes *mqtt_wire_subscribe(guint16 packet_id, const char *topic)
{
    GByteArray *body = g_byte_array_new();
    const guint8 id[] = {(guint8)(packet_id >> 8), (guint8)packet_id};
    g_byte_array_append(body, id, 2);
    mqtt_put_string(body, topic);
    const guint8 qos = 0;
    g_byte_array_append(body, &qos, 1);
    return mqtt_packet(0x82, body);
}

/* PUBLISH at QoS 0. */
GBytes *mqtt_wire_publish(const char *topic, const void *payload, gsize len)
{
    GByteArray *body = g_byte_array_sized_new((guint)(len + strlen(topic) + 2));
    mqtt_put_string(body, topic);
    g_byte_array_append(body, payload, (guint)len);
    return mqtt_packet(0x30, body);
}

/* Parses the packet at the start of buf. */
gssize mqtt_wire_parse(const guint8 *buf, gsize len, LcMqttPacket *packet)
{
    gsize body_len = 0, pos = 1;
    guint shift = 0;
    for (;;) {
        if (pos >= len)
            return 0;
        if (pos > 4)
            return -1; /* at most four length bytes */
        guint8 b = buf[pos++];
        body_len |= (gsize)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (len - pos < body_len)
        return 0;
    packet->type = buf[0] >> 4;
    packet->flags = buf[0] & 0x0f;
    packet->body = buf + pos;
    packet->body_len = body_len;
    return (gssize)(pos + body_len);
}

/* The payload of a QoS 0 PUBLISH. */
const guint8 *mqtt_wire_publish_payload(const LcMqttPacket *packet, gsize *len)
{
    if (packet->type != 3 || packet->body_len < 2)
        return NULL;
    gsize topic_len = ((gsize)packet->body[0] << 8) | packet->body[1];
    if (packet->body_len < 2 + topic_len)
        return NULL;
    *len = packet->body_len - 2 - topic_len;
    return packet->body + 2 + topic_len;
}
