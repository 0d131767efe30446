#!/usr/bin/env bash
# What one new TLS connection costs examples/echo's threads (issue 20, decision 0066): for two
# images side by side, each over its own TAP in a network namespace, `openssl s_time -new`
# against each in turn, and per connection, thread by thread (the loop, the carriers of the
# virtual threads, the JIT, the rest), the CPU time and the voluntary and involuntary context
# switches, from /proc/PID/task/*/{stat,status} around each round. Optionally the system calls
# of the loop and the carriers (perf trace -s) in one extra traced round per image.
#
# Usage: benchmarks/tls-conn-cost.sh -a IMAGE [-b IMAGE] [-n ROUNDS] [-d SECONDS] [-w SECONDS] [-t]   (as root)
#   -a IMAGE    an examples/echo image directory built with --certs=boot (side a)
#   -b IMAGE    a second one (side b), e.g. built from main, alternating with side a
#   -n ROUNDS   rounds per side, alternating sides (default 4)
#   -d SECONDS  length of each s_time round (default 8)
#   -w SECONDS  s_time warm-up per side before the rounds (default 30: C2 compiles the handshake)
#   -t          also one round per side under `perf trace -s` (system calls per connection; the
#               tracing slows the server, so its connection rate says nothing)
#   -c          also one round per side captured on the TAP's kernel side (dumpcap), giving per
#               connection the medians (p25-p75) of ClientHello -> the server's first flight and
#               of one whole connection (SYN -> next SYN): the critical path, which s_time's rate
#               follows (decision 0079)
#
# Prints one line per round and side: connections/s, then per connection "thread: CPU us,
# voluntary/involuntary switches" for loop, carriers, jit and other; and the medians per side.
# The loop thread is the process's busiest thread named "java" (the other is main, asleep); since
# 0079 it also carries the handlers' virtual threads, so the carriers stay idle.
set -euo pipefail
usage() { sed -n '9,20p' "$0" | sed 's/^# \{0,1\}//'; }
a= b= rounds=4 secs=8 warm=30 trace=0 capture=0
while [ $# -gt 0 ]; do
  case $1 in
    -a) a=${2:?}; shift 2 ;;
    -b) b=${2:?}; shift 2 ;;
    -n) rounds=${2:?}; shift 2 ;;
    -d) secs=${2:?}; shift 2 ;;
    -w) warm=${2:?}; shift 2 ;;
    -t) trace=1; shift ;;
    -c) capture=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tls-conn-cost: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$a" ] || { usage >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "tls-conn-cost: needs root (namespaces, TAP)" >&2; exit 2; }
command -v openssl >/dev/null || apt-get install -y -qq --no-install-recommends openssl >/dev/null
if [ "$trace" = 1 ] && ! command -v perf >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >/dev/null
fi
if [ "$capture" = 1 ] && ! command -v tshark >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tshark >/dev/null
fi

work=$(mktemp -d /tmp/tls-conn-cost.XXXXXX)
pids=() namespaces=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in "${namespaces[@]}"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.test \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p "$work/certs" && cp "$work/cert.pem" "$work/certs/server.pem" && cp "$work/key.pem" "$work/certs/server.key"

declare -A ns_of addr_of pid_of
start() { # side image subnet
  local side=$1 image=$2 net=$3 ns=mtc-$1-$$
  ip netns add "$ns"; namespaces+=("$ns"); ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" "$image/bin/echo" --net:service=taptc --ipv4=10.$net.0.2/24 --kv:certs="$work/certs" \
    >"$work/$side.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do ip netns exec "$ns" ip link show taptc >/dev/null 2>&1 && break; sleep 0.1; done
  ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
  ip netns exec "$ns" ip addr add 10.$net.0.1/24 dev taptc
  ip netns exec "$ns" ip link set taptc up
  for _ in $(seq 1 600); do grep -q "HTTPS on port" "$work/$side.log" && break; sleep 0.1; done
  grep -q "HTTPS on port" "$work/$side.log" || { echo "tls-conn-cost: $side did not start:" >&2; cat "$work/$side.log" >&2; exit 1; }
  ns_of[$side]=$ns; addr_of[$side]=10.$net.0.2:443
  pid_of[$side]=$(ip netns pids "$ns" | while read -r p; do [ "$(cat /proc/"$p"/comm)" = java ] && echo "$p"; done | head -n 1)
}

