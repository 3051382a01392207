/* relay_video_private.h: the relay's camera-channel engine, shared by
 * relay_video.c (streams, viewers, control requests, fan-out),
 * relay_video_tcp.c (video TCP channels) and relay_udp.c (the UDP socket).
 *
 * Streams and viewers are found by id; channels hold ids, never pointers, so
 * a channel outliving its stream or viewer (a close in flight) finds nothing
 * and does nothing. A frame is one refcounted LcFrame (core/frame.h) shared
 * by every viewer queue, TCP and UDP alike.
 */
#pragma once

#include "net/io/dgram_crypt.h"
#include "net/io/token_bucket.h"
#include "net/io/chan_stream.h"
#include "net/io/chan_timer.h"
#include "net/io/watch.h"
#include "net/wire/frag.h"
#include "net/wire/media_kind.h"
#include "net/relay/relay_private.h"
#include "net/relay/relay_video.h"

#include <sys/socket.h>

/* A video TCP channel: the sender's (viewer_id 0) or a viewer's. A shared
 * viewer channel (VIDEO_HELLO's SHARED) carries several views, each found
 * by its id; stream_id and viewer_id are then those of its first. */
typedef struct {
    LcRelayVideo *video;
    guint8 role; /* WIRE_VIDEO_ROLE_SENDER or _VIEWER */
    guint32 stream_id;
    guint32 viewer_id;
    gboolean shared;
    guint views; /* shared: the views attached now */
    char *ip;    /* its peer's address: it counts toward the connection limits */
    LcChanStream *stream;
} LcRelayVideoChan;

typedef struct {
    LcRelayVideo *video;
    guint32 id;
    guint64 token;
    guint64 owner;     /* session id of the control connection that opened it */
    guint64 owner_key; /* owner and media kind: its key in LcRelayVideo.owners */
    char *nick;        /* the owner's nick when it opened */
    char *instance;    /* the owner's client instance */
    LcMediaKind media;
    guint8 channels;
    guint32 frame_max;        /* its largest frame: smaller for audio */
    LcRelayVideoChan *tcp;    /* the sender's TCP channel, or NULL */
    GSocketAddress *udp_peer; /* the sender's UDP address, learned from its datagrams */
    LcFragReassembler *reasm;
    GPtrArray *viewers;       /* LcRelayViewer, attached */
    gboolean ending;          /* its viewers are let go: the owner needs no WATCH_NOTICE */
    gint64 keyframe_asked_us; /* monotonic: a KEYFRAME_REQUEST last went to the owner */
    /* The VIDEO_FRAME head of the last frame fanned out to TCP viewers (made
     * once for all of them); the frame is held so that its address cannot
     * be reused by another while it keys the cache. */
    LcFrame *head_frame;
    GBytes *head;
    LcDgramKey udp_key; /* set when its owner speaks TLS: datagrams sealed both ways */
    gboolean private;   /* only members its owner allows may view it (relay_video_acl.c) */
    LcRelayStreamStats stats;
} LcRelayStream;

typedef struct {
    LcRelayVideo *video;
    guint32 id;
    guint64 token;  /* of the current attachment; 0 while waiting */
    guint64 owner;  /* session id of the control connection that asked */
    char *nick;     /* the viewer's nick */
    char *want;     /* the nick asked for */
    char *want_key; /* want folded to lower case */
    /* The client instance whose stream it watches, once known: when another
     * instance takes the nick, the view ends (the viewer asks again). */
    char *bound;
    LcMediaKind media;
    guint8 channels;
    LcRelayStream *stream; /* NULL while waiting */
    LcRelayVideoChan *tcp;
    guint tcp_queued; /* its frames waiting on a shared TCP channel */
    GSocketAddress *udp_peer;
    GQueue udp_queue; /* LcFrame, oldest first; the head is going out */
    guint udp_next;   /* next fragment of the head frame */
    LcTokenBucket pace;
    gboolean tls;       /* its owner speaks TLS: each attachment gets a UDP key */
    LcDgramKey udp_key; /* the current attachment's, when tls */
    LcRelayViewerStats stats;
} LcRelayViewer;

/*
 * What one transport does for the camera channels: TCP (relay_video_tcp.c)
 * and UDP (relay_udp.c) each fill a table, as the client's channels fill
 * LcChanOps. relay_video.c loops over the tables and never branches on the
 * transport; a new one (or an encrypted variant) adds a table.
 */
