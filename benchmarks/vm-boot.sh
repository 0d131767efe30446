#!/usr/bin/env bash
# MicroVM boot benchmark: the hello unikernel built with -t virtio against a baseline microVM
# of the same kernel whose PID 1 is a jlinked java.base hello world (same jlink profile, packed
# by the same code), and the same hello image with its initramfs gzip-compressed (what the
# uncompressed cpio buys). With --echo, also boot-to-first-HTTP-answer of examples/echo as a
# microVM against the process target (both on a TAP in a network namespace; needs root).
#
# Usage: benchmarks/vm-boot.sh [-n N] [--accel kvm|tcg] [--echo] [-p PROFILE]
#   -n N          boots of each image (default 5), alternating the images
#   --accel A     QEMU accelerator (default: the launcher's choice, kvm when usable)
#   --echo        add the echo comparison (root: TAP devices, a network namespace)
#   -p PROFILE    link the hello microVM with this profile (e.g. fast: with its AOT cache,
#                 docs/decisions/0049); the baseline stays minimal, without a cache
#
# Each boot is timed from just before the launcher starts to the moment the first line of the
# guest's console is read. Peak RSS is the launcher's with its children (wait4 rusage): QEMU's,
# which holds the guest's memory. Ends with one machine-readable line:
#   RESULT accel=... first_line_ratio=X gzip_ratio=Y mirage_ms=... baseline_ms=... ...
set -euo pipefail

usage() { sed -n '7,12p' "$0" | sed 's/^# \{0,1\}//'; }

root=$(cd "$(dirname "$0")/.." && pwd)
runs=5
accel=${MIRAGE_ACCEL:-}
echo_too=
hello_profile=minimal
while [ $# -gt 0 ]; do
  case $1 in
    -p) hello_profile=${2:?-p needs a profile}; shift 2 ;;
    -n) runs=${2:?-n needs a number}; shift 2 ;;
    --accel) accel=${2:?--accel needs kvm or tcg}; shift 2 ;;
    --echo) echo_too=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "vm-boot: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*|0) echo "vm-boot: -n wants a positive number, not '$runs'" >&2; exit 2 ;; esac

cd "$root"
. "$root/.mvn/jdk.sh"
for tool in python3:python3 qemu-system-x86_64:qemu-system-x86 gzip:gzip; do
  if ! command -v "${tool%%:*}" >/dev/null; then
    echo "vm-boot: installing ${tool#*:}" >&2
    apt-get install -y -qq --no-install-recommends "${tool#*:}" >/dev/null
  fi
done
if [ -z "$accel" ]; then
  if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; else accel=tcg; fi
fi
export MIRAGE_ACCEL=$accel

