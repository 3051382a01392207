#!/usr/bin/env bash
# Shows that check-layers.sh fails when it should: a copy of the tree where the
# relay includes client code, media includes a socket header and a new
# folder has no rule must be refused, each with its own line.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -r "$root/net" "$root/media" "$root/src" "$root/ui-tui" "$copy/"

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
