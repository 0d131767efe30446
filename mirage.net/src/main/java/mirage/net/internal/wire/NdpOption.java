package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put48;
import static mirage.net.internal.wire.Bytes.put8;
import static mirage.net.internal.wire.Bytes.u48;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;

/**
 * A Neighbor Discovery option (RFC 4861 section 4.6): type, length in units of 8 octets, value.
 * Link-layer addresses are Ethernet's (RFC 2464 section 8: length 1). Options of other types are
 * kept as {@link Unknown}: "Receivers MUST silently ignore any options they do not recognize"
 * (RFC 4861 section 4.6), which the engines do.
 */
public sealed interface NdpOption {
    /** Source Link-Layer Address (RFC 4861 section 4.6.1). */
    int TYPE_SOURCE_LINK_LAYER_ADDRESS = 1;
    /** Target Link-Layer Address (RFC 4861 section 4.6.1). */
    int TYPE_TARGET_LINK_LAYER_ADDRESS = 2;
    /** Prefix Information (RFC 4861 section 4.6.2). */
    int TYPE_PREFIX_INFORMATION = 3;
    /** Redirected Header (RFC 4861 section 4.6.3). */
    int TYPE_REDIRECTED_HEADER = 4;
    /** MTU (RFC 4861 section 4.6.4). */
    int TYPE_MTU = 5;
    /** Recursive DNS Server (RFC 8106 section 5.1). */
    int TYPE_RECURSIVE_DNS_SERVER = 25;

    /** The octets the option takes: a multiple of 8. */
    int bufferLen();

    /** Writes the option into {@code [offset, offset + bufferLen())}. */
    void emit(ByteBuffer buffer, int offset);

    /** The link-layer address of the sender (in solicitations, advertisements from routers, redirects' senders). */
    record SourceLinkLayerAddress(MacAddress address) implements NdpOption {
        public SourceLinkLayerAddress {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int bufferLen() {
            return 8;
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            linkLayer(buffer, offset, TYPE_SOURCE_LINK_LAYER_ADDRESS, address);
        }
    }

    /** The link-layer address of the target (in advertisements and redirects). */
    record TargetLinkLayerAddress(MacAddress address) implements NdpOption {
        public TargetLinkLayerAddress {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int bufferLen() {
            return 8;
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            linkLayer(buffer, offset, TYPE_TARGET_LINK_LAYER_ADDRESS, address);
        }
    }

    /**
     * Prefix Information: an on-link prefix and, with the A flag, one to form addresses from
     * (RFC 4862 section 5.5.3). Lifetimes are unsigned 32-bit seconds, 0xffffffff meaning
     * infinity. Bits of the prefix after {@code prefixLength} "MUST be ... ignored by the
     * receiver" (section 4.6.2): {@link #parse} clears them.
     */
    record PrefixInformation(int prefixLength, boolean onLink, boolean autonomous, long validLifetime,
            long preferredLifetime, Ipv6Address prefix) implements NdpOption {
        /** A lifetime of all ones: "infinity" (RFC 4861 section 4.6.2). */
        public static final long INFINITE = 0xffff_ffffL;

        public PrefixInformation {
            Objects.requireNonNull(prefix, "prefix");
            if (prefixLength < 0 || prefixLength > 128) {
                throw new IllegalArgumentException("prefix length must be 0..128: " + prefixLength);
            }
            u32("validLifetime", validLifetime);
            u32("preferredLifetime", preferredLifetime);
        }

        @Override
        public int bufferLen() {
            return 32;
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            header(buffer, offset, TYPE_PREFIX_INFORMATION, 32);
            put8(buffer, offset + 2, prefixLength);
            put8(buffer, offset + 3, (onLink ? 0x80 : 0) | (autonomous ? 0x40 : 0));
            put32(buffer, offset + 4, (int) validLifetime);
            put32(buffer, offset + 8, (int) preferredLifetime);
            put32(buffer, offset + 12, 0);
            prefix.write(buffer, offset + 16);
        }
    }

