/* bench_codecs.h: `lanconf-bench compare --codec jpeg,h264` and
 * `--security both`: the transport comparison once per codec, or with TLS
 * and in plaintext, printed side by side (four columns). */
#pragma once

#include "src/lab/bench_compare.h"

/* Runs config once per codec in config->camera.codecs, each into
 * OUT/<codec>/, or (security_both) with TLS and in plaintext, into
 * OUT/tls/ and OUT/plain/; returns the exit status (1 if any run failed). */
int bench_codecs_run(const LcBenchCompareConfig *config);
