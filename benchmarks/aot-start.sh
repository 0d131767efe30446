#!/usr/bin/env bash
# Start-up, idle memory and size with and without the per-image AOT cache (issue 18 part 3,
# docs/decisions/0049): hello (start to its first line) and echo --stack=host (start to its
# first HTTP answer), each linked with the minimal profile (no cache) and the fast profile
# (minimal's settings, the cache, C1's thresholds doubled, fewer compile notices: 0080, 0082),
# against the floor: a jlinked java.base hello world, minimal profile, no cache (floor.sh), and
# floor-fast: that floor with fast's options but no cache. echo-packed-aot is
# echo-aot built with --certs=packed: its TLS credentials packed into the image at link time
# (decision 0055) instead of a self-signed certificate made at boot (echo's default).
#
# Usage: benchmarks/aot-start.sh [-n N] [--jvm "OPTIONS"] [-B BASE]
#   -n N            launches of each (default 20), alternating the images in each round
#   --jvm OPTIONS   extra JVM options for every echo launch (JDK_JAVA_OPTIONS), e.g. to try
#                   heap settings for idle RSS: --jvm "-Xmn4m -XX:MetaspaceSize=8m"
#   -B BASE         also build hello-aot and echo-aot with the tree BASE (another commit's copy,
#                   e.g. mkdir /tmp/base && git archive main | tar -x -C /tmp/base) and time them
#                   in the same rounds as base-hello-aot and base-echo-aot: before/after in one run
#
# Each launch is timed from just before the process starts to its first line of output
# (hello, floor) or to the first byte of an answer to GET / on its HTTP port (echo, polled
# every millisecond). Idle RSS is VmRSS of the JVM 2 s after that, for echo and for the
# floor's bin/idle (which prints "ready" and sleeps). Sizes are du -sb of each image. "cpu ms" is
# the JVM's user+system time at that moment (/proc/PID/stat, 10 ms ticks): the work done to the
# first line or answer on all threads, which a busy machine inflates less than wall time.
# Ends with one machine-readable line: RESULT key=value...
set -euo pipefail

usage() { sed -n '11,17p' "$0" | sed 's/^# \{0,1\}//'; }

root=$(cd "$(dirname "$0")/.." && pwd)
runs=20
jvm_extra=
base=
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=${2:?-n needs a number}; shift 2 ;;
    --jvm) jvm_extra=${2?--jvm needs options}; shift 2 ;;
    -B) base=$(cd "${2:?-B needs a directory}" && pwd); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "aot-start: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*|0) echo "aot-start: -n wants a positive number, not '$runs'" >&2; exit 2 ;; esac

cd "$root"
. "$root/.mvn/jdk.sh"
. "$root/benchmarks/floor.sh"
command -v python3 >/dev/null || { echo "aot-start: installing python3" >&2; apt-get install -y -qq python3 >/dev/null; }