    /**
     * Redirected Header: as much of the redirected packet as fits (RFC 4861 section 4.6.3).
     *
     * @param data the IP header and data after the 8 octets of type, length and reserved: a
     *     multiple of 8 octets (the sender pads), at most 2032
     */
    record RedirectedHeader(Octets data) implements NdpOption {
        public RedirectedHeader {
            Objects.requireNonNull(data, "data");
            if (data.length() % 8 != 0 || data.length() > 255 * 8 - 8) {
                throw new IllegalArgumentException("redirected header data must be a multiple of 8 octets, at most 2032: "
                        + data.length());
            }
        }

        @Override
        public int bufferLen() {
            return 8 + data.length();
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            header(buffer, offset, TYPE_REDIRECTED_HEADER, bufferLen());
            put16(buffer, offset + 2, 0);
            put32(buffer, offset + 4, 0);
            data.copyTo(buffer, offset + 8);
        }
    }

    /** MTU: the link's MTU, in Router Advertisements (RFC 4861 section 4.6.4); unsigned 32 bits. */
    record Mtu(long mtu) implements NdpOption {
        public Mtu {
            u32("mtu", mtu);
        }

        @Override
        public int bufferLen() {
            return 8;
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            header(buffer, offset, TYPE_MTU, 8);
            put16(buffer, offset + 2, 0);
            put32(buffer, offset + 4, (int) mtu);
        }
    }

    /**
     * Recursive DNS Server (RFC 8106 section 5.1): one or more (at most 127) servers, valid for
     * {@code lifetime} seconds (unsigned 32 bits, all ones is infinity).
     */
    record RecursiveDnsServer(long lifetime, List<Ipv6Address> servers) implements NdpOption {
        public RecursiveDnsServer {
            u32("lifetime", lifetime);
            servers = List.copyOf(servers);
            if (servers.isEmpty() || servers.size() > 127) {
                throw new IllegalArgumentException("an RDNSS option holds 1..127 servers: " + servers.size());
            }
        }

        @Override
        public int bufferLen() {
            return 8 + 16 * servers.size();
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            header(buffer, offset, TYPE_RECURSIVE_DNS_SERVER, bufferLen());
            put16(buffer, offset + 2, 0);
            put32(buffer, offset + 4, (int) lifetime);
            for (int i = 0; i < servers.size(); i++) {
                servers.get(i).write(buffer, offset + 8 + 16 * i);
            }
        }
    }

    /**
     * An option of another type, kept as it came.
     *
     * @param data the octets after type and length: 6 less than a multiple of 8, at most 2038
     */
    record Unknown(int type, Octets data) implements NdpOption {
        public Unknown {
            Objects.requireNonNull(data, "data");
            if (type < 0 || type > 0xff || known(type)) {
                throw new IllegalArgumentException("not an unknown option type: " + type);
            }
            if ((data.length() + 2) % 8 != 0 || data.length() + 2 > 255 * 8) {
                throw new IllegalArgumentException("option data must be 8n-2 octets, at most 2038: " + data.length());
            }
        }

        @Override
        public int bufferLen() {
            return 2 + data.length();
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            header(buffer, offset, type, bufferLen());
            data.copyTo(buffer, offset + 2);
        }
    }

    /** Whether {@code type} is one this package represents by its own record. */
    static boolean known(int type) {
        return switch (type) {
            case TYPE_SOURCE_LINK_LAYER_ADDRESS, TYPE_TARGET_LINK_LAYER_ADDRESS, TYPE_PREFIX_INFORMATION,
                    TYPE_REDIRECTED_HEADER, TYPE_MTU, TYPE_RECURSIVE_DNS_SERVER -> true;
            default -> false;
        };
    }

