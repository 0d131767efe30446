#!/usr/bin/env bash
# Whole-process TCP bulk benchmark (issues 6 and 13): our stack <-> Linux through a TAP and
# through a raw veth end (AF_PACKET), against Linux <-> Linux over a veth pair, in the same run,
# each in network namespaces of its own.
#
# Usage: benchmarks/tcp-tap.sh [-n RUNS] [-w WARMUPS] [-b BYTES] [-p PROFILE] [-m MODES] [-i IMAGE] [-B IMAGE] [-t] [-S]   (as root)
#   -n RUNS     transfers per side, alternating (default 5)
#   -w WARMUPS  transfers per side before those, not counted (default 0: a fresh server's JIT
#               compiles for the first few GB, and those transfers then count)
#   -b BYTES    bytes per transfer (default 1000000000)
#   -p PROFILE  jlink profile of the image, a name or a file (default: mirage's, minimal)
#   -m MODES    our bindings, comma-separated: tap, packet, and over IPv6 tap6, packet6
#               (default tap,packet; each v6 mode is measured against Linux over the same
#               veth pair over IPv6, side linux6, and its ratio set beside its IPv4 mode's)
#   -i IMAGE    use this built examples/echo image (its directory) instead of building one
#   -B IMAGE    also run each mode on this image (e.g. one built from main), as side MODE-base:
#               a before/after of two builds in the same run, alternating with the others
#   -t          also print, per transfer of ours, each server thread's CPU time and voluntary
#               and involuntary context switches (/proc/PID/task; JIT compiler threads apart)
#   -S          after the measured transfers, one more per side of ours under `strace -c -f`
#               (not timed: strace slows it): the server's system calls per GB, by call
#
# Ours: examples/echo's image answers GET /bytes/BYTES, bound to a TAP (--net:service=tapb, the
# kernel's side of the TAP in the same namespace as curl) or to one end of a veth pair
# (--net:service=if:vpk, alone in a namespace whose kernel has no address, as in a microVM; curl
# on the other end). Linux <-> Linux: a minimal HTTP server in one namespace answers any GET with
# BYTES from a file in /dev/shm by sendfile(2) (zero-copy: the strongest Linux sender) to a client
# in another namespace, over a veth pair. The client is the same for all: curl writing to
# /dev/null; its wall time from start to the end of the body is measured (a socat client in
# bidirectional mode capped every side at ~280 MB/s).
# Ends with one line per mode: RESULT mode=M ratio=X ours_MBps=... linux_MBps=... (medians;
# ratio = ours / linux), then the servers' CPU time per GB (user + system of the server process,
# which includes the kernel's send path and, on these local links, the receive processing run in
# its system calls: less sensitive to other load on the machine than the wall time), then the
# load average.
set -euo pipefail
usage() { sed -n '6,18p' "$0" | sed 's/^# \{0,1\}//'; }
root=$(cd "$(dirname "$0")/.." && pwd)
runs=5
warmups=0
bytes=1000000000
profile=()
modes=tap,packet
prebuilt=
base=
threads=
syscalls=
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=${2:?}; shift 2 ;;
    -w) warmups=${2:?}; shift 2 ;;
    -b) bytes=${2:?}; shift 2 ;;
    -p) profile=(--profile "${2:?}"); shift 2 ;;
    -m) modes=${2:?}; shift 2 ;;
    -i) prebuilt=${2:?}; shift 2 ;;
    -B) base=${2:?}; shift 2 ;;
    -t) threads=1; shift ;;
    -S) syscalls=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tcp-tap: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
IFS=, read -r -a modes <<<"$modes"
for m in "${modes[@]}"; do
  case $m in tap|packet|tap6|packet6) ;; *) echo "tcp-tap: unknown mode '$m' (tap, packet, tap6, packet6)" >&2; exit 2 ;; esac
done
[ "$(id -u)" = 0 ] || { echo "tcp-tap: needs root (namespaces, TAP, veth)" >&2; exit 2; }
command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl >/dev/null

if [ -n "$prebuilt" ]; then image=$prebuilt; else image=$("$root/mirage" build "$root/examples/echo" "${profile[@]}" | tail -n 1); fi
srv=mtap-srv-$$; cli=mtap-cli-$$
blob=/dev/shm/tcp-tap-$$.bin
namespaces=("$srv" "$cli")
cleanup() {
  for n in "${namespaces[@]}"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  rm -f "$blob" "/tmp/tcp-tap-threads-$$.before"
}
trap cleanup EXIT

# sides: each mode on our image, and on the base image if given (MODE-base)
sides=("${modes[@]}")
if [ -n "$base" ]; then for m in "${modes[@]}"; do sides+=("$m-base"); done; fi
declare -A launcher client address
subnet=90
v6=
v6on() { # namespace: IPv6 on, no DAD, so that addresses are usable at once
  ip netns exec "$1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
    net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}
