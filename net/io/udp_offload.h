/* udp_offload.h: the kernel's UDP segmentation offloads through GIO. A
 * sender hands the kernel one buffer of equal-sized datagrams with a
 * UDP_SEGMENT control message (GSO) and it is cut into datagrams below the
 * socket layer, one trip through the stack instead of one each; a receiver
 * that turned UDP_GRO on may get such a run back as one buffer, with its
 * segment size in a UDP_GRO control message. Both exist since Linux 4.18 and
 * 5.0; where they do not, every function here says so and nothing changes. */
#pragma once

#include <gio/gio.h>

#define UDP_OFFLOAD_MAX_SEGMENTS 64    /* datagrams one GSO buffer carries, at most */
#define UDP_OFFLOAD_MAX_BYTES    65000 /* bytes of one GSO buffer, under IP's 64 KiB */
#define UDP_OFFLOAD_GRO_SLOT     65536 /* room for a GRO buffer, the most one can hold */

/* A control message that asks the kernel to cut the datagram sent with it
 * into segments of `size` bytes (the last may be shorter). */
GSocketControlMessage *udp_offload_segment_new(guint16 size);

/* The segment size a control message received with UDP_GRO carries, or 0
 * when it is not such a message. */
guint udp_offload_gro_size(GSocketControlMessage *message);

struct msghdr;
/* The segment size in the UDP_GRO control message of a message read with
 * recvmsg(2)/recvmmsg(2), or 0 when it carries none (one datagram). */
guint udp_offload_msghdr_gro_size(const struct msghdr *msg);

/* Whether GSO may be used on socket: the kernel has it and no send has
 * failed with it (udp_offload_gso_failed()). Asked once per socket. */
gboolean udp_offload_gso_usable(GSocket *socket);

/* A send with GSO failed in a way plain datagrams would not (a device or
 * kernel that refuses it): socket sends plain datagrams from now on. */
void udp_offload_gso_failed(GSocket *socket);

/* Turns UDP_GRO on; FALSE (socket unchanged) where the kernel lacks it. */
gboolean udp_offload_enable_gro(GSocket *socket);
