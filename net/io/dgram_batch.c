/* dgram_batch.c: paced fragment datagrams sent a batch a system call. */
#include "net/io/dgram_batch.h"

/* Adds one fragment to the batch if pacing allows it now. */
gint64 dgram_batch_add(LcDgramBatch *b, LcTokenBucket *pace, gint64 now_us, LcDgram *d,
                       GBytes *data, guint index, GSocketAddress *to)
{
    g_return_val_if_fail(b->n < DGRAM_BATCH, 0);
    gsize cost = chan_dgram_fragment_size(g_bytes_get_size(data), index);
    gint64 wait = token_bucket_take(pace, (double)cost, now_us);
    if (wait > 0)
        return wait;
    guint nv = chan_dgram_fragment(d, data, index, b->heads[b->n], b->vecs[b->n]);
    b->msgs[b->n] = (GOutputMessage){.address = to, .vectors = b->vecs[b->n], .num_vectors = nv};
    b->costs[b->n++] = cost;
    return 0;
}

/* Sends the batch; what did not go gives its tokens back. */
guint dgram_batch_send(LcDgramBatch *b, GSocket *socket, LcTokenBucket *pace, gboolean *blocked,
                       guint64 *errors)
{
    g_autoptr(GError) error = NULL;
    gint sent = g_socket_send_messages(socket, b->msgs, b->n, 0, NULL, &error);
    *blocked = FALSE;
    if (sent < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        sent = 0;
        *blocked = TRUE;
    } else if (sent < 0) {
        (*errors)++;
        sent = 1; /* that one is gone; the rest go on the next turn */
    } else if ((guint)sent < b->n) {
        *blocked = TRUE;
    }
    for (guint i = (guint)sent; i < b->n; i++)
        token_bucket_give_back(pace, (double)b->costs[i]);
    return (guint)sent;
}
