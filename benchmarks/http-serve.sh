#!/usr/bin/env bash
# HTTP serving benchmark (issue 20): wrk against examples/echo, side by side with nginx serving
# the same 1,000-byte body, in one run, alternating sides; prints each row's ratio.
#
# Usage: benchmarks/http-serve.sh [-n ROUNDS] [-d SECONDS] [-w SECONDS] [-s SIDES] [-r ROWS] [-p PROFILE] [-i IMAGE] [-B IMAGE] [-k]   (as root)
#   -n ROUNDS   measurements per side and row, alternating sides (default 3; medians reported)
#   -d SECONDS  length of each wrk / s_time measurement (default 8)
#   -w SECONDS  warm-up of new TLS connections (s_time) per side before the rounds (default 30: C2
#               compiles the handshake path for ~40 s of s_time on this 2-core machine under load;
#               measured with 3 s, the first round's server CPU per connection was up to 2x the last's)
#   -s SIDES    comma-separated among direct, host, microvm (default direct,host); nginx always runs
#   -r ROWS     comma-separated among http1, http50, https50, tlsnew (default all four)
#   -p PROFILE  jlink profile of our images, a name or a file (default: mirage's, minimal: C1
#               only; `-p server` links them with C2, as a long-running server should be)
#   -i IMAGE    the direct side runs this built examples/echo image (its directory) instead of building one
#               (built with --certs=boot, or from before KV_RO devices: it then gets --tls-cert/--tls-key)
#   -B IMAGE    adds side "base": the direct stack from this image (e.g. one built from main), for
#               a before/after of two builds in the same run, alternating with the others
#   -k          keep the work directory (logs, certificates) and print where it is
#
# Sides. direct: echo's image on its own stack over a TAP in a network namespace; wrk in the same
# namespace on the TAP's kernel side. host: echo built with --stack=host in a namespace of its
# own, wrk on its loopback (ports 8080/8443). nginx: nginx-light in one namespace, wrk in
# another, over a veth pair, `worker_processes auto`, `access_log off`, keep-alive without a
# request limit, the same P-256 certificate as ours. microvm: examples/echo built with `./mirage
# build DIR -t virtio`, booted under QEMU on a TAP in a namespace (see start_microvm below).
#
# Rows (each side against nginx in the same round): HTTP keep-alive p50 latency at 1 connection
# (wrk -c1 --latency), HTTP and HTTPS keep-alive requests/s at 50 connections (wrk -c50), and
# HTTPS new connections/s (openssl s_time -new: a full TLS 1.3 handshake per connection, one at
# a time). Each row also gives the server's CPU time per request (utime+stime of every thread
# of its process(es) over the run, from /proc). wrk runs with one thread: the machine has two
# cores for client and server together. Before the rounds, one `tls side=...` line per side
# says what that side negotiates with the client's OpenSSL (protocol, suite, group, signature).
#
# Ends with one RESULT line per side and row: ratio (ours against nginx, higher is better for
# throughput; for latency the ratio is ours/nginx, lower is better).
set -euo pipefail
usage() { sed -n '5,18p' "$0" | sed 's/^# \{0,1\}//'; }
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3
secs=8
warm=30
sides=direct,host
rows_wanted=http1,http50,https50,tlsnew
profile=()
keep=0
prebuilt=
base=
while [ $# -gt 0 ]; do
  case $1 in
    -n) rounds=${2:?}; shift 2 ;;
    -d) secs=${2:?}; shift 2 ;;
    -w) warm=${2:?}; shift 2 ;;
    -s) sides=${2:?}; shift 2 ;;
    -r) rows_wanted=${2:?}; shift 2 ;;
    -p) profile=(--profile "${2:?}"); shift 2 ;;
    -i) prebuilt=${2:?}; shift 2 ;;
    -B) base=${2:?}; shift 2 ;;
    -k) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "http-serve: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ -z "$base" ] || sides=$sides,base
