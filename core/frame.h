/* core/frame.h: the one frame every layer hands on. An encoder makes an
 * LcFrame (bytes plus the description every hop carries, LcFrameMeta); the
 * stream sender, the channels and the relay pass references to it on, and a
 * viewer's decoder gets one back. Refcounted and read-only once made, so a
 * frame fanned out to many channels or viewers is never copied. GLib only:
 * media/ and net/ both build on it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The codec of an encoded frame. Values are stable: they go on the wire. */
typedef enum {
    LC_CODEC_JPEG = 1,
    LC_CODEC_H264 = 2, /* one access unit, Annex B byte stream */
    LC_CODEC_OPUS = 3, /* one Opus packet (RFC 6716), 48 kHz */
} LcCodec;

/*
 * What every hop knows of a frame besides its bytes: the one description a
 * frame, a fragment, a reassembled frame and the relay's queue entry carry,
 * copied whole from one to the next.
 */
typedef struct {
    guint32 stream_id;
    guint64 seq;       /* 1 for the first frame of a stream */
    gint64 capture_us; /* sender's wall clock at capture */
    gint64 send_us;    /* sender's clock: its first byte or datagram went out */
    guint8 codec;      /* LcCodec */
    guint16 flags;     /* per codec, opaque to the network */
} LcFrameMeta;

/* LcFrameMeta.flags of a video frame: a picture that decodes on its own
 * (a JPEG always; an H.264 IDR, with SPS and PPS before it). */
#define LC_FRAME_FLAG_KEY 0x0001

/* One encoded frame (g_atomic_rc_box: frame_ref / frame_unref). */
typedef struct {
    LcFrameMeta meta;
    GBytes *data;
    gint width; /* a picture's size; 0 where it is not a picture */
    gint height;
    gint64 encode_time_us; /* how long encoding took (a duration); 0 if unknown */
} LcFrame;

/* A new frame of data (a new reference is taken) in codec; the rest of its
 * description is zero until the caller fills it in, before handing it on. */
LcFrame *frame_new(GBytes *data, LcCodec codec);
/* A new reference. */
LcFrame *frame_ref(LcFrame *frame);
/* Drops a reference; the last one frees the frame and its bytes. NULL is ignored. */
void frame_unref(LcFrame *frame);
/* Short lower-case name of a codec ("jpeg", "h264"), or "unknown". */
const char *frame_codec_to_string(LcCodec codec);
/* Bytes of the frame's data. */
gsize frame_get_size(const LcFrame *frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcFrame, frame_unref)

G_END_DECLS
