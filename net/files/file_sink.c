/* file_sink.c: part file, running SHA-256, checked rename. */
/* renameat2 needs _GNU_SOURCE, which the build defines. */
#include "net/files/file_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FILE_SINK_READ_CHUNK (256 * 1024)

struct _LcFileSink {
    char *path;
    char *part_path;
    int fd;
    guint64 size;
    guint64 offset;
    gboolean overwrite;
    gboolean finished;
    GChecksum *sha256;
};

/* An error from errno, naming the path. */
static gboolean file_sink_fail(const char *what, const char *path, int err, GError **error)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "cannot %s %s: %s", what, path,
                g_strerror(err));
    return FALSE;
}

/* Feeds the bytes a part file already holds to the checksum. */
static gboolean file_sink_take_up(LcFileSink *sink, GError **error)
{
    struct stat st;
    if (fstat(sink->fd, &st) != 0)
        return file_sink_fail("read", sink->part_path, errno, error);
    if ((guint64)st.st_size > sink->size && ftruncate(sink->fd, 0) != 0)
        return file_sink_fail("empty", sink->part_path, errno, error);
    if ((guint64)st.st_size > sink->size)
        return TRUE; /* not this file's bytes: started afresh */
    g_autofree guint8 *buf = g_malloc(FILE_SINK_READ_CHUNK);
    for (;;) {
        ssize_t n = read(sink->fd, buf, FILE_SINK_READ_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return file_sink_fail("read", sink->part_path, errno, error);
        if (n == 0)
            return TRUE;
        g_checksum_update(sink->sha256, buf, (gssize)n);
        sink->offset += (guint64)n;
    }
}

/* Checks where a received file would go; its final path. */
char *file_sink_target(const LcFileSinkConfig *config, GError **error)
{
    if (!file_name_check(config->name, error))
        return NULL;
    if (strlen(config->name) + strlen(FILE_SINK_PART_SUFFIX) > FILE_NAME_MAX) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_BAD_NAME,
                    "file name '%s' refused: too long to keep a part file beside it", config->name);
        return NULL;
    }
    if (config->max_size > 0 && config->size > config->max_size) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_TOO_LARGE,
                    "%s is %" G_GUINT64_FORMAT " bytes, over the %" G_GUINT64_FORMAT
                    " bytes taken here",
                    config->name, config->size, config->max_size);
        return NULL;
    }
    if (!g_file_test(config->dir, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR, "%s is not a folder", config->dir);
        return NULL;
    }
    char *path = g_build_filename(config->dir, config->name, NULL);
    if (!config->overwrite && g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_EXISTS,
                    "%s exists: not overwritten (move or rename it, then take the file again)",
                    path);
        g_free(path);
        return NULL;
    }
    return path;
}

/* Opens the part file beside the final name. */
LcFileSink *file_sink_open(const LcFileSinkConfig *config, GError **error)
{
    g_autofree char *path = file_sink_target(config, error);
    if (path == NULL)
        return NULL;
    LcFileSink *sink = g_new0(LcFileSink, 1);
    sink->path = g_steal_pointer(&path);
    sink->part_path = g_strconcat(sink->path, FILE_SINK_PART_SUFFIX, NULL);
    sink->size = config->size;
    sink->overwrite = config->overwrite;
    sink->sha256 = g_checksum_new(G_CHECKSUM_SHA256);
    sink->fd = g_open(sink->part_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (sink->fd < 0) {
        file_sink_fail("open", sink->part_path, errno, error);
        file_sink_free(sink);
        return NULL;
    }
    if (!file_sink_take_up(sink, error)) {
        file_sink_free(sink);
        return NULL;
    }
    return sink;
}

/* Bytes already there. */
guint64 file_sink_get_offset(LcFileSink *sink)
{
    return sink->offset;
}

/* The final path. */
const char *file_sink_get_path(LcFileSink *sink)
{
    return sink->path;
}

/* The part file's path. */
const char *file_sink_get_part_path(LcFileSink *sink)
{
    return sink->part_path;
}

/* Appends bytes, within the size offered. */
gboolean file_sink_write(LcFileSink *sink, const guint8 *data, gsize len, GError **error)
{
    if (len > sink->size - sink->offset) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_TOO_LARGE,
                    "more bytes than the %" G_GUINT64_FORMAT " offered", sink->size);
        return FALSE;
    }
    gsize done = 0;
    while (done < len) {
        ssize_t n = write(sink->fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return file_sink_fail("write", sink->part_path, errno, error);
        done += (gsize)n;
    }
    g_checksum_update(sink->sha256, data, (gssize)len);
    sink->offset += len;
    return TRUE;
}

/* Renames the part file to the final name; without overwrite, only if the
 * name is still free (renameat2's RENAME_NOREPLACE, or a hard link where
 * the file system has no such rename). */
gboolean file_sink_rename_part(const char *part_path, const char *path, gboolean overwrite,
                               GError **error)
{
    if (overwrite) {
        if (g_rename(part_path, path) != 0)
            return file_sink_fail("rename to", path, errno, error);
        return TRUE;
    }
    if (renameat2(AT_FDCWD, part_path, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return TRUE;
    int err = errno;
    if (err == EINVAL || err == ENOSYS) {
        if (link(part_path, path) == 0) {
            g_unlink(part_path);
            return TRUE;
        }
        err = errno;
    }
    if (err == EEXIST) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_EXISTS,
                    "%s appeared meanwhile: not overwritten; the bytes are kept in %s", path,
                    part_path);
        return FALSE;
    }
    return file_sink_fail("rename to", path, err, error);
}

/* Checks the whole file and gives it its name. */
gboolean file_sink_finish(LcFileSink *sink, const char *sha256_hex, GError **error)
{
    if (sink->offset < sink->size) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_SHORT,
                    "%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes arrived", sink->path,
                    sink->offset, sink->size);
        return FALSE;
    }
    const char *got = g_checksum_get_string(sink->sha256);
    if (sha256_hex == NULL || g_ascii_strcasecmp(got, sha256_hex) != 0) {
        g_set_error(error, LC_FILE_ERROR, FILE_ERROR_CORRUPT,
                    "%s: SHA-256 %s, not the %s offered; the bytes were thrown away", sink->path,
                    got, sha256_hex ? sha256_hex : "(none)");
        g_unlink(sink->part_path);
        return FALSE;
    }
    if (fsync(sink->fd) != 0)
        return file_sink_fail("write", sink->part_path, errno, error);
    if (!file_sink_rename_part(sink->part_path, sink->path, sink->overwrite, error))
        return FALSE;
    sink->finished = TRUE;
    return TRUE;
}

/* Closes it, keeping the part file. */
void file_sink_free(LcFileSink *sink)
{
    if (sink == NULL)
        return;
    if (sink->fd >= 0)
        close(sink->fd);
    g_checksum_free(sink->sha256);
    g_free(sink->path);
    g_free(sink->part_path);
    g_free(sink);
}

/* Closes it and removes the part file. */
void file_sink_discard(LcFileSink *sink)
{
    if (sink == NULL)
        return;
    if (!sink->finished)
        g_unlink(sink->part_path);
    file_sink_free(sink);
}
