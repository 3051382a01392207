#!/usr/bin/env bash
# Fails when a C source file of the project grows past 800 lines: a file that
# long holds more than one concern and should be split.
#
# Usage: check-file-size.sh [REPO_ROOT] [MAX_LINES]
set -euo pipefail
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
max=${2:-800}
cd "$root"
failures=0
while IFS= read -r file; do
    lines=$(wc -l <"$file")
    if [ "$lines" -gt "$max" ]; then
        echo "$file has $lines lines (at most $max)"
        failures=$((failures + 1))
    fi
done < <(find core net media src ui-tui tests fuzz -name '*.c' | sort)
echo "file size: $failures files over $max lines"
[ $failures -eq 0 ]
