/* chan_udp_read.c: reading a UDP channel's socket, a batch of datagrams a
 * system call, for a channel of its own (chan_udp.c) or a socket shared by
 * many views (chan_mux.c); and opening such a socket. */
#include "net/client/chan_private.h"

#include "net/io/dgram_crypt.h"
#include "net/io/udp_offload.h"
#include "net/wire/chan_dgram.h"

#include <sys/socket.h>

/* Datagrams handled per wake-up; checked between reads, so a read of
 * CHAN_UDP_BATCH GRO runs may pass it (by at most 64 each). */
#define CHAN_UDP_READ_BUDGET 512
#define CHAN_UDP_SLOT        (DGRAM_CRYPT_MAX_SIZE + 1) /* one more: an oversized one shows */

/* Gets a reader ready for a socket; runs: take UDP GRO runs where the
 * kernel has it (a viewer's socket). */
void chan_udp_reader_init(LcUdpReader *reader, GSocket *socket, gboolean runs, LcUdpReaderFunc func,
                          gpointer data, guint64 *bad)
{
    reader->socket = socket;
    reader->gro = runs && udp_offload_enable_gro(socket);
    reader->slot = reader->gro ? UDP_OFFLOAD_GRO_SLOT : CHAN_UDP_SLOT;
    reader->buf = g_malloc((gsize)CHAN_UDP_BATCH * reader->slot);
    reader->func = func;
    reader->data = data;
    reader->bad = bad;
}

/* Frees the reader's buffers. */
void chan_udp_reader_clear(LcUdpReader *reader)
{
    g_clear_pointer(&reader->buf, g_free);
    reader->socket = NULL;
}

/* Frees the control messages GIO returned for one buffer. */
static void chan_udp_free_cmsgs(GSocketControlMessage **cmsgs, guint n)
{
    for (guint i = 0; i < n; i++)
        g_object_unref(cmsgs[i]);
    g_free(cmsgs);
}

/* Hands on one buffer read: one datagram, or, with UDP GRO, a run of
 * datagrams of the segment size its control message gives (the last may be
 * shorter); frees the control messages. Returns how many datagrams. */
static guint chan_udp_reader_run(LcUdpReader *reader, const guint8 *buf, gsize len,
                                 GSocketControlMessage **cmsgs, guint n_cmsgs)
{
    guint segment = 0;
    for (guint i = 0; i < n_cmsgs; i++)
        segment = MAX(segment, udp_offload_gro_size(cmsgs[i]));
    chan_udp_free_cmsgs(cmsgs, n_cmsgs);
    if (segment == 0)
        segment = (guint)MAX(len, 1);
    if (len == 0) { /* an empty datagram is still one (a bad one) */
        reader->func(buf, 0, reader->data);
        return 1;
    }
    guint count = 0;
    for (gsize off = 0; off < len && reader->socket != NULL; off += segment, count++)
        reader->func(buf + off, MIN((gsize)segment, len - off), reader->data);
    return MAX(count, 1);
}

/*
 * Reads what the socket has (up to a budget), CHAN_UDP_BATCH buffers a
 * system call (recvmmsg(2) through g_socket_receive_messages()): a viewer
 * of a gigabit stream reads about 100 000 datagrams a second. A viewer's
 * socket has UDP GRO where the kernel has it, so a buffer may hold a run of
 * datagrams (net/io/udp_offload.h). The owner may close the socket from
 * the callback (setting reader->socket to NULL): reading stops there.
 */
gboolean chan_udp_reader_on_readable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcUdpReader *reader = data;
    GInputVector vecs[CHAN_UDP_BATCH];
    GInputMessage msgs[CHAN_UDP_BATCH];
    GSocketControlMessage **cmsgs[CHAN_UDP_BATCH];
    guint n_cmsgs[CHAN_UDP_BATCH];
    for (guint done = 0; done < CHAN_UDP_READ_BUDGET && reader->socket != NULL;) {
        for (guint i = 0; i < CHAN_UDP_BATCH; i++) {
            vecs[i] = (GInputVector){reader->buf + (gsize)i * reader->slot, reader->slot};
            cmsgs[i] = NULL;
            n_cmsgs[i] = 0;
            msgs[i] = (GInputMessage){.vectors = &vecs[i],
                                      .num_vectors = 1,
                                      .control_messages = reader->gro ? &cmsgs[i] : NULL,
                                      .num_control_messages = reader->gro ? &n_cmsgs[i] : NULL};
        }
        g_autoptr(GError) error = NULL;
        gint n = g_socket_receive_messages(socket, msgs, CHAN_UDP_BATCH, 0, NULL, &error);
        if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
        if (n <= 0) {
            done++; /* an ICMP error (relay port closed): the control connection will tell */
            continue;
        }
        /* The budget counts datagrams, however the kernel grouped them. */
        for (gint i = 0; i < n; i++) {
            if (msgs[i].flags & (MSG_TRUNC | MSG_CTRUNC) || reader->socket == NULL) {
                /* Over the slot, or a GRO run whose segment size was lost:
                 * cannot be split safely. Never with today's slot size. */
                if (reader->socket != NULL)
                    (*reader->bad)++;
                chan_udp_free_cmsgs(cmsgs[i], n_cmsgs[i]);
                done++;
                continue;
            }
            done += chan_udp_reader_run(reader, vecs[i].buffer, msgs[i].bytes_received, cmsgs[i],
                                        n_cmsgs[i]);
        }
        if (n < CHAN_UDP_BATCH)
            break; /* the socket is empty */
    }
    return G_SOURCE_CONTINUE;
}

/* A UDP socket connected to the relay, non-blocking, with the buffers asked
 * for (0: the kernel's); *rcvbuf and *sndbuf get what the kernel granted. */
GSocket *chan_udp_open_socket(GInetAddress *relay_ip, guint16 port, gsize buffer, gsize *rcvbuf,
                              gsize *sndbuf, GError **error)
{
    g_autoptr(GSocketAddress) relay = g_inet_socket_address_new(relay_ip, port);
    g_autoptr(GSocket) socket = g_socket_new(g_socket_address_get_family(relay),
                                             G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
    if (socket == NULL || !g_socket_connect(socket, relay, NULL, error))
        return NULL;
    g_socket_set_blocking(socket, FALSE);
    /* Linux caps what is granted at net.core.rmem_max and wmem_max. */
    if (buffer > 0) {
        g_socket_set_option(socket, SOL_SOCKET, SO_RCVBUF, (gint)MIN(buffer, G_MAXINT), NULL);
        g_socket_set_option(socket, SOL_SOCKET, SO_SNDBUF, (gint)MIN(buffer, G_MAXINT), NULL);
    }
    chan_udp_get_buffers(socket, rcvbuf, sndbuf);
    return g_steal_pointer(&socket);
}

/* The socket buffers the kernel granted. */
void chan_udp_get_buffers(GSocket *socket, gsize *rcvbuf, gsize *sndbuf)
{
    gint got = 0;
    if (g_socket_get_option(socket, SOL_SOCKET, SO_RCVBUF, &got, NULL))
        *rcvbuf = (gsize)MAX(got, 0);
    if (g_socket_get_option(socket, SOL_SOCKET, SO_SNDBUF, &got, NULL))
        *sndbuf = (gsize)MAX(got, 0);
}
