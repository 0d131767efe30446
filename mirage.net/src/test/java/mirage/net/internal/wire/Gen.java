package mirage.net.internal.wire;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;

/** Random valid records from a seed (QuickTheories draws the seeds and shrinks them). */
final class Gen {
    private Gen() {}

    static MacAddress mac(SplittableRandom r) {
        return new MacAddress(r.nextLong() & 0xffff_ffff_ffffL);
    }

    static Ipv4Address ip(SplittableRandom r) {
        return new Ipv4Address(r.nextInt());
    }

    static Octets octets(SplittableRandom r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return Octets.of(b);
    }

    static EthernetRepr ethernet(SplittableRandom r) {
        List<EthernetRepr.VlanTag> tags = new ArrayList<>();
        int n = r.nextInt(EthernetFrame.MAX_TAGS + 1);
        for (int i = 0; i < n; i++) {
            tags.add(new EthernetRepr.VlanTag(r.nextBoolean() ? EthernetFrame.TPID_CVLAN : EthernetFrame.TPID_SVLAN,
                    r.nextInt(8), r.nextBoolean(), r.nextInt(4096)));
        }
        int type;
        do {
            type = r.nextInt(EthernetFrame.MIN_ETHER_TYPE, 0x10000);
        } while (EthernetFrame.isTpid(type));
        return new EthernetRepr(mac(r), mac(r), tags, type);
    }

    static ArpRepr arp(SplittableRandom r) {
        return new ArpRepr(r.nextBoolean() ? ArpRepr.Operation.REQUEST : ArpRepr.Operation.REPLY, mac(r), ip(r), mac(r), ip(r));
    }

    /** Well-formed options: NOPs and TLVs, then End and zero padding to a multiple of 4. */
    static Octets options(SplittableRandom r) {
        int budget = r.nextInt(11) * 4;
        byte[] b = new byte[budget];
        int i = 0;
        while (i < budget) {
            int left = budget - i;
            int kind = r.nextInt(4);
            if (kind == 0) {
                b[i] = (byte) Ipv4Packet.OPTION_END;
                break;
            } else if (kind == 1 || left < 2) {
                b[i++] = (byte) Ipv4Packet.OPTION_NOP;
            } else {
                int len = r.nextInt(2, Math.min(left, 12) + 1);
                b[i] = (byte) r.nextInt(2, 256);
                b[i + 1] = (byte) len;
                for (int k = 2; k < len; k++) {
                    b[i + k] = (byte) r.nextInt(256);
                }
                i += len;
            }
        }
        return Octets.of(b);
    }

    static Ipv4Repr ipv4(SplittableRandom r, int maxPayload) {
        Set<Ipv4Repr.Flag> flags = EnumSet.noneOf(Ipv4Repr.Flag.class);
        if (r.nextBoolean()) {
            flags.add(Ipv4Repr.Flag.DONT_FRAGMENT);
        }
        if (r.nextBoolean()) {
            flags.add(Ipv4Repr.Flag.MORE_FRAGMENTS);
        }
        return new Ipv4Repr(ip(r), ip(r), r.nextInt(256), r.nextInt(256), r.nextInt(64), r.nextInt(4),
                r.nextInt(0x10000), flags, r.nextInt(0x2000), options(r), r.nextInt(maxPayload + 1));
    }

    static UdpRepr udp(SplittableRandom r) {
        return new UdpRepr(r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(1500));
    }

    static TcpRepr tcp(SplittableRandom r) {
        java.util.List<TcpOption> options = new java.util.ArrayList<>();
        int room = TcpSegment.MAX_OPTIONS_LENGTH;
        for (int n = r.nextInt(6); n > 0; n--) {
            TcpOption o = switch (r.nextInt(7)) {
                case 0 -> new TcpOption.Mss(r.nextInt(0x10000));
                case 1 -> new TcpOption.WindowScale(r.nextInt(256));
                case 2 -> new TcpOption.SackPermitted();
                case 3 -> new TcpOption.Timestamps(r.nextInt(), r.nextInt());
                case 4 -> {
                    java.util.List<TcpOption.SackBlock> blocks = new java.util.ArrayList<>();
                    for (int i = 1 + r.nextInt(4); i > 0; i--) {
                        blocks.add(new TcpOption.SackBlock(r.nextInt(), r.nextInt()));
                    }
                    yield new TcpOption.Sack(blocks);
                }
                default -> {
                    int kind = 9 + r.nextInt(247);
                    yield new TcpOption.Unknown(kind, octets(r, 8));
                }
            };
            if (o.length() <= room) {
                options.add(o);
                room -= o.length();
            }
        }
        return new TcpRepr(r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(), r.nextInt(), r.nextInt(256),
                r.nextInt(0x10000), r.nextInt(0x10000), options, r.nextInt(1500));
    }

    static Icmpv4Repr icmp(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> new Icmpv4Repr.Echo(Icmpv4Repr.Echo.Kind.REQUEST, r.nextInt(0x10000), r.nextInt(0x10000), octets(r, 100));
            case 1 -> new Icmpv4Repr.Echo(Icmpv4Repr.Echo.Kind.REPLY, r.nextInt(0x10000), r.nextInt(0x10000), octets(r, 100));
            case 2 -> {
                Icmpv4Repr.UnreachableCode code = Icmpv4Repr.UnreachableCode.values()[r.nextInt(16)];
                int mtu = code == Icmpv4Repr.UnreachableCode.FRAGMENTATION_NEEDED ? r.nextInt(0x10000) : 0;
                yield new Icmpv4Repr.DestinationUnreachable(code, mtu, ipv4(r, 0xffff - 60), octets(r, 20));
            }
            default -> new Icmpv4Repr.TimeExceeded(Icmpv4Repr.TimeExceededCode.values()[r.nextInt(2)],
                    ipv4(r, 0xffff - 60), octets(r, 20));
        };
    }
}
