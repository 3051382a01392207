/* file_source.c: a file offered for sending: opened, hashed on a worker
 * thread, read at any offset. */
#include "net/files/file_source.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_SOURCE_HASH_BLOCK (128 * 1024) /* divides every chunk size */

struct _LcFileSource {
    gint refs;
    int fd;
    char *path;
    char *name;
    guint64 size;
    GBytes *sha256;
    char *sha256_hex;
    GBytes *chunk_hashes;
};

/* What the worker hands back. */
typedef struct {
    GBytes *sha256;
    GBytes *chunks; /* or NULL */
} LcFileHashes;

/* Frees the worker's result. */
static void file_hashes_free(gpointer data)
{
    LcFileHashes *h = data;
    g_clear_pointer(&h->sha256, g_bytes_unref);
    g_clear_pointer(&h->chunks, g_bytes_unref);
    g_free(h);
}

/* At least 1 MiB, at most FILE_CHUNKS_MAX chunks, a multiple of 128 KiB. */
guint32 file_chunk_size(guint64 size)
{
    guint64 step = 128 * 1024;
    guint64 need = (size + FILE_CHUNKS_MAX - 1) / FILE_CHUNKS_MAX;
    need = (need + step - 1) / step * step;
    return (guint32)MIN(MAX(need, (guint64)FILE_CHUNK_MIN), (guint64)G_MAXUINT32 / 2);
}

/* Chunks of a file: the last may be short; an empty file has none. */
guint32 file_chunk_count(guint64 size, guint32 chunk_size)
{
    return (guint32)((size + chunk_size - 1) / chunk_size);
}

/* Opens the file and checks what it is and what it is called. */
LcFileSource *file_source_open(const char *path, GError **error)
{
    g_autofree char *name = g_path_get_basename(path);
    if (!file_name_check(name, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "%s: %s", path,
                    g_strerror(saved));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                    "%s: not a regular file (only files are sent, not folders or devices)", path);
        close(fd);
        return NULL;
    }
    LcFileSource *source = g_new0(LcFileSource, 1);
    source->refs = 1;
    source->fd = fd;
    source->path = g_strdup(path);
    source->name = g_steal_pointer(&name);
    source->size = (guint64)st.st_size;
    return source;
}

/* Reads len bytes at offset (fewer at the end of the file). */
gssize file_pread_full(int fd, guint8 *buf, gsize len, guint64 offset)
{
    gsize have = 0;
    while (have < len) {
        ssize_t n = pread(fd, buf + have, len - have, (off_t)(offset + have));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        have += (gsize)n;
    }
    return (gssize)have;
}

/* Adds a chunk's digest to the list and starts the next chunk's. */
static void file_source_end_chunk(GChecksum *chunk, GByteArray *list)
{
    guint8 digest[FILE_HASH_SIZE];
    gsize len = sizeof(digest);
    g_checksum_get_digest(chunk, digest, &len);
    g_byte_array_append(list, digest, (guint)len);
    g_checksum_reset(chunk);
}

/* The worker: hashes the file a block at a time (a block never spans two
 * chunks: chunks are multiples of the block). */
static void file_source_hash_thread(GTask *task, gpointer object, gpointer data,
                                    GCancellable *cancellable)
{
    LcFileSource *source = data;
    gboolean chunks = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(task), "chunks"));
    guint32 chunk_size = file_chunk_size(source->size);
    g_autoptr(GChecksum) chunk = chunks ? g_checksum_new(G_CHECKSUM_SHA256) : NULL;
    g_autoptr(GByteArray) list = g_byte_array_new();
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guint8 *block = g_malloc(FILE_SOURCE_HASH_BLOCK);
    guint64 offset = 0;
    while (offset < source->size) {
        if (g_task_return_error_if_cancelled(task))
            return;
        gssize n = file_pread_full(source->fd, block, FILE_SOURCE_HASH_BLOCK, offset);
        if (n <= 0) {
            int saved = n < 0 ? errno : EIO;
            g_task_return_new_error(task, G_IO_ERROR, g_io_error_from_errno(saved), "%s: %s",
                                    source->path,
                                    n < 0 ? g_strerror(saved) : "the file shrank while hashed");
            return;
        }
        g_checksum_update(sum, block, (gsize)n);
        offset += (guint64)n;
        if (chunk != NULL) {
            g_checksum_update(chunk, block, (gsize)n);
            if (offset % chunk_size == 0 || offset == source->size)
                file_source_end_chunk(chunk, list);
        }
    }
    guint8 digest[FILE_HASH_SIZE];
    gsize len = sizeof(digest);
    g_checksum_get_digest(sum, digest, &len);
    LcFileHashes *h = g_new0(LcFileHashes, 1);
    h->sha256 = g_bytes_new(digest, len);
    h->chunks = chunk != NULL ? g_byte_array_free_to_bytes(g_steal_pointer(&list)) : NULL;
    g_task_return_pointer(task, h, file_hashes_free);
}

