package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put8;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mirage.net.Ipv6Address;

/**
 * A validated IPv6 header and its extension headers (RFC 8200 sections 3 and 4). The payload
 * itself is not part of it.
 *
 * @param protocol the upper-layer protocol (the last Next Header of the chain; for a fragment,
 *     the Fragment header's Next Header), 0-255
 * @param extensions the extension headers in order: a Hop-by-Hop Options header only first, a
 *     Fragment header only last (what follows it is fragment data), at most
 *     {@link Ipv6HeaderChain#MAX_HEADERS}
 * @param flowLabel 20 bits (RFC 6437)
 * @param payloadLength the upper-layer header and data (or the fragment data) after the
 *     extension headers
 */
public record Ipv6Repr(Ipv6Address source, Ipv6Address destination, int protocol, int hopLimit, int dscp, int ecn,
        int flowLabel, List<Ipv6ExtensionHeader> extensions, int payloadLength) {

    public Ipv6Repr {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        extensions = List.copyOf(extensions);
        range("protocol", protocol, 0xff);
        range("hopLimit", hopLimit, 0xff);
        range("dscp", dscp, 0x3f);
        range("ecn", ecn, 3);
        range("flowLabel", flowLabel, Ipv6Packet.FLOW_LABEL_MASK);
        if (extensions.size() > Ipv6HeaderChain.MAX_HEADERS) {
            throw new IllegalArgumentException("at most " + Ipv6HeaderChain.MAX_HEADERS + " extension headers: " + extensions.size());
        }
        int n = 0;
        for (int i = 0; i < extensions.size(); i++) {
            Ipv6ExtensionHeader h = extensions.get(i);
            if (h instanceof Ipv6ExtensionHeader.HopByHopOptions && i != 0) {
                throw new IllegalArgumentException("a Hop-by-Hop Options header must come first (RFC 8200 section 4.3)");
            }
            if (h instanceof Ipv6ExtensionHeader.Fragment && i != extensions.size() - 1) {
                throw new IllegalArgumentException("a Fragment header must come last: what follows it is fragment data");
            }
            n += h.bufferLen();
        }
        range("payloadLength", payloadLength, Ipv6Packet.MAX_PAYLOAD_LENGTH - n);
    }

    private static void range(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be 0.." + max + ": " + value);
        }
    }

    /** A header without extension headers, traffic class 0 and flow label 0. */
    public static Ipv6Repr of(Ipv6Address source, Ipv6Address destination, int protocol, int hopLimit, int payloadLength) {
        return new Ipv6Repr(source, destination, protocol, hopLimit, 0, 0, 0, List.of(), payloadLength);
    }

    /**
     * The header of a checked packet, extension headers included, as it is: refuses only a
     * chain that is not well-formed ({@link Ipv6HeaderChain#checkStructure}). Whether its
     * destination may process it (unrecognised options, Routing headers with segments left,
     * fragment rules) is {@link Ipv6HeaderChain#check}'s verdict, which engines use directly.
     */
    public static Parsed<Ipv6Repr> parse(Ipv6Packet packet) {
        Ipv6HeaderChain chain = new Ipv6HeaderChain();
        if (!chain.checkStructure(packet)) {
            return Parsed.err(chain.error());
        }
        ByteBuffer b = packet.buffer();
        List<Ipv6ExtensionHeader> extensions = new ArrayList<>(chain.headerCount());
        for (int i = 0; i < chain.headerCount(); i++) {
            int at = chain.headerOffset(i);
            int len = chain.headerLength(i);
            extensions.add(switch (chain.headerType(i)) {
                case Ipv6HeaderChain.HOP_BY_HOP -> new Ipv6ExtensionHeader.HopByHopOptions(options(b, at + 2, at + len));
                case Ipv6HeaderChain.DESTINATION_OPTIONS -> new Ipv6ExtensionHeader.DestinationOptions(options(b, at + 2, at + len));
                case Ipv6HeaderChain.ROUTING -> new Ipv6ExtensionHeader.Routing(u8(b, at + 2), u8(b, at + 3),
                        Octets.copyOf(b, at + 4, len - 4));
                default -> new Ipv6ExtensionHeader.Fragment(chain.fragmentOffset(), chain.moreFragments(),
                        chain.fragmentIdentification());
            });
        }
        return Parsed.ok(new Ipv6Repr(
                new Ipv6Address(packet.sourceHigh(), packet.sourceLow()),
                new Ipv6Address(packet.destinationHigh(), packet.destinationLow()),
                chain.upperLayerProtocol(), packet.hopLimit(), packet.dscp(), packet.ecn(), packet.flowLabel(),
                extensions, chain.upperLayerLength()));
    }

    /** The options in {@code [from, to)}, which the chain's check proved well-formed. */
    private static List<Ipv6Option> options(ByteBuffer b, int from, int to) {
        List<Ipv6Option> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            int type = u8(b, i);
            if (type == Ipv6Option.PAD1) {
                out.add(new Ipv6Option(Ipv6Option.PAD1, Octets.EMPTY));
                i++;
            } else {
                int len = u8(b, i + 1);
                out.add(new Ipv6Option(type, Octets.copyOf(b, i + 2, len)));
                i += 2 + len;
            }
        }
        return out;
    }

    /** The fixed header and the extension headers. */
    public int bufferLen() {
        int n = Ipv6Packet.HEADER_LENGTH;
        for (Ipv6ExtensionHeader h : extensions) {
            n += h.bufferLen();
        }
        return n;
    }

    /** The Payload Length field: extension headers and payload. */
    public int payloadLengthField() {
        return bufferLen() - Ipv6Packet.HEADER_LENGTH + payloadLength;
    }

    /** The whole packet's length. */
    public int totalLength() {
        return bufferLen() + payloadLength;
    }

    /**
     * Writes the fixed header and the extension headers into {@code [offset, offset + bufferLen())};
     * position and limit are left alone. IPv6 has no header checksum.
     */
    public void emit(ByteBuffer buffer, int offset) {
        int hl = bufferLen();
        Objects.checkFromIndexSize(offset, hl, buffer.limit());
        put32(buffer, offset + Ipv6Packet.VERSION_CLASS_FLOW,
                Ipv6Packet.VERSION << 28 | (dscp << 2 | ecn) << 20 | flowLabel);
        put16(buffer, offset + Ipv6Packet.PAYLOAD_LENGTH, payloadLengthField());
        put8(buffer, offset + Ipv6Packet.NEXT_HEADER, extensions.isEmpty() ? protocol : extensions.get(0).type());
        put8(buffer, offset + Ipv6Packet.HOP_LIMIT, hopLimit);
        source.write(buffer, offset + Ipv6Packet.SOURCE);
        destination.write(buffer, offset + Ipv6Packet.DESTINATION);
        int at = offset + Ipv6Packet.HEADER_LENGTH;
        for (int i = 0; i < extensions.size(); i++) {
            Ipv6ExtensionHeader h = extensions.get(i);
            h.emit(buffer, at, i + 1 < extensions.size() ? extensions.get(i + 1).type() : protocol);
            at += h.bufferLen();
        }
    }

    /** The pseudo-header sum for the upper layer of this packet (RFC 8200 section 8.1). */
    public long pseudoHeaderSum() {
        return InternetChecksum.pseudoHeader(source, destination, protocol, payloadLength);
    }
}