    /**
     * The options in {@code [offset, offset + length)}: refuses an option of length zero
     * ({@link WireError#ZERO_LENGTH_OPTION}, RFC 4861 section 4.6), one that runs past the
     * region ({@link WireError#OPTION_TRUNCATED}) and a known option of a length its RFC does not
     * allow ({@link WireError#BAD_OPTION_LENGTH}).
     */
    static Parsed<List<NdpOption>> parse(ByteBuffer b, int offset, int length) {
        List<NdpOption> out = new ArrayList<>();
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (end - i < 2) {
                return Parsed.err(WireError.OPTION_TRUNCATED);
            }
            int type = u8(b, i);
            int units = u8(b, i + 1);
            if (units == 0) {
                return Parsed.err(WireError.ZERO_LENGTH_OPTION);
            }
            int len = units * 8;
            if (len > end - i) {
                return Parsed.err(WireError.OPTION_TRUNCATED);
            }
            NdpOption o = switch (type) {
                case TYPE_SOURCE_LINK_LAYER_ADDRESS -> units != 1 ? null
                        : new SourceLinkLayerAddress(new MacAddress(u48(b, i + 2)));
                case TYPE_TARGET_LINK_LAYER_ADDRESS -> units != 1 ? null
                        : new TargetLinkLayerAddress(new MacAddress(u48(b, i + 2)));
                case TYPE_PREFIX_INFORMATION -> {
                    if (units != 4) {
                        yield null;
                    }
                    int prefixLength = u8(b, i + 2);
                    if (prefixLength > 128) {
                        yield null;
                    }
                    int flags = u8(b, i + 3);
                    Ipv6Address prefix = Ipv6Address.read(b, i + 16);
                    yield new PrefixInformation(prefixLength, (flags & 0x80) != 0, (flags & 0x40) != 0,
                            i32(b, i + 4) & 0xffff_ffffL, i32(b, i + 8) & 0xffff_ffffL, mask(prefix, prefixLength));
                }
                case TYPE_REDIRECTED_HEADER -> new RedirectedHeader(Octets.copyOf(b, i + 8, len - 8));
                case TYPE_MTU -> units != 1 ? null : new Mtu(i32(b, i + 4) & 0xffff_ffffL);
                case TYPE_RECURSIVE_DNS_SERVER -> {
                    // "The minimum value is 3 if one IPv6 address is contained" (RFC 8106 section 5.1): 1 + 2n.
                    if (units < 3 || units % 2 == 0) {
                        yield null;
                    }
                    List<Ipv6Address> servers = new ArrayList<>();
                    for (int j = i + 8; j < i + len; j += 16) {
                        servers.add(Ipv6Address.read(b, j));
                    }
                    yield new RecursiveDnsServer(i32(b, i + 4) & 0xffff_ffffL, servers);
                }
                default -> new Unknown(type, Octets.copyOf(b, i + 2, len - 2));
            };
            if (o == null) {
                return Parsed.err(WireError.BAD_OPTION_LENGTH);
            }
            out.add(o);
            i += len;
        }
        return Parsed.ok(List.copyOf(out));
    }

    /** {@code address} with the bits after the first {@code bits} cleared. */
    static Ipv6Address mask(Ipv6Address address, int bits) {
        long high = bits >= 64 ? address.high() : bits == 0 ? 0 : address.high() & -1L << (64 - bits);
        long low = bits >= 128 ? address.low() : bits <= 64 ? 0 : address.low() & -1L << (128 - bits);
        return new Ipv6Address(high, low);
    }

    /** The octets {@code options} take. */
    static int length(List<NdpOption> options) {
        int n = 0;
        for (NdpOption o : options) {
            n += o.bufferLen();
        }
        return n;
    }

    /** Writes {@code options} one after another from {@code offset}. */
    static void emitAll(ByteBuffer buffer, int offset, List<NdpOption> options) {
        int i = offset;
        for (NdpOption o : options) {
            o.emit(buffer, i);
            i += o.bufferLen();
        }
    }

    private static void header(ByteBuffer buffer, int offset, int type, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        put8(buffer, offset, type);
        put8(buffer, offset + 1, length / 8);
    }

    private static void linkLayer(ByteBuffer buffer, int offset, int type, MacAddress address) {
        header(buffer, offset, type, 8);
        put48(buffer, offset + 2, address.bits());
    }

    private static void u32(String name, long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException(name + " must be an unsigned 32-bit value: " + value);
        }
    }
}
