/* bench_transport.h: `lanconf-bench transport`: how close lanconf's camera
 * channels come to what the loopback link carries. Frames of one size, made
 * once, go through the real channels and an in-process relay to a viewer as
 * fast as pacing and acknowledgements allow, one channel at a time; then
 * iperf3 moves bytes over TCP, and UDP datagrams of the channel's datagram
 * size, in the same run. It prints goodput, frame RTT and loss for each and
 * lanconf's ratio to iperf3, in the manner of `lanconf-bench chat` against
 * mosquitto. */
#pragma once

#include <glib.h>

typedef struct {
    double duration_s; /* per run */
    guint size;        /* bytes per frame */
    guint window;      /* frames in flight per channel (sent, not yet acknowledged) */
    guint pace_mbps;   /* UDP pacing, sender and relay (0 = unpaced) */
    guint repeat;      /* rounds; each figure is the median round's */
    gboolean no_anchor;
    gboolean json;
    gboolean insecure; /* --insecure: plaintext TCP, unsealed UDP (the baseline) */
} LcBenchTransportConfig;

/* `lanconf-bench transport` with its options; the exit status. */
int bench_transport_main(int argc, char **argv);
