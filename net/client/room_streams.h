/* room_streams.h: the streams the room has, as the relay announces them
 * (STREAM_NOTICE: who is on camera, who has audio on). A session keeps one
 * table, emptied at each WELCOME (the relay then announces every stream
 * again), so that whoever starts following the room late (a listener made
 * after joining) finds the streams that exist. Pure bookkeeping. */
#pragma once

#include "net/wire/media_kind.h"
#include "net/wire/wire.h"

typedef struct {
    char *nick;
    LcMediaKind media;
    guint32 stream_id;
    guint8 channels;  /* wire bits: 1 TCP, 2 UDP */
    gboolean private; /* only the members its owner allows may view it */
} LcRoomStream;

typedef struct _LcRoomStreams LcRoomStreams;

LcRoomStreams *room_streams_new(void);
void room_streams_free(LcRoomStreams *streams);
/* Forgets every stream (a new connection: they are announced again). */
void room_streams_clear(LcRoomStreams *streams);
/* Takes a STREAM_NOTICE into the table; other messages are ignored. A
 * member has at most one stream of each kind: a start replaces it; a start
 * of a known stream id under a new nick (its owner renamed) moves it. */
void room_streams_update(LcRoomStreams *streams, const LcWireMsg *msg);
/* Every stream there is, in the order they were announced (LcRoomStream). */
const GPtrArray *room_streams_get_all(const LcRoomStreams *streams);
/* A member's stream of a kind (nick in any case), or NULL. */
const LcRoomStream *room_streams_find(const LcRoomStreams *streams, const char *nick,
                                      LcMediaKind media);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcRoomStreams, room_streams_free)
