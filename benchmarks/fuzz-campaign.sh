#!/usr/bin/env bash
# A fuzz campaign: every Jazzer @FuzzTest of the repository in fuzzing mode (JAZZER_FUZZ=1) for
# a given time each, one target at a time (Jazzer fuzzes one test per JVM). The regular build
# runs the same tests in regression mode over their committed seeds; this script looks for new
# findings. A finding is written by Jazzer under the test's resources
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-*), where the next regression run
# picks it up: fix the cause, keep the file as the regression seed, commit both.
#
# usage: benchmarks/fuzz-campaign.sh [-t SECONDS] [-f FILTER] [-l]
#   -t SECONDS  fuzzing time per target (default 600: the ten minutes issue 19 asks for)
#   -f FILTER   only targets whose "module Class#method" contains FILTER (grep -E)
#   -l          list the targets and stop
#
# Each target runs in one JVM for its whole time: libFuzzer's -max_total_time is given through
# Jazzer's JUnit configuration parameters jazzer.internal.arg.N (arg.0 is libFuzzer's argv[0];
# later flags override the one the @FuzzTest maxDuration sets). The parameter is Jazzer-internal
# (checked with jazzer-junit 0.25.1): should a later Jazzer ignore it, a run stops after its
# maxDuration and the loop below starts the next one with the time that is left, as before. The
# corpus Jazzer keeps in MODULE/.cifuzz-corpus/ (not committed) carries the coverage from one
# run to the next. Every run goes through Maven (-o, the target's module and what it needs),
# which costs 10-30 s a run on two cores. Prints one line per target: runs, fuzzing and wall time, inputs
# executed (libFuzzer's "Done N runs"), findings; logs in target/fuzz-campaign/; exits 1 if any
# run found something or failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=600 filter= list=
while getopts "t:f:l" o; do
  case $o in
    t) seconds=$OPTARG ;;
    f) filter=$OPTARG ;;
    l) list=1 ;;
    *) sed -n '2,25p' "$0"; exit 2 ;;
  esac
done
case $seconds in ''|*[!0-9]*) echo "fuzz-campaign: -t takes a whole number of seconds, not '$seconds'" >&2; exit 2 ;; esac

# Targets: "module-dir fully.qualified.Class method", from the sources.
targets() {
  grep -rlE --include='*.java' '^[[:space:]]*@FuzzTest' --exclude-dir=target . | sort | while read -r f; do
    module=${f%%/src/test/java/*}; module=${module#./}
    cls=${f#*/src/test/java/}; cls=${cls%.java}; cls=${cls//\//.}
    # the method declared on a line after each @FuzzTest
    awk '/^[[:space:]]*@FuzzTest/ {want=1; next} want && /void [A-Za-z0-9_]+\(/ {match($0, /void [A-Za-z0-9_]+\(/); print substr($0, RSTART+5, RLENGTH-6); want=0}' "$f" |
      while read -r m; do echo "$module $cls $m"; done
  done
}

mapfile -t all < <(targets | { if [ -n "$filter" ]; then grep -E -- "$filter" || true; else cat; fi; })
if [ ${#all[@]} -eq 0 ]; then
  echo "fuzz-campaign: no @FuzzTest matches '$filter'" >&2
  exit 2
fi
if [ -n "$list" ]; then
  printf '%s\n' "${all[@]}"
  exit 0
fi

# Jazzer's JVM keeps its corpus and libFuzzer's state in the heap, which grows to the JVM's default
# (a quarter of the machine's memory) over ten minutes: cap it, so that several campaigns in
# parallel (one per clone) and a build beside them fit in memory (MIRAGE_FUZZ_HEAP, default 1g).
export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }-Xmx${MIRAGE_FUZZ_HEAP:-1g}"

echo "fuzz-campaign: ${#all[@]} targets, ${seconds} s of fuzzing each; building once" >&2
./mvnw -q -B -ntp -DskipTests -Djacoco.skip=true package >/dev/null

log=$root/target/fuzz-campaign
mkdir -p "$log"
failed=0
printf '%-24s %-44s %5s %7s %7s %11s %s\n' module target runs fuzz-s wall-s executions findings
for t in "${all[@]}"; do
  read -r module cls method <<<"$t"
  inputs="$module/src/test/resources/${cls//.//}Inputs/$method"
  before=$( { find "$inputs" -name 'crash-*' 2>/dev/null || true; } | wc -l)  # no Inputs directory yet: 0
  runs=0 spent=0 wall=0 execs=0 status=ok
  start=$(date +%s)
  while [ "$spent" -lt "$seconds" ]; do
    runs=$((runs + 1))
    out="$log/${cls##*.}.$method.$runs.log"
    if ! JAZZER_FUZZ=1 ./mvnw -o -q -B -ntp -pl "$module" -am test -Djacoco.skip=true \
        -Dtest="$cls#$method" -Dsurefire.failIfNoSpecifiedTests=false \
        -Djazzer.internal.arg.0=fuzz-campaign -Djazzer.internal.arg.1=-max_total_time=$((seconds - spent)) \
        >"$out" 2>&1; then
      status="failed (see $out)"
      break
    fi
    n=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$out" | tail -1)
    s=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$out" | tail -1)
    execs=$((execs + ${n:-0}))
    # fuzzing time as libFuzzer reports it, not Maven's start-up; a run that reports none
    # counts its wall time, and every run at least a second, so the loop always ends
    now=$(( $(date +%s) - start ))
    s=${s:-$((now - wall))}
    spent=$((spent + (s > 0 ? s : 1)))
    wall=$now
  done
  after=$( { find "$inputs" -name 'crash-*' 2>/dev/null || true; } | wc -l)
  found=$((after - before))
  [ "$found" -gt 0 ] && status="$found new in $inputs"
  [ "$status" != ok ] && failed=1
  printf '%-24s %-44s %5d %7d %7d %11d %s\n' "$module" "${cls##*.}#$method" "$runs" "$spent" "$wall" "$execs" "$status"
done
exit $failed
