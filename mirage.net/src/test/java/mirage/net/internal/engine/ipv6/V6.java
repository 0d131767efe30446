package mirage.net.internal.engine.ipv6;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.icmp.Icmpv6Errors;
import mirage.net.internal.wire.Ipv6ExtensionHeader;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Option;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Ipv6Repr;
import mirage.net.internal.wire.Octets;

/** IPv6 packets and fragments for the engine tests, written with the wire layer's records. */
public final class V6 {
    public static final Ipv6Address PEER = Ipv6Address.parse("2001:db8::2");
    public static final Ipv6Address US = Ipv6Address.parse("2001:db8::1");
    public static final long SECOND = 1_000_000_000L;

    private V6() {}

    /** A packet of {@code protocol} from {@code source} to {@code destination}: its header, then {@code payload}. */
    public static byte[] packet(Ipv6Address source, Ipv6Address destination, int protocol, List<Ipv6ExtensionHeader> extensions,
            byte[] payload) {
        Ipv6Repr ip = new Ipv6Repr(source, destination, protocol, 64, 0, 0, 0, extensions, payload.length);
        ByteBuffer b = ByteBuffer.allocate(ip.totalLength());
        ip.emit(b, 0);
        b.put(ip.bufferLen(), payload);
        return b.array();
    }

    /** A fragment from PEER to US of a UDP datagram: {@code data} at {@code offset}. */
    public static byte[] fragment(int identification, int offset, boolean more, byte[] data) {
        return packet(PEER, US, 17, List.of(new Ipv6ExtensionHeader.Fragment(offset, more, identification)), data);
    }

    /** {@code n} bytes of a pattern that differs with {@code seed}. */
    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >>> 8));
        }
        return b;
    }

    /** A Hop-by-Hop header with a Router Alert, as MLD reports carry. */
    public static Ipv6ExtensionHeader hopByHop() {
        return new Ipv6ExtensionHeader.HopByHopOptions(Ipv6Option.padded(List.of(Ipv6Option.routerAlertMld())));
    }

    /** A Destination Options header of padding only, {@code 8 * (1 + units)} octets. */
    public static Ipv6ExtensionHeader destinationOptions(int units) {
        List<Ipv6Option> options = new ArrayList<>();
        for (int left = 6 + 8 * units; left > 0; ) {
            int data = Math.min(left - 2, 255);
            if (left - 2 - data == 1) {
                data--;
            }
            options.add(new Ipv6Option(Ipv6Option.PAD_N, Octets.of(new byte[data])));
            left -= 2 + data;
        }
        return new Ipv6ExtensionHeader.DestinationOptions(options);
    }

    /** A Routing header with no segments left (type 4, a host skips it). */
    public static Ipv6ExtensionHeader routing() {
        return new Ipv6ExtensionHeader.Routing(4, 0, Octets.of(new byte[20]));
    }

    /** Fragments of {@code whole} as {@link Ipv6Fragmenter} sends them at {@code mtu}, copied out. */
    public static List<byte[]> fragments(byte[] whole, int mtu, long seed) {
        Ipv6Fragmenter f = new Ipv6Fragmenter(Rng.seeded(seed), Math.max(mtu, 1500));
        Ipv6Packet p = new Ipv6Packet();
        if (!p.check(ByteBuffer.wrap(whole), 0, whole.length)) {
            throw new AssertionError(p.error());
        }
        List<byte[]> out = new ArrayList<>();
        f.send(0, p, mtu, (now, buffer, offset, length) -> {
            byte[] copy = new byte[length];
            buffer.get(offset, copy);
            out.add(copy);
        });
        return out;
    }

    /** Checks {@code bytes} and its chain (as a receiving IPv6 layer would) and adds it to {@code r}. */
    public static Ipv6Reassembly.Outcome add(Ipv6Reassembly r, long now, byte[] bytes) {
        Ipv6Packet p = new Ipv6Packet();
        if (!p.check(ByteBuffer.wrap(bytes), 0, bytes.length)) {
            throw new AssertionError(p.error());
        }
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        if (!c.check(p)) {
            throw new AssertionError(c.error());
        }
        return r.add(now, p, c);
    }

    /**
     * An ICMPv6 error output without a source address for replies to multicast packets, whose
     * sends succeed if {@code sends} (else they must not happen).
     */
    public static Icmpv6Errors.Output outputWithoutSource(boolean sends) {
        return new Icmpv6Errors.Output() {
            @Override
            public Ipv6Address sourceFor(Ipv6Address destination) {
                return null;
            }

            @Override
            public boolean send(long now, Ipv6Address source, Ipv6Address destination, ByteBuffer message) {
                if (!sends) {
                    throw new AssertionError("nothing to send");
                }
                return true;
            }
        };
    }

    /** The bytes of {@code p}, header to the end of its payload. */
    public static byte[] bytesOf(Ipv6Packet p) {
        byte[] out = new byte[Ipv6Packet.HEADER_LENGTH + p.payloadLength()];
        p.buffer().get(p.offset(), out);
        return out;
    }
}
