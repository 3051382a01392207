/*
 * Shortfalls: why a run fell short of what was asked, in words. A
 * table of figures shows *that* a run delivered 4.5 fps of 30, or dropped
 * its first frame; these lines say *why*: the encoder takes longer than a
 * frame's share of a second, the source itself is slower, a channel was
 * not open yet or could not keep up, or H.264 frames lost their reference.
 */
#include <math.h>

#include "src/report/framelog_report.h"
#include "src/report/report_private.h"

/* A run that keeps at least this share of the asked rate is not short. */
#define SHORTFALL_FPS_SHARE 0.9
/* An encoder busy for more than this share of a frame's time is the cause. */
#define SHORTFALL_ENCODE_SHARE 0.8

/* The rate the source delivered, frames/s; NAN with fewer than two frames. */
double framelog_get_captured_fps(const LcFramelog *log)
{
    if (log->captured < 2 || log->last_capture_us <= log->first_capture_us)
        return NAN;
    return (double)(log->captured - 1) * 1e6 /
           (double)(log->last_capture_us - log->first_capture_us);
}

/* Says why the source delivered fewer frames than asked, if it did. */
static void framelog_add_rate_shortfall(const LcFramelog *log, GPtrArray *lines)
{
    double fps = framelog_get_captured_fps(log);
    gint asked = log->run.fps;
    if (asked <= 0 || !isfinite(fps) || fps >= SHORTFALL_FPS_SHARE * asked)
        return;
    double budget_ms = 1000.0 / asked;
    double encode_ms = stats_dist_percentile(log->encode_ms, 50.0);
    if (isfinite(encode_ms) && encode_ms > SHORTFALL_ENCODE_SHARE * budget_ms)
        g_ptr_array_add(lines,
                        g_strdup_printf("the encoder kept up with %.1f of the %d fps asked: "
                                        "encoding a %dx%d frame takes %.1f ms (p50), more than "
                                        "the %.1f ms a frame may take at %d fps",
                                        fps, asked, log->run.width, log->run.height, encode_ms,
                                        budget_ms, asked));
    else if (isfinite(encode_ms))
        g_ptr_array_add(lines, g_strdup_printf("the source delivered %.1f of the %d fps asked; "
                                               "encoding takes %.1f ms a frame (p50), within "
                                               "the %.1f ms a frame may take, so the source "
                                               "or a CPU shared with the rest of the run is "
                                               "the limit",
                                               fps, asked, encode_ms, budget_ms));
    else
        g_ptr_array_add(
            lines, g_strdup_printf("the source delivered %.1f of the %d fps asked", fps, asked));
}

/* Says why each channel dropped frames before sending, if it did. */
static void framelog_add_drop_shortfalls(const LcFramelog *log, GPtrArray *lines)
{
    static const char *const why[FRAMELOG_N_DROPS] = {
        [FRAMELOG_DROP_NOT_READY] = "the channel was not open yet (a camera's first frames can "
                                    "come before its channels are)",
        [FRAMELOG_DROP_CLOSED] = "the channel had been open and was closed (the relay away, or "
                                 "the client reconnecting)",
        [FRAMELOG_DROP_QUEUE] = "its send queue was full: the channel could not keep up with "
                                "the source",
        [FRAMELOG_DROP_WAIT_ACK] = "stop-and-wait: a newer frame replaced each while an ACK was "
                                   "due",
    };
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        for (guint d = 0; d < FRAMELOG_N_DROPS; d++)
            if (log->drops[c][d] > 0)
                g_ptr_array_add(lines, g_strdup_printf("%s: %" G_GUINT64_FORMAT " frame%s dropped "
                                                       "before sending: %s",
                                                       chan_kind_name(c), log->drops[c][d],
                                                       log->drops[c][d] == 1 ? "" : "s", why[d]));
}

/* Says, per channel, why a viewer decoded fewer frames than it received. */
static void framelog_add_decode_shortfalls(const LcFramelog *log, GPtrArray *lines)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (log->channels[c] == NULL)
            continue;
        LcChannelSummary s;
        chanstats_get_summary(log->channels[c], log->start_us, &s);
        guint64 received = s.received.counts.frames_acked;
        guint64 used = s.frames_decoded + s.frames_corrupt;
        if (s.frames_unreferenced > 0)
            g_ptr_array_add(
                lines, g_strdup_printf(
                           "%s: %" G_GUINT64_FORMAT " H.264 frame%s could not be decoded: a frame "
                           "before them was lost, and the channel waited for a keyframe (asked "
                           "for %" G_GUINT64_FORMAT " time%s; no new picture for %.1f s in all)",
                           chan_kind_name(c), s.frames_unreferenced,
                           s.frames_unreferenced == 1 ? "" : "s", s.keyframe_requests,
                           s.keyframe_requests == 1 ? "" : "s", s.frozen_ms / 1000.0));
        if (received <= used)
            continue;
        if (log->run.audio) {
            /* A listener plays on a schedule: what it did not play came
             * after its time, or was left out as the jitter buffer shrank. */
            g_ptr_array_add(lines, g_strdup_printf("%s: the listener played %" G_GUINT64_FORMAT
                                                   " of the %" G_GUINT64_FORMAT
                                                   " packets it received: %" G_GUINT64_FORMAT
                                                   " came after their time or were left out as its "
                                                   "jitter buffer shrank",
                                                   chan_kind_name(c), s.frames_decoded, received,
                                                   received - used));
            continue;
        }
        g_autofree char *took =
            isfinite(s.decode.p50)
                ? g_strdup_printf(" (decoding takes %.1f ms a frame, p50)", s.decode.p50)
                : g_strdup("");
        g_ptr_array_add(
            lines,
            g_strdup_printf("%s: the viewer decoded %" G_GUINT64_FORMAT " of the %" G_GUINT64_FORMAT
                            " frames it received: its decoder fell behind%s "
                            "and skipped %" G_GUINT64_FORMAT " to show the newest",
                            chan_kind_name(c), s.frames_decoded, received, took, received - used));
    }
}

/* Every shortfall of a run, one sentence each; empty when none. */
GPtrArray *framelog_get_shortfalls(const LcFramelog *log)
{
    g_return_val_if_fail(log != NULL, NULL);

    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    if (log->role == FRAMELOG_ROLE_VIEWER) {
        framelog_add_decode_shortfalls(log, lines);
        return lines;
    }
    framelog_add_rate_shortfall(log, lines);
    framelog_add_drop_shortfalls(log, lines);
    return lines;
}
