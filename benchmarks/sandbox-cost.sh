#!/usr/bin/env bash
# What the sandbox after binding costs (issue 19 item 1, docs/decisions/0057-sandbox.md): the same
# images with the sandbox on (their default) and with --sandbox=off, alternating in one run.
#
# Usage: benchmarks/sandbox-cost.sh [-n ROUNDS] [-d SECONDS] [-b] [-t]   (-t needs root)
#   -n ROUNDS   boots per side for the boot rows, wrk runs per side for the throughput row (default 20 / 3)
#   -d SECONDS  length of each wrk run (default 8)
#   -b          boot rows only (no root needed)
#   -t          throughput row only
#
# Rows:
#   boot-hello   examples/hello (no device), wall time of `bin/hello --count=1` to its exit, medians
#   boot-echo    examples/echo on a TAP (needs root; skipped otherwise), wall time from the launch to
#                its line "HTTPS on port 443" (after start ran), medians
#   http50       wrk -t1 -c50 against echo's HTTP port over the TAP, requests/s, medians
# Ends with one RESULT line per row: on/off ratio (for boot rows, higher = slower with the
# sandbox; for http50, lower = slower) and the difference. Prints `uptime` first and last.
set -euo pipefail
usage() { sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//'; }
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=
secs=8
do_boot=1
do_tput=1
while getopts "n:d:bth" o; do
  case $o in
    n) rounds=$OPTARG ;;
    d) secs=$OPTARG ;;
    b) do_tput=0 ;;
    t) do_boot=0 ;;
    *) usage; exit 64 ;;
  esac
done
as_root=0
[ "$(id -u)" = 0 ] && as_root=1
if [ $as_root = 0 ]; then
  [ $do_boot = 1 ] || { echo "sandbox-cost: -t needs root" >&2; exit 1; }
  do_tput=0
fi
cd "$root"
. "$root/.mvn/jdk.sh"
echo "load before: $(uptime)"
work=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-cost.XXXXXX")
ns=sbxcost$$
cleanup() {
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

build() {
  cp -r "examples/$1" "$work/$1"
  rm -rf "$work/$1/_build"
  ./mirage build "$work/$1" > "$work/$1.build" 2>&1 || { cat "$work/$1.build" >&2; exit 1; }
  tail -n 1 "$work/$1.build"
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%d\n", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now_us() { echo $(( $(date +%s%N) / 1000 )); }

if [ $do_boot = 1 ]; then
  n=${rounds:-20}
  hello=$(build hello)
  : > "$work/hello.on"; : > "$work/hello.off"
  for i in $(seq 1 "$n"); do
    for side in on off; do
      t0=$(now_us); "$hello/bin/hello" --count=1 "--sandbox=$side" >/dev/null 2>&1; t1=$(now_us)
      echo $(( t1 - t0 )) >> "$work/hello.$side"
    done
  done
  on=$(median < "$work/hello.on"); off=$(median < "$work/hello.off")
  echo "boot-hello: on ${on} us, off ${off} us (medians of $n)"
  echo "RESULT boot-hello on/off $(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.3f", a/b}') (+$(( (${on%.*} - ${off%.*}) / 1000 )) ms)"
fi

start_echo() { # $1 = on|off; prints the time to the line "HTTPS on port 443" in us
  local log=$work/echo.$1.log t0 t1
  t0=$(now_us)
  ip netns exec "$ns" "$echo/bin/echo" --net:service=tapsc --ipv4=10.91.0.2/24 "--sandbox=$1" > "$log" 2>&1 &
  echo_pid=$!
  for _ in $(seq 1 6000); do # up to ~30 s
    grep -q "HTTPS on port 443" "$log" 2>/dev/null && break
    sleep 0.005
  done
  t1=$(now_us)
  grep -q "HTTPS on port 443" "$log" || { echo "sandbox-cost: echo did not start:" >&2; cat "$log" >&2; exit 1; }
  echo $(( t1 - t0 ))
}
stop_echo() { # every process of the namespace: the launcher script and its JVM
  ip netns pids "$ns" | xargs -r kill 2>/dev/null || true
  wait "$echo_pid" 2>/dev/null || true
  while [ -n "$(ip netns pids "$ns")" ]; do sleep 0.05; done
}

if [ $as_root = 1 ]; then
  command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
  echo=$(build echo)
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip tuntap add dev tapsc mode tap
  ip netns exec "$ns" ip addr add 10.91.0.1/24 dev tapsc
  ip netns exec "$ns" ip link set tapsc up
  if [ $do_boot = 1 ]; then
    n=${rounds:-20}
    : > "$work/echo.on"; : > "$work/echo.off"
    for i in $(seq 1 "$n"); do
      for side in on off; do
        start_echo "$side" >> "$work/echo.$side"
        stop_echo
      done
    done
    on=$(median < "$work/echo.on"); off=$(median < "$work/echo.off")
    echo "boot-echo: on ${on} us, off ${off} us (medians of $n, launch to 'HTTPS on port 443')"
    echo "RESULT boot-echo on/off $(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.3f", a/b}') (+$(( (${on%.*} - ${off%.*}) / 1000 )) ms)"
  fi
  if [ $do_tput = 1 ]; then
    n=${rounds:-3}
    : > "$work/wrk.on"; : > "$work/wrk.off"
    for i in $(seq 1 "$n"); do
      for side in on off; do
        start_echo "$side" > /dev/null
        ip netns exec "$ns" wrk -t1 -c50 -d2s http://10.91.0.2/ > /dev/null # warm-up
        ip netns exec "$ns" wrk -t1 -c50 -d"${secs}s" http://10.91.0.2/ | awk '/Requests\/sec/ {print $2}' >> "$work/wrk.$side"
        stop_echo
      done
    done
    on=$(median < "$work/wrk.on"); off=$(median < "$work/wrk.off")
    echo "http50: on ${on} req/s, off ${off} req/s (medians of $n; runs: on $(tr '\n' ' ' < "$work/wrk.on")/ off $(tr '\n' ' ' < "$work/wrk.off"))"
    echo "RESULT http50 on/off $(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.3f", a/b}')"
  fi
fi
echo "load after: $(uptime)"