for side in "${sides[@]}"; do
  kind=${side%-base}; img=$image; [ "$side" = "$kind" ] || img=$base
  subnet=$((subnet + 2))
  family=(); host=10.$subnet.0.2
  case $kind in
    *6) kind=${kind%6}; v6=1; family=(--ipv6=fd00:$subnet::2/64); host="[fd00:$subnet::2]" ;;
  esac
  if [ "$kind" = tap ]; then
    # the unikernel creates the TAP as it binds it; curl on the TAP's kernel side
    ns=mtap-$side-$$; namespaces+=("$ns")
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    v6on "$ns"
    ip netns exec "$ns" "$img/bin/echo" --net:service=tapb --ipv4=10.$subnet.0.2/24 "${family[@]}" >"/tmp/tcp-tap-$side.log" 2>&1 &
    launcher[$side]=$!
    for _ in $(seq 1 100); do ip netns exec "$ns" ip link show tapb >/dev/null 2>&1 && break; sleep 0.1; done
    ip netns exec "$ns" ip addr add 10.$subnet.0.1/24 dev tapb
    ip netns exec "$ns" ip -6 addr add fd00:$subnet::1/64 dev tapb nodad
    ip netns exec "$ns" ip link set tapb up
    client[$side]=$ns
  else
    # a veth pair: our end alone in a namespace (its kernel holds no address), curl at the other
    pko=mpk-$side-$$; pkc=mpc-$side-$$; namespaces+=("$pko" "$pkc")
    ip netns add "$pko"; ip netns add "$pkc"
    v6on "$pkc"
    ip link add vpk netns "$pko" type veth peer name vpc netns "$pkc"
    # no IPv6 for our end's kernel either: it would answer for (and probe) our link-local address
    ip netns exec "$pko" sysctl -q -w net.ipv6.conf.vpk.disable_ipv6=1
    ip netns exec "$pko" ip link set vpk up
    ip netns exec "$pkc" ip addr add 10.$subnet.0.1/24 dev vpc
    ip netns exec "$pkc" ip -6 addr add fd00:$subnet::1/64 dev vpc nodad
    ip netns exec "$pkc" ip link set vpc up
    ip netns exec "$pko" "$img/bin/echo" --net:service=if:vpk --ipv4=10.$subnet.0.2/24 "${family[@]}" >"/tmp/tcp-tap-$side.log" 2>&1 &
    launcher[$side]=$!
    client[$side]=$pkc
  fi
  address[$side]=$host
done
sleep 1

# Linux <-> Linux: a veth pair between two namespaces.
# Over IPv6 (side linux6) the same pair and server, its socket bound to both families.
ip netns add "$srv"; ip netns add "$cli"
v6on "$srv"; v6on "$cli"
ip link add vsrv$$ netns "$srv" type veth peer name vcli$$ netns "$cli"
ip netns exec "$srv" ip addr add 10.91.0.1/24 dev vsrv$$; ip netns exec "$srv" ip -6 addr add fd00:91::1/64 dev vsrv$$ nodad
ip netns exec "$srv" ip link set vsrv$$ up
ip netns exec "$cli" ip addr add 10.91.0.2/24 dev vcli$$; ip netns exec "$cli" ip -6 addr add fd00:91::2/64 dev vcli$$ nodad
ip netns exec "$cli" ip link set vcli$$ up
baselines=(linux); [ -z "$v6" ] || baselines+=(linux6)
client[linux]=$cli; address[linux]=10.91.0.1
client[linux6]=$cli; address[linux6]="[fd00:91::1]"
head -c "$bytes" /dev/zero > "$blob"
ip netns exec "$srv" python3 -c '
import os, socket, sys
path = sys.argv[1]; n = os.path.getsize(path)
srv = socket.create_server(("", 80), family=socket.AF_INET6, dualstack_ipv6=True, reuse_port=True)
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
linux_server=$!
# wait until both servers answer (a fixed wait was too short on a busy machine: the first
# Linux transfer then measured nothing)
for _ in $(seq 1 100); do ip netns exec "$srv" ss -Hltn 'sport = :80' | grep -q . && break; sleep 0.1; done
for side in "${sides[@]}"; do
  for _ in $(seq 1 100); do ip netns exec "${client[$side]}" curl -g -s -o /dev/null "http://${address[$side]}/" && break; sleep 0.1; done
