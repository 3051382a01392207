/* bench_files_media.h: `lanconf-bench files --with-camera`: media first,
 * shown. A camera streams from the sender across its rate-limited link to
 * a viewer beyond, alone, then with a file going from the same sender to a
 * receiver beside the viewer: once with files held to a rate while media
 * flows (what lanconf does), once not held. The viewer's frame rate and
 * end-to-end delay say what the file cost the camera. lanconf-cli runs
 * each member, in the namespaces the bench made. */
#pragma once

#include <glib.h>

typedef struct {
    const char *name;  /* "camera alone", "file held", "file not held" */
    double fps;        /* frames decoded per second at the viewer (TCP channel) */
    double e2e_p50_ms; /* capture to viewer */
    double e2e_p99_ms;
    double file_s; /* the file's time to arrive whole; 0: no file */
} LcBenchFilesMedia;

/* Runs the three phases against the relay at ADDR_B:port; file is sent,
 * held to held_rate (a size a second, as "1M") in the second phase. */
gboolean bench_files_media_run(const char *sender_ns, const char *far_ns, guint16 port,
                               const char *file, guint64 file_size, const char *held_rate,
                               const char *dir, LcBenchFilesMedia out[3], GError **error);

/* Prints the three phases as a table. */
void bench_files_media_print(const LcBenchFilesMedia media[3], const char *held_rate);
