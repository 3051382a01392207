#!/usr/bin/env bash
# test-discover.sh: a relay found on the LAN through mDNS (Avahi), in two
# network namespaces joined by two veth pairs (two networks), each with its
# own D-Bus and avahi-daemon: no packet leaves them. Checks that a relay
# announces itself, that a client lists it (--discover) at each of its
# addresses and joins it (--server auto), that one listening on one address
# is announced on that network only, that a second relay with the same
# name is announced under another, that a hostile announcement neither
# reaches the terminal raw nor is joined when it takes no connection, that
# a relay gone is no longer listed, that a relay whose avahi-daemon
# restarts announces itself again, that without avahi-daemon each side says
# so and goes on, and that a client told to follow looks until a relay is
# announced.
#
# Usage: test-discover.sh BIN_DIR   (as root; exit 77 = skipped otherwise)
set -euo pipefail
bin=$1
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: network namespaces need root"
    exit 77
fi
for tool in avahi-daemon avahi-publish dbus-daemon ip; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps.sh)"; exit 1; }
done

tmp=$(mktemp -d /tmp/lanconf-discover-XXXXXX)
tag=$$
nsa=lcdA$tag nsb=lcdB$tag
va=lcda$tag vb=lcdb$tag
wa=lcwa$tag wb=lcwb$tag
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$nsa" 2>/dev/null || true
    ip netns del "$nsb" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }

# Two namespaces, two links (as two networks between two machines).
ip netns add "$nsa"
ip netns add "$nsb"
ip link add "$va" type veth peer name "$vb"
ip link add "$wa" type veth peer name "$wb"
ip link set "$va" netns "$nsa"
ip link set "$wa" netns "$nsa"
ip link set "$vb" netns "$nsb"
ip link set "$wb" netns "$nsb"
ip -n "$nsa" addr add 10.77.0.1/24 dev "$va"
ip -n "$nsb" addr add 10.77.0.2/24 dev "$vb"
ip -n "$nsa" addr add 10.78.0.1/24 dev "$wa"
ip -n "$nsb" addr add 10.78.0.2/24 dev "$wb"
for ns in "$nsa" "$nsb"; do ip -n "$ns" link set lo up; done
for i in "$va" "$wa"; do ip -n "$nsa" link set "$i" up; done
for i in "$vb" "$wb"; do ip -n "$nsb" link set "$i" up; done

# A D-Bus and an avahi-daemon per namespace. The daemon's pid file and
# socket go on a tmpfs of its own (`ip netns exec` gives each command a
# mount namespace), so that two daemons run side by side.
start_avahi() { # NAME NS IFACES
    local name=$1 ns=$2 iface=$3
    cat >"$tmp/bus-$name.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/bus-$name</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/> <allow own="*"/>
    <allow send_type="method_call"/> <allow send_type="signal"/>
    <allow send_type="method_return"/> <allow send_type="error"/>
    <allow receive_type="method_call"/> <allow receive_type="signal"/>
    <allow receive_type="method_return"/> <allow receive_type="error"/>
  </policy>
</busconfig>
CONF
    cat >"$tmp/avahi-$name.conf" <<CONF
[server]
host-name=lanconf-test-$name
use-ipv4=yes
use-ipv6=no
allow-interfaces=$iface
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
CONF
    dbus-daemon --config-file="$tmp/bus-$name.conf" --nofork --nopidfile 2>"$tmp/dbus-$name.log" &
    pids+=($!)
    for _ in $(seq 50); do [ -S "$tmp/bus-$name" ] && break; sleep 0.1; done
    start_daemon "$name" "$ns" "$tmp/avahi-$name.log"
}
start_daemon() { # NAME NS LOG: avahi-daemon alone; its pid in avahi_pid
    local name=$1 ns=$2 log=$3
    ip netns exec "$ns" sh -c "mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon &&
        exec env DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/bus-$name avahi-daemon \
        -f $tmp/avahi-$name.conf --no-drop-root --no-chroot --no-rlimits" >"$log" 2>&1 &
    avahi_pid=$!
    pids+=($avahi_pid)
    for _ in $(seq 100); do grep -q "Server startup complete" "$log" && return; sleep 0.1; done
    fail "avahi-daemon $name did not start"
}
start_avahi a "$nsa" "$va,$wa"
avahi_a=$avahi_pid
start_avahi b "$nsb" "$vb,$wb"
# Commands in a namespace, on its bus (arrays, so that `&` leaves $! the
# program's own pid: ip and env exec it).
in_a=(ip netns exec "$nsa" env "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/bus-a")
in_b=(ip netns exec "$nsb" env "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/bus-b")
wait_for() { # FILE TEXT
    for _ in $(seq 100); do grep -q "$2" "$1" && return; sleep 0.1; done
    fail "'$2' never appeared in $1"
}

