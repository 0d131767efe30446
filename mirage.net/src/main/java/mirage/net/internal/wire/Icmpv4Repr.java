package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A validated ICMPv4 message of the kinds this package represents: echo request and reply,
 * destination unreachable and time exceeded (RFC 792). Data is part of the record; the
 * checksum is computed by {@link #emit} and verified by {@link #parse}.
 */
public sealed interface Icmpv4Repr {

    /** Header and data length. */
    int bufferLen();

    /** Writes the whole message, checksum computed, into {@code [offset, offset + bufferLen())}. */
    void emit(ByteBuffer buffer, int offset);

    /** Echo (type 8, code 0) or Echo Reply (type 0, code 0) (RFC 792, "Echo or Echo Reply Message"). */
    record Echo(Kind kind, int identifier, int sequence, Octets data) implements Icmpv4Repr {
        /** Request or reply. */
        public enum Kind {
            REQUEST(Icmpv4Packet.TYPE_ECHO_REQUEST),
            REPLY(Icmpv4Packet.TYPE_ECHO_REPLY);

            private final int type;

            Kind(int type) {
                this.type = type;
            }

            public int type() {
                return type;
            }
        }

        public Echo {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(data, "data");
            if (identifier < 0 || identifier > 0xffff || sequence < 0 || sequence > 0xffff) {
                throw new IllegalArgumentException("identifier and sequence must be 0..65535: " + identifier + ", " + sequence);
            }
        }

        /** The reply to this request: the same identifier, sequence and data (RFC 792). */
        public Echo reply() {
            return new Echo(Kind.REPLY, identifier, sequence, data);
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LENGTH + data.length();
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            int len = bufferLen();
            Objects.checkFromIndexSize(offset, len, buffer.limit());
            writeTypeCode(buffer, offset, kind.type(), 0);
            put16(buffer, offset + Icmpv4Packet.IDENTIFIER, identifier);
            put16(buffer, offset + Icmpv4Packet.SEQUENCE, sequence);
            data.copyTo(buffer, offset + Icmpv4Packet.HEADER_LENGTH);
            checksum(buffer, offset, len);
        }
    }

    /** Codes of Destination Unreachable: 0-5 of RFC 792, 6-12 of RFC 1122 section 3.2.2.1, 13-15 of RFC 1812 section 5.2.7.1. */
    enum UnreachableCode {
        NET_UNREACHABLE, HOST_UNREACHABLE, PROTOCOL_UNREACHABLE, PORT_UNREACHABLE,
        /** "fragmentation needed and DF set"; the message carries the next-hop MTU (RFC 1191 section 4). */
        FRAGMENTATION_NEEDED,
        SOURCE_ROUTE_FAILED, NET_UNKNOWN, HOST_UNKNOWN, SOURCE_HOST_ISOLATED, NET_PROHIBITED, HOST_PROHIBITED,
        NET_UNREACHABLE_FOR_TOS, HOST_UNREACHABLE_FOR_TOS, COMMUNICATION_PROHIBITED, HOST_PRECEDENCE_VIOLATION,
        PRECEDENCE_CUTOFF;

        /** The code field. */
        public int code() {
            return ordinal();
        }
    }

    /** Codes of Time Exceeded (RFC 792). */
    enum TimeExceededCode {
        /** 0: "time to live exceeded in transit". */
        TTL_EXCEEDED,
        /** 1: "fragment reassembly time exceeded". */
        REASSEMBLY_TIME_EXCEEDED;

        public int code() {
            return ordinal();
        }
    }

    /**
     * Destination Unreachable (type 3): the quoted header of the datagram that could not be
     * delivered and the bytes of it that follow (RFC 792: "the first 64 bits of the original
     * datagram's data"; senders may quote more, RFC 1812 section 4.3.2.3).
     *
     * @param nextHopMtu the MTU of the next hop for {@link UnreachableCode#FRAGMENTATION_NEEDED}, else 0
     */
    record DestinationUnreachable(UnreachableCode code, int nextHopMtu, Ipv4Repr header, Octets data)
            implements Icmpv4Repr {
        public DestinationUnreachable {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(data, "data");
            if (nextHopMtu < 0 || nextHopMtu > 0xffff) {
                throw new IllegalArgumentException("next-hop MTU must be 0..65535: " + nextHopMtu);
            }
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LENGTH + header.bufferLen() + data.length();
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            int len = bufferLen();
            Objects.checkFromIndexSize(offset, len, buffer.limit());
            writeTypeCode(buffer, offset, Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, code.code());
            put16(buffer, offset + Icmpv4Packet.REST_OF_HEADER, 0);
            put16(buffer, offset + Icmpv4Packet.NEXT_HOP_MTU, nextHopMtu);
            quote(buffer, offset, header, data);
            checksum(buffer, offset, len);
        }
    }

    /** Time Exceeded (type 11), with the quoted header and data as in {@link DestinationUnreachable}. */
    record TimeExceeded(TimeExceededCode code, Ipv4Repr header, Octets data) implements Icmpv4Repr {
        public TimeExceeded {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int bufferLen() {
            return Icmpv4Packet.HEADER_LENGTH + header.bufferLen() + data.length();
        }

        @Override
        public void emit(ByteBuffer buffer, int offset) {
            int len = bufferLen();
            Objects.checkFromIndexSize(offset, len, buffer.limit());
            writeTypeCode(buffer, offset, Icmpv4Packet.TYPE_TIME_EXCEEDED, code.code());
            put32(buffer, offset + Icmpv4Packet.REST_OF_HEADER, 0);
            quote(buffer, offset, header, data);
            checksum(buffer, offset, len);
        }
    }

    /**
     * The message of a checked view: refuses a checksum that does not verify, types other than
     * 0, 3, 8 and 11, undefined codes, and a quoted header that is not a well-formed IPv4 header
     * (its checksum is not verified: the message quotes it as received).
     */
    static Parsed<Icmpv4Repr> parse(Icmpv4Packet packet) {
        if (!packet.checksumVerifies()) {
            return Parsed.err(WireError.BAD_CHECKSUM);
        }
        int type = packet.type();
        int code = packet.code();
        switch (type) {
            case Icmpv4Packet.TYPE_ECHO_REQUEST, Icmpv4Packet.TYPE_ECHO_REPLY -> {
                if (code != 0) {
                    return Parsed.err(WireError.BAD_CODE);
                }
                return Parsed.ok(new Echo(type == Icmpv4Packet.TYPE_ECHO_REQUEST ? Echo.Kind.REQUEST : Echo.Kind.REPLY,
                        packet.identifier(), packet.sequence(),
                        Octets.copyOf(packet.buffer(), packet.dataOffset(), packet.dataLength())));
            }
            case Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE -> {
                if (code >= UnreachableCode.values().length) {
                    return Parsed.err(WireError.BAD_CODE);
                }
                Ipv4Packet quoted = new Ipv4Packet();
                if (!quoted.checkQuoted(packet.buffer(), packet.dataOffset(), packet.dataLength())) {
                    return Parsed.err(quoted.error());
                }
                return switch (Ipv4Repr.parseUnverified(quoted)) {
                    case Parsed.Err<Ipv4Repr> e -> Parsed.err(e.reason());
                    case Parsed.Ok<Ipv4Repr> h -> Parsed.ok(new DestinationUnreachable(UnreachableCode.values()[code],
                            packet.nextHopMtu(), h.value(), rest(packet, quoted)));
                };
            }
            case Icmpv4Packet.TYPE_TIME_EXCEEDED -> {
                if (code >= TimeExceededCode.values().length) {
                    return Parsed.err(WireError.BAD_CODE);
                }
                Ipv4Packet quoted = new Ipv4Packet();
                if (!quoted.checkQuoted(packet.buffer(), packet.dataOffset(), packet.dataLength())) {
                    return Parsed.err(quoted.error());
                }
                return switch (Ipv4Repr.parseUnverified(quoted)) {
                    case Parsed.Err<Ipv4Repr> e -> Parsed.err(e.reason());
                    case Parsed.Ok<Ipv4Repr> h -> Parsed.ok(new TimeExceeded(TimeExceededCode.values()[code],
                            h.value(), rest(packet, quoted)));
                };
            }
            default -> {
                return Parsed.err(WireError.UNSUPPORTED_TYPE);
            }
        }
    }

    private static Octets rest(Icmpv4Packet packet, Ipv4Packet quoted) {
        int from = quoted.payloadOffset();
        return Octets.copyOf(packet.buffer(), from, packet.offset() + packet.length() - from);
    }

    private static void writeTypeCode(ByteBuffer buffer, int offset, int type, int code) {
        put8(buffer, offset + Icmpv4Packet.TYPE, type);
        put8(buffer, offset + Icmpv4Packet.CODE, code);
        put16(buffer, offset + Icmpv4Packet.CHECKSUM, 0);
    }

    private static void quote(ByteBuffer buffer, int offset, Ipv4Repr header, Octets data) {
        int at = offset + Icmpv4Packet.HEADER_LENGTH;
        header.emit(buffer, at);
        data.copyTo(buffer, at + header.bufferLen());
    }

    private static void checksum(ByteBuffer buffer, int offset, int length) {
        put16(buffer, offset + Icmpv4Packet.CHECKSUM, InternetChecksum.of(buffer, offset, length));
    }
}
