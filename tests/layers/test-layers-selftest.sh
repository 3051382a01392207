#!/usr/bin/env bash
# Shows that the layer and architecture-doc checks fail when they should: a
# copy of the tree where the relay includes client code, media includes a
# socket header and a new folder has no rule must be refused, each with its
# own line; so must a doc that names a removed file or misses a folder.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r "$root/core" "$root/net" "$root/media" "$root/src" "$root/ui-tui" "$root/docs" "$copy/"
cp -r "$root/tests" "$copy/"

bash "$root/tests/layers/check-layers.sh" "$copy" >/dev/null || {
    echo "the unmodified tree should pass"
    exit 1
}

printf '#include "net/client/session.h"\n' >>"$copy/net/relay/relay.c"
printf '#include <sys/socket.h>\n' >>"$copy/media/frame.c"
mkdir "$copy/net/extra" && printf 'int x;\n' >"$copy/net/extra/x.c"

if out=$(bash "$root/tests/layers/check-layers.sh" "$copy"); then
    echo "check-layers.sh accepted a relay that includes client code"
    exit 1
fi
for expected in 'net/relay/relay.c: includes "net/client/session.h"' \
                'media/frame.c: includes <sys/socket.h>' \
                'net/extra holds C sources but has no layer rule'; do
    grep -qF "$expected" <<<"$out" || {
        echo "missing complaint: $expected"
        echo "$out"
        exit 1
    }
done
echo "check-layers.sh refuses all three violations"

# The architecture check: a file the doc names that is gone, and a folder
# without a row.
bash "$root/tests/layers/check-architecture-doc.sh" "$copy" >/dev/null && {
    echo "check-architecture-doc.sh should refuse the modified tree (net/extra has no row)"
    exit 1
}
rm -r "$copy/net/extra"
bash "$root/tests/layers/check-architecture-doc.sh" "$copy" >/dev/null || {
    echo "check-architecture-doc.sh should accept the tree again"
    exit 1
}
rm "$copy/net/io/ring.c"
if out=$(bash "$root/tests/layers/check-architecture-doc.sh" "$copy"); then
    echo "check-architecture-doc.sh accepted a doc naming a removed file"
    exit 1
fi
grep -qF 'the net/io row names ring.c' <<<"$out" || {
    echo "missing complaint about ring.c"
    echo "$out"
    exit 1
}
echo "check-architecture-doc.sh refuses a stale doc"
