/* files.h: files in the room, a client's side: sending and receiving
 * (docs/PROTOCOL.md, "Files"), for every front end.
 *
 * Sending: files_send() hashes the file (SHA-256, on a worker thread),
 * offers it to one member or the room, and serves each receiver that
 * accepts: through the relay, or directly from a port of this client's
 * own, the relay brokering the address and a one-time token. Receiving:
 * an offer is shown (offered) and taken with files_accept() or turned down
 * with files_reject(), or taken at once into a folder (auto_accept). The
 * receiver asks for the direct way first when offered and falls back to
 * the relay if the sender cannot be reached. Bytes go to a part file
 * (net/files/file_sink.h) that is checked whole before it takes its name;
 * a transfer cut short (a channel lost, the relay restarted, either side
 * reconnecting) goes on from the part file's end when the offer comes
 * again, which the sender's session makes it do after every rejoin. The
 * session must be created with LcSessionConfig.files.
 */
#pragma once

#include "net/client/session.h"

typedef struct _LcFiles LcFiles;

typedef struct {
    const char *dir;      /* where received files go; NULL: receiving is refused */
    gboolean auto_accept; /* take every offer into dir without asking */
    guint64 max_size;     /* the largest file taken, bytes; 0: no limit */
    gboolean overwrite;   /* a file of the same name is replaced (else refused) */
    guint8 ways;          /* WIRE_FILE_WAY_* this client sends and takes; 0: all */
    double rate;          /* bytes per second each transfer this client sends; 0: no limit */
    /* Bytes per second each transfer this client sends while the room has
     * a camera or a voice on (media first); 0: FILES_MEDIA_RATE_DEFAULT,
     * negative: no such limit. */
    double media_rate;
} LcFilesConfig;

/* While media flows: 4 MiB/s (32 Mbit/s) a transfer, room for several
 * cameras and voices on a 100 Mbit/s LAN. */
#define FILES_MEDIA_RATE_DEFAULT (4.0 * 1024 * 1024)

/* One transfer as the front end shows it. */
typedef struct {
    guint id;         /* files_accept()'s and files_reject()'s number (receiving), or the offer's */
    gboolean sending; /* this client sends it */
    const char *name;
    const char *nick; /* the other side */
    guint64 size;
    guint64 done;     /* bytes sent or received */
    double rate;      /* bytes per second lately */
    double eta_s;     /* seconds left at that rate; negative: unknown */
    guint8 way;       /* WIRE_FILE_WAY_* in use, or 0 */
    const char *path; /* receiving: where it is written */
} LcFilesProgress;

typedef struct {
    /* An offer to this client, waiting for files_accept() or files_reject(). */
    void (*offered)(LcFiles *files, const LcFilesProgress *offer, gpointer user_data);
    /* Bytes moved (a few times a second at most). */
    void (*progress)(LcFiles *files, const LcFilesProgress *progress, gpointer user_data);
    /* One transfer ended: whole and checked (error NULL), refused, or
     * failed. A sender hears this once per receiver. */
    void (*finished)(LcFiles *files, const LcFilesProgress *progress, const GError *error,
                     gpointer user_data);
    /* Sending: an offer has nobody left to serve: every receiver it was
     * for has it, said no, or failed (or none could be reached). */
    void (*offer_done)(LcFiles *files, guint offer, guint n_ok, guint n_failed, gpointer user_data);
    /* Sending: an offer went out to the relay for the first time (its
     * file hashed). */
    void (*announced)(LcFiles *files, guint offer, gpointer user_data);
    /* Something worth a line to the user that is not an end (a sender
     * gone with the part kept, a peer that cannot be reached); without
     * this event it goes to the log. */
    void (*notice)(LcFiles *files, const char *text, gpointer user_data);
} LcFilesEvents;

LcFiles *files_new(LcSession *session, const LcFilesConfig *config, const LcFilesEvents *events,
                   gpointer user_data);

/* Offers a file to one member (to) or to every member (to NULL), by the
 * ways given (0: the config's); returns the offer's number (> 0), or 0
 * with an error for a file that cannot be read or a name not allowed. */
guint files_send(LcFiles *files, const char *path, const char *to, guint8 ways, GError **error);

/* Takes an offer into the config's folder; FALSE with an error (the offer
 * is then turned down) for a name taken, a size over the limit, a folder
 * that cannot be written. */
gboolean files_accept(LcFiles *files, guint id, GError **error);
/* Turns an offer down. */
gboolean files_reject(LcFiles *files, guint id);

/* The rate a transfer this client sends is held to now (bytes per
 * second; 0: none): the config's, or lower while the room has media. */
double files_get_rate(LcFiles *files);

/* File bytes this client has sent so far, every way (a swarm's chunks
 * served to peers included). */
guint64 files_get_uploaded(LcFiles *files);

/* The port this client serves direct transfers on, or 0. */
guint16 files_get_direct_port(LcFiles *files);

void files_free(LcFiles *files);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFiles, files_free)

/* One line for people: "report.pdf to bob [#####-----] 45% 12.3 MiB of
 * 27.4 MiB, 5.1 MiB/s, 3 s left (direct)"; bar characters wide (0: no
 * bar). Newly allocated. */
char *files_format_progress(const LcFilesProgress *progress, guint bar);
/* The way's name: "relay", "direct", "swarm", or "". */
const char *files_way_name(guint8 way);
