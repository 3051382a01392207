/* file_sink.h: a received file written safely.
 *
 * The bytes go to NAME.lanconf-part in the folder the receiver chose, never
 * to the final name: only a file whose every byte arrived and whose SHA-256
 * (GLib's GChecksum) is the one offered is renamed to NAME, and a file that
 * is already there is not replaced unless the receiver said so (the rename
 * itself refuses to replace it, so a file made meanwhile is safe too). A
 * part file left by a transfer cut short is taken up again where it
 * stopped: its bytes are hashed anew and the offset says how many there
 * are. Sizes are checked against the size offered and the receiver's
 * limit. Memory use does not depend on the file's size.
 */
#pragma once

#include "net/files/file_name.h"

#define FILE_SINK_PART_SUFFIX FILE_NAME_PART_SUFFIX

typedef struct _LcFileSink LcFileSink;

typedef struct {
    const char *dir;    /* the folder the receiver chose (it must exist) */
    const char *name;   /* as offered: a plain file name (file_name_check) */
    guint64 size;       /* bytes offered */
    guint64 max_size;   /* the most the receiver takes; 0 = no limit */
    gboolean overwrite; /* the receiver agreed to replace a file of that name */
} LcFileSinkConfig;

/* Opens the part file (creating it, or taking up the bytes one holds);
 * NULL with an error (LC_FILE_ERROR, or the file system's) for a bad name,
 * a size over the limit, a name taken without overwrite, a folder that
 * cannot be written. */
LcFileSink *file_sink_open(const LcFileSinkConfig *config, GError **error);

/* Bytes already written: where a sender resumes. */
guint64 file_sink_get_offset(LcFileSink *sink);
/* The final path, and the part file's. */
const char *file_sink_get_path(LcFileSink *sink);
const char *file_sink_get_part_path(LcFileSink *sink);

/* Appends bytes; FALSE (FILE_ERROR_TOO_LARGE) past the size offered, or
 * the file system's error. */
gboolean file_sink_write(LcFileSink *sink, const guint8 *data, gsize len, GError **error);

/* All bytes are there: checks the SHA-256 (hex, any case) and gives the
 * file its name. FILE_ERROR_SHORT (the part kept, for a resume),
 * FILE_ERROR_CORRUPT (the part removed) or FILE_ERROR_EXISTS (the part
 * kept) otherwise. */
gboolean file_sink_finish(LcFileSink *sink, const char *sha256_hex, GError **error);

/* Checks a file offered against the receiver's terms (a plain name, the
 * size limit, a folder, a name not taken unless overwrite); its final path
 * (free it), or NULL with the error file_sink_open() would give. */
char *file_sink_target(const LcFileSinkConfig *config, GError **error);
/* Gives a whole, checked part file its final name, replacing nothing
 * unless overwrite (FILE_ERROR_EXISTS, the part kept). */
gboolean file_sink_rename_part(const char *part_path, const char *path, gboolean overwrite,
                               GError **error);

/* Closes it; the part file stays for a later resume. */
void file_sink_free(LcFileSink *sink);
/* Closes it and removes the part file: the transfer is given up. */
void file_sink_discard(LcFileSink *sink);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFileSink, file_sink_free)