/* Starts hashing on a worker thread. */
void file_source_hash_async(LcFileSource *source, gboolean chunks, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_object_set_data(G_OBJECT(task), "chunks", GINT_TO_POINTER(chunks));
    g_task_set_task_data(task, file_source_ref(source), (GDestroyNotify)file_source_unref);
    g_task_run_in_thread(task, file_source_hash_thread);
}

/* Takes the hash the worker made. */
gboolean file_source_hash_finish(LcFileSource *source, GAsyncResult *result, GError **error)
{
    LcFileHashes *h = g_task_propagate_pointer(G_TASK(result), error);
    if (h == NULL)
        return FALSE;
    g_clear_pointer(&source->sha256, g_bytes_unref);
    g_clear_pointer(&source->chunk_hashes, g_bytes_unref);
    g_free(source->sha256_hex);
    source->sha256 = g_steal_pointer(&h->sha256);
    source->chunk_hashes = g_steal_pointer(&h->chunks);
    file_hashes_free(h);
    source->sha256_hex = file_hash_hex(source->sha256);
    return TRUE;
}

/* Lower-case hex of bytes. */
char *file_hash_hex(GBytes *hash)
{
    gsize len = 0;
    const guint8 *d = g_bytes_get_data(hash, &len);
    GString *hex = g_string_sized_new(2 * len);
    for (gsize i = 0; i < len; i++)
        g_string_append_printf(hex, "%02x", d[i]);
    return g_string_free(hex, FALSE);
}

/* Reads a range; a file cut shorter since it was offered is an error. */
GBytes *file_source_read(LcFileSource *source, guint64 offset, gsize length, GError **error)
{
    if (offset > source->size || length > source->size - offset) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "bytes %" G_GUINT64_FORMAT "+%" G_GSIZE_FORMAT " are beyond the file's end",
                    offset, length);
        return NULL;
    }
    guint8 *buf = g_malloc(MAX(length, 1));
    gssize n = file_pread_full(source->fd, buf, length, offset);
    if (n < 0 || (gsize)n < length) {
        int saved = n < 0 ? errno : EIO;
        g_free(buf);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "%s: %s", source->path,
                    n < 0 ? g_strerror(saved) : "the file shrank while it was sent");
        return NULL;
    }
    return g_bytes_new_take(buf, length);
}

const char *file_source_get_path(LcFileSource *source)
{
    return source->path;
}

const char *file_source_get_name(LcFileSource *source)
{
    return source->name;
}

guint64 file_source_get_size(LcFileSource *source)
{
    return source->size;
}

GBytes *file_source_get_sha256(LcFileSource *source)
{
    return source->sha256;
}

const char *file_source_get_sha256_hex(LcFileSource *source)
{
    return source->sha256_hex;
}

GBytes *file_source_get_chunk_hashes(LcFileSource *source)
{
    return source->chunk_hashes;
}

/* A source over a part file: read where chunks have arrived. */
LcFileSource *file_source_open_part(const char *path, guint64 size, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), "%s: %s", path,
                    g_strerror(saved));
        return NULL;
    }
    LcFileSource *source = g_new0(LcFileSource, 1);
    source->refs = 1;
    source->fd = fd;
    source->path = g_strdup(path);
    source->name = g_path_get_basename(path);
    source->size = size;
    return source;
}

/* Closes the file, keeping the record. */
void file_source_release(LcFileSource *source)
{
    if (source->fd >= 0)
        close(source->fd);
    source->fd = -1;
}

/* Takes a reference. */
LcFileSource *file_source_ref(LcFileSource *source)
{
    g_atomic_int_inc(&source->refs);
    return source;
}

/* Drops a reference; the last closes the file. */
void file_source_unref(LcFileSource *source)
{
    if (source == NULL || !g_atomic_int_dec_and_test(&source->refs))
        return;
    if (source->fd >= 0)
        close(source->fd);
    g_clear_pointer(&source->sha256, g_bytes_unref);
    g_clear_pointer(&source->chunk_hashes, g_bytes_unref);
    g_free(source->sha256_hex);
    g_free(source->path);
    g_free(source->name);
    g_free(source);
}
