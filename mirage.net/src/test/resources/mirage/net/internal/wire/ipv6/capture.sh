#!/usr/bin/env bash
# Regenerates linux-ipv6.pcap and linux-ipv6.tsv (see README.md). Needs root, iproute2,
# dumpcap, tshark, dnsmasq, ethtool, ping (iputils) and python3. Creates two network
# namespaces joined by a veth pair, all names suffixed with this shell's PID, and removes them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
id=$$
NA=v6wa$id; NB=v6wb$id; IA=v6a$id; IB=v6b$id
tmp=$(mktemp -d /tmp/v6wire.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NA" 2>/dev/null || true
    ip netns del "$NB" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
a() { ip netns exec "$NA" "$@"; }
b() { ip netns exec "$NB" "$@"; }

ip netns add "$NA"; ip netns add "$NB"
ip link add "$IA" netns "$NA" address 02:00:00:00:06:01 type veth peer name "$IB" netns "$NB" address 02:00:00:00:06:02
for ns in "$NA" "$NB"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.addr_gen_mode=0 net.ipv6.conf.all.addr_gen_mode=0
    ip netns exec "$ns" ip link set lo up
done
a sysctl -qw "net.ipv6.conf.$IA.disable_ipv6=1"
b sysctl -qw "net.ipv6.conf.$IB.disable_ipv6=1"
b sysctl -qw "net.ipv6.conf.$IB.accept_ra=2"
# Full checksums in the capture: no transmit checksum offload (UDP and TCP would carry only the
# pseudo-header sum otherwise).
a ethtool -K "$IA" tx off >/dev/null
b ethtool -K "$IB" tx off >/dev/null
a ip link set "$IA" up
b ip link set "$IB" up

a dumpcap -q -P -i "$IA" -w "$tmp/cap.pcap" 2>/dev/null &
pids+=($!)
sleep 2

# A: link-local fe80::ff:fe00:601 (EUI-64), MLDv2 reports for its solicited-node groups, DAD.
a sysctl -qw "net.ipv6.conf.$IA.disable_ipv6=0"
a ip -6 addr add 2001:db8:6::1/64 dev "$IA"
sleep 3
# A advertises 2001:db8:6::/64 with an MTU and a DNS server (RDNSS).
a dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface="$IA" --bind-interfaces \
    --enable-ra --dhcp-range=2001:db8:6::,ra-only,64,1h --ra-param="$IA,mtu:1500,60,1800" \
    --dhcp-option=option6:dns-server,[2001:db8:6::1] --pid-file="$tmp/dnsmasq.pid" \
    --log-facility=- >"$tmp/dnsmasq.log" 2>&1 &
pids+=($!)
sleep 1
# B: router solicitation, RA, SLAAC 2001:db8:6::ff:fe00:602, DAD.
b sysctl -qw "net.ipv6.conf.$IB.disable_ipv6=0"
sleep 4
# Address resolution (NS/NA), echo, fragmented echo both ways (8000 bytes over MTU 1500).
a ping -6 -c 1 -s 16 -p 6d6972616765 2001:db8:6::ff:fe00:602 >/dev/null
a ping -6 -c 1 -s 8000 2001:db8:6::ff:fe00:602 >/dev/null
# UDP to a closed port: B answers port unreachable.
a python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("2001:db8:6::1", 40001))
s.sendto(b"hello mirage", ("2001:db8:6::ff:fe00:602", 9))
# A destination options header with option type 0x9e (action bits 10: discard and send a
# parameter problem, code 2) and 2 bytes of data, then PadN: B answers with a pointer to it.
s2 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s2.bind(("2001:db8:6::1", 40002))
s2.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, bytes([0, 0, 0x9e, 2, 0xab, 0xcd, 1, 0]))
s2.sendto(b"unknown option", ("2001:db8:6::ff:fe00:602", 9))
# TCP to a closed port: SYN, then B's RST.
t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
try:
    t.connect(("2001:db8:6::ff:fe00:602", 7))
except ConnectionRefusedError:
    pass
PY
sleep 1
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
cp "$tmp/cap.pcap" "$here/linux-ipv6.pcap"

fields=(frame.number eth.type ipv6.plen ipv6.nxt ipv6.hlim ipv6.src ipv6.dst ipv6.tclass ipv6.flow
    ipv6.hopopts.nxt ipv6.opt.type ipv6.dstopts.nxt ipv6.fraghdr.nxt ipv6.fraghdr.offset ipv6.fraghdr.more
    ipv6.fraghdr.ident icmpv6.type icmpv6.code icmpv6.checksum icmpv6.checksum.status icmpv6.echo.identifier
    icmpv6.echo.sequence_number icmpv6.pointer icmpv6.nd.ns.target_address icmpv6.nd.na.target_address
    icmpv6.nd.na.flag icmpv6.nd.ra.cur_hop_limit icmpv6.nd.ra.flag icmpv6.nd.ra.router_lifetime
    icmpv6.nd.ra.reachable_time icmpv6.nd.ra.retrans_timer icmpv6.opt.type icmpv6.opt.linkaddr
    icmpv6.opt.prefix icmpv6.opt.prefix.length icmpv6.opt.prefix.flag icmpv6.opt.prefix.valid_lifetime
    icmpv6.opt.prefix.preferred_lifetime icmpv6.opt.mtu icmpv6.opt.rdnss.lifetime icmpv6.opt.rdnss
    icmpv6.mldr.nb_mcast_records icmpv6.mldr.mar.record_type icmpv6.mldr.mar.multicast_address
    udp.srcport udp.dstport udp.checksum.status tcp.srcport tcp.dstport tcp.flags tcp.checksum.status)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done
{
    tshark --version | head -1 | sed 's/^/# /'
    tshark -r "$here/linux-ipv6.pcap" -o ipv6.defragment:FALSE -o udp.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE -T fields -E header=y -E separator=/t -E aggregator=, "${args[@]}"
} >"$here/linux-ipv6.tsv" 2>/dev/null
python3 "$here/seeds.py"
echo "wrote $here/linux-ipv6.pcap ($(tshark -r "$here/linux-ipv6.pcap" 2>/dev/null | wc -l) frames) and linux-ipv6.tsv"
