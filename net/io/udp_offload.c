/* udp_offload.c: UDP_SEGMENT and UDP_GRO as GIO socket control messages. */
#include "net/io/udp_offload.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define LC_TYPE_UDP_OFFLOAD_MESSAGE (udp_offload_message_get_type())
G_DECLARE_FINAL_TYPE(LcUdpOffloadMessage, udp_offload_message, LC, UDP_OFFLOAD_MESSAGE,
                     GSocketControlMessage)

/* UDP_SEGMENT (sent: a 16-bit segment size) or UDP_GRO (received: an int). */
struct _LcUdpOffloadMessage {
    GSocketControlMessage parent;
    int type;
    guint size;
};

G_DEFINE_TYPE(LcUdpOffloadMessage, udp_offload_message, G_TYPE_SOCKET_CONTROL_MESSAGE)

/* Bytes of the message's data. */
static gsize udp_offload_message_get_size(GSocketControlMessage *message)
{
    return LC_UDP_OFFLOAD_MESSAGE(message)->type == UDP_SEGMENT ? sizeof(guint16) : sizeof(int);
}

static int udp_offload_message_get_level(GSocketControlMessage *message)
{
    return SOL_UDP;
}

static int udp_offload_message_get_msg_type(GSocketControlMessage *message)
{
    return LC_UDP_OFFLOAD_MESSAGE(message)->type;
}

/* Writes the segment size in the kernel's layout for the message's type. */
static void udp_offload_message_serialize(GSocketControlMessage *message, gpointer data)
{
    LcUdpOffloadMessage *self = LC_UDP_OFFLOAD_MESSAGE(message);
    if (self->type == UDP_SEGMENT) {
        guint16 size = (guint16)self->size;
        memcpy(data, &size, sizeof(size));
    } else {
        int size = (int)self->size;
        memcpy(data, &size, sizeof(size));
    }
}

/* GIO offers every received control message to each subclass in turn: this
 * one takes UDP_GRO's. */
static GSocketControlMessage *udp_offload_message_deserialize(int level, int type, gsize size,
                                                              gpointer data)
{
    if (level != SOL_UDP || type != UDP_GRO || size < sizeof(int))
        return NULL;
    int segment = 0;
    memcpy(&segment, data, sizeof(segment));
    if (segment <= 0)
        return NULL;
    LcUdpOffloadMessage *self = g_object_new(LC_TYPE_UDP_OFFLOAD_MESSAGE, NULL);
    self->type = UDP_GRO;
    self->size = (guint)segment;
    return G_SOCKET_CONTROL_MESSAGE(self);
}

static void udp_offload_message_class_init(LcUdpOffloadMessageClass *klass)
{
    GSocketControlMessageClass *scm = G_SOCKET_CONTROL_MESSAGE_CLASS(klass);
    scm->get_size = udp_offload_message_get_size;
    scm->get_level = udp_offload_message_get_level;
    scm->get_type = udp_offload_message_get_msg_type;
    scm->serialize = udp_offload_message_serialize;
    scm->deserialize = udp_offload_message_deserialize;
}

static void udp_offload_message_init(LcUdpOffloadMessage *self)
{
}

/* A UDP_SEGMENT control message. */
GSocketControlMessage *udp_offload_segment_new(guint16 size)
{
    LcUdpOffloadMessage *self = g_object_new(LC_TYPE_UDP_OFFLOAD_MESSAGE, NULL);
    self->type = UDP_SEGMENT;
    self->size = size;
    return G_SOCKET_CONTROL_MESSAGE(self);
}

/* A UDP_GRO message's segment size, else 0. */
guint udp_offload_gro_size(GSocketControlMessage *message)
{
    if (!LC_IS_UDP_OFFLOAD_MESSAGE(message))
        return 0;
    LcUdpOffloadMessage *self = LC_UDP_OFFLOAD_MESSAGE(message);
    return self->type == UDP_GRO ? self->size : 0;
}

/* The UDP_GRO segment size of a native message, else 0. */
guint udp_offload_msghdr_gro_size(const struct msghdr *msg)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
         c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
            c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int size = 0;
            memcpy(&size, CMSG_DATA(c), sizeof(size));
            return size > 0 ? (guint)size : 0;
        }
    }
    return 0;
}

/* Per-socket GSO state, kept on the GSocket. */
enum { GSO_UNKNOWN, GSO_ON, GSO_OFF };

static GQuark udp_offload_quark(void)
{
    return g_quark_from_static_string("lc-udp-gso");
}

/* GSO usable on socket: probed once (getsockopt(UDP_SEGMENT) answers where
 * the kernel knows the option), off after a failure. */
gboolean udp_offload_gso_usable(GSocket *socket)
{
    guint state = GPOINTER_TO_UINT(g_object_get_qdata(G_OBJECT(socket), udp_offload_quark()));
    if (state == GSO_UNKNOWN) {
        gint value = 0;
        state = g_socket_get_option(socket, SOL_UDP, UDP_SEGMENT, &value, NULL) ? GSO_ON : GSO_OFF;
        g_object_set_qdata(G_OBJECT(socket), udp_offload_quark(), GUINT_TO_POINTER(state));
    }
    return state == GSO_ON;
}

/* Plain datagrams on socket from now on. */
void udp_offload_gso_failed(GSocket *socket)
{
    g_object_set_qdata(G_OBJECT(socket), udp_offload_quark(), GUINT_TO_POINTER(GSO_OFF));
}

/* setsockopt(UDP_GRO, 1); the receive type is registered first, so that
 * GIO can turn the control messages into objects. */
gboolean udp_offload_enable_gro(GSocket *socket)
{
    g_type_ensure(LC_TYPE_UDP_OFFLOAD_MESSAGE);
    return g_socket_set_option(socket, SOL_UDP, UDP_GRO, 1, NULL);
}