# 1. A relay announces itself; a client in the other namespace lists it
# and joins it with --server auto.
mkdir -p "$tmp/data1" "$tmp/data2"
"${in_a[@]}" "$bin/lanconf-relay" --port 0 --port-file "$tmp/port1" -d "$tmp/data1" \
    --announce "lab relay" >"$tmp/relay1.log" 2>&1 &
relay1=$!
pids+=($relay1)
wait_for "$tmp/relay1.log" "announced on the LAN as 'lab relay'"
port1=$(cat "$tmp/port1")
"${in_b[@]}" "$bin/lanconf-cli" --discover --json >"$tmp/list.json"
# A relay on every interface is listed at each address it answers on.
for net in 10.77 10.78; do
    grep -q "\"name\":\"lab relay\",\"address\":\"$net.0.1\",\"port\":$port1" "$tmp/list.json" ||
        fail "--discover did not list the relay at $net.0.1: $(cat "$tmp/list.json")"
done
echo "hello from the other namespace" |
    "${in_b[@]}" "$bin/lanconf-cli" --server auto --nick bob --timeout 10 >"$tmp/join.log" 2>&1 ||
    fail "--server auto did not join"
grep -q "found relay 'lab relay' on the LAN at 10.77.0.1:$port1" "$tmp/join.log" ||
    fail "no line says which relay was found"
# The message reached the relay: a reader in A gets it from the history.
"${in_a[@]}" "$bin/lanconf-cli" --server "127.0.0.1:$port1" --nick reader --count 1 --timeout 10 \
    </dev/null >"$tmp/read.log" 2>&1 || fail "the message did not reach the relay"
grep -q "bob@10.77.0.2:[0-9]*: hello from the other namespace" "$tmp/read.log" ||
    fail "the history lacks bob's message"

# 1b. The relay's avahi-daemon restarts: the relay announces itself again.
kill "$avahi_a"
wait "$avahi_a" 2>/dev/null || true
wait_for "$tmp/relay1.log" "not announced on the LAN: .*waiting for avahi-daemon"
start_daemon a "$nsa" "$tmp/avahi-a2.log"
for _ in $(seq 100); do
    [ "$(grep -c "announced on the LAN as 'lab relay'" "$tmp/relay1.log")" -ge 2 ] && break
    sleep 0.1
done
[ "$(grep -c "announced on the LAN as 'lab relay'" "$tmp/relay1.log")" -ge 2 ] ||
    fail "the relay did not announce itself again after avahi-daemon restarted"
pgrep -f "port-file $tmp/port1" >/dev/null || fail "the relay died with avahi-daemon"
for _ in $(seq 20); do
    "${in_b[@]}" "$bin/lanconf-cli" --discover >"$tmp/again.log" 2>&1 && break
    sleep 0.5
done
grep -q "^lab relay .*10.77.0.1:$port1" "$tmp/again.log" || fail "not listed after the restart"

# 2. A second relay with the same name is announced under another.
"${in_a[@]}" "$bin/lanconf-relay" --port 0 --port-file "$tmp/port2" -d "$tmp/data2" \
    --announce "lab relay" >"$tmp/relay2.log" 2>&1 &
relay2=$!
pids+=($relay2)
wait_for "$tmp/relay2.log" "announced on the LAN as 'lab relay #2'"

# 3. A hostile announcement: escape sequences in its name, a port nobody
# listens on. Listed harmlessly; --server auto skips it for a relay that
# takes a connection.
"${in_a[@]}" avahi-publish -s "$(printf 'a\033[31mred\nname')" _lanconf._tcp 9 >"$tmp/publish.log" 2>&1 &
pids+=($!)
wait_for "$tmp/publish.log" "Established"
"${in_b[@]}" "$bin/lanconf-cli" --discover >"$tmp/table.log"
[ "$(grep -c "10.77.0.1:" "$tmp/table.log")" -eq 3 ] || fail "expected 3 entries: $(cat "$tmp/table.log")"
if grep -q $'\033' "$tmp/table.log"; then fail "an escape sequence reached the terminal"; fi
grep -q 'a?\[31mred?name' "$tmp/table.log" || fail "the hostile name is not shown made harmless"
echo "hi" | "${in_b[@]}" "$bin/lanconf-cli" --server auto --nick carol --timeout 10 >"$tmp/join2.log" 2>&1 ||
    fail "--server auto did not skip the entry that takes no connection"
