#!/usr/bin/env python3
"""Writes the seeds of NeighborDiscoveryFuzzTest#messages from Linux's frames (the seeds of
Ipv6WireFuzzTest#icmpv6: source, destination, hop limit, ICMPv6 message). Rerun from this
directory after the wire seeds change: python3 seeds.py"""
import os
import struct

WIRE = '../../wire/Ipv6WireFuzzTestInputs/icmpv6/'
OUT = 'NeighborDiscoveryFuzzTestInputs/messages/'

MESSAGE, PACKET, RESTART, TIME = 0, 1, 2, 3
FIX, TARGET_OURS, SOURCE_OURS, TO_SOLICITED = 1, 2, 4, 8


def frame(name):
    with open(WIRE + name, 'rb') as f:
        return f.read()


def seconds(n):
    return 0x40 | n


def hours(n):
    return 0xc0 | n


def record(op, time, flags=0, payload=b''):
    return bytes([op, time, flags]) + struct.pack('>H', len(payload)) + payload


far = bytes.fromhex('20010db8ffff00000000000000000001') + bytes(44)
seeds = {
    # (Engines act when polled, at each record: a probe goes at the first record after the random
    # delay, the address is assigned at the first record a RetransTimer later.)
    # Link-local DAD passes, an RA brings a prefix and a router, a packet goes off-link, time runs out lifetimes.
    'slaac-and-routing': record(TIME, seconds(2)) + record(MESSAGE, seconds(1), FIX, frame('router-advertisement'))
    + record(TIME, seconds(2)) + record(PACKET, seconds(1), 0, far)
    + record(MESSAGE, seconds(1), FIX, frame('neighbor-advertisement')) + record(TIME, hours(2)),
    # Another node's probe for our tentative link-local address: DUPLICATE, a new identifier tried.
    'dad-probe-duplicate': record(TIME, seconds(1)) + record(MESSAGE, 1, FIX | TARGET_OURS | TO_SOLICITED,
                                                              frame('dad-probe')) + record(TIME, seconds(3)),
    # An advertisement for our tentative address.
    'dad-advertisement-duplicate': record(TIME, seconds(1))
    + record(MESSAGE, 1, FIX | TARGET_OURS, frame('neighbor-advertisement')) + record(TIME, seconds(3)),
    # A solicitation for our address once assigned (answered), then the interface restarts.
    'solicitation-answered': record(TIME, seconds(3)) + record(TIME, seconds(2))
    + record(MESSAGE, 1, FIX | TARGET_OURS | TO_SOLICITED, frame('neighbor-solicitation'))
    + record(RESTART, seconds(1)) + record(TIME, seconds(5)),
    # A router solicitation (a host ignores it) and an MLD report (likewise).
    'ignored': record(MESSAGE, seconds(1), FIX, frame('router-solicitation'))
    + record(MESSAGE, seconds(1), FIX, frame('mldv2-report')),
}
os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(OUT + name, 'wb') as f:
        f.write(data)