[ "$(id -u)" = 0 ] || { echo "http-serve: needs root (namespaces, TAP)" >&2; exit 2; }
need() { # command, Debian package
  command -v "$1" >/dev/null && return
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
}
need wrk wrk
need nginx nginx-light
need openssl openssl
case ",$sides," in *,microvm,*) need qemu-system-x86_64 qemu-system-x86 ;; esac

work=$(mktemp -d /tmp/http-serve.XXXXXX)
chmod 755 "$work" # nginx's workers (www-data) read the body from here
ns_direct=mhs-direct-$$; ns_base=mhs-base-$$; ns_host=mhs-host-$$; ns_ngx=mhs-ngx-$$; ns_cli=mhs-cli-$$; ns_vm=mhs-vm-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in "$ns_direct" "$ns_base" "$ns_host" "$ns_ngx" "$ns_cli" "$ns_vm"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  if [ "$keep" = 1 ]; then echo "http-serve: work directory $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# One certificate for every side: ECDSA P-256, TLS 1.3 on all.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.test \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
# echo's certificate store (built with --certs=boot, bound with --kv:certs=DIR)
mkdir -p "$work/certs" && cp "$work/cert.pem" "$work/certs/server.pem" && cp "$work/key.pem" "$work/certs/server.key"

build_echo() { # directory name, configure keys...: prints the image directory
  local dir=$work/$1; shift
  mkdir -p "$dir"
  cp "$root/examples/echo/Config.java" "$dir/"
  cp -r "$root/examples/echo/src" "$dir/"
  "$root/mirage" build "$dir" "${profile[@]}" "$@" | tail -n 1
}

netns() { ip netns add "$1"; ip netns exec "$1" ip link set lo up; }

# Each start_SIDE sets url_http, url_https, tls_addr (host:port for s_time), run_ns (where the
# client runs) and server_pids (whose CPU is counted).
start_direct() { # [image namespace subnet log]: the direct side, or with arguments the base side
  local image=${1:-} ns=${2:-$ns_direct} net=${3:-92} log=${4:-direct} certs
  if [ -z "$image" ]; then
    if [ -n "$prebuilt" ]; then image=$prebuilt; else image=$(build_echo echo-direct --certs=boot); fi
  fi
  # an echo from before KV_RO devices (a -B base) takes its certificate files by path
  if "$image/bin/echo" --help 2>&1 | grep -q -- '--tls-cert'; then
    certs=(--tls-cert="$work/cert.pem" --tls-key="$work/key.pem")
  else
    certs=(--kv:certs="$work/certs")
  fi
  netns "$ns"
  ip netns exec "$ns" "$image/bin/echo" --net:service=taphs --ipv4=10.$net.0.2/24 \
    "${certs[@]}" >"$work/$log.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do ip netns exec "$ns" ip link show taphs >/dev/null 2>&1 && break; sleep 0.1; done
  ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
  ip netns exec "$ns" ip addr add 10.$net.0.1/24 dev taphs
  ip netns exec "$ns" ip link set taphs up
  await_line "$work/$log.log" "HTTPS on port"
  if [ "$log" = direct ]; then direct_pids=$(java_pids "$ns"); else base_pids=$(java_pids "$ns"); fi
}

start_host() {
  local image; image=$(build_echo echo-host --stack=host --certs=boot)
  netns "$ns_host"
  ip netns exec "$ns_host" "$image/bin/echo" --port-offset=8000 \
    --kv:certs="$work/certs" >"$work/host.log" 2>&1 &
  pids+=($!)
  await_line "$work/host.log" "HTTPS on port"
  host_pids=$(java_pids "$ns_host")
}

