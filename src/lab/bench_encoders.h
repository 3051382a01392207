/* bench_encoders.h: `lanconf-bench encoders`: the encoder back-ends, which
 * run here and why the others do not, and (--speed) how fast each is. */
#pragma once

/* Runs the command; returns the exit status (2 for bad flags). */
int bench_encoders_main(int argc, char **argv);
