/* alloc_tune.h: the C library's allocator set for a program that moves
 * frames of hundreds of kilobytes. */
#pragma once

/* Serves allocations up to ALLOC_TUNE_MMAP_MAX from the heap and keeps up
 * to ALLOC_TUNE_TRIM of freed memory there, instead of mapping and unmapping
 * a frame's buffer each time (see alloc_tune.c). Call first in main(). */
void alloc_tune_for_frames(void);

#define ALLOC_TUNE_MMAP_MAX (4 * 1024 * 1024 + 65536) /* the largest frame, with its head */
#define ALLOC_TUNE_TRIM     (32 * 1024 * 1024)
