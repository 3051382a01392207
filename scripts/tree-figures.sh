#!/usr/bin/env bash
# Prints the shape of the source tree: C files per folder and the longest .c
# files (the layer rules and the 800-line limit are checked by ctest), plus
# duplicate-code pairs when a `duplicates` command is installed.
#
# Usage: scripts/tree-figures.sh [REPO_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$root"
echo "== .c/.h files per folder"
git ls-files '*.c' '*.h' | xargs -n1 dirname | sort | uniq -c | sort -k2
echo "== longest .c files"
git ls-files '*.c' | xargs wc -l | sort -n | tail -4 | head -3
if command -v duplicates >/dev/null 2>&1; then
    echo "== duplicate pairs"
    out=$(duplicates --most 200 --seconds 120)
    head -1 <<<"$out"
    echo "not marked boilerplate: $(grep '^D' <<<"$out" | grep -vc boilerplate || true)"
fi
