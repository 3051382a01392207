/* Interarrival jitter per RFC 3550 section 6.4.1 and appendix A.8. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Estimator state. Send times come from the sender's clock and arrival times
 * from the receiver's; a constant offset between the two clocks cancels out.
 */
typedef struct {
    gboolean has_prev;      /* FALSE until the first packet */
    guint64 samples;        /* packets seen */
    double prev_transit_us; /* transit time of the previous packet, arrival - send */
    double jitter_us;       /* J */
} LcStatsJitter;

void stats_jitter_init(LcStatsJitter *jitter);
void stats_jitter_update(LcStatsJitter *jitter, gint64 send_us, gint64 arrival_us);
guint64 stats_jitter_get_samples(const LcStatsJitter *jitter);
double stats_jitter_get_us(const LcStatsJitter *jitter);
double stats_jitter_get_ms(const LcStatsJitter *jitter);

G_END_DECLS