work=$(mktemp -d "${TMPDIR:-/tmp}/aot-start.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "aot-start: linking the floor (java.base + hello.floor) with minimal.profile" >&2
link_floor "$root/jlink-profiles/minimal.profile" "$work/floor-build" "$work/floor" >/dev/null
# floor-fast: the same floor with every option of the fast profile but its cache (fast's JVM
# options beyond minimal's, decision 0080), so that what those options alone give shows beside
# what the cache gives
echo "aot-start: linking floor-fast (java.base + hello.floor) with fast.profile's options, no cache" >&2
grep -v '^[[:space:]]*aot:' "$root/jlink-profiles/fast.profile" > "$work/fast-without-cache.profile"
link_floor "$work/fast-without-cache.profile" "$work/floor-fast-build" "$work/floor-fast" >/dev/null

[ -z "$base" ] || [ -x "$base/mirage" ] || { echo "aot-start: -B $base has no ./mirage" >&2; exit 2; }

# NAME EXAMPLE PROFILE KEYS (a name base-* is built with the -B tree)
specs=("hello-plain hello minimal" "hello-aot hello fast" "echo-plain echo minimal --stack=host" "echo-aot echo fast --stack=host"
       "echo-packed-aot echo fast --stack=host --certs=packed")
[ -z "$base" ] || specs+=("base-hello-aot hello fast" "base-echo-aot echo fast --stack=host")
declare -A bytes
for spec in "${specs[@]}"; do
  read -r name example profile keys <<< "$spec"
  dir=$work/$name
  tree=$root
  [[ $name == base-* ]] && tree=$base
  mkdir -p "$dir"
  cp -r "$tree/examples/$example/src" "$tree/examples/$example/Config.java" "$dir/"
  for training in aot-training.args aot-training.requests; do
    [ -f "$tree/examples/$example/$training" ] && cp "$tree/examples/$example/$training" "$dir/"
  done
  if [[ $keys == *--certs=packed* ]]; then # the credentials echo's tls/ holds, packed when linked
    mkdir -p "$dir/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
      -keyout "$dir/tls/server.key" -out "$dir/tls/server.pem" 2>/dev/null
  fi
  echo "aot-start: building $name (-p $profile $keys)" >&2
  # shellcheck disable=SC2086 # KEYS is empty or one word
  "$tree/mirage" build "$dir" -q -p "$profile" $keys > "$work/build.out" 2>&1 || {
    echo "aot-start: building $name failed:" >&2; cat "$work/build.out" >&2; exit 1; }
  bytes[$name]=$(du -sb "$dir/_build/image" | cut -f1)
done
floor_bytes=$(du -sb "$work/floor" | cut -f1)
bytes[floor-fast]=$(du -sb "$work/floor-fast" | cut -f1)
aot_hello=$(stat -c %s "$work/hello-aot/_build/image/lib/hello.aot")
aot_echo=$(stat -c %s "$work/echo-aot/_build/image/lib/echo.aot")

cat > "$work/harness.py" <<'EOF'
import os, random, signal, socket, statistics, subprocess, sys, time

runs, work, jvm_extra, with_base = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "1"
images = {
    "floor": ("line", [f"{work}/floor/bin/hello"]),
    "floor-fast": ("line", [f"{work}/floor-fast/bin/hello"]),
    "hello-plain": ("line", [f"{work}/hello-plain/_build/image/bin/hello", "--count=1"]),
    "hello-aot": ("line", [f"{work}/hello-aot/_build/image/bin/hello", "--count=1"]),
    "echo-plain": ("http", [f"{work}/echo-plain/_build/image/bin/echo"]),
    "echo-aot": ("http", [f"{work}/echo-aot/_build/image/bin/echo"]),
    "echo-packed-aot": ("http", [f"{work}/echo-packed-aot/_build/image/bin/echo"]),
    "floor-idle": ("rss", [f"{work}/floor/bin/idle"]),
    "base-hello-aot": ("line", [f"{work}/base-hello-aot/_build/image/bin/hello", "--count=1"]),
    "base-echo-aot": ("http", [f"{work}/base-echo-aot/_build/image/bin/echo"]),
}

def jvm_of(pid, patience=2000):  # the JVM a launcher script started (the script does not exec it)
    for _ in range(patience):
        try:
            kids = open(f"/proc/{pid}/task/{pid}/children").read().split()
        except OSError:
            kids = []
        if kids:
            return int(kids[0])
        time.sleep(0.001)
    return pid

def cpu_ms(pid):  # user + system time of the process so far; None if it is gone
    if pid is None:
        return None
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")
    except OSError:
        return None

def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

def answer(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
            return len(s.recv(16)) > 0
    except OSError:
        return False

def launch(name, measure_rss):
    kind, cmd = images[name]
    env = dict(os.environ)
    if kind == "http":
        offset = random.randint(20000, 40000)
        cmd = cmd + [f"--port-offset={offset}"]
        if jvm_extra:
            env["JDK_JAVA_OPTIONS"] = jvm_extra
    start = time.perf_counter_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                         env=env, start_new_session=True)
    try:
        if kind == "http":
            deadline = time.monotonic() + 60
            while not answer(offset + 80):
                if p.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"aot-start: {name} never answered HTTP (exit {p.poll()})")
                time.sleep(0.001)
        else:
            first = p.stdout.readline()
            if not first:
                sys.exit(f"aot-start: {name} printed nothing")
        elapsed = (time.perf_counter_ns() - start) / 1e6
        jvm = jvm_of(p.pid, 20)  # hello and the floor may have ended already: then no sample
        cpu = cpu_ms(jvm) if jvm != p.pid else None
        rss = 0
        if measure_rss:
            time.sleep(2)
            rss = rss_kib(jvm_of(p.pid))
        return elapsed, rss, cpu
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()

timed = ["floor", "floor-fast", "hello-plain", "hello-aot", "echo-plain", "echo-aot", "echo-packed-aot"]
if with_base:
    timed += ["base-hello-aot", "base-echo-aot"]
ms = {n: [] for n in timed}
cpu = {n: [] for n in timed}
for n in timed:
    launch(n, False)  # unrecorded: page cache, first exec
