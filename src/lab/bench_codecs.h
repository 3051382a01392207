/* bench_codecs.h: `lanconf-bench compare --codec jpeg,h264`: the transport
 * comparison once per codec, printed side by side (four columns). */
#pragma once

#include "src/lab/bench_compare.h"

/* Runs config once per codec in config->camera.codecs, each into
 * OUT/<codec>/; returns the exit status (1 if any run failed). */
int bench_codecs_run(const LcBenchCompareConfig *config);
