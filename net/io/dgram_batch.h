/* dgram_batch.h: paced fragment datagrams sent a batch a system call
 * (sendmmsg(2) through g_socket_send_messages()), the one way the client's
 * UDP channel and the relay's UDP socket send frames. Where the kernel has
 * UDP GSO, each run of a frame's equal-sized fragments to one address goes
 * as one buffer that the kernel cuts into datagrams (net/io/udp_offload.h). */
#pragma once

#include "net/io/dgram_crypt.h"
#include "net/io/token_bucket.h"
#include "net/wire/chan_dgram.h"

#include <gio/gio.h>

#define DGRAM_BATCH 32 /* datagrams a system call */

typedef struct {
    guint8 heads[DGRAM_BATCH][DGRAM_FRAG_HEADER_SIZE];
    guint8 sealed[DGRAM_BATCH][DGRAM_CRYPT_MAX_SIZE]; /* datagrams sealed with a key */
    GOutputVector vecs[DGRAM_BATCH][2];
    GOutputMessage msgs[DGRAM_BATCH];
    gsize costs[DGRAM_BATCH];          /* pacing tokens each took */
    LcTokenBucket *paces[DGRAM_BATCH]; /* from which bucket: one batch may serve several */
    guint n;
    /* The same datagrams grouped for GSO (filled by dgram_batch_send()). */
    GOutputVector gso_vecs[DGRAM_BATCH * 2];
    GOutputMessage gso_msgs[DGRAM_BATCH];
    GSocketControlMessage *gso_cmsgs[DGRAM_BATCH];
    guint gso_counts[DGRAM_BATCH]; /* datagrams in each */
} LcDgramBatch;

/* Takes the pacing tokens of fragment index of d's frame (data) and, when
 * pacing allows it now, adds the fragment to the batch, to address `to`
 * (NULL on a connected socket), sealed with key unless it is NULL or unset:
 * returns 0. Else returns the microseconds to wait and adds nothing. The
 * batch must not be full. */
gint64 dgram_batch_add(LcDgramBatch *batch, LcTokenBucket *pace, gint64 now_us, LcDgram *d,
                       GBytes *data, guint index, GSocketAddress *to, LcDgramKey *key);

/* Sends the batch; returns how many datagrams are gone. What the socket did
 * not take gets its pacing tokens back (to the bucket each came from) and
 * sets *blocked (wait for the socket to drain); a datagram the kernel
 * refuses otherwise is gone, as on a lossy network, and counted in
 * *errors. */
guint dgram_batch_send(LcDgramBatch *batch, GSocket *socket, gboolean *blocked, guint64 *errors);