# per thread class: "class utime+stime voluntary involuntary", summed
snapshot() { # pid
  local p=$1 t comm ticks vol inv busiest= most=-1
  for t in /proc/"$p"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    if [ "$comm" = java ]; then
      ticks=$(awk '{print $(NF-38) + $(NF-37)}' "$t/stat" 2>/dev/null) || continue
      if [ "$ticks" -gt "$most" ]; then most=$ticks; busiest=${t##*/}; fi
    fi
  done
  for t in /proc/"$p"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    ticks=$(awk '{print $(NF-38) + $(NF-37)}' "$t/stat" 2>/dev/null) || continue
    vol=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status" 2>/dev/null) || continue
    inv=$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$t/status" 2>/dev/null) || continue
    case $comm in
      java) [ "${t##*/}" = "$busiest" ] && c=loop || c=other ;;
      ForkJoinPool*) c=carriers ;;
      C1\ Compiler*|C2\ Compiler*) c=jit ;;
      *) c=other ;;
    esac
    echo "$c $ticks $vol $inv"
  done | awk '{t[$1] += $2; v[$1] += $3; i[$1] += $4} END {for (c in t) print c, t[c], v[c], i[c]}' | sort
}
hz=$(getconf CLK_TCK)

round() { # side: prints "rate loop_us loop_vol loop_inv carriers_us ... jit ... other ..."
  local side=$1 before after out n rate
  before=$(snapshot "${pid_of[$side]}")
  out=$(ip netns exec "${ns_of[$side]}" openssl s_time -connect "${addr_of[$side]}" -new -time "$secs" 2>/dev/null)
  after=$(snapshot "${pid_of[$side]}")
  n=$(awk '/connections in .* real seconds/ { print $1; exit }' <<<"$out")
  rate=$(awk '/connections in .* real seconds/ { print $1 / $4; exit }' <<<"$out")
  [ -n "$n" ] && [ "$n" != 0 ] || { echo "tls-conn-cost: $side made no connection" >&2; exit 1; }
  join <(echo "$before") <(echo "$after") | awk -v n="$n" -v hz="$hz" -v rate="$rate" '
    { us[$1] = ($5 - $2) * 1e6 / hz / n; vol[$1] = ($6 - $3) / n; inv[$1] = ($7 - $4) / n }
    END { printf "%.0f", rate
          split("loop carriers jit other", cs, " ")
          for (k = 1; k <= 4; k++) { c = cs[k]; printf " %.0f %.2f %.2f", us[c], vol[c], inv[c] }
          printf "\n" }'
}

start a "$a" 96
[ -z "$b" ] || start b "$b" 98
sides=(a); [ -z "$b" ] || sides+=(b)
for s in "${sides[@]}"; do
  ip netns exec "${ns_of[$s]}" openssl s_time -connect "${addr_of[$s]}" -new -time "$warm" >/dev/null 2>&1