for i in range(runs):
    order = timed if i % 2 == 0 else list(reversed(timed))
    for n in order:
        elapsed, _, used = launch(n, False)
        ms[n].append(elapsed)
        if used is not None:
            cpu[n].append(used)
rss_names = ["floor-idle", "echo-plain", "echo-aot"] + (["base-echo-aot"] if with_base else [])
rss = {n: [] for n in rss_names}
for i in range(max(3, runs // 4)):
    order = rss_names if i % 2 == 0 else list(reversed(rss_names))
    for n in order:
        rss[n].append(launch(n, True)[1])
for n in timed:
    print("ms", n, f"{statistics.median(ms[n]):.1f}", f"{min(ms[n]):.1f}")
    print("cpu", n, f"{statistics.median(cpu[n]):.0f}" if cpu[n] else "-")
for n in rss_names:
    print("rss", n, int(statistics.median(rss[n])))
EOF
echo "aot-start: $runs launches of each, alternating" >&2
python3 "$work/harness.py" "$runs" "$work" "$jvm_extra" "$([ -n "$base" ] && echo 1 || echo 0)" > "$work/results"

get() { awk -v k="$1" -v n="$2" '$1 == k && $2 == n {print $3}' "$work/results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.2f", b / 1000000}'; }
floor_ms=$(get ms floor)
floor_rss=$(get rss floor-idle)
echo
echo "start-up with and without the AOT cache, $runs launches each ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
[ -n "$jvm_extra" ] && echo "echo launched with JDK_JAVA_OPTIONS='$jvm_extra'"
[ -n "$base" ] && echo "base-* images built with the tree $base"
printf '\n%-15s %10s %12s %10s %10s %12s %12s\n' image "median ms" "/floor" "cpu ms" "size MB" "size-floor" "cache MB"
printf '%-15s %10s %12s %10s %10s %12s %12s\n' floor "$floor_ms" "1.000" "$(get cpu floor)" "$(mb "$floor_bytes")" "0.00" ""
result="floor_ms=$floor_ms floor_bytes=$floor_bytes floor_rss_kib=$floor_rss"
names=(floor-fast hello-plain hello-aot echo-plain echo-aot echo-packed-aot)
[ -z "$base" ] || names+=(base-hello-aot base-echo-aot)
for name in "${names[@]}"; do
  t=$(get ms "$name")
  cache=
  [ "$name" = hello-aot ] && cache=$(mb "$aot_hello")
  [ "$name" = echo-aot ] && cache=$(mb "$aot_echo")
  printf '%-15s %10s %12s %10s %10s %12s %12s\n' "$name" "$t" "$(ratio "$t" "$floor_ms")" "$(get cpu "$name")" "$(mb "${bytes[$name]}")" \
    "$(mb $((bytes[$name] - floor_bytes)))" "$cache"
  key=${name//-/_}
  result="$result ${key}_ms=$t ${key}_start_ratio=$(ratio "$t" "$floor_ms") ${key}_cpu_ms=$(get cpu "$name") ${key}_bytes=${bytes[$name]}"
done
echo
echo "idle RSS (VmRSS of the JVM 2 s after ready, median)"
rss_shown=(echo-plain echo-aot)
[ -z "$base" ] || rss_shown+=(base-echo-aot)
for name in "${rss_shown[@]}"; do
  r=$(get rss "$name")
  printf '  %-10s %8.1f MiB  /floor %s\n' "$name" "$(awk -v k="$r" 'BEGIN {print k / 1024}')" "$(ratio "$r" "$floor_rss")"
  result="$result ${name//-/_}_rss_kib=$r ${name//-/_}_rss_ratio=$(ratio "$r" "$floor_rss")"
done
printf '  %-10s %8.1f MiB\n' floor "$(awk -v k="$floor_rss" 'BEGIN {print k / 1024}')"
echo
echo "echo-packed-aot / echo-aot start: $(ratio "$(get ms echo-packed-aot)" "$(get ms echo-aot)")"
echo_over_floor_fast=$(ratio "$(get ms echo-aot)" "$(get ms floor-fast)")
echo "echo-aot / floor-fast start: $echo_over_floor_fast (the floor with fast's options but no cache)"
[ -z "$base" ] || echo "echo-aot / base-echo-aot start: $(ratio "$(get ms echo-aot)" "$(get ms base-echo-aot)"), hello-aot / base-hello-aot: $(ratio "$(get ms hello-aot)" "$(get ms base-hello-aot)")"
echo "RESULT $result hello_cache_bytes=$aot_hello echo_cache_bytes=$aot_echo echo_aot_over_floor_fast=$echo_over_floor_fast runs=$runs"
