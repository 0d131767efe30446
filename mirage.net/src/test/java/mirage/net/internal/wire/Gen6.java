package mirage.net.internal.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mirage.net.Ipv6Address;

/** Random valid IPv6 records from a seed (QuickTheories draws the seeds and shrinks them). */
final class Gen6 {
    private Gen6() {}

    static Ipv6Address address(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> new Ipv6Address(0xfe80_0000_0000_0000L, r.nextLong());
            case 1 -> new Ipv6Address(0xff02_0000_0000_0000L, r.nextInt(3) == 0 ? 1 : 0x1_ff00_0000L | r.nextInt(0x100_0000));
            default -> new Ipv6Address(r.nextLong(), r.nextLong());
        };
    }

    static Ipv6Address unicast(SplittableRandom r) {
        Ipv6Address a;
        do {
            a = address(r);
        } while (a.isMulticast());
        return a;
    }

    static Ipv6Address linkLocal(SplittableRandom r) {
        return new Ipv6Address(0xfe80_0000_0000_0000L, r.nextLong());
    }

    static List<Ipv6Option> options(SplittableRandom r) {
        List<Ipv6Option> out = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            out.add(switch (r.nextInt(4)) {
                case 0 -> new Ipv6Option(Ipv6Option.PAD1, Octets.EMPTY);
                case 1 -> Ipv6Option.routerAlertMld();
                // Any type, data of any length: the record holds what the chain would refuse.
                default -> new Ipv6Option(1 + r.nextInt(255), Gen.octets(r, 20));
            });
        }
        return Ipv6Option.padded(out);
    }

    static Ipv6ExtensionHeader extension(SplittableRandom r, boolean first) {
        int kind = r.nextInt(first ? 3 : 2);
        return switch (kind) {
            case 0 -> new Ipv6ExtensionHeader.DestinationOptions(options(r));
            case 1 -> {
                byte[] data = new byte[4 + 8 * r.nextInt(3)];
                r.nextBytes(data);
                yield new Ipv6ExtensionHeader.Routing(r.nextInt(256), r.nextInt(256), Octets.of(data));
            }
            default -> new Ipv6ExtensionHeader.HopByHopOptions(options(r));
        };
    }

    static Ipv6Repr ipv6(SplittableRandom r, int maxPayload) {
        List<Ipv6ExtensionHeader> ext = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            ext.add(extension(r, i == 0));
        }
        if (r.nextInt(3) == 0) {
            ext.add(new Ipv6ExtensionHeader.Fragment(8 * r.nextInt(0x2000), r.nextBoolean(), r.nextInt()));
        }
        int protocol;
        do {
            protocol = r.nextInt(256);
        } while (protocol == Ipv6HeaderChain.HOP_BY_HOP || protocol == Ipv6HeaderChain.ROUTING
                || protocol == Ipv6HeaderChain.FRAGMENT || protocol == Ipv6HeaderChain.DESTINATION_OPTIONS);
        return new Ipv6Repr(address(r), address(r), protocol, r.nextInt(256), r.nextInt(64), r.nextInt(4),
                r.nextInt(Ipv6Packet.FLOW_LABEL_MASK + 1), ext, r.nextInt(maxPayload + 1));
    }

    static List<NdpOption> ndpOptions(SplittableRandom r, boolean sourceLinkLayer) {
        List<NdpOption> out = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            out.add(switch (r.nextInt(sourceLinkLayer ? 7 : 6)) {
                case 0 -> new NdpOption.TargetLinkLayerAddress(Gen.mac(r));
                case 1 -> {
                    int len = r.nextInt(129);
                    yield new NdpOption.PrefixInformation(len, r.nextBoolean(), r.nextBoolean(), r.nextLong() & 0xffff_ffffL,
                            r.nextLong() & 0xffff_ffffL, NdpOption.mask(address(r), len));
                }
                case 2 -> new NdpOption.Mtu(r.nextLong() & 0xffff_ffffL);
                case 3 -> new NdpOption.RecursiveDnsServer(r.nextLong() & 0xffff_ffffL,
                        List.of(address(r), address(r)).subList(0, 1 + r.nextInt(2)));
                case 4 -> new NdpOption.RedirectedHeader(Octets.of(new byte[8 * r.nextInt(4)]));
                case 5 -> {
                    int type;
                    do {
                        type = r.nextInt(256);
                    } while (NdpOption.known(type));
                    byte[] data = new byte[6 + 8 * r.nextInt(2)];
                    r.nextBytes(data);
                    yield new NdpOption.Unknown(type, Octets.of(data));
                }
                default -> new NdpOption.SourceLinkLayerAddress(Gen.mac(r));
            });
        }
        return out;
    }

    /** A message and addresses it is valid between, with hop limit 255 for Neighbor Discovery. */
    record Message(Icmpv6Repr message, Ipv6Address source, Ipv6Address destination, int hopLimit) {}

    static Message icmpv6(SplittableRandom r) {
        Ipv6Address src = unicast(r);
        Ipv6Address dst = address(r);
        int kind = r.nextInt(14);
        Octets data = Gen.octets(r, 64);
        Icmpv6Repr m = switch (kind) {
            case 0 -> new Icmpv6Repr.DestinationUnreachable(pick(r, Icmpv6Repr.UnreachableCode.values()), data);
            case 1 -> new Icmpv6Repr.PacketTooBig(r.nextLong() & 0xffff_ffffL, data);
            case 2 -> new Icmpv6Repr.TimeExceeded(pick(r, Icmpv6Repr.TimeExceededCode.values()), data);
            case 3 -> new Icmpv6Repr.ParameterProblem(pick(r, Icmpv6Repr.ParameterProblemCode.values()),
                    r.nextLong() & 0xffff_ffffL, data);
            case 4 -> new Icmpv6Repr.Echo(pick(r, Icmpv6Repr.Echo.Kind.values()), r.nextInt(0x10000), r.nextInt(0x10000), data);
            case 5 -> new Icmpv6Repr.RouterSolicitation(ndpOptions(r, true));
            case 6 -> {
                src = linkLocal(r);
                yield new Icmpv6Repr.RouterAdvertisement(r.nextInt(256), r.nextBoolean(), r.nextBoolean(),
                        pick(r, Icmpv6Repr.RouterPreference.values()), r.nextInt(0x10000), r.nextLong() & 0xffff_ffffL,
                        r.nextLong() & 0xffff_ffffL, ndpOptions(r, true));
            }
            case 7 -> new Icmpv6Repr.NeighborSolicitation(unicast(r), ndpOptions(r, true));
            case 8 -> {
                dst = unicast(r);
                yield new Icmpv6Repr.NeighborAdvertisement(r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), unicast(r),
                        ndpOptions(r, true));
            }
            case 9 -> {
                src = linkLocal(r);
                Ipv6Address target = linkLocal(r);
                yield new Icmpv6Repr.Redirect(target, r.nextBoolean() ? target : unicast(r), ndpOptions(r, true));
            }
            case 10 -> {
                src = linkLocal(r);
                yield new Icmpv6Repr.MulticastListenerQueryV1(r.nextInt(0x10000), r.nextBoolean() ? Ipv6Address.UNSPECIFIED
                        : address(r));
            }
            case 11 -> {
                src = linkLocal(r);
                List<Ipv6Address> sources = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    sources.add(unicast(r));
                }
                yield new Icmpv6Repr.MulticastListenerQuery(r.nextInt(0x10000), address(r), r.nextBoolean(), r.nextInt(8),
                        r.nextInt(256), sources);
            }
            default -> {
                List<Icmpv6Repr.MulticastAddressRecord> records = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    records.add(new Icmpv6Repr.MulticastAddressRecord(pick(r, Icmpv6Repr.RecordType.values()), address(r),
                            r.nextBoolean() ? List.of() : List.of(unicast(r)), Octets.of(new byte[4 * r.nextInt(2)])));
                }
                yield new Icmpv6Repr.MulticastListenerReport(records);
            }
        };
        return new Message(m, src, dst, 255);
    }

    static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
