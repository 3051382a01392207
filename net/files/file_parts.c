/* file_parts.c: a file received in chunks, in any order (file_parts.h). */
#include "net/files/file_parts.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define FILE_PARTS_READ_BLOCK (128 * 1024)

/* A chunk on its way in: its bytes so far, hashed as they came. */
typedef struct {
    GChecksum *sum;
    guint32 have;
} LcFilePartsChunk;

struct _LcFileParts {
    char *path;
    char *part_path;
    int fd;
    guint64 size;
    gboolean overwrite;
    guint32 chunk_size;
    guint32 chunks;
    GBytes *hashes;
    guint8 *had;       /* one byte per chunk */
    guint32 done;      /* chunks had */
    guint64 bytes;     /* their bytes */
    GHashTable *going; /* chunk -> LcFilePartsChunk */
};

/* An error from errno, naming the path. */
static gboolean file_parts_fail(const char *what, const char *path, int err, GError **error)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "cannot %s %s: %s", what, path,
                g_strerror(err));
    return FALSE;
}

/* Frees a chunk on its way in. */
static void file_parts_chunk_free(gpointer data)
{
    LcFilePartsChunk *c = data;
    g_checksum_free(c->sum);
    g_free(c);
}

/* Opens the part file for writing anywhere in it. */
LcFileParts *file_parts_open(const LcFileSinkConfig *config, GError **error)
{
    g_autofree char *path = file_sink_target(config, error);
    if (path == NULL)
        return NULL;
    g_autoptr(LcFileParts) parts = g_new0(LcFileParts, 1);
    parts->path = g_steal_pointer(&path);
    parts->part_path = g_strconcat(parts->path, FILE_SINK_PART_SUFFIX, NULL);
    parts->size = config->size;
    parts->overwrite = config->overwrite;
    parts->going = g_hash_table_new_full(NULL, NULL, NULL, file_parts_chunk_free);
    parts->fd = g_open(parts->part_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (parts->fd < 0) {
        file_parts_fail("open", parts->part_path, errno, error);
        return NULL;
    }
    return g_steal_pointer(&parts);
}

/* Reads len bytes at offset; FALSE where the file ends short of them. */
static gboolean file_parts_pread(LcFileParts *parts, guint8 *buf, gsize len, guint64 offset)
{
    return file_pread_full(parts->fd, buf, len, offset) == (gssize)len;
}

/* Whether the part file holds chunk k with the right hash. */
static gboolean file_parts_check_chunk(LcFileParts *parts, guint32 k, guint8 *buf)
{
    guint64 start = (guint64)k * parts->chunk_size;
    guint32 len = file_parts_chunk_len(parts, k);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    for (guint32 at = 0; at < len; at += FILE_PARTS_READ_BLOCK) {
        gsize n = MIN(FILE_PARTS_READ_BLOCK, len - at);
        if (!file_parts_pread(parts, buf, n, start + at))
            return FALSE;
        g_checksum_update(sum, buf, (gssize)n);
    }
    guint8 digest[FILE_HASH_SIZE];
    gsize dlen = sizeof(digest);
    g_checksum_get_digest(sum, digest, &dlen);
    const guint8 *want = (const guint8 *)g_bytes_get_data(parts->hashes, NULL) + k * FILE_HASH_SIZE;
    return memcmp(digest, want, FILE_HASH_SIZE) == 0;
}

/* Takes the layout and hashes; counts the chunks already there. */
gboolean file_parts_set_hashes(LcFileParts *parts, guint32 chunk_size, GBytes *hashes,
                               GError **error)
{
    guint32 chunks = chunk_size ? file_chunk_count(parts->size, chunk_size) : 0;
    if (parts->hashes != NULL)
        return TRUE; /* given already */
    if (chunk_size == 0 || chunks > FILE_CHUNKS_MAX ||
        g_bytes_get_size(hashes) != (gsize)chunks * FILE_HASH_SIZE) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_CORRUPT,
                    "chunk hashes that do not fit a %" G_GUINT64_FORMAT "-byte file", parts->size);
        return FALSE;
    }
    parts->chunk_size = chunk_size;
    parts->chunks = chunks;
    parts->hashes = g_bytes_ref(hashes);
    parts->had = g_malloc0(MAX(chunks, 1));
    struct stat st;
    if (fstat(parts->fd, &st) != 0)
        return file_parts_fail("read", parts->part_path, errno, error);
    if ((guint64)st.st_size > parts->size && ftruncate(parts->fd, 0) != 0)
        return file_parts_fail("empty", parts->part_path, errno, error);
    guint64 held = MIN((guint64)st.st_size, parts->size);
    g_autofree guint8 *buf = g_malloc(FILE_PARTS_READ_BLOCK);
    for (guint32 k = 0; k < chunks && (guint64)k * chunk_size < held; k++) {
        if (file_parts_check_chunk(parts, k, buf)) {
            parts->had[k] = 1;
            parts->done++;
            parts->bytes += file_parts_chunk_len(parts, k);
        }
    }
    return TRUE;
}

gboolean file_parts_has_hashes(LcFileParts *parts)
{
    return parts->hashes != NULL;
}

guint32 file_parts_get_chunks(LcFileParts *parts)
{
    return parts->chunks;
}

guint32 file_parts_get_chunk_size(LcFileParts *parts)
{
    return parts->chunk_size;
}

