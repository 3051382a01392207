/* linkemu_spec: the impairment of one emulated link, written as "delay=20ms,loss=2%,rate=50mbit".
 *
 * The same impairment applies to both directions of the link. A spec is a
 * plain value: parse it from text, format it back to its canonical text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LINKEMU_SPEC_ERROR (linkemu_spec_error_quark())

/* Why a spec was refused. */
typedef enum {
    LINKEMU_SPEC_ERROR_INVALID, /* the text does not describe a link */
} LcLinkSpecError;

/* Loss is stored in parts per million: 10000 ppm is 1%. */
#define LINKEMU_SPEC_PPM 1000000u
/* Delay and jitter are capped at one minute; a larger value is a typo. */
#define LINKEMU_SPEC_MAX_TIME_US (60 * G_USEC_PER_SEC)
/* Rates are capped at 100 Gbit/s. */
#define LINKEMU_SPEC_MAX_RATE_BPS G_GUINT64_CONSTANT(100000000000)
/* A byte limit must hold at least one full-size packet at the emulator's MTU. */
#define LINKEMU_SPEC_MIN_QUEUE_BYTES 1500u
/* Packet limits are capped at one million packets. */
#define LINKEMU_SPEC_MAX_QUEUE_PACKETS 1000000u
/* Byte limits are capped at 1 GiB. */
#define LINKEMU_SPEC_MAX_QUEUE_BYTES (G_GUINT64_CONSTANT(1) << 30)

/*
 * One direction's impairment, applied to each direction independently.
 *
 * Every packet waits for the bottleneck (rate), then for the propagation
 * delay, which varies uniformly in [delay - jitter, delay + jitter]. The
 * queue limit bounds the packets waiting for the bottleneck (a router's
 * buffer); it only means something with a rate, so the parser refuses a
 * queue without one. At most one of queue_packets and queue_bytes is set.
 */
typedef struct {
    guint64 delay_us;      /* one-way propagation delay */
    guint64 jitter_us;     /* delay varies by up to +/- this; never above delay_us */
    guint32 loss_ppm;      /* random loss per packet, parts per million */
    guint64 rate_bps;      /* bottleneck rate in bits per second; 0: unlimited */
    guint32 queue_packets; /* tail-drop limit in packets; 0: not set */
    guint64 queue_bytes;   /* tail-drop limit in bytes; 0: not set */
} LcLinkSpec;

/* The error domain of linkemu_spec_parse(). */
GQuark linkemu_spec_error_quark(void);

/* Sets spec to a perfect link: no delay, no loss, no rate limit. */
void linkemu_spec_init(LcLinkSpec *spec);

/* Parses text ("none" or comma-separated key=value items) into spec; spec is untouched on error. */
gboolean linkemu_spec_parse(const char *text, LcLinkSpec *spec, GError **error);

/* Returns the canonical text of spec ("none" for a perfect link); parses back to the same spec. */
gchar *linkemu_spec_format(const LcLinkSpec *spec);

/* Whether spec leaves packets untouched. */
gboolean linkemu_spec_is_none(const LcLinkSpec *spec);

G_END_DECLS
