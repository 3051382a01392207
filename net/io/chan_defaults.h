/* chan_defaults.h: the defaults both ends of a media channel share, the
 * relay's (net/relay) and the client's (net/client), in one place.
 * configs/lanconf.conf documents the relay's settings built on them. */
#pragma once

/* UDP pacing: a gigabit LAN's line rate after a burst of 64 kB. A frame's
 * datagrams then leave no faster than the link takes them (a 300 kB 1080p
 * frame in 2.4 ms), never in one burst that would overrun a switch port or
 * the receiver's buffer; slower pacing would only add its own delay to every
 * frame. The burst is what TCP sends at once on the same link (a 64 kB TSO
 * segment) and one GSO buffer: a pacing timer that wakes late (a busy core)
 * then catches up in one send instead of losing the time for good, which a
 * burst of a few datagrams did, adding milliseconds to a frame's RTT. */
#define LC_CHAN_DEFAULT_UDP_PACE_MBPS  1000
#define LC_CHAN_DEFAULT_UDP_PACE_BURST 64000
/* SO_SNDBUF / SO_RCVBUF asked for: a frame arrives as a burst of datagrams. */
#define LC_CHAN_DEFAULT_SOCKET_BUFFER (4 * 1024 * 1024)
/* TCP_NOTSENT_LOWAT: keeps the kernel's unsent backlog small, so frames wait
 * where the oldest can be dropped. */
#define LC_CHAN_DEFAULT_TCP_NOTSENT_LOWAT (128 * 1024)
/* UDP reassembly: an incomplete frame is abandoned after this long, and at
 * most this many are held at once. */
#define LC_CHAN_DEFAULT_REASSEMBLY_MS     500
#define LC_CHAN_DEFAULT_REASSEMBLY_FRAMES 64
/* Control frames (ACKs, HELLOs) queued to one peer before it is disconnected. */
#define LC_CHAN_DEFAULT_CONTROL_MAX (1024 * 1024)
