/* audio_packet.c: an Opus packet's TOC byte read (RFC 6716, 3.1). */
#include "media/audio_packet.h"

/* The length of one frame of a TOC configuration, us. */
static gint64 audio_packet_frame_us(guint config)
{
    static const gint64 silk[] = {10000, 20000, 40000, 60000};
    static const gint64 hybrid[] = {10000, 20000};
    static const gint64 celt[] = {2500, 5000, 10000, 20000};
    if (config < 12)
        return silk[config % 4];
    if (config < 16)
        return hybrid[config % 2];
    return celt[config % 4];
}

/* How long the packet plays. */
gint64 audio_packet_duration_us(const LcFrame *packet)
{
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(packet->data, &size);
    if (size < 1)
        return 0;
    guint frames = 1;
    switch (data[0] & 3) {
    case 1:
    case 2:
        frames = 2;
        break;
    case 3:
        if (size < 2)
            return 0;
        frames = data[1] & 0x3F;
        break;
    default:
        break;
    }
    return frames * audio_packet_frame_us(data[0] >> 3);
}

/* Whether the packet can carry in-band FEC. */
gboolean audio_packet_has_fec(const LcFrame *packet)
{
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(packet->data, &size);
    return size > 1 && (data[0] >> 3) < 16;
}
