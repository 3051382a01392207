/* bench_compare.h: `lanconf-bench compare`: the same camera frames over TCP
 * and UDP at once, through a relay, to a viewer; measured side by side. */
#pragma once

#include "media/audio_capture.h"
#include "media/camera.h"
#include "net/client/stream_sender.h"

#include <glib.h>

#define LC_COMPARE_VIDEO 1u
#define LC_COMPARE_AUDIO 2u

typedef struct {
    LcCameraOptions camera; /* --source, --size, --fps, --quality */
    double duration_s;      /* --duration (default 10) */
    const char *impair;     /* --impair SPEC, or NULL for loopback */
    const char *relay;      /* --relay HOST:PORT, or NULL for an in-process relay */
    const char *out;        /* --out DIR, or NULL for runs/compare-TIMESTAMP */
    LcStreamAckMode ack_mode;
    guint media;                /* --media: LC_COMPARE_VIDEO, LC_COMPARE_AUDIO or both */
    LcAudioCaptureConfig audio; /* --audio-source, --audio-frame-ms, --audio-mode */
    gboolean json;              /* print summary.json instead of the table */
    gboolean quiet;             /* no live progress line */
    gboolean no_report;         /* print nothing at the end (bench_codecs.c prints) */
    gboolean insecure;          /* --security plain: no TLS, datagrams unsealed */
    gboolean security_both;     /* --security both: a run with TLS, then one without */
} LcBenchCompareConfig;

/* The output folder: out, or runs/KIND-TIMESTAMP (KIND: "compare",
 * "files"); made if missing. */
char *bench_compare_make_out_dir(const char *out, const char *kind, GError **error);

/* Runs the comparison; returns the exit status (0 ok, 1 failed). */
int bench_compare_run(const LcBenchCompareConfig *config);

/* `lanconf-bench compare` with its options; returns the exit status. */
int bench_compare_main(int argc, char **argv);
