/* file_name.c: plain file names, and nothing else. */
#include "net/files/file_name.h"

#include "net/wire/validate.h"

#include <string.h>

G_DEFINE_QUARK(lc - file - error - quark, file_error)

/* Refuses a name, saying which and why. */
static gboolean file_name_refuse(const char *name, const char *why, GError **error)
{
    g_autofree char *shown = validate_sanitize(name);
    g_set_error(error, LC_FILE_ERROR, FILE_ERROR_BAD_NAME, "file name '%s' refused: %s", shown,
                why);
    return FALSE;
}

/* Checks an offered name. */
gboolean file_name_check(const char *name, GError **error)
{
    if (name == NULL || *name == '\0')
        return file_name_refuse("", "it is empty", error);
    if (strlen(name) > FILE_NAME_MAX)
        return file_name_refuse(name, "it is over 255 bytes long", error);
    if (!g_utf8_validate(name, -1, NULL))
        return file_name_refuse(name, "it is not UTF-8", error);
    if (strchr(name, '/') != NULL || strchr(name, '\\') != NULL)
        return file_name_refuse(name, "it names a folder (a file name has no '/' or '\\')", error);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return file_name_refuse(name, "it names a folder", error);
    if (name[0] == '.')
        return file_name_refuse(name, "it would be hidden (it starts with '.')", error);
    /* A received file is written to NAME.lanconf-part until whole: a file
     * of such a name could take another transfer's place. */
    if (g_str_has_suffix(name, FILE_NAME_PART_SUFFIX))
        return file_name_refuse(name, "it is the name of a file still being received", error);
    for (const char *p = name; *p != '\0'; p = g_utf8_next_char(p)) {
        if (validate_is_unsafe_char(g_utf8_get_char(p)) || *p == '\t')
            return file_name_refuse(name, "it holds a control or direction character", error);
    }
    return TRUE;
}
