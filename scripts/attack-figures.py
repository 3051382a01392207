#!/usr/bin/env python3
"""attack-figures.py: what three attacks cost a lanconf-relay, in figures.

Starts the relay given (by default build/bin/lanconf-relay) on 127.0.0.1 and
speaks the wire protocol (docs/PROTOCOL.md) by hand:

  descriptors  the relay limited to 256 open files; 300 clients connect at
               once: how many get an answer within 5 s, and the relay's CPU
               seconds over those 5 s (a spinning accept loop burns them all)
  oversize     20 connections announce a 16 MiB VIDEO_FRAME before HELLO and
               send it: the relay's resident memory afterwards
  replay       10000 messages of 4000 bytes stored, then 4 members resume from
               the start without reading: the relay's resident memory, and
               how long an innocent member's PING takes to be answered

Run it on two builds to compare, e.g.
  python3 scripts/attack-figures.py build/bin/lanconf-relay
  python3 scripts/attack-figures.py /path/to/older/build/bin/lanconf-relay
Traffic stays on 127.0.0.1.
"""
import os
import resource
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HELLO, WELCOME, ERROR, PING, PONG, CHAT, CHAT_ACK = 0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x11
VIDEO_FRAME = 0x2A
FLAG_RESUME = 0x0001
CLK_TCK = os.sysconf("SC_CLK_TCK")


def frame(kind, payload, flags=0):
    """One wire frame: the 10-byte header, then the payload."""
    return b"LC" + bytes([1, kind]) + struct.pack(">HI", flags, len(payload)) + payload


def wire_str(text):
    data = text.encode()
    return struct.pack(">H", len(data)) + data


def hello(nick, resume=False):
    payload = b"\x00" + wire_str(nick) + wire_str("attack-" + nick)
    payload += struct.pack(">QI", 0, 0 if resume else 0xFFFFFFFF)
    return frame(HELLO, payload, FLAG_RESUME if resume else 0)


def read_frame(sock):
    """Reads one frame; (type, payload), or None at EOF."""
    head = b""
    while len(head) < 10:
        chunk = sock.recv(10 - len(head))
        if not chunk:
            return None
        head += chunk
    length = struct.unpack(">I", head[6:10])[0]
    payload = b""
    while len(payload) < length:
        chunk = sock.recv(min(65536, length - len(payload)))
        if not chunk:
            return None
        payload += chunk
    return head[3], payload


def read_until(sock, kind, timeout):
    sock.settimeout(timeout)
    while True:
        got = read_frame(sock)
        if got is None or got[0] == kind:
            return got


def join(port, nick, resume=False, rcvbuf=0, timeout=10):
    """Connects and sends HELLO; raises OSError when the relay does not take
    the connection within timeout seconds."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(timeout)
    try:
        sock.connect(("127.0.0.1", port))
        sock.sendall(hello(nick, resume))
    except OSError:
        sock.close()
        raise
    return sock


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def start_relay(binary, nofile=None):
    """Starts the relay on a free port; (process, port, folder)."""
    folder = tempfile.mkdtemp(prefix="lanconf-attack-")
    port_file = os.path.join(folder, "port")

    def limit():
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    proc = subprocess.Popen(
        [binary, "--listen", "127.0.0.1", "--port", "0", "--port-file", port_file,
         "--data-dir", folder, "--rate-limit", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=limit)
    for _ in range(500):
        if os.path.exists(port_file):
            with open(port_file) as f:
                text = f.read()
            if text.endswith("\n"):
                return proc, int(text), folder
        time.sleep(0.01)
    proc.kill()
    raise SystemExit("the relay did not start")


def stop_relay(proc, folder):
    proc.kill()
    proc.wait()
    subprocess.run(["rm", "-rf", folder], check=False)


def attack_descriptors(binary):
    proc, port, folder = start_relay(binary, nofile=256)
    time.sleep(0.3)
    cpu0 = cpu_seconds(proc.pid)
    socks = []
    for i in range(300):
        try:
            socks.append(join(port, f"d{i}", timeout=1))
        except OSError:
            pass
    answered = [0]

    def wait_answer(sock):
        try:
            sock.settimeout(5)
            if read_frame(sock) is not None:
                answered[0] += 1
        except OSError:
            pass

    threads = [threading.Thread(target=wait_answer, args=(s,)) for s in socks]
    for t in threads:
        t.start()
    time.sleep(5)
    cpu = cpu_seconds(proc.pid) - cpu0
    for t in threads:
        t.join()
    for s in socks:
        s.close()
    stop_relay(proc, folder)
    return (f"{answered[0]} of 300 clients answered within 5 s ({300 - len(socks)} could not "
            f"connect); relay CPU {cpu:.2f} s")


def attack_oversize(binary):
    proc, port, folder = start_relay(binary)
    base = rss_mb(proc.pid)
    size = 16 * 1024 * 1024 + 31
    body = b"\x00" * (1024 * 1024)

    def announce():
        try:
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(frame(VIDEO_FRAME, b"")[:6] + struct.pack(">I", size))
            sock.settimeout(5)
            for _ in range(16):
                sock.sendall(body)
            time.sleep(3)
            sock.close()
        except OSError:
            pass

    threads = [threading.Thread(target=announce) for _ in range(20)]
    for t in threads:
        t.start()
    time.sleep(2.5)
    peak = rss_mb(proc.pid)
    for t in threads:
        t.join()
    stop_relay(proc, folder)
    return f"relay RSS {base:.1f} MB before, {peak:.1f} MB with 20 oversized frames in flight"


def attack_replay(binary):
    proc, port, folder = start_relay(binary)
    writer = join(port, "writer")
    read_until(writer, WELCOME, 5)
    text = "x" * 4000
    n = 10000
    for i in range(1, n + 1):
        writer.sendall(frame(CHAT, struct.pack(">Q", i) + wire_str(text)))
    acked = 0
    writer.settimeout(30)
    while acked < n:
        got = read_frame(writer)
        if got is None:
            break
        if got[0] == CHAT_ACK:
            acked += 1
    base = rss_mb(proc.pid)
    stuck = [join(port, f"stuck{i}", resume=True, rcvbuf=4096) for i in range(4)]
    time.sleep(2)
    grown = rss_mb(proc.pid)
    innocent = join(port, "innocent")
    read_until(innocent, WELCOME, 10)
    start = time.monotonic()
    innocent.sendall(frame(PING, struct.pack(">QQ", 1, 2)))
    got = read_until(innocent, PONG, 30)
    ping_ms = (time.monotonic() - start) * 1000 if got else float("nan")
    for s in stuck + [innocent, writer]:
        s.close()
    stop_relay(proc, folder)
    return (f"{acked} messages stored; relay RSS {base:.1f} MB, {grown:.1f} MB with 4 stuck "
            f"replays; an innocent PING answered in {ping_ms:.1f} ms")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/bin/lanconf-relay"
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"usage: {sys.argv[0]} [PATH/TO/lanconf-relay]  ({binary} is not a program)")
    print(f"relay: {binary}")
    for name, attack in (("descriptors", attack_descriptors), ("oversize", attack_oversize),
                         ("replay", attack_replay)):
        print(f"{name:12} {attack(binary)}", flush=True)


if __name__ == "__main__":
    main()
