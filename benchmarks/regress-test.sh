#!/usr/bin/env bash
# The test of benchmarks/regress (issue 16 part 4): on a fixture (RegressFixtureBench, whose
# subject and reference do the same work), record a baseline, then check that regress exits 0
# on the unchanged fixture and 1 on the planted regressions, each found by its entry: the
# subject made 20x slower (-Dmirage.regress.planted=20 in the forked JVMs) and the
# zero-allocation benchmark made to allocate 64 bytes per op (-Dmirage.regress.plantedAlloc).
# Uses the jar in benchmarks/target (build it first, or pass --build). About a minute on 2 cores.
#
# Usage: benchmarks/regress-test.sh [--build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=(--no-build)
[ "${1:-}" = --build ] && build=()
work=$(mktemp -d "${TMPDIR:-/tmp}/regress-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/fixture.suite" <<'SUITE'
jmh -f 1 -wi 1 -i 5 -w 300ms -r 200ms
rounds 3
ratio fixture.speed  RegressFixtureBench.subject  RegressFixtureBench.reference  tolerance=1.0
zero  fixture.alloc  RegressFixtureBench.zeroAlloc
SUITE

fail=0
# expect STATUS VERDICT_OF_SPEED VERDICT_OF_ALLOC WHAT [regress options...]
expect() {
    local want=$1 speed=$2 alloc=$3 what=$4
    shift 4
    local status=0
    "$root/benchmarks/regress" -s "$work/fixture.suite" --out "$work/out" "${build[@]}" "$@" >"$work/table" 2>"$work/progress" || status=$?
    build=(--no-build)
    local got
    got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = {e["name"]: e.get("verdict", "unmeasured") for e in d["entries"]}
print(v["fixture.speed"], v["fixture.alloc"])' "$work/out/fixture.json")
    local values
    values=$(python3 -c '
import json, sys
d = {e["name"]: e for e in json.load(open(sys.argv[1]))["entries"]}
s, a = d["fixture.speed"], d["fixture.alloc"]
print("speed %.3fx +-%.0f%% (baseline %s), %.3f B/op (baseline %s)" % (s.get("value", 0), 100 * s.get("noise", 0),
      "%.3fx" % s["baseline"] if "baseline" in s else "none", a.get("value", 0), "%.3f" % a["baseline"] if "baseline" in a else "none"))' \
        "$work/out/fixture.json")
    if [ "$status" = "$want" ] && [ "$got" = "$speed $alloc" ]; then
        echo "regress-test: ok: $what (exit $status; $got; $values)"
    else
        echo "regress-test: FAILED: $what: exit $status (wanted $want), verdicts '$got' (wanted '$speed $alloc')" >&2
        cat "$work/table" "$work/progress" >&2
        fail=1
    fi
}

expect 0 new new "recording the baseline" --update
[ -f "$work/fixture.json" ] || { echo "regress-test: FAILED: --update wrote no $work/fixture.json" >&2; exit 1; }
expect 0 same same "the unchanged fixture passes"
expect 1 regression regression "a 20x slower subject and an allocating zero-allocation benchmark are caught" \
    --jmh-arg -jvmArgsAppend --jmh-arg "-Dmirage.regress.planted=20 -Dmirage.regress.plantedAlloc=true"
echo "regress-test: load $(cut -d' ' -f1-3 /proc/loadavg)"
exit $fail
