/*
 * TCP_INFO reader. The kernel's RTT and retransmission counters let the
 * comparison show what TCP did underneath a channel's frame-level numbers.
 * Uses the kernel's struct tcp_info (linux/tcp.h), which has fields that
 * glibc's copy lacks; the length the kernel returns says which are filled.
 */
#include "net/stats/stats_tcpinfo.h"

#include <gio/gio.h>

#ifdef __linux__
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/tcp.h>

/* TRUE when a reply of optlen bytes covers the whole of the struct tcp_info member. */
#define TCPINFO_HAS(optlen, member)                                                                \
    ((gsize)(optlen) >= offsetof(struct tcp_info, member) + sizeof(((struct tcp_info *)0)->member))
#endif

/* Reads TCP_INFO from the connected TCP socket fd into out; out is untouched on failure. */
gboolean stats_tcpinfo_read(int fd, LcStatsTcpInfo *out, GError **error)
{
    g_return_val_if_fail(out != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

#ifdef __linux__
    struct tcp_info info = {0};
    socklen_t optlen = sizeof(info);
    int saved_errno;

    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &optlen) != 0)
        goto getsockopt_failed;
    if (!TCPINFO_HAS(optlen, tcpi_total_retrans))
        goto short_reply;

    *out = (LcStatsTcpInfo){
        .state = info.tcpi_state,
        .retransmits_total = info.tcpi_total_retrans,
        .rtt_us = info.tcpi_rtt,
        .rttvar_us = info.tcpi_rttvar,
        .snd_cwnd = info.tcpi_snd_cwnd,
        .snd_mss = info.tcpi_snd_mss,
        .unacked = info.tcpi_unacked,
        .lost = info.tcpi_lost,
        .has_bytes_retrans = TCPINFO_HAS(optlen, tcpi_bytes_retrans),
    };
    if (out->has_bytes_retrans)
        out->bytes_retrans = info.tcpi_bytes_retrans;
    return TRUE;

    /* ERRORS */
getsockopt_failed:
    saved_errno = errno;
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                "Could not read TCP_INFO from socket %d: %s", fd, g_strerror(saved_errno));
    return FALSE;
short_reply:
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "Could not read TCP_INFO from socket %d: the kernel returned only %u bytes", fd,
                (guint)optlen);
    return FALSE;
#else
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "Could not read TCP_INFO from socket %d: only supported on Linux", fd);
    return FALSE;
#endif
}
