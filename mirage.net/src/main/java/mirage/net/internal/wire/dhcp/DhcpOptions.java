package mirage.net.internal.wire.dhcp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.Octets;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.WireError;

/**
 * The options of a DHCP message, each known option decoded (RFC 2132), every other one kept
 * raw. An absent option is an empty {@code Optional} or an empty list: the options whose
 * values are lists need at least one element on the wire, so the two cannot be confused.
 *
 * <p>Text options (host name, domain name, message) hold their bytes as ISO 8859-1 characters,
 * one per byte: RFC 2132 asks for NVT ASCII, but any byte round-trips.
 *
 * <p>{@link #encode} yields options in this order: message type (53) first, as most
 * implementations put it, then the other known options by ascending code, then the raw options
 * in list order. Option overload (52) is framing, not a field: the parser uses it and the
 * emitter never needs it.
 *
 * @param messageType option 53; absent in a plain BOOTP message
 * @param subnetMask option 1
 * @param routers option 3, in preference order
 * @param domainNameServers option 6, in preference order
 * @param hostName option 12, at least one character
 * @param domainName option 15, at least one character
 * @param broadcastAddress option 28
 * @param requestedIpAddress option 50
 * @param leaseTime option 51, seconds, 0 to 2^32-1 (2^32-1 means infinity)
 * @param serverIdentifier option 54
 * @param parameterRequestList option 55: option codes 0-255, in the client's order
 * @param message option 56, at least one character
 * @param maximumMessageSize option 57, 576 to 65535
 * @param renewalTime option 58 (T1), seconds, 0 to 2^32-1
 * @param rebindingTime option 59 (T2), seconds, 0 to 2^32-1
 * @param clientIdentifier option 61: type byte then identifier, at least two bytes
 * @param others every other option, codes distinct, in order of first appearance
 */
