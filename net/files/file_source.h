/* file_source.h: a file offered for sending.
 *
 * Opened once, read at any offset (pread: the file is never held in
 * memory, whatever its size), and hashed whole (SHA-256, GLib's GChecksum)
 * on a worker thread before it is offered, so that a large file does not
 * hold the main loop up. Its name as offered is the base name of its path,
 * checked like a received one (file_name_check).
 */
#pragma once

#include <gio/gio.h>

#include "net/files/file_name.h"

#define FILE_HASH_SIZE 32 /* SHA-256 */
/* A swarm's chunks: at least 1 MiB, and at most FILE_CHUNKS_MAX of them,
 * so that their hashes fit one FILE_HASHES frame. */
#define FILE_CHUNK_MIN  (1024 * 1024)
#define FILE_CHUNKS_MAX 4096

/* Reads len bytes at offset into buf, fewer only where the file ends;
 * the count, or -1 with errno set. */
gssize file_pread_full(int fd, guint8 *buf, gsize len, guint64 offset);
/* A hash (or any bytes) as lower-case hex, newly allocated. */
char *file_hash_hex(GBytes *hash);

/* The chunk size of a file of size bytes (a multiple of 128 KiB). */
guint32 file_chunk_size(guint64 size);
/* The number of chunks of a file of size bytes. */
guint32 file_chunk_count(guint64 size, guint32 chunk_size);

typedef struct _LcFileSource LcFileSource;

/* Opens a regular file for reading; NULL with an error for a file that
 * cannot be read, is not a regular file, or whose base name is not a plain
 * file name. */
LcFileSource *file_source_open(const char *path, GError **error);

/* Hashes the whole file on a worker thread, and each chunk too when
 * chunks is set (a swarm's); callback runs on the thread-default main
 * context. */
void file_source_hash_async(LcFileSource *source, gboolean chunks, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
/* The hash's outcome; on success file_source_get_sha256() is set. */
gboolean file_source_hash_finish(LcFileSource *source, GAsyncResult *result, GError **error);

/* Up to length bytes at offset (fewer only at the end of the file). */
GBytes *file_source_read(LcFileSource *source, guint64 offset, gsize length, GError **error);

const char *file_source_get_path(LcFileSource *source);
const char *file_source_get_name(LcFileSource *source);
guint64 file_source_get_size(LcFileSource *source);
/* The SHA-256 (FILE_HASH_SIZE bytes) once hashed, else NULL. */
GBytes *file_source_get_sha256(LcFileSource *source);
/* The same, as lower-case hex, or NULL. */
const char *file_source_get_sha256_hex(LcFileSource *source);
/* The chunks' SHA-256s (FILE_HASH_SIZE bytes each) once hashed with
 * chunks, else NULL. */
GBytes *file_source_get_chunk_hashes(LcFileSource *source);

/* A source over a part file being received (a swarm's receiver serving
 * the chunks it has to others): size bytes, no name checked. */
LcFileSource *file_source_open_part(const char *path, guint64 size, GError **error);

/* Closes the file now (reads fail from then on), for an offer that is
 * over while its record stays: a long-running client holds no descriptor
 * for each file it once sent. */
void file_source_release(LcFileSource *source);

/* A new reference; the file closes with the last one. */
LcFileSource *file_source_ref(LcFileSource *source);
void file_source_unref(LcFileSource *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFileSource, file_source_unref)