typedef struct {
    LcChanKind kind;
    /* Whether the viewer's channel of this kind can take frames now. */
    gboolean (*viewer_is_open)(const LcRelayViewer *viewer);
    /* Queues a complete frame to the viewer (bounded: the oldest go first). */
    void (*forward)(LcRelayViewer *viewer, LcFrame *frame);
    /* Frames waiting in the viewer's queue now. */
    guint (*viewer_queued)(const LcRelayViewer *viewer);
    /* The viewer leaves its stream: closes or forgets its channel and queue. */
    void (*viewer_detach)(LcRelayViewer *viewer);
    /* The stream ends: closes or forgets the sender's channel. */
    void (*stream_detach)(LcRelayStream *stream);
} LcRelayTransportOps;

extern const LcRelayTransportOps relay_tcp_ops;
extern const LcRelayTransportOps relay_udp_ops;

/* The table of a channel kind. */
const LcRelayTransportOps *relay_transport_for(LcChanKind kind);

struct _LcRelayVideo {
    LcRelay *relay;
    GHashTable *streams;   /* id -> LcRelayStream (owned) */
    GHashTable *owners;    /* owner_key (session id and media kind) -> LcRelayStream */
    GHashTable *viewers;   /* id -> LcRelayViewer (owned) */
    GPtrArray *dead_chans; /* closed LcRelayVideoChan, freed from an idle */
    /* Shared viewer channels until freed: one may carry no view for a
     * while, and is still shut down, checked for stalls and freed. */
    GPtrArray *shared_chans;
    GSource *reap_src;
    guint32 next_id;

    GSocket *udp;
    LcWatch *udp_read_src;
    LcWatch *udp_write_src; /* while the socket's send buffer is full */
    LcChanTimer *pace;      /* armed while a viewer waits for pacing */
    GSource *expire_src;
    guint8 *dgram_buf; /* RELAY_UDP_BATCH datagrams' room, read at once (relay_udp.c) */
    /* ACKs and HELLO_ACKs made while reading, sent together once the
     * datagrams read are handled (relay_udp.c). */
    struct _LcRelayReplies *replies;
    gsize dgram_slot; /* room for one: a datagram, or a GRO run of them */
    /* The address the last datagram came from, natively and as the object
     * handed on: a stream's datagrams come from one address, so the object
     * is made once, not once a datagram. */
    struct sockaddr_storage from_native;
    socklen_t from_len;
    GSocketAddress *from;
    gsize udp_rcvbuf;
    gsize udp_sndbuf;
    guint64 bad_datagrams;
    guint64 unknown_token;
    guint64 bad_seal; /* dropped: a bad tag, a replay, or plain where sealed is due */
    guint8 *open_buf; /* a sealed datagram opened (DGRAM_CRYPT_MAX_SIZE) */
    guint64 udp_send_errors;
};

/* relay_video.c */

/* Fills the camera-channel part of a config with its defaults. */
void relay_video_config_init(LcRelayConfig *config);

/* Starts the engine: binds the UDP socket on the TCP listener's address and
 * port number. */
LcRelayVideo *relay_video_new(LcRelay *relay, GError **error);

/* Handles a camera-channel request on a joined control connection. */
void relay_video_handle_control(LcRelayVideo *video, LcRelayClient *client, const LcWireMsg *msg);

/* A control connection is gone: its stream ends, its viewers go. */
void relay_video_client_gone(LcRelayVideo *video, guint64 session_id);

/* A client took a nick (joined with it or renamed to it): views of the nick
 * bound to another client instance end with VIDEO_REFUSED (NICK_TAKEN), so
 * that no viewer watches a stranger by surprise; views not yet bound are
 * bound to this client. */
void relay_video_nick_taken(LcRelayVideo *video, LcRelayClient *client);

/* A member changed nick: its streams carry the new one, and the room is
 * told (STREAM_NOTICE, started, the same stream id), so that a member who
 * joins later finds them under the nick they now belong to; its views carry
 * it too. */
void relay_video_renamed(LcRelayVideo *video, LcRelayClient *client);

/* Tells a member who has just joined of every stream there is
 * (STREAM_NOTICE). */
void relay_video_send_notices(LcRelayVideo *video, LcRelayClient *client);

/* The relay is stopping: every video channel is told and closed. */
void relay_video_shutdown(LcRelayVideo *video, guint timeout_ms);

void relay_video_free(LcRelayVideo *video);

LcRelayStream *relay_video_find_stream(LcRelayVideo *video, guint32 id);
LcRelayViewer *relay_video_find_viewer(LcRelayVideo *video, guint32 id);

/* Forwards a complete frame to the stream's viewers on the kind of channel
 * it arrived on. */
