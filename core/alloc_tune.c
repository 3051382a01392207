/* alloc_tune.c: glibc's mmap and trim thresholds for frame-sized buffers. */
#include "core/alloc_tune.h"

#include <glib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/*
 * glibc maps every allocation over its mmap threshold (128 kB at start) on
 * its own and unmaps it when freed, and gives the top of a heap back to the
 * kernel past its trim threshold. A 1080p frame is about 300 kB, and every
 * frame read, forwarded and decoded is such a buffer: each one then costs an
 * mmap, a page fault per 4 kB page (the kernel zeroes them), and a munmap.
 * glibc raises its thresholds by itself after a while, on each thread's
 * arena separately, so a run began at half the speed it later reached (TCP
 * through the relay 6-8 instead of 14-17 Gbit/s in lanconf-bench
 * transport). Fixed thresholds above the largest frame make every frame
 * buffer come from memory freed by an earlier one. At most ALLOC_TUNE_TRIM
 * of free memory stays with the process per arena.
 */
void alloc_tune_for_frames(void)
{
#ifdef __GLIBC__
    if (mallopt(M_MMAP_THRESHOLD, ALLOC_TUNE_MMAP_MAX) != 1 ||
        mallopt(M_TRIM_THRESHOLD, ALLOC_TUNE_TRIM) != 1)
        g_debug("mallopt refused the frame thresholds; the allocator's defaults stay");
#endif
}
