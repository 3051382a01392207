/* file_parts.h: a file received in chunks, in any order (a swarm).
 *
 * Like file_sink.h, the bytes go to NAME.lanconf-part beside the final
 * name, and only a whole file whose SHA-256 is the one offered takes the
 * name (replacing nothing unless the receiver said so). Here the chunks
 * come in any order, from several peers: each chunk's bytes arrive in
 * order, are written where they belong (pwrite) and hashed as they come,
 * and a chunk counts only once its SHA-256 is the one the sender gave
 * (FILE_HASHES): a peer that sends wrong bytes costs that chunk, never
 * the file. A part file left by a cut transfer is taken up again: each of
 * its chunks that hashes right counts as had.
 */
#pragma once

#include "net/files/file_sink.h"
#include "net/files/file_source.h"

typedef struct _LcFileParts LcFileParts;

typedef enum {
    FILE_PARTS_MORE, /* the chunk is not whole yet */
    FILE_PARTS_DONE, /* the chunk is whole and its hash right */
    FILE_PARTS_BAD,  /* the chunk is whole and its hash wrong: forgotten, to be asked again */
} LcFilePartsResult;

/* Opens (or takes up) the part file; the checks and errors of
 * file_sink_open(). */
LcFileParts *file_parts_open(const LcFileSinkConfig *config, GError **error);

/* The chunks and their hashes, as the sender gave them; the chunks the
 * part file holds already are checked and counted. FALSE (error set) for
 * a layout that does not fit the size. */
gboolean file_parts_set_hashes(LcFileParts *parts, guint32 chunk_size, GBytes *hashes,
                               GError **error);
gboolean file_parts_has_hashes(LcFileParts *parts);

guint32 file_parts_get_chunks(LcFileParts *parts);
guint32 file_parts_get_chunk_size(LcFileParts *parts);
/* Bytes of chunk k (the last may be short). */
guint32 file_parts_chunk_len(LcFileParts *parts, guint32 chunk);
gboolean file_parts_has(LcFileParts *parts, guint32 chunk);
/* Chunks had, and their bytes. */
guint32 file_parts_get_done(LcFileParts *parts);
guint64 file_parts_get_bytes(LcFileParts *parts);
guint64 file_parts_get_size(LcFileParts *parts);

/* The next bytes of a chunk (in order within it); FALSE with an error for
 * bytes out of order or beyond the chunk, or a write that failed. */
gboolean file_parts_write(LcFileParts *parts, guint64 offset, const guint8 *data, gsize len,
                          LcFilePartsResult *result, GError **error);
/* A chunk being received is given up (its peer went): it starts again. */
void file_parts_forget(LcFileParts *parts, guint32 chunk);

/* Every chunk is had: the whole file's SHA-256 (hex) is checked and the
 * file takes its name; FILE_ERROR_SHORT, FILE_ERROR_CORRUPT (the part
 * removed) or FILE_ERROR_EXISTS (the part kept) otherwise. */
gboolean file_parts_finish(LcFileParts *parts, const char *sha256_hex, GError **error);

const char *file_parts_get_path(LcFileParts *parts);
const char *file_parts_get_part_path(LcFileParts *parts);

/* Closes it; the part file stays for a later resume. */
void file_parts_free(LcFileParts *parts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFileParts, file_parts_free)
