#!/usr/bin/env bash
# Whole-process TCP bulk benchmark (issue 6): our stack <-> Linux through a TAP, against
# Linux <-> Linux over a veth pair, in the same run, each in network namespaces of its own.
#
# Usage: benchmarks/tcp-tap.sh [-n RUNS] [-b BYTES]   (as root)
#   -n RUNS   transfers per side, alternating (default 5)
#   -b BYTES  bytes per transfer (default 1000000000)
#
# Ours: examples/echo's image on a TAP answers GET /bytes/BYTES; the Linux client (socat)
# sends the request and reads the response to its end into /dev/null.
# Linux <-> Linux: a socat server in one namespace sends BYTES from /dev/zero (through head,
# a pipe and socat) to the same socat client in another namespace, over a veth pair.
# The client's wall time is measured around the transfer (connect to end of stream).
# Ends with: RESULT ratio=X ours_MBps=... linux_MBps=... (medians; ratio = ours / linux).
set -euo pipefail
usage() { sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//'; }
root=$(cd "$(dirname "$0")/.." && pwd)
runs=5
bytes=1000000000
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=${2:?}; shift 2 ;;
    -b) bytes=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tcp-tap: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "tcp-tap: needs root (namespaces, TAP)" >&2; exit 2; }
command -v socat >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends socat >/dev/null

image=$("$root/mirage" build "$root/examples/echo" | tail -n 1)
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
ip netns exec "$srv" socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:"head -c $bytes /dev/zero" &
sleep 1

fetch() { # namespace, address: seconds for one transfer
  local ns=$1 addr=$2 t0 t1
  t0=$(date +%s%N)
  printf 'GET /bytes/%s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n' "$bytes" \
    | ip netns exec "$ns" socat -b 262144 -t 60 - TCP:"$addr":80 > /dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
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