grep -q "found relay 'lab relay' on the LAN at 10.77.0.1:$port1 (lanconf-test-a.local); [0-9]* answered" \
    "$tmp/join2.log" || fail "auto did not choose the first relay that takes a connection"

# 3b. A relay listening on one address is announced on its interface only:
# found where it listens, and nowhere it would refuse.
"${in_a[@]}" "$bin/lanconf-relay" --port 0 --port-file "$tmp/port6" -d "$tmp/data2" \
    --listen 10.78.0.1 --announce "one net" >"$tmp/relay6.log" 2>&1 &
relay6=$!
pids+=($relay6)
wait_for "$tmp/relay6.log" "announced on the LAN as 'one net'"
"${in_b[@]}" "$bin/lanconf-cli" --discover --json >"$tmp/one.json"
grep -q "\"name\":\"one net\",\"address\":\"10.78.0.1\",\"port\":$(cat "$tmp/port6")" "$tmp/one.json" ||
    fail "the relay on 10.78.0.1 is not listed there: $(cat "$tmp/one.json")"
if grep -q "\"name\":\"one net\",\"address\":\"10.77.0.1\"" "$tmp/one.json"; then
    fail "the relay on 10.78.0.1 is announced on 10.77.0.1 too"
fi

# 4. A relay that stops withdraws its announcement.
kill "$relay2"
wait "$relay2" 2>/dev/null || true
sleep 1
"${in_b[@]}" "$bin/lanconf-cli" --discover >"$tmp/table2.log"
if grep -q "lab relay #2" "$tmp/table2.log"; then fail "a stopped relay is still listed"; fi

# 5. Without avahi-daemon (a bus with no daemon on it): clear words, and
# the relay runs all the same; a client with nothing configured tries
# this machine, one told --server auto fails (exit 1).
none="unix:path=$tmp/no-such-bus"
: >"$tmp/empty.conf"
DBUS_SYSTEM_BUS_ADDRESS=$none "$bin/lanconf-relay" --port 0 --port-file "$tmp/port3" \
    -d "$tmp/data2" >"$tmp/relay3.log" 2>&1 &
relay3=$!
pids+=($relay3)
wait_for "$tmp/relay3.log" "not announced on the LAN: avahi-daemon is not running"
kill -0 "$relay3" || fail "the relay stopped without Avahi"
set +e
DBUS_SYSTEM_BUS_ADDRESS=$none "$bin/lanconf-cli" --server auto --nick dave </dev/null >"$tmp/auto.log" 2>&1
status=$?
set -e
[ "$status" -eq 1 ] || fail "--server auto without Avahi: exit $status, not 1"
grep -q "\-\-server auto: avahi-daemon is not running.*give the relay as --server HOST:PORT" "$tmp/auto.log" ||
    fail "unclear message without Avahi: $(cat "$tmp/auto.log")"
set +e
echo hi | DBUS_SYSTEM_BUS_ADDRESS=$none "$bin/lanconf-cli" --nick dave --no-reconnect --config "$tmp/empty.conf" >"$tmp/default.log" 2>&1
set -e
grep -q "no relay found on the LAN: avahi-daemon is not running.*trying 127.0.0.1:7300" "$tmp/default.log" ||
    fail "no fallback line: $(cat "$tmp/default.log")"
# A relay on loopback only is not announced.
"${in_a[@]}" "$bin/lanconf-relay" --port 0 --listen 127.0.0.1 -d "$tmp/data2" >"$tmp/relay4.log" 2>&1 &
pids+=($!)
wait_for "$tmp/relay4.log" "not announced on the LAN: listening on 127.0.0.1 only"
# 6. --server auto --follow started before any relay is announced looks
# again until one is, and joins it.
kill "$relay1" "$relay6"
wait "$relay1" "$relay6" 2>/dev/null || true
for _ in $(seq 10); do
    "${in_b[@]}" "$bin/lanconf-cli" --discover >"$tmp/none.log" 2>&1 || true
    grep -q "^lab relay \|^one net " "$tmp/none.log" || break
    sleep 0.5
done
"${in_b[@]}" "$bin/lanconf-cli" --server auto --nick early --follow --timeout 20 </dev/null \
    >"$tmp/early.log" 2>&1 &
early=$!
pids+=($early)
wait_for "$tmp/early.log" "no relay on the LAN yet: looking again"
"${in_a[@]}" "$bin/lanconf-relay" --port 0 --port-file "$tmp/port5" -d "$tmp/data1" \
    --announce "late relay" >"$tmp/relay5.log" 2>&1 &
pids+=($!)
wait_for "$tmp/early.log" "found relay 'late relay' on the LAN at 10.77.0.1:"
kill "$early" 2>/dev/null || true
echo "discover: all checks passed"
