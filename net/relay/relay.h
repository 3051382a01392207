/* relay.h: lanconf-relay's engine: the chat room on one GMainLoop.
 *
 * A single-threaded fan-out engine in the style of Redis pub/sub: a chat
 * message is encoded once into a refcounted frame (GBytes) that every
 * recipient's queue shares; enqueueing never writes; each connection writes
 * when its socket is writable; every queue is bounded.
 */
#pragma once

#include <gio/gio.h>

typedef struct _LcRelay LcRelay;

typedef struct {
    char *listen;               /* address to bind; NULL or "" = all interfaces */
    guint16 port;               /* TCP port; 0 picks a free one (tests) */
    char *data_dir;             /* history directory; NULL keeps history in memory */
    char *synchronous;          /* SQLite synchronous: "full", "normal", "off" */
    gboolean recover_history;   /* a damaged history store is moved aside and salvaged */
    guint history_on_join;      /* messages replayed to a newly joined client */
    guint history_retain;       /* messages kept in history (0 = all) */
    guint rate_limit;           /* sustained chat messages per second per client; 0 = off */
    guint rate_burst;           /* messages allowed at once before the rate applies */
    guint keepalive_interval_s; /* PING a connection idle this long */
    guint keepalive_timeout_s;  /* drop a connection silent this long */
    guint hello_timeout_s;      /* drop a connection with no HELLO after this */
    guint max_clients;          /* connections in total */
    guint max_clients_per_ip;   /* connections from one IP address */
    gsize chat_queue_hard;      /* bytes queued to one client: over this, disconnect */
    gsize chat_queue_soft;      /* bytes queued to one client for too long: disconnect */
    guint chat_queue_soft_s;    /* how long the soft limit may be exceeded */
    guint nick_hold_s;          /* a member gone without QUIT keeps its nick this long (0 = off) */
    /* TLS (net/relay/relay_tls.h): every connection speaks it; insecure
     * serves plaintext connections too, beside TLS ones. */
    gboolean insecure;
    char *tls_cert; /* a certificate and its key; NULL: the pair in data_dir, */
    char *tls_key;  /* made there on first start (no data_dir: one for this run) */
    /* The room password (net/relay/relay_auth.h): NULL or empty, none;
     * password_file is where lanconf-relay read it. */
    char *password;
    char *password_file;

    /* Camera channels (net/relay/relay_video.h; [relay] video_* in configs/lanconf.conf). */
    guint video_frame_max;    /* largest video frame accepted, bytes */
    guint video_queue_frames; /* frames waiting per viewer and channel; oldest dropped beyond */
    gsize video_queue_bytes;  /* bytes waiting per viewer and channel; oldest dropped beyond */
    gsize video_control_max;  /* ACK/control bytes queued to a video TCP channel: over, drop it */
    guint video_tcp_notsent_lowat; /* TCP_NOTSENT_LOWAT of video TCP channels (0 = kernel's) */
    guint video_reassembly_ms;     /* UDP: an incomplete frame is abandoned (lost) after this */
    guint video_reassembly_frames; /* UDP: incomplete frames held at once per stream */
    guint video_udp_pace_mbps;     /* UDP to each viewer: pacing rate in Mbit/s (0 = unpaced) */
    gsize video_udp_pace_burst;    /* UDP to each viewer: bytes sent at once before pacing */
    gsize video_socket_buffer;     /* SO_RCVBUF/SO_SNDBUF asked for the UDP socket, bytes */
    guint video_max_views;         /* video VIEW requests one client may hold at once */
    guint audio_max_views;         /* audio VIEW requests one client may hold at once */
} LcRelayConfig;

/* Counters the relay keeps for logs and statistics. */
typedef struct {
    guint clients;
    guint64 connections;
    guint64 messages_stored;
    guint64 messages_duplicate;
    guint64 frames_delivered;
    guint64 rate_limited;
    guint64 slow_consumer_drops;
    guint64 protocol_errors;
    guint64 timeouts;
    guint64 refused_no_fd; /* connections refused (SERVER_FULL) for want of descriptors */
    guint64 tls_refused;   /* closed before being served: failed or late TLS handshakes,
                              plaintext to a TLS-only relay, too many handshakes at once */
    guint64 auth_failures; /* wrong room passwords */
} LcRelayCounters;

/* Fills a config with the documented defaults (configs/lanconf.conf). */
void relay_config_init(LcRelayConfig *config);

/* Frees the strings a config owns. */
void relay_config_clear(LcRelayConfig *config);

/* Opens the history and starts listening on the thread-default main context. */
LcRelay *relay_new(const LcRelayConfig *config, GError **error);

/* The SHA-256 fingerprint of the relay's TLS certificate, "SHA256:AB:...". */
const char *relay_get_fingerprint(LcRelay *relay);
/* Where the certificate is (NULL: made for this run only); *created: made
 * just now, on first start. */
const char *relay_get_cert_path(LcRelay *relay, gboolean *created);

/* The TCP port the relay listens on (useful with port 0). */
guint16 relay_get_port(LcRelay *relay);

/* The relay's counters now. */
void relay_get_counters(LcRelay *relay, LcRelayCounters *counters);

/* Stops accepting, tells every client the relay is stopping and closes them
 * after their queues are flushed (at most timeout_ms). */
void relay_shutdown(LcRelay *relay, guint timeout_ms);

/* Number of connections still open (joined or not). */
guint relay_get_n_connections(LcRelay *relay);

/* Frees the relay; history is committed and closed. */
void relay_free(LcRelay *relay);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcRelay, relay_free)
