/* media_kind.c: the table that maps LcMediaKind to text and to header flags. */
#include "net/wire/media_kind.h"
#include "net/wire/wire.h"

static const char *const media_kind_names[LC_MEDIA_KINDS] = {
    [LC_MEDIA_VIDEO] = "video",
    [LC_MEDIA_AUDIO] = "audio",
};

/* The kind's lower-case name. */
const char *media_kind_name(LcMediaKind kind)
{
    g_return_val_if_fail((guint)kind < LC_MEDIA_KINDS, "unknown");
    return media_kind_names[kind];
}

/* Finds a kind by name. */
gboolean media_kind_from_name(const char *name, LcMediaKind *out)
{
    for (guint i = 0; name != NULL && i < LC_MEDIA_KINDS; i++) {
        if (g_ascii_strcasecmp(name, media_kind_names[i]) == 0) {
            if (out != NULL)
                *out = (LcMediaKind)i;
            return TRUE;
        }
    }
    return FALSE;
}

/* The header flags that say kind. */
guint16 media_kind_to_flags(LcMediaKind kind)
{
    return kind == LC_MEDIA_AUDIO ? WIRE_FLAG_AUDIO : 0;
}

/* The kind the flags say. */
LcMediaKind media_kind_from_flags(guint16 flags)
{
    return (flags & WIRE_FLAG_AUDIO) ? LC_MEDIA_AUDIO : LC_MEDIA_VIDEO;
}
