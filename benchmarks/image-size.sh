#!/usr/bin/env bash
# Whole-image sizes and idle memory: the hello, echo (direct stack and --stack=host) and gitkv
# images, each linked with removal of what they cannot reach (the default) and without it
# (--no-dce), against the floor: a jlinked java.base with one small module, linked with the same
# jlink profile (benchmarks/floor.sh, as start-time.sh builds it).
#
# Usage: benchmarks/image-size.sh [-n N] [-p PROFILE] [--no-rss] [--check]
#   -n N         idle-RSS samples of each process (default 5), alternating echo and floor
#   -p PROFILE   jlink profile of the floor and the images (default jlink-profiles/minimal.profile)
#   --no-rss     sizes only
#   --check      exit 1 unless the issue-18 goals hold: echo and gitkv <= floor + 3 MB (3,000,000
#                bytes), hello < floor (and, with RSS, echo --stack=host <= 1.25x the floor's)
#
# Sizes are du -sb of the image directory and the size of its lib/modules. Idle RSS is VmRSS of
# the JVM (/proc/PID/status) 2 s after the process is ready: echo --stack=host once it answers
# GET / over HTTP on its shifted port, the floor's bin/idle once it printed "ready". Ends with
# one machine-readable line: RESULT key=value...
set -euo pipefail

usage() { sed -n '6,14p' "$0" | sed 's/^# \{0,1\}//'; }

root=$(cd "$(dirname "$0")/.." && pwd)
samples=5
profile=$root/jlink-profiles/minimal.profile
rss=1
check=0
while [ $# -gt 0 ]; do
  case $1 in
    -n) samples=${2:?-n needs a number}; shift 2 ;;
    -p) profile=${2:?-p needs a file}; shift 2 ;;
    --no-rss) rss=0; shift ;;
    --check) check=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "image-size: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case $samples in ''|*[!0-9]*|0) echo "image-size: -n wants a positive number, not '$samples'" >&2; exit 2 ;; esac
[ -f "$profile" ] || { echo "image-size: no profile at $profile" >&2; exit 2; }
profile=$(cd "$(dirname "$profile")" && pwd)/$(basename "$profile")

cd "$root"
. "$root/.mvn/jdk.sh"
. "$root/benchmarks/floor.sh"
command -v curl >/dev/null || { echo "image-size: installing curl" >&2; apt-get install -y -qq curl >/dev/null; }

