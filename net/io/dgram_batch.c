/* dgram_batch.c: paced fragment datagrams sent a batch a system call. */
#include "net/io/dgram_batch.h"

#include "net/io/udp_offload.h"

/* Adds one fragment to the batch if pacing allows it now. */
gint64 dgram_batch_add(LcDgramBatch *b, LcTokenBucket *pace, gint64 now_us, LcDgram *d,
                       GBytes *data, guint index, GSocketAddress *to, LcDgramKey *key)
{
    g_return_val_if_fail(b->n < DGRAM_BATCH, 0);
    gboolean seal = key != NULL && dgram_crypt_key_is_set(key);
    gsize cost =
        chan_dgram_fragment_size(g_bytes_get_size(data), index) + (seal ? DGRAM_SEAL_OVERHEAD : 0);
    gint64 wait = token_bucket_take(pace, (double)cost, now_us);
    if (wait > 0)
        return wait;
    guint nv = chan_dgram_fragment(d, data, index, b->heads[b->n], b->vecs[b->n]);
    if (seal) {
        /* One copy into the batch's own buffer, encrypted there. */
        gsize len = dgram_crypt_seal(key, b->vecs[b->n], nv, b->sealed[b->n]);
        if (len == 0) /* the key's counter is used up: the datagram cannot go */
            return 0;
        b->vecs[b->n][0] = (GOutputVector){b->sealed[b->n], len};
        nv = 1;
    }
    b->msgs[b->n] = (GOutputMessage){.address = to, .vectors = b->vecs[b->n], .num_vectors = nv};
    b->costs[b->n] = cost;
    b->paces[b->n++] = pace;
    return 0;
}

/* Bytes of datagram i. */
static gsize dgram_batch_size(const LcDgramBatch *b, guint i)
{
    gsize size = 0;
    for (guint v = 0; v < b->msgs[i].num_vectors; v++)
        size += b->vecs[i][v].size;
    return size;
}

/* Groups the datagrams into GSO messages: a run to one address whose
 * datagrams all have the first one's size, but the last, which may be
 * shorter (a frame's fragments are full but its last), within the kernel's
 * bounds. Returns the number of messages. */
static guint dgram_batch_group(LcDgramBatch *b)
{
    guint m = 0, nv = 0;
    for (guint i = 0; i < b->n;) {
        gsize segment = dgram_batch_size(b, i), bytes = 0, prev = segment;
        guint first_vec = nv, count = 0;
        for (guint j = i; j < b->n; j++) {
            gsize size = dgram_batch_size(b, j);
            if (count > 0 &&
                (b->msgs[j].address != b->msgs[i].address || prev != segment || size > segment ||
                 count == UDP_OFFLOAD_MAX_SEGMENTS || bytes + size > UDP_OFFLOAD_MAX_BYTES))
                break;
            for (guint v = 0; v < b->msgs[j].num_vectors; v++)
                b->gso_vecs[nv++] = b->vecs[j][v];
            bytes += size;
            prev = size;
            count++;
        }
        b->gso_cmsgs[m] = count > 1 ? udp_offload_segment_new((guint16)segment) : NULL;
        b->gso_msgs[m] = (GOutputMessage){.address = b->msgs[i].address,
                                          .vectors = &b->gso_vecs[first_vec],
                                          .num_vectors = nv - first_vec,
                                          .control_messages = &b->gso_cmsgs[m],
                                          .num_control_messages = count > 1 ? 1 : 0};
        b->gso_counts[m++] = count;
        i += count;
    }
    return m;
}

/* Sends the batch as GSO messages: returns the datagrams gone, or -1 when
 * the kernel refused GSO itself (the caller sends them plain). */
static gint dgram_batch_send_gso(LcDgramBatch *b, GSocket *socket, gboolean *blocked,
                                 guint64 *errors)
{
    guint m = dgram_batch_group(b);
    g_autoptr(GError) error = NULL;
    gint sent = g_socket_send_messages(socket, b->gso_msgs, m, 0, NULL, &error);
    gint datagrams = 0;
    if (sent < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        *blocked = TRUE;
    } else if (sent < 0 && b->gso_counts[0] > 1 &&
               (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ||
                g_error_matches(error, G_IO_ERROR, G_IO_ERROR_FAILED))) {
        /* EINVAL (a path MTU under the segment, a socket without UDP
         * checksums) or EIO (a device without checksum offload, IPsec):
         * refused for GSO's sake, not the datagrams'. Any other error (an
         * ICMP error reported late, an unreachable route, a firewall) would
         * have met the datagrams sent plain too. */
        datagrams = -1;
    } else if (sent < 0) {
        (*errors)++;
        datagrams = (gint)b->gso_counts[0]; /* that run is gone; the rest go on the next turn */
    } else {
        for (gint i = 0; i < sent; i++)
            datagrams += (gint)b->gso_counts[i];
        *blocked = (guint)sent < m;
    }
    for (guint i = 0; i < m; i++)
        g_clear_object(&b->gso_cmsgs[i]);
    return datagrams;
}

/* Sends the batch, one datagram a message. */
static guint dgram_batch_send_plain(LcDgramBatch *b, GSocket *socket, gboolean *blocked,
                                    guint64 *errors)
{
    g_autoptr(GError) error = NULL;
    gint sent = g_socket_send_messages(socket, b->msgs, b->n, 0, NULL, &error);
    if (sent < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        *blocked = TRUE;
        return 0;
    }
    if (sent < 0) {
        (*errors)++;
        return 1; /* that one is gone; the rest go on the next turn */
    }
    *blocked = (guint)sent < b->n;
    return (guint)sent;
}

/* Sends the batch; what did not go gives its tokens back. */
guint dgram_batch_send(LcDgramBatch *b, GSocket *socket, gboolean *blocked, guint64 *errors)
{
    *blocked = FALSE;
    gint sent = -1;
    if (b->n > 1 && udp_offload_gso_usable(socket)) {
        sent = dgram_batch_send_gso(b, socket, blocked, errors);
        if (sent < 0)
            udp_offload_gso_failed(socket);
    }
    if (sent < 0)
        sent = (gint)dgram_batch_send_plain(b, socket, blocked, errors);
    for (guint i = (guint)sent; i < b->n; i++)
        token_bucket_give_back(b->paces[i], (double)b->costs[i]);
    return (guint)sent;
}
