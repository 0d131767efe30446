package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put48;
import static mirage.net.internal.wire.Bytes.put8;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;

/** A validated Ethernet/IPv4 ARP request or reply (RFC 826). */
public record ArpRepr(Operation operation, MacAddress senderHardwareAddress, Ipv4Address senderProtocolAddress,
        MacAddress targetHardwareAddress, Ipv4Address targetProtocolAddress) {

    /** ar$op values this package represents (RFC 826; RARP's 3 and 4 of RFC 903 are not). */
    public enum Operation {
        REQUEST(ArpPacket.OPERATION_REQUEST),
        REPLY(ArpPacket.OPERATION_REPLY);

        private final int code;

        Operation(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public ArpRepr {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(senderHardwareAddress, "senderHardwareAddress");
        Objects.requireNonNull(senderProtocolAddress, "senderProtocolAddress");
        Objects.requireNonNull(targetHardwareAddress, "targetHardwareAddress");
        Objects.requireNonNull(targetProtocolAddress, "targetProtocolAddress");
    }

    /** The packet of a checked view, or {@link WireError#UNSUPPORTED_OPERATION}. */
    public static Parsed<ArpRepr> parse(ArpPacket packet) {
        Operation op;
        switch (packet.operation()) {
            case ArpPacket.OPERATION_REQUEST -> op = Operation.REQUEST;
            case ArpPacket.OPERATION_REPLY -> op = Operation.REPLY;
            default -> {
                return Parsed.err(WireError.UNSUPPORTED_OPERATION);
            }
        }
        return Parsed.ok(new ArpRepr(op,
                new MacAddress(packet.senderHardwareAddress()), new Ipv4Address(packet.senderProtocolAddress()),
                new MacAddress(packet.targetHardwareAddress()), new Ipv4Address(packet.targetProtocolAddress())));
    }

    /** Always {@link ArpPacket#LENGTH}, 28. */
    public int bufferLen() {
        return ArpPacket.LENGTH;
    }

    /** Writes the packet into {@code [offset, offset + 28)}; position and limit are left alone. */
    public void emit(ByteBuffer buffer, int offset) {
        Objects.checkFromIndexSize(offset, ArpPacket.LENGTH, buffer.limit());
        put16(buffer, offset + ArpPacket.HARDWARE_TYPE, ArpPacket.HARDWARE_ETHERNET);
        put16(buffer, offset + ArpPacket.PROTOCOL_TYPE, EthernetFrame.TYPE_IPV4);
        put8(buffer, offset + ArpPacket.HARDWARE_LENGTH, MacAddress.LENGTH);
        put8(buffer, offset + ArpPacket.PROTOCOL_LENGTH, Ipv4Address.LENGTH);
        put16(buffer, offset + ArpPacket.OPERATION, operation.code());
        put48(buffer, offset + ArpPacket.SENDER_HARDWARE, senderHardwareAddress.bits());
        put32(buffer, offset + ArpPacket.SENDER_PROTOCOL, senderProtocolAddress.bits());
        put48(buffer, offset + ArpPacket.TARGET_HARDWARE, targetHardwareAddress.bits());
        put32(buffer, offset + ArpPacket.TARGET_PROTOCOL, targetProtocolAddress.bits());
    }
}
