#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs packages, builds lanconf twice
# (plain, and with AddressSanitizer + UndefinedBehaviorSanitizer), runs every
# ctest test in both builds, then fuzzes the wire decoder and the relay for a
# bounded time (FUZZ_SECONDS, default 60; 0 skips fuzzing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc)

echo "== build (plain)"
bash scripts/build.sh build >/dev/null
echo "== test (plain)"
ctest --test-dir build -j"$jobs" --output-on-failure

echo "== build (ASan + UBSan)"
bash scripts/build.sh build-asan -DLANCONF_SANITIZE=ON >/dev/null
echo "== test (ASan + UBSan)"
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir build-asan -j"$jobs" --output-on-failure

fuzz_seconds=${FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" -gt 0 ]; then
    echo "== fuzz (${fuzz_seconds} s)"
    bash fuzz/run.sh "$fuzz_seconds"
fi
echo "== all tests passed"