/* Bytes of chunk k. */
guint32 file_parts_chunk_len(LcFileParts *parts, guint32 chunk)
{
    guint64 start = (guint64)chunk * parts->chunk_size;
    return start >= parts->size ? 0 : (guint32)MIN((guint64)parts->chunk_size, parts->size - start);
}

gboolean file_parts_has(LcFileParts *parts, guint32 chunk)
{
    return chunk < parts->chunks && parts->had[chunk];
}

guint32 file_parts_get_done(LcFileParts *parts)
{
    return parts->done;
}

guint64 file_parts_get_bytes(LcFileParts *parts)
{
    return parts->bytes;
}

guint64 file_parts_get_size(LcFileParts *parts)
{
    return parts->size;
}

/* Writes the next bytes of a chunk and hashes them; at the chunk's end,
 * checks it. */
gboolean file_parts_write(LcFileParts *parts, guint64 offset, const guint8 *data, gsize len,
                          LcFilePartsResult *result, GError **error)
{
    *result = FILE_PARTS_MORE;
    guint32 k = parts->chunk_size ? (guint32)(offset / parts->chunk_size) : 0;
    if (parts->hashes == NULL || k >= parts->chunks || parts->had[k]) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_TOO_LARGE,
                    "bytes at %" G_GUINT64_FORMAT " are not of a chunk still missing", offset);
        return FALSE;
    }
    LcFilePartsChunk *c = g_hash_table_lookup(parts->going, GUINT_TO_POINTER(k));
    if (c == NULL) {
        c = g_new0(LcFilePartsChunk, 1);
        c->sum = g_checksum_new(G_CHECKSUM_SHA256);
        g_hash_table_insert(parts->going, GUINT_TO_POINTER(k), c);
    }
    guint64 start = (guint64)k * parts->chunk_size;
    guint32 chunk_len = file_parts_chunk_len(parts, k);
    if (offset != start + c->have || len > chunk_len - c->have) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_TOO_LARGE,
                    "bytes %" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT " out of order in chunk %u",
                    offset, len, k);
        return FALSE;
    }
    gsize done = 0;
    while (done < len) {
        ssize_t n = pwrite(parts->fd, data + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return file_parts_fail("write", parts->part_path, errno, error);
        done += (gsize)n;
    }
    g_checksum_update(c->sum, data, (gssize)len);
    c->have += (guint32)len;
    if (c->have < chunk_len)
        return TRUE;
    guint8 digest[FILE_HASH_SIZE];
    gsize dlen = sizeof(digest);
    g_checksum_get_digest(c->sum, digest, &dlen);
    const guint8 *want = (const guint8 *)g_bytes_get_data(parts->hashes, NULL) + k * FILE_HASH_SIZE;
    g_hash_table_remove(parts->going, GUINT_TO_POINTER(k));
    if (memcmp(digest, want, FILE_HASH_SIZE) != 0) {
        *result = FILE_PARTS_BAD;
        return TRUE;
    }
    parts->had[k] = 1;
    parts->done++;
    parts->bytes += chunk_len;
    *result = FILE_PARTS_DONE;
    return TRUE;
}

/* Starts a chunk again. */
void file_parts_forget(LcFileParts *parts, guint32 chunk)
{
    g_hash_table_remove(parts->going, GUINT_TO_POINTER(chunk));
}

/* Checks the whole file (read back: its chunks came in any order) and
 * names it. */
gboolean file_parts_finish(LcFileParts *parts, const char *sha256_hex, GError **error)
{
    if (parts->hashes == NULL || parts->done < parts->chunks) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_SHORT, "%s: %u of %u chunks arrived",
                    parts->path, parts->done, parts->chunks);
        return FALSE;
    }
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guint8 *buf = g_malloc(FILE_PARTS_READ_BLOCK);
    for (guint64 at = 0; at < parts->size; at += FILE_PARTS_READ_BLOCK) {
        gsize n = (gsize)MIN((guint64)FILE_PARTS_READ_BLOCK, parts->size - at);
        if (!file_parts_pread(parts, buf, n, at))
            return file_parts_fail("read", parts->part_path, errno ? errno : EIO, error);
        g_checksum_update(sum, buf, (gssize)n);
    }
    const char *got = g_checksum_get_string(sum);
    if (sha256_hex == NULL || g_ascii_strcasecmp(got, sha256_hex) != 0) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_CORRUPT,
                    "%s: SHA-256 %s, not the %s offered; the bytes were thrown away", parts->path,
                    got, sha256_hex ? sha256_hex : "(none)");
        g_unlink(parts->part_path);
        return FALSE;
    }
    if (ftruncate(parts->fd, (off_t)parts->size) != 0 || fsync(parts->fd) != 0)
        return file_parts_fail("write", parts->part_path, errno, error);
    return file_sink_rename_part(parts->part_path, parts->path, parts->overwrite, error);
}

const char *file_parts_get_path(LcFileParts *parts)
{
    return parts->path;
}

const char *file_parts_get_part_path(LcFileParts *parts)
{
    return parts->part_path;
}

/* Closes it, keeping the part file. */
void file_parts_free(LcFileParts *parts)
{
    if (parts == NULL)
        return;
    if (parts->fd >= 0)
        close(parts->fd);
    g_clear_pointer(&parts->going, g_hash_table_unref);
    g_clear_pointer(&parts->hashes, g_bytes_unref);
    g_free(parts->had);
    g_free(parts->path);
    g_free(parts->part_path);
    g_free(parts);
}