done
declare -A rows
for r in $(seq 1 "$rounds"); do
  for s in "${sides[@]}"; do
    line=$(round "$s")
    rows[$s]+="$line"$'\n'
    read -r rate lu lv li cu cv ci ju jv ji ou ov oi <<<"$line"
    printf 'round %d %s: %s conn/s; per connection: loop %s us %s/%s sw, carriers %s us %s/%s sw, jit %s us, other %s us\n' \
      "$r" "$s" "$rate" "$lu" "$lv" "$li" "$cu" "$cv" "$ci" "$ju" "$ou" >&2
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in "${sides[@]}"; do
  # medians per column
  printf '%s' "${rows[$s]}" | awk -v side="$s" '
    { for (k = 1; k <= NF; k++) col[k, NR] = $k; nf = NF; nr = NR }
    END {
      for (k = 1; k <= nf; k++) { m = 0; for (i = 1; i <= nr; i++) v[i] = col[k, i]
        for (i = 1; i <= nr; i++) for (j = i + 1; j <= nr; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
        med[k] = v[int((nr + 1) / 2)] }
      printf "MEDIAN side=%s conn_s=%s loop_us=%s loop_vol=%s loop_inv=%s carriers_us=%s carriers_vol=%s carriers_inv=%s jit_us=%s other_us=%s\n",
        side, med[1], med[2], med[3], med[4], med[5], med[6], med[7], med[8], med[11] }'
done
if [ "$trace" = 1 ]; then
  for s in "${sides[@]}"; do
    p=${pid_of[$s]}
    perf trace -s -p "$p" -o "$work/trace-$s.txt" &
    tp=$!
    sleep 1
    out=$(ip netns exec "${ns_of[$s]}" openssl s_time -connect "${addr_of[$s]}" -new -time "$secs" 2>/dev/null)
    kill -INT "$tp"; wait "$tp" || true
    n=$(awk '/connections in .* real seconds/ { print $1; exit }' <<<"$out")
    echo "side $s: system calls per connection under perf trace ($n connections):"
    # per thread: "name (tid), N events" then a table "syscall calls ..."
    awk -v n="$n" '/^ .*\([0-9]+\), [0-9]+ events/ { th = $1; next }
      /^ +[a-z_0-9]+ +[0-9]+ / && th != "" { c[th " " $1] += $2 }
      END { for (k in c) if (c[k] / n >= 0.05) printf "  %s %.2f\n", k, c[k] / n }' "$work/trace-$s.txt" | sort
  done
fi
if [ "$capture" = 1 ]; then
  for s in "${sides[@]}"; do
    ip netns exec "${ns_of[$s]}" dumpcap -q -i taptc -s 128 -f "tcp port 443" -w "$work/cap-$s.pcap" 2>/dev/null &
    cp=$!
    sleep 1
    out=$(ip netns exec "${ns_of[$s]}" openssl s_time -connect "${addr_of[$s]}" -new -time "$secs" 2>/dev/null)
    sleep 0.5; kill -INT "$cp"; wait "$cp" || true
    # per stream: the client's first bytes (its ClientHello), the server's first bytes after them
    # (its flight); per SYN: the time to the next SYN
    tshark -r "$work/cap-$s.pcap" -T fields -e tcp.stream -e frame.time_relative -e tcp.srcport \
        -e tcp.len -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset 2>/dev/null | awk '
      function out(k, d) { printf "%s %.0f\n", k, d * 1e6 }
      $5 == 1 && $6 == 0 { if (lastsyn != "") out("cycle", $2 - lastsyn); lastsyn = $2; syn[$1] = $2; next }
      $5 == 1 && $6 == 1 && ($1 in syn) { out("synack", $2 - syn[$1]); next }
      $3 != 443 && $4 > 0 && !($1 in ch) { ch[$1] = $2; next }
      $3 == 443 && $4 > 0 && ($1 in ch) && !($1 in fl) { fl[$1] = $2; out("flight", $2 - ch[$1]); next }
      $3 != 443 && $4 > 0 && ($1 in fl) && !($1 in fin) { fin[$1] = $2; out("finished", $2 - fl[$1]); next }
      $3 != 443 && $7 == 1 && ($1 in fin) && !($1 in rst) { rst[$1] = $2; out("reset", $2 - fin[$1]); next }' \
      > "$work/cap-$s.txt"
    quartiles() { # kind: "median (p25-p75)" of that kind's values
      awk -v k="$1" '$1 == k { print $2 }' "$work/cap-$s.txt" | sort -n | awk '{ v[NR] = $1 }
        END { if (NR == 0) { printf "none"; exit }
              printf "%d us (%d-%d)", v[int((NR + 1) / 2)], v[int((NR + 3) / 4)], v[int((3 * NR + 3) / 4)] }'
    }
    echo "side $s: captured $(grep -c '^flight' "$work/cap-$s.txt") connections: ClientHello -> flight $(quartiles flight), SYN -> next SYN $(quartiles cycle)"
    echo "side $s:   SYN -> SYN-ACK $(quartiles synack), flight -> client's Finished $(quartiles finished), Finished -> client's reset $(quartiles reset)"
  done
fi
