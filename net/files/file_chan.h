/* file_chan.h: one file channel, the connection a file travels on.
 *
 * A file channel is a TCP connection of its own, never the control
 * connection, so that a file never queues ahead of chat. It leads from a
 * receiver to the sender's own port (direct), or from each of them to the
 * relay, which pairs the two by their token and passes frames on
 * (docs/PROTOCOL.md, "Files"). The side that connected says FILE_HELLO
 * and waits for FILE_READY; the side that accepted (a sender's port) checks
 * the FILE_HELLO and answers FILE_READY. Then the receiver pulls: it asks
 * for ranges with FILE_GET, keeping at most a window of bytes asked for and
 * not yet received, and the sender answers each with FILE_DATA. What is in
 * flight, and what any relay on the way holds, is bounded by that window.
 * A receiver asks from the end of its part file on, so a cut transfer goes
 * on where it stopped. A sender may be held to a rate (bytes per second),
 * so that files leave room for live media on the same link.
 */
#pragma once

#include <gio/gio.h>

#include "net/files/file_sink.h"
#include "net/files/file_source.h"
#include "net/wire/wire.h"

#define FILE_CHAN_WINDOW   (1024 * 1024) /* bytes a receiver asks for ahead */
#define FILE_CHAN_IDLE_S   30            /* a channel that moves nothing for this long ends */
#define FILE_CHAN_DATA_MAX WIRE_FILE_DATA_MAX

typedef struct _LcFileChan LcFileChan;

typedef enum {
    FILE_CHAN_SENDER = WIRE_FILE_ROLE_SENDER,
    FILE_CHAN_RECEIVER = WIRE_FILE_ROLE_RECEIVER,
} LcFileChanRole;

typedef struct {
    LcFileChanRole role;
    /* This end connected: it says FILE_HELLO with these, then waits for
     * FILE_READY. Otherwise it waits for FILE_HELLO (the hello event). */
    gboolean greet;
    guint64 transfer_id;
    guint64 token;
    LcFileSource *source; /* sender (a reference is taken); NULL: from the hello event */
    LcFileSink *sink;     /* receiver: borrowed, the owner finishes and frees it */
    guint64 size;         /* receiver: the size offered */
    gsize window;         /* receiver: bytes asked for ahead; 0 = FILE_CHAN_WINDOW */
    double rate;          /* sender: bytes per second at most; 0 = no limit */
    /* A swarm's channel: a receiver asks only for what file_chan_get()
     * names and hands the bytes on (the data event) instead of writing a
     * sink; FILE_HAVE and FILE_HASHES pass both ways (the message event). */
    gboolean swarm;
    guint64 *count_sent; /* sender: file bytes sent are added here too, when set */
} LcFileChanConfig;

typedef struct {
    /* Accepting side: a FILE_HELLO arrived. Returns the file to serve (a
     * new reference), or NULL (error set) to refuse it. */
    LcFileSource *(*hello)(LcFileChan *chan, const LcWireMsg *hello, GError **error,
                           gpointer user_data);
    /* Bytes moved: a sender's bytes sent, a receiver's part file's length. */
    void (*progress)(LcFileChan *chan, guint64 bytes, gpointer user_data);
    /* Receiver: every byte offered is in the part file. */
    void (*complete)(LcFileChan *chan, gpointer user_data);
    /* Paired: FILE_READY arrived (the side that connected) or was sent
     * (the side that accepted). */
    void (*ready)(LcFileChan *chan, gpointer user_data);
    /* Swarm receiver: bytes asked for with file_chan_get() arrived. */
    void (*data)(LcFileChan *chan, guint64 offset, GBytes *bytes, gpointer user_data);
    /* Swarm: FILE_HAVE or FILE_HASHES from the other side. */
    void (*message)(LcFileChan *chan, const LcWireMsg *msg, gpointer user_data);
    /* The channel closed (error NULL: the other side closed it cleanly).
     * Called once; free the channel later, not inside the call. */
    void (*closed)(LcFileChan *chan, const GError *error, gpointer user_data);
} LcFileChanEvents;

/* A channel over a connected stream (a GSocketConnection or a
 * GTlsConnection); starts at once. */
LcFileChan *file_chan_new(GIOStream *io, const LcFileChanConfig *config,
                          const LcFileChanEvents *events, gpointer user_data);

/* Swarm receiver: asks for length bytes at offset (at most
 * FILE_CHAN_DATA_MAX); they come back in order through the data event. */
void file_chan_get(LcFileChan *chan, guint64 offset, guint32 length);
/* Swarm receiver: bytes asked for and not yet received. */
guint64 file_chan_get_pending(LcFileChan *chan);
/* Sends a message (FILE_HAVE, FILE_HASHES) once paired. */
void file_chan_send_msg(LcFileChan *chan, const LcWireMsg *msg);
/* Whether the channel is paired and open. */
gboolean file_chan_is_ready(LcFileChan *chan);

/* Holds a sender to bytes per second (0: no limit). */
void file_chan_set_rate(LcFileChan *chan, double rate);

/* The transfer and the token its FILE_HELLO named (the accepting side's
 * once the hello arrived). */
guint64 file_chan_get_transfer(LcFileChan *chan);
guint64 file_chan_get_token(LcFileChan *chan);

/* Bytes sent (sender) or received (receiver) on this channel. */
guint64 file_chan_get_bytes(LcFileChan *chan);

/* Marks a socket as bulk traffic, below live media: DSCP CS1 (lower
 * effort, for the switches that honour it) and the kernel's bulk priority
 * (TC_PRIO_BULK, the last band of the default queueing), so that a file
 * queued on this host yields to a camera's or a voice's packets. */
void file_chan_mark_bulk(GSocket *socket);

/* Its owner is done with it: no event fires from now on, and the
 * connection closes at once. For a channel about to be freed from an idle
 * (never inside its own callbacks), which must not call into an owner
 * that may be gone by then. */
void file_chan_detach(LcFileChan *chan);

/* Closes it (reporting closed with error, which may be NULL). */
void file_chan_close(LcFileChan *chan, const GError *error);

void file_chan_free(LcFileChan *chan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFileChan, file_chan_free)
