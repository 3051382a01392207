#!/usr/bin/env bash
# fuzz/run.sh: builds the libFuzzer harnesses if needed, then runs each one for
# its share of a time budget on a scratch copy of its seed corpus (the corpus
# in the repository is never written to).
#
# Usage: fuzz/run.sh [SECONDS] [HARNESS...]
#   SECONDS  total time budget, split evenly across the harnesses (default 60)
#   HARNESS  wire-decode, relay (default: both)
# Environment:
#   BUILD_DIR  build directory (default: build-fuzz at the top of the repository),
#              configured with clang, LANCONF_FUZZ and LANCONF_SANITIZE if new
#   FUZZ_OUT   directory for logs, grown corpora and reproducers (default: a new
#              temporary directory, removed after a clean run)
#   FUZZ_ARGS  extra libFuzzer flags for every harness (e.g. "-use_value_profile=1")
#
# Exit status: 0 when every harness ran clean; 1 when one found a crash, leak or
# timeout (the reproducer's path and the command to replay it are printed); 2 on
# a usage or build error. It takes SECONDS plus about 6 s: configuring and
# building only the network libraries and the harnesses from scratch takes about 5 s (two
# cores), and each harness starts in well under a second.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
budget=${1:-60}
if ! [[ "$budget" =~ ^[0-9]+$ ]] || [ "$budget" -lt 1 ]; then
    echo "usage: $0 [SECONDS] [HARNESS...]" >&2
    exit 2
fi
shift || true
harnesses=("$@")
if [ "${#harnesses[@]}" -eq 0 ]; then
    harnesses=(wire-decode relay)
fi

# Longest input per harness: a few of the largest frames a client may send.
declare -A max_len=([wire-decode]=16384 [relay]=8192)
for h in "${harnesses[@]}"; do
    if [ -z "${max_len[$h]:-}" ]; then
        echo "run.sh: unknown harness '$h' (known: ${!max_len[*]})" >&2
        exit 2
    fi
done

build=$(realpath -m "${BUILD_DIR:-$root/build-fuzz}")
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$root" -B "$build" -DLANCONF_FUZZ=ON -DLANCONF_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
fi
targets=()
for h in "${harnesses[@]}"; do
    targets+=("fuzz-$h")
done
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)" >/dev/null || exit 2

if [ -n "${FUZZ_OUT:-}" ]; then
    out=$(realpath -m "$FUZZ_OUT")
    mkdir -p "$out"
else
    out=$(mktemp -d "${TMPDIR:-/tmp}/lanconf-fuzz.XXXXXX")
fi
per=$((budget / ${#harnesses[@]}))
[ "$per" -ge 1 ] || per=1

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
for h in "${harnesses[@]}"; do
    dir=$out/$h
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    cp -R "$root/fuzz/corpus/$h/." "$dir/corpus/"
    echo "run.sh: fuzz-$h for ${per}s (log: $dir/log)"
    set +e
    # Run from the scratch directory: anything libFuzzer writes lands there.
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    (cd "$dir" && "$build/bin/fuzz-$h" -max_total_time="$per" -max_len="${max_len[$h]}" \
        -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
        ${FUZZ_ARGS:-} "$dir/corpus" >"$dir/log" 2>&1)
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -n 1 || true)
    echo "run.sh: fuzz-$h: exit $rc, ${execs:-?} runs, ${rate:-?} exec/s, ${cov:-cov: ?}"
    reproducers=$(find "$dir/artifacts" -type f | sort)
    if [ "$rc" -ne 0 ] || [ -n "$reproducers" ]; then
        failed=1
        tail -n 60 "$dir/log" >&2
        for r in $reproducers; do
            echo "run.sh: REPRODUCER $r" >&2
            echo "run.sh:   replay: ASAN_OPTIONS=fast_unwind_on_malloc=0 $build/bin/fuzz-$h $r" >&2
        done
    fi
done

if [ "$failed" -ne 0 ]; then
    echo "run.sh: FAILED; logs, corpora and reproducers kept in $out" >&2
    exit 1
fi
if [ -z "${FUZZ_OUT:-}" ]; then
    rm -rf "$out"
fi
echo "run.sh: all harnesses ran clean"