# The third side: examples/echo as a microVM (`./mirage build DIR -t virtio`, issue 13), booted by
# its own launcher (QEMU; KVM when /dev/kvm is usable, else emulation) in namespace $ns_vm with its
# virtio NIC on a TAP there (the guest 10.94.0.2 on our stack, the kernel side 10.94.0.1). Its
# certificate is the self-signed P-256 one echo makes at boot (the guest reads no host files; the
# handshake costs the same: ECDSA P-256). The server's CPU is QEMU's (every thread: vCPUs, I/O).
start_microvm() {
  local image
  if ! image=$(build_echo echo-vm -t virtio 2>"$work/microvm-build.log") || [ ! -x "$image/bin/echo" ]; then
    echo "http-serve: no microVM side: ./mirage build -t virtio failed: $(tail -n 1 "$work/microvm-build.log")" >&2
    return 1
  fi
  netns "$ns_vm"
  ip netns exec "$ns_vm" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
  ip netns exec "$ns_vm" ip tuntap add dev tapvm mode tap
  ip netns exec "$ns_vm" ip addr add 10.94.0.1/24 dev tapvm
  ip netns exec "$ns_vm" ip link set tapvm up
  ip netns exec "$ns_vm" "$image/bin/echo" --net:service=tapvm --ipv4=10.94.0.2/24 --tls-name=bench.test \
    >"$work/microvm.log" 2>&1 &
  pids+=($!)
  await_line "$work/microvm.log" "HTTPS on port"
  microvm_pids=$(ip netns pids "$ns_vm" | while read -r p; do
    case $(cat /proc/"$p"/comm 2>/dev/null) in qemu*) echo "$p" ;; esac; done | tr '\n' ' ')
  [ -n "$microvm_pids" ] || { echo "http-serve: no QEMU process in $ns_vm" >&2; return 1; }
  echo "http-serve: microVM side: $(tr '\0' ' ' </proc/"${microvm_pids%% *}"/cmdline | grep -o -- '-accel [a-z]*\|-enable-kvm\|-smp [^ ]*\|-m [^ ]*' | tr '\n' ' ')" >&2
}