work=$(mktemp -d "${TMPDIR:-/tmp}/image-size.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The floor.
echo "image-size: linking the floor (java.base + hello.floor) with $(basename "$profile")" >&2
link_floor "$profile" "$work/floor-build" "$work/floor" >/dev/null
floor_bytes=$(du -sb "$work/floor" | cut -f1)
floor_modules=$(stat -c %s "$work/floor/lib/modules")

# 2. The images: NAME EXAMPLE KEYS, each with removal and with --no-dce.
images=("hello hello" "echo echo" "echo-host echo --stack=host" "gitkv gitkv")
declare -A bytes modules
for spec in "${images[@]}"; do
  read -r name example keys <<< "$spec"
  for mode in dce no-dce; do
    dir=$work/$name-$mode
    mkdir -p "$dir"
    cp -r "examples/$example/src" "examples/$example/Config.java" "$dir/"
    flags=(--profile "$profile")
    [ "$mode" = no-dce ] && flags+=(--no-dce)
    echo "image-size: building $name ($mode)" >&2
    # shellcheck disable=SC2086 # KEYS is empty or one word
    ./mirage build "$dir" -q "${flags[@]}" $keys > "$work/build.out" 2>&1 || {
      echo "image-size: building $name ($mode) failed:" >&2
      cat "$work/build.out" >&2
      exit 1
    }
    bytes[$name-$mode]=$(du -sb "$dir/_build/image" | cut -f1)
    modules[$name-$mode]=$(stat -c %s "$dir/_build/image/lib/modules")
  done
done

# 3. Idle RSS of echo --stack=host (both modes) and of the floor, alternating.
java_child() {  # the JVM a launcher script started (the script does not exec it)
  local shell=$1 child
  for _ in $(seq 100); do
    child=$(cat "/proc/$shell/task/$shell/children" 2>/dev/null | awk '{print $1}')
    [ -n "$child" ] && { echo "$child"; return 0; }
    sleep 0.05
  done
  return 1
}
idle_rss() {  # KIND IMAGE -> VmRSS in KiB of the JVM once ready and 2 s idle
  local kind=$1 image=$2 offset out pid jvm rss_kib
  out=$work/run.out
  : > "$out"
  if [ "$kind" = echo ]; then
    offset=$((20000 + RANDOM % 20000))
    "$image/bin/echo" --port-offset=$offset > "$out" 2>&1 &
  else
    "$image/bin/idle" > "$out" 2>&1 &
  fi
  pid=$!
  pids+=("$pid")
  jvm=$(java_child "$pid") || { echo "image-size: no JVM under $pid" >&2; cat "$out" >&2; return 1; }
  for _ in $(seq 300); do
    if [ "$kind" = echo ]; then
      curl -s -o /dev/null "http://127.0.0.1:$((offset + 80))/" && break
    else
      grep -q ready "$out" && break
    fi
    sleep 0.1
  done
  sleep 2
  rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$jvm/status" 2>/dev/null || true)
  kill "$jvm" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$rss_kib" ] || { echo "image-size: the $kind process ended before it was measured:" >&2; cat "$out" >&2; return 1; }
  echo "$rss_kib"
}
measure() {  # KIND IMAGE: idle_rss, tried up to 3 times (a port of the random offset may be taken)
  local try
  for try in 1 2 3; do
    idle_rss "$1" "$2" && return 0
  done
  echo "image-size: could not measure $2" >&2
  return 1
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
rss_dce=0 rss_nodce=0 rss_floor=0
if [ "$rss" = 1 ]; then
  echo "image-size: idle RSS, $samples samples each, alternating" >&2
  : > "$work/rss"
  for i in $(seq "$samples"); do
    order=("echo-host-dce" "echo-host-no-dce" "floor")
    [ $((i % 2)) = 0 ] && order=("floor" "echo-host-no-dce" "echo-host-dce")
    for what in "${order[@]}"; do
      if [ "$what" = floor ]; then
        kib=$(measure floor "$work/floor") || exit 1
      else
        kib=$(measure echo "$work/$what/_build/image") || exit 1
      fi
      echo "$what $kib" >> "$work/rss"
    done
  done
  rss_dce=$(awk '$1=="echo-host-dce" {print $2}' "$work/rss" | median)
  rss_nodce=$(awk '$1=="echo-host-no-dce" {print $2}' "$work/rss" | median)
  rss_floor=$(awk '$1=="floor" {print $2}' "$work/rss" | median)
fi

# 4. The table.
mb() { awk -v b="$1" 'BEGIN {printf "%.2f", b / 1000000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
echo
echo "image sizes ($(basename "$profile"), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '\n%-12s %12s %12s %10s %12s %12s %10s %14s\n' image "no-dce MB" "dce MB" "dce/no" "vs floor MB" "modules MB" "/floor" "dce-no MB"
printf '%-12s %12s %12s %10s %12s %12s %10s %14s\n' floor "$(mb "$floor_bytes")" "$(mb "$floor_bytes")" "" "0.00" "$(mb "$floor_modules")" "1.000" ""
result="floor_bytes=$floor_bytes floor_modules_bytes=$floor_modules"
for spec in "${images[@]}"; do
  read -r name _ <<< "$spec"
  d=${bytes[$name-dce]} n=${bytes[$name-no-dce]}
  printf '%-12s %12s %12s %10s %12s %12s %10s %14s\n' "$name" "$(mb "$n")" "$(mb "$d")" "$(ratio "$d" "$n")" \
    "$(mb $((d - floor_bytes)))" "$(mb "${modules[$name-dce]}")" "$(ratio "$d" "$floor_bytes")" "$(mb $((d - n)))"
  result="$result ${name}_bytes=$d ${name}_nodce_bytes=$n ${name}_modules_bytes=${modules[$name-dce]}"
done
if [ "$rss" = 1 ]; then
  echo
  echo "idle RSS, median of $samples (VmRSS of the JVM, 2 s after ready)"
  printf '  echo --stack=host: %s MiB (no-dce %s MiB), floor: %s MiB, ratio %s (no-dce %s)\n' \
    "$(awk -v k="$rss_dce" 'BEGIN {printf "%.1f", k / 1024}')" "$(awk -v k="$rss_nodce" 'BEGIN {printf "%.1f", k / 1024}')" \
    "$(awk -v k="$rss_floor" 'BEGIN {printf "%.1f", k / 1024}')" "$(ratio "$rss_dce" "$rss_floor")" "$(ratio "$rss_nodce" "$rss_floor")"
  result="$result echo_host_rss_kib=$rss_dce echo_host_nodce_rss_kib=$rss_nodce floor_rss_kib=$rss_floor rss_ratio=$(ratio "$rss_dce" "$rss_floor")"
fi
echo
echo "RESULT $result samples=$samples"

if [ "$check" = 1 ]; then
  fail=0
  for name in echo echo-host gitkv; do
    if [ "${bytes[$name-dce]}" -gt $((floor_bytes + 3000000)) ]; then
      echo "image-size: $name is $(mb $((bytes[$name-dce] - floor_bytes))) MB above the floor (goal <= 3)" >&2; fail=1
    fi
  done
  if [ "${bytes[hello-dce]}" -ge "$floor_bytes" ]; then
    echo "image-size: hello is not below the floor" >&2; fail=1
  fi
  if [ "$rss" = 1 ] && [ "$(awk -v a="$rss_dce" -v b="$rss_floor" 'BEGIN {print (a > 1.25 * b)}')" = 1 ]; then
    echo "image-size: echo's idle RSS is above 1.25x the floor's" >&2; fail=1
  fi
  exit $fail
fi