public record DhcpOptions(
        Optional<MessageType> messageType,
        Optional<Ipv4Address> subnetMask,
        List<Ipv4Address> routers,
        List<Ipv4Address> domainNameServers,
        Optional<String> hostName,
        Optional<String> domainName,
        Optional<Ipv4Address> broadcastAddress,
        Optional<Ipv4Address> requestedIpAddress,
        OptionalLong leaseTime,
        Optional<Ipv4Address> serverIdentifier,
        List<Integer> parameterRequestList,
        Optional<String> message,
        OptionalInt maximumMessageSize,
        OptionalLong renewalTime,
        OptionalLong rebindingTime,
        Optional<Octets> clientIdentifier,
        List<RawOption> others) {

    /** No options at all. */
    public static final DhcpOptions NONE = builder().build();

    /** RFC 2132 section 9.10: "The minimum legal value is 576 octets." */
    public static final int MIN_MAXIMUM_MESSAGE_SIZE = 576;

    private static final long U32_MAX = 0xffff_ffffL;

    public DhcpOptions {
        requireNonNull(messageType, subnetMask, routers, domainNameServers, hostName, domainName, broadcastAddress,
                requestedIpAddress, leaseTime, serverIdentifier, parameterRequestList, message, maximumMessageSize,
                renewalTime, rebindingTime, clientIdentifier, others);
        routers = List.copyOf(routers);  // List.copyOf also refuses null elements
        domainNameServers = List.copyOf(domainNameServers);
        parameterRequestList = List.copyOf(parameterRequestList);
        others = List.copyOf(others);
        hostName.ifPresent(s -> requireText("host name", s));
        domainName.ifPresent(s -> requireText("domain name", s));
        message.ifPresent(s -> requireText("message", s));
        requireU32("lease time", leaseTime);
        requireU32("renewal time", renewalTime);
        requireU32("rebinding time", rebindingTime);
        maximumMessageSize.ifPresent(v -> {
            if (v < MIN_MAXIMUM_MESSAGE_SIZE || v > 0xffff) {
                throw new IllegalArgumentException("maximum message size out of 576..65535: " + v);
            }
        });
        for (int code : parameterRequestList) {
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException("not an option code: " + code);
            }
        }
        clientIdentifier.ifPresent(id -> {
            if (id.length() < 2) {
                throw new IllegalArgumentException("client identifier shorter than 2 bytes (RFC 2132 section 9.14)");
            }
        });
        Set<Integer> codes = new HashSet<>();
        for (RawOption o : others) {
            if (!codes.add(o.code())) {
                throw new IllegalArgumentException("option " + o.code() + " twice: instances are concatenated (RFC 3396)");
            }
        }
    }

    /** A builder with every option absent. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.messageType = messageType;
        b.subnetMask = subnetMask;
        b.routers = routers;
        b.domainNameServers = domainNameServers;
        b.hostName = hostName;
        b.domainName = domainName;
        b.broadcastAddress = broadcastAddress;
        b.requestedIpAddress = requestedIpAddress;
        b.leaseTime = leaseTime;
        b.serverIdentifier = serverIdentifier;
        b.parameterRequestList = parameterRequestList;
        b.message = message;
        b.maximumMessageSize = maximumMessageSize;
        b.renewalTime = renewalTime;
        b.rebindingTime = rebindingTime;
        b.clientIdentifier = clientIdentifier;
        b.others = others;
        return b;
    }

    /** Receives options in emission order. */
    @FunctionalInterface
    public interface Sink {
        /** One option: its code and its whole value (which may be longer than 255 bytes). */
        void option(int code, byte[] value);
    }

    /** Hands every present option to {@code sink}, encoded, in the order described above. */
    public void encode(Sink sink) {
        messageType.ifPresent(t -> sink.option(DhcpOption.DHCP_MESSAGE_TYPE, new byte[] {(byte) t.code()}));
        subnetMask.ifPresent(v -> sink.option(DhcpOption.SUBNET_MASK, u32(v.bits())));
        addresses(sink, DhcpOption.ROUTER, routers);
        addresses(sink, DhcpOption.DOMAIN_NAME_SERVER, domainNameServers);
        hostName.ifPresent(s -> sink.option(DhcpOption.HOST_NAME, s.getBytes(StandardCharsets.ISO_8859_1)));
        domainName.ifPresent(s -> sink.option(DhcpOption.DOMAIN_NAME, s.getBytes(StandardCharsets.ISO_8859_1)));
        broadcastAddress.ifPresent(v -> sink.option(DhcpOption.BROADCAST_ADDRESS, u32(v.bits())));
        requestedIpAddress.ifPresent(v -> sink.option(DhcpOption.REQUESTED_IP_ADDRESS, u32(v.bits())));
        leaseTime.ifPresent(v -> sink.option(DhcpOption.IP_ADDRESS_LEASE_TIME, u32((int) v)));
        serverIdentifier.ifPresent(v -> sink.option(DhcpOption.SERVER_IDENTIFIER, u32(v.bits())));
        if (!parameterRequestList.isEmpty()) {
            byte[] codes = new byte[parameterRequestList.size()];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (byte) (int) parameterRequestList.get(i);
            }
            sink.option(DhcpOption.PARAMETER_REQUEST_LIST, codes);
        }
        message.ifPresent(s -> sink.option(DhcpOption.MESSAGE, s.getBytes(StandardCharsets.ISO_8859_1)));
        maximumMessageSize.ifPresent(v -> sink.option(DhcpOption.MAXIMUM_DHCP_MESSAGE_SIZE, new byte[] {(byte) (v >>> 8), (byte) v}));
        renewalTime.ifPresent(v -> sink.option(DhcpOption.RENEWAL_TIME, u32((int) v)));
        rebindingTime.ifPresent(v -> sink.option(DhcpOption.REBINDING_TIME, u32((int) v)));
        clientIdentifier.ifPresent(v -> sink.option(DhcpOption.CLIENT_IDENTIFIER, v.toArray()));
        for (RawOption o : others) {
            sink.option(o.code(), o.data().toArray());
        }
    }

    /**
     * Decodes options already concatenated per code (RFC 3396), in order of first appearance,
     * without pad, end and overload.
     */
    static Parsed<DhcpOptions> decode(LinkedHashMap<Integer, ByteArrayOutputStream> concatenated) {
        Builder b = builder();
        List<RawOption> others = new ArrayList<>();
        for (Map.Entry<Integer, ByteArrayOutputStream> e : concatenated.entrySet()) {
            int code = e.getKey();
            byte[] v = e.getValue().toByteArray();
            WireError error = switch (code) {
                case DhcpOption.DHCP_MESSAGE_TYPE -> {
                    if (v.length != 1) {
                        yield WireError.BAD_OPTION_LENGTH;
                    }
                    MessageType t = MessageType.ofCode(v[0] & 0xff);
                    if (t == null) {
                        yield WireError.UNKNOWN_MESSAGE_TYPE;
                    }
                    b.messageType = Optional.of(t);
                    yield null;
                }
                case DhcpOption.SUBNET_MASK -> address(v, x -> b.subnetMask = x);
                case DhcpOption.BROADCAST_ADDRESS -> address(v, x -> b.broadcastAddress = x);
                case DhcpOption.REQUESTED_IP_ADDRESS -> address(v, x -> b.requestedIpAddress = x);
                case DhcpOption.SERVER_IDENTIFIER -> address(v, x -> b.serverIdentifier = x);
                case DhcpOption.IP_ADDRESS_LEASE_TIME -> seconds(v, x -> b.leaseTime = x);
                case DhcpOption.RENEWAL_TIME -> seconds(v, x -> b.renewalTime = x);
                case DhcpOption.REBINDING_TIME -> seconds(v, x -> b.rebindingTime = x);
                case DhcpOption.ROUTER -> addressList(v, x -> b.routers = x);
                case DhcpOption.DOMAIN_NAME_SERVER -> addressList(v, x -> b.domainNameServers = x);
                case DhcpOption.HOST_NAME -> text(v, x -> b.hostName = x);
                case DhcpOption.DOMAIN_NAME -> text(v, x -> b.domainName = x);
                case DhcpOption.MESSAGE -> text(v, x -> b.message = x);
                case DhcpOption.PARAMETER_REQUEST_LIST -> {
                    if (v.length < 1) {
                        yield WireError.BAD_OPTION_LENGTH;
                    }
                    List<Integer> codes = new ArrayList<>(v.length);
                    for (byte c : v) {
                        codes.add(c & 0xff);
                    }
                    b.parameterRequestList = codes;
                    yield null;
                }
                case DhcpOption.MAXIMUM_DHCP_MESSAGE_SIZE -> {
                    if (v.length != 2) {
                        yield WireError.BAD_OPTION_LENGTH;
                    }
                    int size = ((v[0] & 0xff) << 8) | (v[1] & 0xff);
                    if (size < MIN_MAXIMUM_MESSAGE_SIZE) {
                        yield WireError.BAD_OPTION_VALUE;
                    }
                    b.maximumMessageSize = OptionalInt.of(size);
                    yield null;
                }
                case DhcpOption.CLIENT_IDENTIFIER -> {
                    if (v.length < 2) {
                        yield WireError.BAD_OPTION_LENGTH;
                    }
                    b.clientIdentifier = Optional.of(Octets.of(v));
                    yield null;
                }
                default -> {
                    others.add(new RawOption(code, Octets.of(v)));
                    yield null;
                }
            };
            if (error != null) {
                return new Parsed.Err<>(error);
            }
        }
        b.others = others;
        return new Parsed.Ok<>(b.build());
    }

    private interface Setter<T> {
        void set(T value);
    }

    private static WireError address(byte[] v, Setter<Optional<Ipv4Address>> set) {
        if (v.length != 4) {
            return WireError.BAD_OPTION_LENGTH;
        }
        set.set(Optional.of(new Ipv4Address(readInt(v, 0))));
        return null;
    }

    private static WireError seconds(byte[] v, Setter<OptionalLong> set) {
        if (v.length != 4) {
            return WireError.BAD_OPTION_LENGTH;
        }
        set.set(OptionalLong.of(readInt(v, 0) & U32_MAX));
        return null;
    }

    private static WireError addressList(byte[] v, Setter<List<Ipv4Address>> set) {
        if (v.length < 4 || v.length % 4 != 0) {
            return WireError.BAD_OPTION_LENGTH;
        }
        List<Ipv4Address> list = new ArrayList<>(v.length / 4);
        for (int i = 0; i < v.length; i += 4) {
            list.add(new Ipv4Address(readInt(v, i)));
        }
        set.set(list);
        return null;
    }

    private static WireError text(byte[] v, Setter<Optional<String>> set) {
        if (v.length < 1) {
            return WireError.BAD_OPTION_LENGTH;
        }
        set.set(Optional.of(new String(v, StandardCharsets.ISO_8859_1)));
        return null;
    }

    private static int readInt(byte[] v, int i) {
        return ((v[i] & 0xff) << 24) | ((v[i + 1] & 0xff) << 16) | ((v[i + 2] & 0xff) << 8) | (v[i + 3] & 0xff);
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static void addresses(Sink sink, int code, List<Ipv4Address> addresses) {
        if (addresses.isEmpty()) {
            return;
        }
        byte[] out = new byte[addresses.size() * 4];
        for (int i = 0; i < addresses.size(); i++) {
            int a = addresses.get(i).bits();
            out[i * 4] = (byte) (a >>> 24);
            out[i * 4 + 1] = (byte) (a >>> 16);
            out[i * 4 + 2] = (byte) (a >>> 8);
            out[i * 4 + 3] = (byte) a;
        }
        sink.option(code, out);
    }

    private static void requireText(String what, String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty (RFC 2132 needs at least one byte)");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                throw new IllegalArgumentException(what + " has a character outside ISO 8859-1 at " + i);
            }
        }
    }

    private static void requireU32(String what, OptionalLong v) {
        if (v.isPresent() && (v.getAsLong() < 0 || v.getAsLong() > U32_MAX)) {
            throw new IllegalArgumentException(what + " out of 0..2^32-1: " + v.getAsLong());
        }
    }

    private static void requireNonNull(Object... fields) {
        for (Object f : fields) {
            if (f == null) {
                throw new IllegalArgumentException("a field is null: use an empty Optional or list for an absent option");
            }
        }
    }

    /** Builds {@link DhcpOptions}; every option starts absent. Not thread-safe. */
    public static final class Builder {
        private Optional<MessageType> messageType = Optional.empty();
        private Optional<Ipv4Address> subnetMask = Optional.empty();
        private List<Ipv4Address> routers = List.of();
        private List<Ipv4Address> domainNameServers = List.of();
        private Optional<String> hostName = Optional.empty();
        private Optional<String> domainName = Optional.empty();
        private Optional<Ipv4Address> broadcastAddress = Optional.empty();
        private Optional<Ipv4Address> requestedIpAddress = Optional.empty();
        private OptionalLong leaseTime = OptionalLong.empty();
        private Optional<Ipv4Address> serverIdentifier = Optional.empty();
        private List<Integer> parameterRequestList = List.of();
        private Optional<String> message = Optional.empty();
        private OptionalInt maximumMessageSize = OptionalInt.empty();
        private OptionalLong renewalTime = OptionalLong.empty();
        private OptionalLong rebindingTime = OptionalLong.empty();
        private Optional<Octets> clientIdentifier = Optional.empty();
        private List<RawOption> others = List.of();

        private Builder() {}

        public Builder messageType(MessageType v) { messageType = Optional.of(v); return this; }
        public Builder subnetMask(Ipv4Address v) { subnetMask = Optional.of(v); return this; }
        public Builder routers(List<Ipv4Address> v) { routers = v; return this; }
        public Builder domainNameServers(List<Ipv4Address> v) { domainNameServers = v; return this; }
        public Builder hostName(String v) { hostName = Optional.of(v); return this; }
        public Builder domainName(String v) { domainName = Optional.of(v); return this; }
        public Builder broadcastAddress(Ipv4Address v) { broadcastAddress = Optional.of(v); return this; }
        public Builder requestedIpAddress(Ipv4Address v) { requestedIpAddress = Optional.of(v); return this; }
        public Builder leaseTime(long seconds) { leaseTime = OptionalLong.of(seconds); return this; }
        public Builder serverIdentifier(Ipv4Address v) { serverIdentifier = Optional.of(v); return this; }
        public Builder parameterRequestList(List<Integer> v) { parameterRequestList = v; return this; }
        public Builder message(String v) { message = Optional.of(v); return this; }
        public Builder maximumMessageSize(int v) { maximumMessageSize = OptionalInt.of(v); return this; }
        public Builder renewalTime(long seconds) { renewalTime = OptionalLong.of(seconds); return this; }
        public Builder rebindingTime(long seconds) { rebindingTime = OptionalLong.of(seconds); return this; }
        public Builder clientIdentifier(Octets v) { clientIdentifier = Optional.of(v); return this; }
        public Builder others(List<RawOption> v) { others = v; return this; }

        /** The options; throws {@link IllegalArgumentException} if one cannot be carried (see the record's components). */
        public DhcpOptions build() {
            return new DhcpOptions(messageType, subnetMask, routers, domainNameServers, hostName, domainName,
                    broadcastAddress, requestedIpAddress, leaseTime, serverIdentifier, parameterRequestList, message,
                    maximumMessageSize, renewalTime, rebindingTime, clientIdentifier, others);
        }
    }
}
