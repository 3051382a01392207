/* room_streams.c: the streams the room has, from STREAM_NOTICE. */
#include "net/client/room_streams.h"

struct _LcRoomStreams {
    GPtrArray *all; /* LcRoomStream (owned) */
};

/* Frees one entry. */
static void room_stream_free(gpointer data)
{
    LcRoomStream *stream = data;
    g_free(stream->nick);
    g_free(stream);
}

LcRoomStreams *room_streams_new(void)
{
    LcRoomStreams *streams = g_new0(LcRoomStreams, 1);
    streams->all = g_ptr_array_new_with_free_func(room_stream_free);
    return streams;
}

void room_streams_free(LcRoomStreams *streams)
{
    if (streams == NULL)
        return;
    g_ptr_array_unref(streams->all);
    g_free(streams);
}

/* Forgets every stream. */
void room_streams_clear(LcRoomStreams *streams)
{
    g_ptr_array_set_size(streams->all, 0);
}

/* The index of a member's stream of a kind, or -1. */
static gint room_streams_index(const LcRoomStreams *streams, const char *nick, LcMediaKind media)
{
    for (guint i = 0; i < streams->all->len; i++) {
        const LcRoomStream *stream = streams->all->pdata[i];
        if (stream->media == media && g_ascii_strcasecmp(stream->nick, nick) == 0)
            return (gint)i;
    }
    return -1;
}

/* Takes a STREAM_NOTICE into the table. */
void room_streams_update(LcRoomStreams *streams, const LcWireMsg *msg)
{
    if (msg->type != WIRE_STREAM_NOTICE)
        return;
    LcMediaKind media = media_kind_from_flags(msg->flags);
    gint at = room_streams_index(streams, msg->stream_notice.nick, media);
    if (msg->stream_notice.state != WIRE_STREAM_STARTED) {
        /* Only the stream named ends: an old notice does not end a new one. */
        if (at >= 0 &&
            ((LcRoomStream *)streams->all->pdata[at])->stream_id == msg->stream_notice.stream_id)
            g_ptr_array_remove_index(streams->all, (guint)at);
        return;
    }
    if (at >= 0)
        g_ptr_array_remove_index(streams->all, (guint)at);
    /* A start of a stream already known under another nick: a rename. */
    for (guint i = 0; i < streams->all->len; i++) {
        if (((LcRoomStream *)streams->all->pdata[i])->stream_id == msg->stream_notice.stream_id) {
            g_ptr_array_remove_index(streams->all, i);
            break;
        }
    }
    LcRoomStream *stream = g_new0(LcRoomStream, 1);
    stream->nick = g_strdup(msg->stream_notice.nick);
    stream->media = media;
    stream->stream_id = msg->stream_notice.stream_id;
    stream->channels = msg->stream_notice.channels;
    stream->private = (msg->flags & WIRE_FLAG_PRIVATE) != 0;
    g_ptr_array_add(streams->all, stream);
}

const GPtrArray *room_streams_get_all(const LcRoomStreams *streams)
{
    return streams->all;
}

/* A member's stream of a kind, or NULL. */
const LcRoomStream *room_streams_find(const LcRoomStreams *streams, const char *nick,
                                      LcMediaKind media)
{
    gint at = room_streams_index(streams, nick, media);
    return at >= 0 ? streams->all->pdata[at] : NULL;
}