work=$(mktemp -d "${TMPDIR:-/tmp}/vm-boot.XXXXXX")
netns=
cleanup() {
  if [ -n "$netns" ]; then ip netns del "$netns" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The hello unikernel as a microVM, built from a copy (examples/hello keeps its target).
mkdir -p "$work/hello"
cp -r examples/hello/Config.java examples/hello/src examples/hello/aot-training.args "$work/hello/"
echo "vm-boot: building the hello microVM (./mirage build -t virtio -p $hello_profile)" >&2
./mirage build "$work/hello" -t virtio -p "$hello_profile" > "$work/build.out" 2> "$work/build.err" || { cat "$work/build.err" >&2; exit 1; }
hello=$(tail -n 1 "$work/build.out")

# 2. The baseline: java.base + one class printing "hello", the profile's options, packed alike.
profile=$root/jlink-profiles/minimal.profile
. "$root/benchmarks/floor.sh"
link_floor "$profile" "$work" "$work/floor-runtime"
libs=$(ls modules/mirage.core/target/mirage.core-*.jar modules/mirage.link/target/mirage.link-*.jar | grep -v -e tests -e sources | tr '\n' :)
"$JAVA_HOME/bin/java" -p "$libs" -m mirage.link/mirage.link.internal.vm.Pack "$work/floor-runtime" "$work/baseline" hello hello.floor/hello.floor.Hello \
  > /dev/null 2> "$work/pack.err" || { cat "$work/pack.err" >&2; exit 1; }
baseline=$work/baseline

# 3. The hello image with a gzip-compressed initramfs (the kernel unpacks either).
cp -r "$hello" "$work/gzip"
gzip -6 -c "$hello/initramfs.cpio" > "$work/gzip/initramfs.cpio"

size() { stat -c %s "$1"; }
echo "vm-boot: $runs boots of each, alternating, accel=$accel" >&2
cat > "$work/harness.py" <<'EOF'
import os, statistics, subprocess, sys, time

runs = int(sys.argv[1])
images = {"mirage": [os.path.join(sys.argv[2], "bin", "hello"), "--count=1"],
          "baseline": [os.path.join(sys.argv[3], "bin", "hello")],
          "gzip": [os.path.join(sys.argv[4], "bin", "hello"), "--count=1"]}

def boot(name):
    start = time.perf_counter_ns()
    p = subprocess.Popen(images[name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    first = p.stdout.readline()
    first_ms = (time.perf_counter_ns() - start) / 1e6
    p.stdout.read()
    p.stdout.close()
    _, status, usage = os.wait4(p.pid, 0)
    total_ms = (time.perf_counter_ns() - start) / 1e6
    code = os.waitstatus_to_exitcode(status)
    if first.rstrip(b"\r\n") != b"hello" or (name != "baseline" and code != 0):
        sys.exit(f"vm-boot: {name} printed {first!r} first and exited {code}; expected 'hello' and 0")
    return first_ms, total_ms, usage.ru_maxrss

samples = {n: [] for n in images}
for n in images:  # one unrecorded boot each: page cache
    boot(n)
order = list(images)
for i in range(runs):
    for n in (order if i % 2 == 0 else order[::-1]):
        samples[n].append(boot(n))
for n in images:
    s = samples[n]
    print(n, f"{statistics.median(x[0] for x in s):.0f}", f"{min(x[0] for x in s):.0f}", f"{max(x[0] for x in s):.0f}",
          f"{statistics.median(x[1] for x in s):.0f}", int(statistics.median(x[2] for x in s)))
EOF
read -r _ m_med m_min m_max m_total m_rss _ b_med b_min b_max b_total b_rss _ g_med g_min g_max g_total g_rss < <(
  python3 "$work/harness.py" "$runs" "$hello" "$baseline" "$work/gzip" | tr '\n' ' '; echo)

ratio() { python3 -c "print(f'{($1) / ($2):.3f}')"; }
mib() { python3 -c "print(f'{($1) / 1048576:.1f}')"; }
m_kernel=$(size "$hello/vmlinux"); m_initrd=$(size "$hello/initramfs.cpio")
b_kernel=$(size "$baseline/vmlinux"); b_initrd=$(size "$baseline/initramfs.cpio")
g_initrd=$(size "$work/gzip/initramfs.cpio")

echo
echo "microVM boot to first line, $runs boots each, accel=$accel ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '\n%-9s %10s %8s %8s %10s %9s %10s %10s %9s\n' image "first ms" "min" "max" "total ms" "RSS MiB" "kernel MiB" "initrd MiB" "total MiB"
printf '%-9s %10s %8s %8s %10s %9s %10s %10s %9s\n' mirage "$m_med" "$m_min" "$m_max" "$m_total" "$(mib "$m_rss*1024")" \
  "$(mib "$m_kernel")" "$(mib "$m_initrd")" "$(mib "$m_kernel+$m_initrd")"
printf '%-9s %10s %8s %8s %10s %9s %10s %10s %9s\n' baseline "$b_med" "$b_min" "$b_max" "-" "$(mib "$b_rss*1024")" \
  "$(mib "$b_kernel")" "$(mib "$b_initrd")" "$(mib "$b_kernel+$b_initrd")"
printf '%-9s %10s %8s %8s %10s %9s %10s %10s %9s\n' gzip "$g_med" "$g_min" "$g_max" "$g_total" "$(mib "$g_rss*1024")" \
  "$(mib "$m_kernel")" "$(mib "$g_initrd")" "$(mib "$m_kernel+$g_initrd")"
echo "(baseline: its JVM exits instead of powering off, so its total time ends in a kernel panic: not shown)"
first_ratio=$(ratio "$m_med" "$b_med")
gzip_ratio=$(ratio "$g_med" "$m_med")
size_ratio=$(ratio "$m_kernel+$m_initrd" "$b_kernel+$b_initrd")
echo
echo "mirage/baseline first line: $first_ratio; gzip/uncompressed cpio first line: $gzip_ratio; size mirage/baseline: $size_ratio"

result="RESULT accel=$accel first_line_ratio=$first_ratio gzip_ratio=$gzip_ratio size_ratio=$size_ratio mirage_ms=$m_med baseline_ms=$b_med gzip_ms=$g_med mirage_total_ms=$m_total mirage_rss_kib=$m_rss baseline_rss_kib=$b_rss kernel_bytes=$m_kernel initrd_bytes=$m_initrd baseline_initrd_bytes=$b_initrd gzip_initrd_bytes=$g_initrd profile=$hello_profile runs=$runs"

if [ -n "$echo_too" ]; then
  [ "$(id -u)" = 0 ] || { echo "vm-boot: --echo needs root (TAP devices, a network namespace)" >&2; exit 1; }
  command -v curl >/dev/null || apt-get install -y -qq curl >/dev/null
  netns=vmboot-$$
  ip netns add "$netns"
  ip -n "$netns" link set lo up
  mkdir -p "$work/echo"
  cp -r examples/echo/Config.java examples/echo/src "$work/echo/"
  mkdir -p "$work/echo-vm"
  cp -r examples/echo/Config.java examples/echo/src "$work/echo-vm/"
  echo "vm-boot: building examples/echo for both targets" >&2
  ./mirage build "$work/echo" > "$work/echo.out" 2>&1 || { cat "$work/echo.out" >&2; exit 1; }
  ./mirage build "$work/echo-vm" -t virtio > "$work/echo-vm.out" 2>&1 || { cat "$work/echo-vm.out" >&2; exit 1; }
  cat > "$work/echo.py" <<'EOF'
import os, signal, statistics, subprocess, sys, time

runs, netns = int(sys.argv[1]), sys.argv[2]
images = {"process": os.path.join(sys.argv[3], "bin", "echo"), "microvm": os.path.join(sys.argv[4], "bin", "echo")}

def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def boot(name, i):
    tap = f"vb{os.getpid() % 10000}t{i}"
    sh("ip", "-n", netns, "tuntap", "add", "dev", tap, "mode", "tap")
    sh("ip", "-n", netns, "addr", "add", "10.79.0.1/24", "dev", tap)
    sh("ip", "-n", netns, "link", "set", tap, "up")
    start = time.perf_counter_ns()
    p = subprocess.Popen(["ip", "netns", "exec", netns, images[name], f"--net:service={tap}", "--ipv4=10.79.0.2/24"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
    ms = None
    deadline = time.time() + 300
    while time.time() < deadline and p.poll() is None:
        r = subprocess.run(["ip", "netns", "exec", netns, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                            "--max-time", "0.5", "http://10.79.0.2/"], capture_output=True)
        if r.stdout == b"200":
            ms = (time.perf_counter_ns() - start) / 1e6
            break
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGTERM)
    p.wait()
    sh("ip", "-n", netns, "link", "del", tap)
    if ms is None:
        sys.exit(f"vm-boot: echo as {name} never answered HTTP")
    return ms

samples = {n: [] for n in images}
for i in range(runs):
    for n in (list(images) if i % 2 == 0 else list(images)[::-1]):
        samples[n].append(boot(n, i))
for n in images:
    print(n, f"{statistics.median(samples[n]):.0f}", f"{min(samples[n]):.0f}", f"{max(samples[n]):.0f}")
EOF
  read -r _ p_med p_min p_max _ v_med v_min v_max < <(
    python3 "$work/echo.py" "$runs" "$netns" "$(tail -n 1 "$work/echo.out")" "$(tail -n 1 "$work/echo-vm.out")" | tr '\n' ' '; echo)
  echo
  echo "echo: boot to first HTTP answer, $runs boots each (median / min / max ms)"
  echo "  process target: $p_med / $p_min / $p_max"
  echo "  microVM:        $v_med / $v_min / $v_max"
  echo_ratio=$(ratio "$v_med" "$p_med")
  echo "  microVM/process: $echo_ratio"
  result="$result echo_ratio=$echo_ratio echo_process_ms=$p_med echo_microvm_ms=$v_med"
fi
echo
echo "$result"