done
# the server processes whose CPU time is counted: ip netns exec execs its command; an image's
# launcher script starts the JVM as its child
server_pid() { pgrep -P "$1" java || echo "$1"; }
declare -A pid
pid[linux]=$linux_server; pid[linux6]=$linux_server
for m in "${sides[@]}"; do pid[$m]=$(server_pid "${launcher[$m]}"); done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# per thread of process $1: tid name ticks voluntary involuntary (names without spaces)
thread_counts() {
  local t s
  for t in /proc/"$1"/task/*; do
    s=$(sed 's/.*) //' "$t/stat" 2>/dev/null) || continue
    printf '%s %s %s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm")" "$(awk '{print $12 + $13}' <<<"$s")" \
      "$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status")" "$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$t/status")"
  done | sort
}

fetch() { # namespace, address: microseconds for one transfer
  local ns=$1 addr=$2 t
  t=$(ip netns exec "$ns" curl -g -s -o /dev/null -w '%{time_total}' "http://$addr/bytes/$bytes")
  awk -v t="$t" 'BEGIN { printf "%d\n", t * 1000000 }'
}
declare -A us cpu
for i in $(seq 1 "$warmups"); do
  for m in "${baselines[@]}" "${sides[@]}"; do
    t=$(fetch "${client[$m]}" "${address[$m]}")
  done
  echo "warm-up $i done" >&2
done
for i in $(seq 1 "$runs"); do
  line="run $i:"
  for m in "${baselines[@]}" "${sides[@]}"; do
    before=$(ticks "${pid[$m]}")
    [ -z "$threads" ] || [ "${m%6}" = linux ] || thread_counts "${pid[$m]}" >"/tmp/tcp-tap-threads-$$.before"
    t=$(fetch "${client[$m]}" "${address[$m]}")
    c=$(( ($(ticks "${pid[$m]}") - before) * 1000 / hz ))
    if [ -n "$threads" ] && [ "${m%6}" != linux ]; then
      # threads that used CPU or switched more than 100 times during the transfer
      thread_counts "${pid[$m]}" | join "/tmp/tcp-tap-threads-$$.before" - | awk -v m="$m" -v hz="$hz" '
        { cpu = ($7 - $3) * 1000 / hz; v = $8 - $4; iv = $9 - $5
          if (cpu > 0 || v > 100) printf "  %s thread %s %s: %d ms CPU, %d voluntary, %d involuntary switches\n", m, $1, $2, cpu, v, iv }' >&2
    fi
    us[$m]="${us[$m]:-} $t"
    cpu[$m]="${cpu[$m]:-} $c"
    line="$line $m $t us ${c} ms CPU,"
  done
  echo "${line%,}" >&2
done
if [ -n "$syscalls" ]; then
  command -v strace >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends strace >/dev/null
  for m in "${sides[@]}"; do
    out=/tmp/tcp-tap-strace-$$-$m.txt
    strace -c -f -p "${pid[$m]}" -o "$out" 2>/dev/null &
    st=$!
    sleep 1 # attached to every thread
    fetch "${client[$m]}" "${address[$m]}" >/dev/null
    kill -INT "$st"; wait "$st" || true
    # strace -c: % time, seconds, usecs/call, calls, [errors,] syscall
    awk -v m="$m" -v b="$bytes" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" && $NF != "syscall" {
        n[$NF] = $4 } END { line = "SYSCALLS mode=" m " per_GB:"; for (k in n) if (n[k] * 1e9 / b >= 10) line = line sprintf(" %s=%.0f", k, n[k] * 1e9 / b); print line }' "$out"
    rm -f "$out"
  done
fi
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
baseline() { case ${1%-base} in *6) echo linux6 ;; *) echo linux ;; esac; }
declare -A ratio
for m in "${sides[@]}"; do
  # shellcheck disable=SC2086
  mo=$(median ${us[$m]}); b0=$(baseline "$m")
  # shellcheck disable=SC2086
  ml=$(median ${us[$b0]})
  ratio[$m]=$(awk -v o="$mo" -v l="$ml" 'BEGIN { printf "%.3f", l / o }')
  awk -v m="$m" -v b="$bytes" -v o="$mo" -v l="$ml" -v base="$b0" 'BEGIN {
    printf "RESULT mode=%s ratio=%.3f ours_MBps=%.1f %s_MBps=%.1f bytes=%d\n", m, l / o, b / o, base, b / l, b }'
done
# each IPv6 mode's ratio to Linux over IPv6 beside its IPv4 mode's ratio to Linux over IPv4
for m in "${sides[@]}"; do
  v4=${m/6/}
  [ "$v4" != "$m" ] && [ -n "${ratio[$v4]:-}" ] || continue
  awk -v m="$m" -v a="${ratio[$m]}" -v b="${ratio[$v4]}" -v v4="$v4" 'BEGIN {
    printf "IPV6 mode=%s ratio_v6=%.3f ratio_%s=%.3f v6_over_v4=%.3f\n", m, a, v4, b, a / b }'
done
for m in "${sides[@]}"; do
  # shellcheck disable=SC2086
  co=$(median ${cpu[$m]}); b0=$(baseline "$m")
  # shellcheck disable=SC2086
  cl=$(median ${cpu[$b0]})
  awk -v m="$m" -v b="$bytes" -v o="$co" -v l="$cl" -v base="$b0" 'BEGIN {
    printf "CPU mode=%s ours_ms_per_GB=%.0f %s_ms_per_GB=%.0f ratio=%.3f\n", m, o * 1e9 / b, base, l * 1e9 / b, (o > 0 ? l / o : 0) }'
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
