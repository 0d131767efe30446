#!/usr/bin/env bash
# Whole-process TCP bulk benchmark (issue 6): our stack <-> Linux through a TAP, against
# Linux <-> Linux over a veth pair, in the same run, each in network namespaces of its own.
#
# Usage: benchmarks/tcp-tap.sh [-n RUNS] [-b BYTES] [-p PROFILE]   (as root)
#   -n RUNS     transfers per side, alternating (default 5)
#   -b BYTES    bytes per transfer (default 1000000000)
#   -p PROFILE  jlink profile of the image, a name or a file (default: mirage's, minimal)
#
# Ours: examples/echo's image on a TAP answers GET /bytes/BYTES. Linux <-> Linux: a minimal
# HTTP server in one namespace answers any GET with BYTES from a file in /dev/shm by sendfile(2)
# (zero-copy: the strongest Linux sender) to a client in another namespace, over a veth pair.
# The client is the same for both: curl writing to /dev/null; its wall time from start to the
# end of the body is measured (a socat client in bidirectional mode capped both at ~280 MB/s).
# Ends with: RESULT ratio=X ours_MBps=... linux_MBps=... (medians; ratio = ours / linux).
set -euo pipefail
usage() { sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//'; }
root=$(cd "$(dirname "$0")/.." && pwd)
runs=5
bytes=1000000000
profile=()
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=${2:?}; shift 2 ;;
    -b) bytes=${2:?}; shift 2 ;;
    -p) profile=(--profile "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tcp-tap: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "tcp-tap: needs root (namespaces, TAP)" >&2; exit 2; }
command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl >/dev/null

image=$("$root/mirage" build "$root/examples/echo" "${profile[@]}" | tail -n 1)
ours=mtap-ours-$$; srv=mtap-srv-$$; cli=mtap-cli-$$
cleanup() {
  for n in "$ours" "$srv" "$cli"; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true; ip netns del "$n" 2>/dev/null || true; done
}
trap cleanup EXIT

# Ours: the unikernel creates the TAP as it binds it.
ip netns add "$ours"
ip netns exec "$ours" ip link set lo up
ip netns exec "$ours" "$image/bin/echo" --net:service=tapb --ipv4=10.90.0.2/24 >/tmp/tcp-tap-echo.log 2>&1 &
for _ in $(seq 1 100); do ip netns exec "$ours" ip link show tapb >/dev/null 2>&1 && break; sleep 0.1; done
ip netns exec "$ours" ip addr add 10.90.0.1/24 dev tapb
ip netns exec "$ours" ip link set tapb up
sleep 1

# Linux <-> Linux: a veth pair between two namespaces.
ip netns add "$srv"; ip netns add "$cli"
ip link add vsrv$$ netns "$srv" type veth peer name vcli$$ netns "$cli"
ip netns exec "$srv" ip addr add 10.91.0.1/24 dev vsrv$$; ip netns exec "$srv" ip link set vsrv$$ up
ip netns exec "$cli" ip addr add 10.91.0.2/24 dev vcli$$; ip netns exec "$cli" ip link set vcli$$ up
blob=/dev/shm/tcp-tap-$$.bin
head -c "$bytes" /dev/zero > "$blob"
trap 'cleanup; rm -f "$blob"' EXIT
ip netns exec "$srv" python3 -c '
import os, socket, sys
path = sys.argv[1]; n = os.path.getsize(path)
srv = socket.create_server(("10.91.0.1", 80), reuse_port=True)
while True:
    c, _ = srv.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        chunk = c.recv(4096)
        if not chunk:
            break
        req += chunk
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % n)
    with open(path, "rb") as f:
        off = 0
        while off < n:
            off += os.sendfile(c.fileno(), f.fileno(), off, n - off)
    c.close()
' "$blob" &
sleep 1

fetch() { # namespace, address: microseconds for one transfer
  local ns=$1 addr=$2 t
  t=$(ip netns exec "$ns" curl -s -o /dev/null -w '%{time_total}' "http://$addr/bytes/$bytes")
  awk -v t="$t" 'BEGIN { printf "%d\n", t * 1000000 }'
}
ours_us=(); linux_us=()
for i in $(seq 1 "$runs"); do
  ours_us+=("$(fetch "$ours" 10.90.0.2)")
  linux_us+=("$(fetch "$cli" 10.91.0.1)")
  echo "run $i: ours ${ours_us[-1]} us, linux ${linux_us[-1]} us" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mo=$(median "${ours_us[@]}"); ml=$(median "${linux_us[@]}")
awk -v b="$bytes" -v o="$mo" -v l="$ml" 'BEGIN {
  printf "RESULT ratio=%.3f ours_MBps=%.1f linux_MBps=%.1f bytes=%d\n", l / o, b / o, b / l, b }'
