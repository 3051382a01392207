/* bench_mqtt_wire.h: the few MQTT 3.1.1 packets `lanconf-bench chat` needs to
 * drive a broker (CONNECT, SUBSCRIBE, PUBLISH at QoS 0), encoded and parsed
 * without a client library so the anchor's clients cost as little as ours. */
#pragma once

#include <glib.h>

/* MQTT 3.1.1 section 3.1: CONNECT with a clean session and no credentials. */
GBytes *mqtt_wire_connect(const char *client_id, guint16 keepalive_s);

/* Section 3.8: SUBSCRIBE to one topic filter at QoS 0. */
GBytes *mqtt_wire_subscribe(guint16 packet_id, const char *topic);

/* Section 3.3: PUBLISH at QoS 0 (no packet id). */
GBytes *mqtt_wire_publish(const char *topic, const void *payload, gsize len);

/* One packet parsed from a byte stream. */
typedef struct {
    guint8 type; /* high nibble of the fixed header: 2 CONNACK, 3 PUBLISH, 9 SUBACK */
    guint8 flags;
    const guint8 *body; /* variable header + payload */
    gsize body_len;
} LcMqttPacket;

/* Parses the packet at the start of buf. Returns the bytes it takes, 0 when
 * more bytes are needed, or -1 for a malformed length. */
gssize mqtt_wire_parse(const guint8 *buf, gsize len, LcMqttPacket *packet);

/* The payload of a QoS 0 PUBLISH body (after its topic), or NULL. */
const guint8 *mqtt_wire_publish_payload(const LcMqttPacket *packet, gsize *len);
