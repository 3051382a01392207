/* Which encoder back-ends this machine can run, and why not the others; the
 * choice of one for a codec ("auto": a GPU back-end when it works, else the
 * CPU one), explained in one line. No sockets here. */
#pragma once

#include <glib.h>

#include "media/encoder.h"

G_BEGIN_DECLS

/* One back-end as probed here. */
typedef struct {
    const char *name;    /* "x264" */
    LcCodec codec;       /* what it makes */
    gboolean gpu;        /* runs on a GPU */
    const char *library; /* what does the work, e.g. "GStreamer x264enc" */
    gboolean available;
    char *reason; /* why it cannot run here; NULL when available */
} LcEncoderStatus;

/* Every back-end, in the order "auto" prefers them within a codec (GPU
 * first), each probed now. Free with g_ptr_array_unref(). */
GPtrArray *encoder_list_probe(void);

/* Parses --codec: "jpeg" or "h264". */
gboolean encoder_list_parse_codec(const char *text, LcCodec *codec, GError **error);

/*
 * Checks a --codec/--encoder pair without probing: codec 0 means "the
 * encoder's own, or jpeg for auto". Sets *resolved to the codec that will
 * run. An encoder that makes another codec than the one asked for is an
 * error that says so.
 */
gboolean encoder_list_check(LcCodec codec, const char *name, LcCodec *resolved, GError **error);

/*
 * Creates the encoder for codec (0: as encoder_list_check() resolves it)
 * and name (NULL or "auto": the first available back-end of the codec).
 * *note (may be NULL) gets one line that says which runs and why the
 * others of the codec do not, e.g. "encoder x264 (h264 on the CPU); not
 * used: nvenc: no NVIDIA GPU (/dev/nvidia0 is missing)". A named back-end
 * that cannot run here fails with the reason.
 */
LcEncoder *encoder_list_select(LcCodec codec, const char *name, const LcEncoderSettings *settings,
                               char **note, GError **error);

/* Whether an H.264 decoder element viewers use is installed (avdec_h264 or
 * openh264dec); if not, appends the reason to why (may be NULL). */
gboolean encoder_list_have_h264_decoder(GString *why);

G_END_DECLS
