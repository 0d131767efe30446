#!/usr/bin/env bash
# Whole-process start-up benchmark: the hello unikernel image against the floor, a jlinked
# java.base-only hello world built with the same jlink profile.
#
# Usage: benchmarks/start-time.sh [-n N] [-i IMAGE_DIR] [-p PROFILE] [--save-floor DIR]
#   -n N            launches of each image (default 20), alternating the two
#   -i IMAGE_DIR    use this hello image instead of building one with './mirage build
#                   examples/hello' (also: MIRAGE_IMAGE=DIR); it must hold bin/hello.
#                   '-i floor' times the floor against itself: a check of the noise
#   -p PROFILE      jlink profile for the floor (default jlink-profiles/minimal.profile)
#   --save-floor D  also copy the floor image to D (e.g. to use it as a stand-in with -i)
#
# Each launch is timed from just before the process is started to the moment its first line
# of standard output is read (not to its exit). Peak RSS is the launch's own (wait4 rusage:
# the launcher script and the JVM it starts). Ends with one machine-readable line:
#   RESULT start_ratio=X size_ratio=Y mirage_ms=... floor_ms=... mirage_bytes=... floor_bytes=...
# where start_ratio = mirage/floor of the medians and size_ratio = mirage/floor of du -sb.
set -euo pipefail

usage() { sed -n '5,13p' "$0" | sed 's/^# \{0,1\}//'; }

root=$(cd "$(dirname "$0")/.." && pwd)
runs=20
image=${MIRAGE_IMAGE:-}
profile=$root/jlink-profiles/minimal.profile
save_floor=
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=${2:?-n needs a number}; shift 2 ;;
    -i) image=${2:?-i needs a directory}; shift 2 ;;
    -p) profile=${2:?-p needs a file}; shift 2 ;;
    --save-floor) save_floor=${2:?--save-floor needs a directory}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "start-time: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*|0) echo "start-time: -n wants a positive number, not '$runs'" >&2; exit 2 ;; esac
[ -f "$profile" ] || { echo "start-time: no profile at $profile" >&2; exit 2; }

# Tools: JDK 25 (found as the build finds it) and python3 for the timing harness.
cd "$root"
. "$root/.mvn/jdk.sh"
if ! command -v python3 >/dev/null; then
  echo "start-time: installing python3" >&2
  apt-get install -y -qq python3 >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/start-time.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. The hello unikernel image.
if [ "$image" = floor ]; then
  : # resolved once the floor is linked
elif [ -z "$image" ]; then
  [ -x "$root/mirage" ] || { echo "start-time: no ./mirage in $root; give an image with -i DIR or MIRAGE_IMAGE=DIR" >&2; exit 1; }
  echo "start-time: building the hello image (./mirage build examples/hello)" >&2
  ./mirage build examples/hello > "$work/mirage-build.out" || {
    echo "start-time: './mirage build examples/hello' failed; its output:" >&2
    cat "$work/mirage-build.out" >&2
    exit 1
  }
  image=$(tail -n 1 "$work/mirage-build.out")
fi
if [ "$image" != floor ]; then
  image=$(cd "$image" && pwd)
  [ -x "$image/bin/hello" ] || { echo "start-time: $image has no executable bin/hello" >&2; exit 1; }
fi

# 2. The floor: a one-class java.base hello world, linked with the profile's options.
. "$root/benchmarks/floor.sh"
echo "start-time: linking the floor (java.base + hello.floor) with $(basename "$profile")" >&2
floor=$work/floor
link_floor "$profile" "$work" "$floor"
[ "$image" != floor ] || image=$floor
if [ -n "$save_floor" ]; then
  rm -rf "$save_floor"
  cp -a "$floor" "$save_floor"
fi

# 3. Sizes.
mirage_bytes=$(du -sb "$image" | cut -f1)
floor_bytes=$(du -sb "$floor" | cut -f1)
mirage_modules=$(stat -c %s "$image/lib/modules" 2>/dev/null || echo 0)
floor_modules=$(stat -c %s "$floor/lib/modules")

# 4. Alternating launches, timed to the first line of output.
cat > "$work/harness.py" <<'EOF'
import os, statistics, subprocess, sys, time

runs = int(sys.argv[1])
images = {"mirage": [os.path.join(sys.argv[2], "bin", "hello"), "--count=1"],
          "floor": [os.path.join(sys.argv[3], "bin", "hello"), "--count=1"]}

def launch(cmd):
    start = time.perf_counter_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    first = p.stdout.readline()
    elapsed = time.perf_counter_ns() - start
    p.stdout.read()
    p.stdout.close()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if first.rstrip(b"\r\n") != b"hello" or p.returncode != 0:
        sys.exit(f"start-time: {cmd[0]} printed {first!r} first and exited {p.returncode}; expected 'hello' and 0")
    return elapsed / 1e6, usage.ru_maxrss  # ms, KiB

samples = {name: [] for name in images}
for name in images:  # one unrecorded launch each: page cache, first exec
    launch(images[name])
for i in range(runs):
    order = ["mirage", "floor"] if i % 2 == 0 else ["floor", "mirage"]
    for name in order:
        samples[name].append(launch(images[name]))

def p90(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, -(-9 * len(xs) // 10) - 1))]

for name in images:
    ms = [s[0] for s in samples[name]]
    rss = [s[1] for s in samples[name]]
    print(name, f"{statistics.median(ms):.1f}", f"{p90(ms):.1f}", f"{min(ms):.1f}",
          int(statistics.median(rss)), max(rss))
EOF
echo "start-time: $runs launches of each, alternating" >&2
read -r _ m_med m_p90 m_min m_rss m_rss_max _ f_med f_p90 f_min f_rss f_rss_max < <(
  python3 "$work/harness.py" "$runs" "$image" "$floor" | tr '\n' ' '; echo)

ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }
mib() { python3 -c "print(f'{$1 / 1048576:.1f}')"; }
start_ratio=$(ratio "$m_med" "$f_med")
size_ratio=$(ratio "$mirage_bytes" "$floor_bytes")

echo
echo "start-up to first line, $runs launches each ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  mirage: $image"
echo "  floor:  java.base + hello.floor, $(basename "$profile")"
printf '\n%-8s %10s %10s %10s %14s %14s %12s %12s\n' image "median ms" "p90 ms" "min ms" "RSS med MiB" "RSS max MiB" "image MiB" "modules MiB"
printf '%-8s %10s %10s %10s %14s %14s %12s %12s\n' mirage "$m_med" "$m_p90" "$m_min" "$(mib "$m_rss*1024")" "$(mib "$m_rss_max*1024")" "$(mib "$mirage_bytes")" "$(mib "$mirage_modules")"
printf '%-8s %10s %10s %10s %14s %14s %12s %12s\n' floor "$f_med" "$f_p90" "$f_min" "$(mib "$f_rss*1024")" "$(mib "$f_rss_max*1024")" "$(mib "$floor_bytes")" "$(mib "$floor_modules")"
printf '%-8s %10s %10s %10s %14s %14s %12s\n' ratio "$start_ratio" "" "" "" "" "$size_ratio"
echo
echo "RESULT start_ratio=$start_ratio size_ratio=$size_ratio mirage_ms=$m_med floor_ms=$f_med mirage_bytes=$mirage_bytes floor_bytes=$floor_bytes mirage_p90_ms=$m_p90 floor_p90_ms=$f_p90 mirage_rss_kib=$m_rss floor_rss_kib=$f_rss mirage_modules_bytes=$mirage_modules floor_modules_bytes=$floor_modules runs=$runs"
