#!/usr/bin/env bash
# Fails when docs/ARCHITECTURE.md no longer matches the tree: a file it names
# is gone, or a folder that holds C sources has no row in its table.
#
# Usage: check-architecture-doc.sh [REPO_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"
doc=docs/ARCHITECTURE.md
failures=0

# Every path with a folder in it (`net/io/chan_stream.c`) must exist.
while IFS= read -r path; do
    if [ ! -e "$path" ]; then
        echo "$doc names $path, which does not exist"
        failures=$((failures + 1))
    fi
done < <(grep -oE '`(net|media|src|ui-tui|tests|docs|fuzz|scripts|configs)/[A-Za-z0-9_./-]+\.(c|h|sh|md)`' "$doc" |
             tr -d '`' | sort -u)

# In the table, a row `| \`FOLDER\` | ...` may name bare files (`ring.c`): each
# must be in FOLDER.
while IFS= read -r row; do
    folder=$(sed -E 's/^\| `([^`]+)`.*/\1/' <<<"$row")
    [ -d "$folder" ] || continue
    while IFS= read -r name; do
        if [ ! -e "$folder/$name" ]; then
            echo "$doc: the $folder row names $name, which is not in $folder"
            failures=$((failures + 1))
        fi
    done < <(grep -oE '`[A-Za-z0-9_-]+\.[ch]`' <<<"$row" | tr -d '`' | sort -u)
done < <(grep -E '^\| `[a-z/-]+` \|' "$doc")

# Every folder with C sources (the programs' src/ aside) has a row.
while IFS= read -r dir; do
    if ! grep -qE "^\| \`$dir\` \|" "$doc"; then
        echo "$doc has no row for $dir"
        failures=$((failures + 1))
    fi
done < <(find core net media src ui-tui -name '*.c' -printf '%h\n' | sort -u)

echo "architecture doc: $failures mismatches"
[ $failures -eq 0 ]
