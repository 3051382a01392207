#!/usr/bin/env bash
# A scripted chat through a real relay on 127.0.0.1: alice and bob each send a
# few lines and print what they receive, tagged with the sender's nick and the
# address the relay saw. Usage: demo-chat.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: demo-chat.sh BIN_DIR}
work=$(mktemp -d "${TMPDIR:-/tmp}/lanconf-demo.XXXXXX")
relay_pid=
cleanup() {
    [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/lanconf-relay" --listen 127.0.0.1 --port 0 --port-file "$work/port" \
    --data-dir "$work/history" 2>"$work/relay.log" &
relay_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
echo "relay: lanconf-relay listening on 127.0.0.1:$port (history in $work/history)"
echo

# Each client sends its lines (paced to the relay's flood control: a burst of
# 5, then 1 per second) and waits until it has printed the other's messages.
{ sleep 0.3; printf 'hi bob, can you see my camera later?\nthe relay tags every line with nick@ip:port\n'; } |
    "$bin/lanconf-cli" --server "127.0.0.1:$port" --nick alice --count 2 --timeout 15 \
        >"$work/alice.out" &
alice=$!
{ sleep 0.6; printf 'hi alice!\nyes, and it keeps history across restarts\n'; } |
    "$bin/lanconf-cli" --server "127.0.0.1:$port" --nick bob --count 2 --timeout 15 \
        >"$work/bob.out" &
bob=$!
wait "$alice" "$bob"

echo "what alice saw:"
sed 's/^/  /' "$work/alice.out"
echo "what bob saw:"
sed 's/^/  /' "$work/bob.out"
echo
echo "a late joiner gets the history (as JSON):"
"$bin/lanconf-cli" --server "127.0.0.1:$port" --nick carol --json --count 4 --timeout 10 \
    </dev/null | sed 's/^/  /'
echo
echo "Try it by hand: $bin/lanconf-relay, then $bin/lanconf --nick YOU in two terminals."
