/* file_name.h: the name a file offered in the room may be saved under.
 *
 * A sender names its file; the receiver saves it in the folder it chose,
 * under that name only if the name is a plain file name: no folder in it
 * (no '/' or '\\', so neither "../x" nor "/etc/passwd"), not "." or "..",
 * not hidden (a leading '.'), valid UTF-8 of at most 255 bytes with no
 * control or bidirectional-override character (a name is shown to people
 * as well as written to disk). Anything else is refused with the reason,
 * never silently changed into some other name.
 */
#pragma once

#include <glib.h>

#define FILE_NAME_MAX 255 /* bytes, as most file systems take */
/* What a file being received is called until whole (file_sink.h). */
#define FILE_NAME_PART_SUFFIX ".lanconf-part"

#define LC_FILE_ERROR (file_error_quark())
GQuark file_error_quark(void);

typedef enum {
    FILE_ERROR_BAD_NAME,  /* a name that is not a plain file name */
    FILE_ERROR_EXISTS,    /* the final name is taken: nothing is overwritten */
    FILE_ERROR_TOO_LARGE, /* over the size the receiver takes, or beyond the size offered */
    FILE_ERROR_CORRUPT,   /* the SHA-256 of what arrived is not the one offered */
    FILE_ERROR_SHORT,     /* finished before all the bytes offered arrived */
} LcFileError;

/* Checks a name offered for a file; FALSE (FILE_ERROR_BAD_NAME, saying
 * why) for anything but a plain file name. */
gboolean file_name_check(const char *name, GError **error);