start_nginx() {
  netns "$ns_ngx"; netns "$ns_cli"
  ip link add vngx$$ netns "$ns_ngx" type veth peer name vcli$$ netns "$ns_cli"
  ip netns exec "$ns_ngx" ip addr add 10.93.0.1/24 dev vngx$$; ip netns exec "$ns_ngx" ip link set vngx$$ up
  ip netns exec "$ns_cli" ip addr add 10.93.0.2/24 dev vcli$$; ip netns exec "$ns_cli" ip link set vcli$$ up
  mkdir -p "$work/www/bytes" "$work/nginx"
  # the same body as echo's /bytes/1000: byte i is i mod 251
  python3 -c 'import sys; sys.stdout.buffer.write(bytes(i % 251 for i in range(1000)))' >"$work/www/bytes/1000"
  cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/body;
  server {
    listen 10.93.0.1:80;
    listen 10.93.0.1:443 ssl;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets off;
    root $work/www;
  }
}
EOF
  ip netns exec "$ns_ngx" nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do [ -s "$work/nginx/nginx.pid" ] && break; sleep 0.1; done
  for _ in $(seq 1 50); do ip netns exec "$ns_cli" curl -sf -o /dev/null http://10.93.0.1/bytes/1000 && break; sleep 0.1; done
  local got; got=$(ip netns exec "$ns_cli" curl -sS http://10.93.0.1/bytes/1000 | sha256sum)
  [ "$got" = "$(curl -sS "file://$work/www/bytes/1000" | sha256sum)" ] || { echo "http-serve: nginx does not serve the body" >&2; exit 1; }
  nginx_pids=$(ip netns pids "$ns_ngx" | tr '\n' ' ')
}

await_line() { # file, text
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return; sleep 0.1; done
  echo "http-serve: '$2' not in $1:" >&2; cat "$1" >&2; exit 1
}
java_pids() { ip netns pids "$1" | while read -r p; do [ "$(cat /proc/"$p"/comm 2>/dev/null)" = java ] && echo "$p"; done | tr '\n' ' '; }

cpu_ticks() { # pids...: utime+stime of all their threads, in clock ticks
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
jit_ticks() { # pids...: utime+stime of their JIT compiler threads, in clock ticks
  local t=0 p task
  for p in "$@"; do
    for task in /proc/"$p"/task/*; do
      case $(cat "$task/comm" 2>/dev/null) in
        C1\ Compiler*|C2\ Compiler*) t=$((t + $(awk '{print $(NF-38) + $(NF-37)}' "$task/stat" 2>/dev/null || echo 0))) ;;
      esac
    done
  done
  echo "$t"
}
hz=$(getconf CLK_TCK)

# side: where its client runs and what it targets
target() { # side -> "namespace http-url https-url tls-host:port pids"
  case $1 in
    direct) echo "$ns_direct http://10.92.0.2:80 https://10.92.0.2:443 10.92.0.2:443 $direct_pids" ;;
    base) echo "$ns_base http://10.95.0.2:80 https://10.95.0.2:443 10.95.0.2:443 $base_pids" ;;
    host) echo "$ns_host http://127.0.0.1:8080 https://127.0.0.1:8443 127.0.0.1:8443 $host_pids" ;;
    microvm) echo "$ns_vm http://10.94.0.2:80 https://10.94.0.2:443 10.94.0.2:443 $microvm_pids" ;;
    nginx) echo "$ns_cli http://10.93.0.1:80 https://10.93.0.1:443 10.93.0.1:443 $nginx_pids" ;;
  esac
}

# One measurement: prints "value cpu_us_per_request jit_us_per_request"; value is p50 ms,
# requests/s or connections/s; the JIT's share (compiler threads, included in the cpu figure)
# shows how far from steady state a round still was.
measure() { # side, row
  local side=$1 row=$2 ns http https tls spids out before after jbefore jafter reqs value
  read -r ns http https tls spids <<<"$(target "$side")"
  # shellcheck disable=SC2086
  before=$(cpu_ticks $spids)
  # shellcheck disable=SC2086
  jbefore=$(jit_ticks $spids)
  case $row in
    http1)
      out=$(ip netns exec "$ns" wrk -t1 -c1 -d"${secs}s" --latency "$http/bytes/1000")
      value=$(awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' <<<"$out") ;;
    http50)
      out=$(ip netns exec "$ns" wrk -t1 -c50 -d"${secs}s" "$http/bytes/1000")
      value=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out") ;;
    https50)
      out=$(ip netns exec "$ns" wrk -t1 -c50 -d"${secs}s" "$https/bytes/1000")
      value=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out") ;;
    tlsnew)
      out=$(ip netns exec "$ns" openssl s_time -connect "$tls" -new -time "$secs" 2>/dev/null)
      value=$(awk '/connections in .* real seconds/ { print $1 / $4; exit }' <<<"$out") ;;
  esac
  # shellcheck disable=SC2086
  after=$(cpu_ticks $spids)
  # shellcheck disable=SC2086
  jafter=$(jit_ticks $spids)
  case $row in
    http1|http50|https50) reqs=$(awk '/requests in/ { print $1 }' <<<"$out") ;;
    tlsnew) reqs=$(awk '/connections in .* real seconds/ { print $1; exit }' <<<"$out") ;;
  esac
  if [ -z "$value" ] || [ -z "$reqs" ] || [ "$reqs" = 0 ] || grep -q 'Non-2xx' <<<"$out"; then
    echo "http-serve: $side $row measured nothing:" >&2; echo "$out" >&2; echo "0 0 0"; return
  fi
  awk -v v="$value" -v t=$((after - before)) -v j=$((jafter - jbefore)) -v hz="$hz" -v n="$reqs" \
    'BEGIN { printf "%s %.1f %.1f\n", v, t * 1e6 / hz / n, j * 1e6 / hz / n }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

IFS=, read -r -a wanted <<<"$sides"
active=()
for s in "${wanted[@]}"; do
  case $s in
    direct) start_direct; active+=(direct) ;;
    base) start_direct "$base" "$ns_base" 95 base; active+=(base) ;;
    host) start_host; active+=(host) ;;
    microvm) if start_microvm; then active+=(microvm); fi ;;
    *) echo "http-serve: unknown side '$s'" >&2; exit 2 ;;
  esac
done
start_nginx
# warm-up: the JIT of our images (request path, record path, handshakes), nginx's caches; the
# handshake path is the longest to compile (BC's TLS and curve code), hence -w
for s in "${active[@]}" nginx; do
  read -r ns http https tls _ <<<"$(target "$s")"
  ip netns exec "$ns" wrk -t1 -c10 -d3s "$http/bytes/1000" >/dev/null
  ip netns exec "$ns" wrk -t1 -c10 -d3s "$https/bytes/1000" >/dev/null
  case ",$rows_wanted," in
    *,tlsnew,*) ip netns exec "$ns" openssl s_time -connect "$tls" -new -time "$warm" >/dev/null 2>&1 ;;
    *) ip netns exec "$ns" openssl s_time -connect "$tls" -new -time 3 >/dev/null 2>&1 ;;
  esac
done

# what each side negotiates with this client (issue 20 asks which group and signature the
# tlsnew row costs): protocol, suite, key-exchange group, signature, from one s_client -brief
echo "tls client: $(openssl version)"
for s in "${active[@]}" nginx; do
  read -r ns _ _ tls _ <<<"$(target "$s")"
  echo | ip netns exec "$ns" openssl s_client -connect "$tls" -brief 2>&1 |
    awk -v side="$s" -F': *' '/^Protocol version/ { p = $2 } /^Ciphersuite/ { c = $2 }
      /^(Peer s|S)ignature type/ { g = $2 } /^Hash used/ { h = $2 } /^(Server|Peer) Temp Key/ { k = $2 }
      END { printf "tls side=%s: %s %s, key exchange %s, signature %s %s\n", side, p, c, k, g, h }' || true
done

IFS=, read -r -a rows <<<"$rows_wanted"
for row in "${rows[@]}"; do
  case $row in http1|http50|https50|tlsnew) ;; *) echo "http-serve: unknown row '$row'" >&2; exit 2 ;; esac
done
declare -A vals cpus jits
for r in $(seq 1 "$rounds"); do
  for row in "${rows[@]}"; do
    for s in "${active[@]}" nginx; do
      read -r v c j <<<"$(measure "$s" "$row")"
      vals[$s.$row]+="$v "; cpus[$s.$row]+="$c "; jits[$s.$row]+="$j "
      echo "round $r $row $s: $v (server cpu ${c} us/req, of which JIT ${j})" >&2
    done
  done
done

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in "${active[@]}"; do
  for row in "${rows[@]}"; do
    # shellcheck disable=SC2086
    ov=$(median ${vals[$s.$row]}); nv=$(median ${vals[nginx.$row]})
    # shellcheck disable=SC2086
    oc=$(median ${cpus[$s.$row]}); nc=$(median ${cpus[nginx.$row]})
    # shellcheck disable=SC2086
    oj=$(median ${jits[$s.$row]})
    awk -v s="$s" -v row="$row" -v o="$ov" -v n="$nv" -v oc="$oc" -v nc="$nc" -v oj="$oj" 'BEGIN {
      unit = row == "http1" ? "p50_ms" : (row == "tlsnew" ? "conn_per_s" : "req_per_s")
      printf "RESULT side=%s row=%s ratio=%.3f ours_%s=%s nginx_%s=%s ours_cpu_us=%s nginx_cpu_us=%s ours_jit_us=%s\n",
        s, row, n == 0 ? 0 : o / n, unit, o, unit, n, oc, nc, oj }'
  done
done
