#!/usr/bin/env bash
# IPv6 against IPv4 through the engines, the direct stack and TCP bulk in memory, in thread CPU
# time (mirage.benchmarks.FamilyCpu; decision 0078): one operation per JVM, the families and the
# jars alternating, ratios printed per jar. Holds far better than JMH's wall clock on a busy
# machine; benchmarks/regress -s ipv6 stays the recorded measure.
#
#   benchmarks/ipv6-cpu.sh [-r ROUNDS] [-o "OP[:PAYLOAD] ..."] [JAR ...]
#
# Default jar: benchmarks/target/benchmarks.jar. For a before/after, build the other side's jar
# (e.g. git worktree add /tmp/base main && (cd /tmp/base && ./mvnw -q -pl benchmarks -am package
# -DskipTests)) and pass both jars: FamilyCpu itself comes from this tree's benchmarks/target/classes
# when a jar has none (behind the jar on the class path). ROUNDS (default 2): JVMs per operation.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/.mvn/jdk.sh" >/dev/null
rounds=2
ops="engine.receive:1452 engine.receive:64 engine.send:1452 engine.send:64 stack.receive:1452 stack.send:1452 tcp.bulk"
while getopts "r:o:" opt; do
    case $opt in
        r) rounds=$OPTARG ;;
        o) ops=$OPTARG ;;
        *) sed -n 2,12p "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=("$root/benchmarks/target/benchmarks.jar")
echo "load before: $(uptime)"
declare -A sum
for r in $(seq "$rounds"); do
    for spec in $ops; do
        op=${spec%%:*}
        payload=1452
        [ "$spec" = "$op" ] || payload=${spec#*:}
        families="ipv4 ipv6"
        [ $((r % 2)) -eq 0 ] && families="ipv6 ipv4"
        for f in $families; do
            for j in "${jars[@]}"; do
                line=$("$JAVA_HOME/bin/java" --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -cp "$j:$root/benchmarks/target/classes" \
                    mirage.benchmarks.FamilyCpu "$op" "$f" "$payload" 7 2>/dev/null | grep '^RESULT')
                ns=${line#*ns_per_op=}
                ns=${ns%% *}
                echo "$(basename "$(dirname "$(dirname "$j")")")/$(basename "$j") $line"
                key="$j|$op:$payload|$f"
                sum[$key]="${sum[$key]:-} $ns"
            done
        done
    done
done
echo "load after: $(uptime)"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for j in "${jars[@]}"; do
    for spec in $ops; do
        op=${spec%%:*}
        payload=1452
        [ "$spec" = "$op" ] || payload=${spec#*:}
        v4=$(echo "${sum[$j|$op:$payload|ipv4]}" | median)
        v6=$(echo "${sum[$j|$op:$payload|ipv6]}" | median)
        echo "RATIO $j $op $payload ipv4_ns=$v4 ipv6_ns=$v6 ipv6_speed_over_ipv4=$(awk -v a="$v4" -v b="$v6" 'BEGIN {printf "%.3f", a / b}')"
    done
done
