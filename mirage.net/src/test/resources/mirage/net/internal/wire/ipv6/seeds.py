#!/usr/bin/env python3
"""Writes the fuzz seeds of Ipv6WireFuzzTest from linux-ipv6.pcap (run by capture.sh).

ipv6/<name>: an IPv6 packet (the Ethernet payload). icmpv6/<name>: source address, destination
address (16 bytes each), hop limit (1 byte), then the ICMPv6 message, the layout the fuzz target
reads. One seed per kind of packet, named after it.
"""
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
seeds = os.path.join(here, "..", "Ipv6WireFuzzTestInputs")
with open(os.path.join(here, "linux-ipv6.pcap"), "rb") as f:
    data = f.read()
endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
at = 24
frames = []
while at + 16 <= len(data):
    _, _, incl, _ = struct.unpack(endian + "IIII", data[at:at + 16])
    frames.append(data[at + 16:at + 16 + incl])
    at += 16 + incl

NAMES = {1: "dest-unreachable", 4: "param-problem", 128: "echo-request", 129: "echo-reply",
         133: "router-solicitation", 134: "router-advertisement", 135: "neighbor-solicitation",
         136: "neighbor-advertisement", 143: "mldv2-report"}
written = set()
for frame in frames:
    ip = frame[14:]
    nxt, hlim = ip[6], ip[7]
    at = 40
    kind = None
    while nxt in (0, 60):  # hop-by-hop, destination options
        nxt, at = ip[at], at + (ip[at + 1] + 1) * 8
    if nxt == 44:
        kind = "fragment-first" if struct.unpack(">H", ip[at + 2:at + 4])[0] >> 3 == 0 else "fragment"
    elif nxt == 58:
        kind = NAMES.get(ip[at], "icmpv6-%d" % ip[at])
        if kind == "neighbor-solicitation" and ip[8:24] == bytes(16):
            kind = "dad-probe"
        icmp = os.path.join(seeds, "icmpv6", kind)
        if kind not in written:
            os.makedirs(os.path.dirname(icmp), exist_ok=True)
            with open(icmp, "wb") as out:
                out.write(ip[8:40] + bytes([hlim]) + ip[at:])
    elif nxt == 17:
        kind = "udp-dest-options" if ip[6] == 60 else "udp"
    elif nxt == 6:
        kind = "tcp"
    if kind and kind not in written:
        written.add(kind)
        os.makedirs(os.path.join(seeds, "ipv6"), exist_ok=True)
        with open(os.path.join(seeds, "ipv6", kind), "wb") as out:
            out.write(ip)
print("seeds:", ", ".join(sorted(written)), file=sys.stderr)
