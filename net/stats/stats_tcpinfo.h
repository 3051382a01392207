/* The kernel's own view of a TCP connection (Linux TCP_INFO). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A few fields of Linux struct tcp_info, in their kernel units. */
typedef struct {
    guint8 state;               /* kernel TCP state; 1 (TCP_ESTABLISHED) while connected */
    guint32 retransmits_total;  /* segments retransmitted over the connection's life */
    guint32 rtt_us;             /* kernel smoothed RTT, us */
    guint32 rttvar_us;          /* kernel RTT variation, us */
    guint32 snd_cwnd;           /* congestion window, segments */
    guint32 snd_mss;            /* sender maximum segment size, bytes */
    guint32 unacked;            /* segments in flight */
    guint32 lost;               /* segments currently presumed lost */
    gboolean has_bytes_retrans; /* FALSE when the kernel is older than Linux 4.19 */
    guint64 bytes_retrans;      /* bytes retransmitted over the connection's life */
} LcStatsTcpInfo;

gboolean stats_tcpinfo_read(int fd, LcStatsTcpInfo *out, GError **error);

G_END_DECLS
