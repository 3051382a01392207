/* files_seed.c: a sender's part in a swarm (files.h).
 *
 * The sender hands each chunk to one receiver at a time: it tells a
 * receiver, with FILE_HAVE, which chunk to ask it for (a couple ahead),
 * first the chunks nobody was given yet, then those a receiver lacks that
 * no other receiver has; the receivers trade the rest among themselves.
 * So the sender's uplink carries each chunk about once, however many
 * receivers there are (BitTorrent's super-seeding). A receiver says
 * FILE_HAVE for each chunk it gets, from anyone, which is how the sender
 * knows what it has.
 */
#include "net/client/files_private.h"

/* The chunk layout of the offer's file. */
static guint32 files_seed_chunks(LcFilesOffer *offer)
{
    guint64 size = file_source_get_size(offer->source);
    return file_chunk_count(size, file_chunk_size(size));
}

/* Whether another receiver of the offer that is still connected has the
 * chunk, or was handed it and has not got it yet. */
static gboolean files_seed_held_elsewhere(LcFilesOffer *offer, LcFilesPeer *peer, guint32 k)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, offer->peers);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LcFilesPeer *other = value;
        if (other == peer || other->chan == NULL || other->has == NULL)
            continue;
        if (other->has[k] || g_hash_table_contains(other->given, GUINT_TO_POINTER(k)))
            return TRUE;
    }
    return FALSE;
}

/* Tells a receiver to ask for one chunk. */
static void files_seed_hand(LcFilesPeer *peer, guint32 k)
{
    LcWireMsg have = {.type = WIRE_FILE_HAVE};
    have.file_have.chunk = k;
    file_chan_send_msg(peer->chan, &have);
    g_hash_table_add(peer->given, GUINT_TO_POINTER(k));
    if (peer->offer->handed[k] < G_MAXUINT8)
        peer->offer->handed[k]++;
}

/* Hands a receiver chunks until it has FILES_SWARM_AHEAD to ask for:
 * chunks nobody was given first, then chunks only this sender can give. */
static void files_seed_fill(LcFilesPeer *peer)
{
    LcFilesOffer *offer = peer->offer;
    guint32 chunks = files_seed_chunks(offer);
    if (peer->chan == NULL || peer->has == NULL || !file_chan_is_ready(peer->chan))
        return;
    for (guint32 k = 0; k < chunks && g_hash_table_size(peer->given) < FILES_SWARM_AHEAD; k++)
        if (offer->handed[k] == 0 && !peer->has[k])
            files_seed_hand(peer, k);
    for (guint32 k = 0; k < chunks && g_hash_table_size(peer->given) < FILES_SWARM_AHEAD; k++)
        if (!peer->has[k] && !g_hash_table_contains(peer->given, GUINT_TO_POINTER(k)) &&
            !files_seed_held_elsewhere(offer, peer, k))
            files_seed_hand(peer, k);
}

/* A receiver's channel is paired: it gets the chunk hashes, then its first
 * chunks to ask for. */
void files_seed_ready(LcFilesPeer *peer)
{
    LcFilesOffer *offer = peer->offer;
    GBytes *hashes = file_source_get_chunk_hashes(offer->source);
    guint32 chunks = files_seed_chunks(offer);
    if (hashes == NULL)
        return;
    if (offer->handed == NULL)
        offer->handed = g_malloc0(MAX(chunks, 1));
    g_free(peer->has);
    peer->has = g_malloc0(MAX(chunks, 1));
    peer->n_have = 0;
    if (peer->given == NULL)
        peer->given = g_hash_table_new(NULL, NULL);
    g_hash_table_remove_all(peer->given);
    LcWireMsg msg = {.type = WIRE_FILE_HASHES};
    msg.file_hashes.chunk_size = file_chunk_size(file_source_get_size(offer->source));
    msg.file_hashes.first = 0;
    msg.file_hashes.hashes = hashes;
    file_chan_send_msg(peer->chan, &msg);
    files_seed_fill(peer);
}

/* A receiver has a chunk: it needs no more of it here, and may be handed
 * another; the others may now get it from it. */
void files_seed_on_have(LcFilesPeer *peer, guint32 chunk)
{
    if (peer->has == NULL || chunk >= files_seed_chunks(peer->offer) || peer->has[chunk])
        return; /* said before: nothing new (and no work for a flood of them) */
    peer->has[chunk] = 1;
    peer->n_have++;
    peer->had_all = peer->n_have == files_seed_chunks(peer->offer);
    g_hash_table_remove(peer->given, GUINT_TO_POINTER(chunk));
    files_seed_fill(peer);
}

/* A receiver's channel is gone: what it was handed and had not got goes
 * to others, and what it has counts no more. */
void files_seed_lost(LcFilesPeer *peer)
{
    LcFilesOffer *offer = peer->offer;
    if (peer->given != NULL) {
        GHashTableIter iter;
        gpointer key;
        g_hash_table_iter_init(&iter, peer->given);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            if (offer->handed != NULL && offer->handed[GPOINTER_TO_UINT(key)] > 0)
                offer->handed[GPOINTER_TO_UINT(key)]--;
        g_hash_table_remove_all(peer->given);
    }
    g_clear_pointer(&peer->has, g_free);
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, offer->peers);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        if (value != peer)
            files_seed_fill(value);
}
