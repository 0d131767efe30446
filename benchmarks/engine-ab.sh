#!/usr/bin/env bash
# Before/after of the network stack's JMH benchmarks (issue 14): the benchmarks jar of a base
# revision against the one of this working tree, in one run, alternating sides per round.
#
# Usage: benchmarks/engine-ab.sh [-r ROUNDS] [-i ITERATIONS] [-t] [-k DIR] [BASE_REV]
#   -r ROUNDS      rounds; each runs both sides, the side that goes first alternating (default 2)
#   -i ITERATIONS  measured 1 s iterations per benchmark and side per round, after 2 of warm-up (default 3)
#   -t             TcpStackBench only (the direct stack's bulk and connections/s)
#   -k DIR         keep the jars and JMH's CSV files in DIR (made if missing) instead of a temporary folder
#   BASE_REV       the revision to compare with (default: main)
#
# Benchmarks: TcpBulkBench.bulk (two engines, MTU 1500 and 9000), NetStackBench (UDP frames
# through the whole direct stack, 64 and 1472 bytes), TcpStackBench on the direct stack (bulk
# and connectRequestClose = connections/s through the simulated switch). Each side uses its own
# revision's benchmark sources (the benchmarks follow the engines' API), so a benchmark whose
# body changed measures that change too: compare `git diff BASE_REV -- benchmarks/src` first.
# Ends with one line per benchmark: RESULT name speed=X base=... new=... (means over rounds;
# speed > 1: this tree is faster). Then, because a busy machine swings JMH's wall-clock scores
# by 2x, TcpStackBench's direct-stack ops again in CPU time of the one thread that runs the
# whole simulation (warmed up, alternating sides per round): RESULT-CPU lines with the median
# microseconds of CPU per op and speed = base / new. Last, the load average.
set -euo pipefail
usage() { sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//'; }
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=2
iterations=3
tcpOnly=false
keep=
while getopts "r:i:tk:h" o; do
    case $o in
        r) rounds=$OPTARG ;;
        i) iterations=$OPTARG ;;
        t) tcpOnly=true ;;
        k) keep=$OPTARG ;;
        *) usage; exit 64 ;;
    esac
done
shift $((OPTIND - 1))
base=${1:-main}
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    work=$(cd "$keep" && pwd)
    rm -rf "$work"/src-* "$work"/*.csv
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/engine-ab.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi

. "$root/benchmarks/lib/jars.sh"
echo "building the benchmarks of $(bench_rev_name "$root" "$base") and of this tree"
bench_jar_of_rev "$root" "$base" "$work/base.jar" "$work" "$work/base-build.log"
bench_jar_of_tree "$root" "$work/new.jar" "$work/new-build.log"

. "$root/.mvn/jdk.sh" # JAVA_HOME: a JDK 25
java=$JAVA_HOME/bin/java
jmh=(-f 1 -wi 2 -i "$iterations" -w 1s -r 1s -rf csv)
run() { # side round
    if ! $tcpOnly; then
        "$java" -jar "$work/$1.jar" 'TcpBulkBench|NetStackBench' "${jmh[@]}" -rff "$work/$1-$2-a.csv" >/dev/null
    fi
    "$java" -jar "$work/$1.jar" 'TcpStackBench' -p stack=direct "${jmh[@]}" -rff "$work/$1-$2-b.csv" >/dev/null
}
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then order=(base new); else order=(new base); fi
    for side in "${order[@]}"; do
        echo "round $r: $side"
        run "$side" "$r"
    done
done

cat >"$work/CpuPerOp.java" <<'JAVA'
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import mirage.benchmarks.TcpStackBench;

/** Thread CPU time per op of TcpStackBench on the direct stack: the simulation runs all of it on this thread. */
public class CpuPerOp {
    public static void main(String[] args) throws Exception {
        String which = args[0];
        int warm = Integer.parseInt(args[1]);
        int ops = Integer.parseInt(args[2]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        TcpStackBench b = new TcpStackBench();
        b.stack = "direct";
        b.setup();
        for (int i = 0; i < warm; i++) {
            op(b, which);
        }
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
            op(b, which);
        }
        long t1 = mx.getCurrentThreadCpuTime();
        b.tearDown();
        System.out.printf("%.2f%n", (t1 - t0) / 1e3 / ops);
    }

    static void op(TcpStackBench b, String which) throws Exception {
        if (which.equals("bulk")) {
            b.bulk();
        } else {
            b.connectRequestClose();
        }
    }
}
JAVA
cpu() { # side benchmark warm ops
    echo "$1 $2 $("$java" --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -cp "$work/$1.jar" "$work/CpuPerOp.java" "$2" "$3" "$4")" >>"$work/cpu.txt"
}
rm -f "$work/cpu.txt"
for ((r = 1; r <= 2 * rounds; r++)); do
    if ((r % 2)); then order=(base new); else order=(new base); fi
    echo "CPU round $r"
    for side in "${order[@]}"; do
        cpu "$side" bulk 20 60
        cpu "$side" connectRequestClose 20000 40000
    done
done

python3 - "$work" <<'EOF'
import csv, glob, os, sys
work = sys.argv[1]
scores = {}  # (name) -> side -> [scores]
modes = {}
for path in sorted(glob.glob(os.path.join(work, "*.csv"))):
    side = os.path.basename(path).split("-")[0]
    with open(path) as f:
        for row in csv.DictReader(f):
            params = ",".join(f"{k[7:]}={v}" for k, v in row.items() if k.startswith("Param: ") and v)
            name = row["Benchmark"].rsplit(".", 2)[-2] + "." + row["Benchmark"].rsplit(".", 1)[-1] + (f"({params})" if params else "")
            scores.setdefault(name, {}).setdefault(side, []).append(float(row["Score"]))
            modes[name] = (row["Mode"], row["Unit"])
for name in sorted(scores):
    s = scores[name]
    if "base" not in s or "new" not in s:
        continue
    b = sum(s["base"]) / len(s["base"])
    n = sum(s["new"]) / len(s["new"])
    mode, unit = modes[name]
    speed = n / b if mode == "thrpt" else b / n
    print(f"RESULT {name} speed={speed:.3f} base={b:.4g} new={n:.4g} {unit} rounds={len(s['new'])}")
import statistics
cpu = {}
for line in open(os.path.join(work, "cpu.txt")):
    side, name, us = line.split()
    cpu.setdefault(name, {}).setdefault(side, []).append(float(us))
for name, s in sorted(cpu.items()):
    b = statistics.median(s["base"])
    n = statistics.median(s["new"])
    print(f"RESULT-CPU TcpStackBench.{name}(direct) speed={b / n:.3f} base_us={b:.1f} new_us={n:.1f} "
          f"base_all={s['base']} new_all={s['new']}")
EOF
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