void relay_video_fan_out(LcRelayStream *stream, LcFrame *frame, LcChanKind kind);

/* Refuses a STREAM_OPEN or VIEW without closing the connection. */
void relay_video_refuse(LcRelayClient *client, guint8 request, LcMediaKind media,
                        LcWireErrorCode code, const char *nick, const char *reason);
/* Detaches a viewer from its stream (telling it with VIEW_END and reason
 * when tell); it waits for the stream again. */
void relay_video_viewer_detach(LcRelayViewer *viewer, const char *reason, gboolean tell);
/* Removes a viewer for good. */
void relay_video_viewer_remove(LcRelayViewer *viewer);
/* The stream of a kind that a control connection owns, if any. */
LcRelayStream *relay_video_owned(LcRelayVideo *video, guint64 session_id, LcMediaKind media);
/* The STREAM_NOTICE that says a stream started or ended. */
GBytes *relay_video_encode_notice(const LcRelayStream *stream, LcWireStreamState state);

/* relay_video_acl.c: private streams. */

/* Whether the member on control connection viewer_session, with nick
 * viewer_nick, may view a stream: any stream that is not private; a
 * private one only its owner and the nicks it allows. */
gboolean relay_video_acl_allows(LcRelayVideo *video, const LcRelayStream *stream,
                                guint64 viewer_session, const char *viewer_nick);
/* The reason a VIEW of a private stream is refused (free it). */
char *relay_video_acl_refusal(LcRelayVideo *video, const LcRelayStream *stream,
                              guint64 viewer_session, const char *viewer_nick);
/* The client instance that has a nick now: its member's, or the one it is
 * held for; NULL when the nick is free. */
const char *relay_video_nick_instance(LcRelayVideo *video, const char *nick_key);
/* Refuses a waiting view of a private stream (VIDEO_REFUSED, NOT_ALLOWED)
 * and removes it. */
void relay_video_acl_refuse_view(LcRelayViewer *viewer, LcRelayStream *stream);
/* CAMERA_ACL: a member allows a nick to view its private streams, or
 * denies it (its views of them end). */
void relay_video_acl_handle(LcRelayVideo *video, LcRelayClient *client, const LcWireMsg *msg);
/* The member on viewer_session changed nick: its views of private streams
 * that no longer allow it end. */
void relay_video_acl_recheck(LcRelayVideo *video, guint64 viewer_session);

/* relay_video_stats.c */

/* The counters of one stream and of one viewer now. */
void relay_video_stream_snapshot(LcRelayStream *stream, LcRelayStreamStats *out);
void relay_video_viewer_snapshot(LcRelayViewer *viewer, LcRelayViewerStats *out);

/* Answers STATS_REQUEST: STATS_STREAM and STATS_VIEWER frames, then STATS_END. */
void relay_video_handle_stats(LcRelayVideo *video, LcRelayClient *client, guint32 request);

/* relay_video_tcp.c */

/* VIDEO_HELLO on a new connection: checks the token and takes the connection
 * over as a video channel, or refuses it. */
void relay_video_tcp_adopt(LcRelayVideo *video, LcRelayClient *client, const LcWireMsg *hello);

/* Detaches a channel from its stream or viewer and closes it (code 0: at
 * once; else after an ERROR with code and reason). It is freed from an idle;
 * NULL is ignored. */
void relay_video_tcp_close(LcRelayVideoChan *chan, LcWireErrorCode code, const char *reason);

/* Frees a channel at once, without reporting (relay_video_free). */
void relay_video_tcp_destroy(LcRelayVideoChan *chan);

/* Frees the channels closed so far. */
void relay_video_tcp_reap(LcRelayVideo *video);

/* Closes every shared viewer channel (an ERROR with code and reason
 * first). */
void relay_video_tcp_close_shared(LcRelayVideo *video, LcWireErrorCode code, const char *reason);

/* Frees every shared viewer channel at once (relay_video_free). */
void relay_video_tcp_free_shared(LcRelayVideo *video);

/* Closes (TIMEOUT) every video channel whose peer stopped in the middle of
 * a frame, nothing read for more than stall_us: the frame's buffer would
 * be held for nothing. */
void relay_video_tcp_check_stalls(LcRelayVideo *video, gint64 now, gint64 stall_us);

/* relay_udp.c */

/* Binds the UDP socket and starts reading. */
gboolean relay_udp_open(LcRelayVideo *video, GError **error);

/* Closes the UDP socket. */
void relay_udp_close(LcRelayVideo *video);
