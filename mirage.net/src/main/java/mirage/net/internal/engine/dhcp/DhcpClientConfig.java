package mirage.net.internal.engine.dhcp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.DhcpOption;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.Octets;

/**
 * Settings of a {@link DhcpClient}, validated when built: a configuration that exists can be
 * put on the wire. Build one with {@link #builder()}; {@link #DEFAULTS} asks for the usual
 * parameters and nothing else.
 *
 * @param hostName option 12 (RFC 2132 section 3.14), sent in DHCPDISCOVER and DHCPREQUEST: a
 *     host name of RFC 1123 section 2.1 (labels of letters, digits and hyphens, 1-63 characters,
 *     not starting or ending with a hyphen, at most 253 characters in all)
 * @param requestedAddress an address the client held before: {@link DhcpClient#start} then
 *     asks for it first (INIT-REBOOT, RFC 2131 section 3.2) and DHCPDISCOVER suggests it
 *     (option 50)
 * @param clientIdentifier option 61 (RFC 2132 section 9.14), a type byte and at least one byte
 *     more, at most 255 in all; empty means type 1 (Ethernet) and the MAC address
 * @param parameterRequestList option 55: the codes of the options asked for, 1 to 254, no
 *     duplicate, at least one
 * @param maximumMessageSize option 57 (576 to 65535), sent when present
 * @param replies whether the server is asked to broadcast its replies (RFC 2131 section 4.1)
 * @param initialTimeoutNanos the first retransmission timeout (4 s, RFC 2131 section 4.1)
 * @param maxTimeoutNanos the timeout doubles up to this (64 s, RFC 2131 section 4.1)
 * @param jitterNanos each timeout is moved by a uniform random amount in
 *     {@code [-jitter, +jitter]} (1 s, RFC 2131 section 4.1); below {@code initialTimeoutNanos}
 * @param requestAttempts DHCPREQUESTs sent in REQUESTING or REBOOTING before the client gives
 *     up and starts over with a DHCPDISCOVER (4: about a minute with the default timeouts)
 */
public record DhcpClientConfig(
        Optional<String> hostName, Optional<Ipv4Address> requestedAddress, Optional<Octets> clientIdentifier,
        List<Integer> parameterRequestList, OptionalInt maximumMessageSize, Replies replies,
        long initialTimeoutNanos, long maxTimeoutNanos, long jitterNanos, int requestAttempts) {

    /** How the client asks servers to send their replies before it has an address. */
    public enum Replies {
        /** Set the BROADCAST flag in DHCPDISCOVER and DHCPREQUEST: for stacks that take no unicast before configuration. */
        BROADCAST,
        /** Leave the flag clear: the server may unicast to {@code yiaddr} and the client's MAC. */
        UNICAST
    }

    /**
     * The default parameter request list: subnet mask (1), router (3), domain name servers (6),
     * domain name (15), lease time (51), T1 (58), T2 (59) and interface MTU (26).
     */
    public static final List<Integer> DEFAULT_PARAMETERS = List.of(
            DhcpOption.SUBNET_MASK, DhcpOption.ROUTER, DhcpOption.DOMAIN_NAME_SERVER, DhcpOption.DOMAIN_NAME,
            DhcpOption.IP_ADDRESS_LEASE_TIME, DhcpOption.RENEWAL_TIME, DhcpOption.REBINDING_TIME,
            Lease.OPTION_INTERFACE_MTU);

    private static final long SECOND = 1_000_000_000L;

    /** No host name, no requested address, the MAC as client identifier, {@link #DEFAULT_PARAMETERS}, broadcast replies, RFC 2131 timeouts. */
    public static final DhcpClientConfig DEFAULTS = builder().build();

    /** @throws IllegalArgumentException naming the setting that cannot be used and why */
    public DhcpClientConfig {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(requestedAddress, "requestedAddress");
        Objects.requireNonNull(clientIdentifier, "clientIdentifier");
        Objects.requireNonNull(maximumMessageSize, "maximumMessageSize");
        Objects.requireNonNull(replies, "replies");
        parameterRequestList = List.copyOf(parameterRequestList);
        hostName.ifPresent(DhcpClientConfig::requireHostName);
        requestedAddress.ifPresent(a -> {
            if (!Lease.isHostAddress(a)) {
                throw new IllegalArgumentException("requested address " + a + " is not a host address"
                        + " (it is in 0.0.0.0/8, 127.0.0.0/8 or 224.0.0.0 and above)");
            }
        });
        clientIdentifier.ifPresent(id -> {
            if (id.length() < 2 || id.length() > 255) {
                throw new IllegalArgumentException("client identifier must be 2 to 255 bytes (a type byte and"
                        + " the identifier, RFC 2132 section 9.14), got " + id.length());
            }
        });
        if (parameterRequestList.isEmpty() || parameterRequestList.size() > 254) {
            throw new IllegalArgumentException("parameter request list must hold 1 to 254 option codes, got "
                    + parameterRequestList.size());
        }
        if (parameterRequestList.stream().distinct().count() != parameterRequestList.size()) {
            throw new IllegalArgumentException("parameter request list repeats a code: " + parameterRequestList);
        }
        for (int code : parameterRequestList) {
            if (code < 1 || code > 254) {
                throw new IllegalArgumentException("parameter request list holds " + code
                        + ", not an option code (1 to 254)");
            }
        }
        maximumMessageSize.ifPresent(v -> {
            if (v < DhcpOptions.MIN_MAXIMUM_MESSAGE_SIZE || v > 0xffff) {
                throw new IllegalArgumentException("maximum message size must be 576 to 65535 (RFC 2132 section"
                        + " 9.10), got " + v);
            }
        });
        if (jitterNanos < 0) {
            throw new IllegalArgumentException("jitterNanos must not be negative, got " + jitterNanos);
        }
        if (initialTimeoutNanos <= jitterNanos) {
            throw new IllegalArgumentException("initialTimeoutNanos (" + initialTimeoutNanos
                    + ") must exceed jitterNanos (" + jitterNanos + ") so that every timeout is positive");
        }
        if (maxTimeoutNanos < initialTimeoutNanos || maxTimeoutNanos > 3600 * SECOND) {
            throw new IllegalArgumentException("maxTimeoutNanos must be from initialTimeoutNanos ("
                    + initialTimeoutNanos + ") to one hour, got " + maxTimeoutNanos);
        }
        if (requestAttempts < 1 || requestAttempts > 100) {
            throw new IllegalArgumentException("requestAttempts must be 1 to 100, got " + requestAttempts);
        }
    }

    /** A builder holding {@link #DEFAULTS}' values. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hostName = hostName;
        b.requestedAddress = requestedAddress;
        b.clientIdentifier = clientIdentifier;
        b.parameterRequestList = parameterRequestList;
        b.maximumMessageSize = maximumMessageSize;
        b.replies = replies;
        b.initialTimeoutNanos = initialTimeoutNanos;
        b.maxTimeoutNanos = maxTimeoutNanos;
        b.jitterNanos = jitterNanos;
        b.requestAttempts = requestAttempts;
        return b;
    }

    private static void requireHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            throw new IllegalArgumentException("host name must be 1 to 253 characters, got " + name.length());
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw new IllegalArgumentException("host name \"" + name + "\": every label (between dots) must be"
                        + " 1 to 63 characters (RFC 1123 section 2.1)");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw new IllegalArgumentException("host name \"" + name + "\": label \"" + label
                        + "\" starts or ends with a hyphen (RFC 1123 section 2.1)");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                    throw new IllegalArgumentException("host name \"" + name + "\": '" + c
                            + "' is not a letter, digit or hyphen (RFC 1123 section 2.1)");
                }
            }
        }
    }

    /** Builds a {@link DhcpClientConfig}, validated by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private Optional<String> hostName = Optional.empty();
        private Optional<Ipv4Address> requestedAddress = Optional.empty();
        private Optional<Octets> clientIdentifier = Optional.empty();
        private List<Integer> parameterRequestList = DEFAULT_PARAMETERS;
        private OptionalInt maximumMessageSize = OptionalInt.empty();
        private Replies replies = Replies.BROADCAST;
        private long initialTimeoutNanos = 4 * SECOND;
        private long maxTimeoutNanos = 64 * SECOND;
        private long jitterNanos = SECOND;
        private int requestAttempts = 4;

        private Builder() {}

        public Builder hostName(String v) { hostName = Optional.of(v); return this; }
        public Builder requestedAddress(Ipv4Address v) { requestedAddress = Optional.of(v); return this; }
        public Builder clientIdentifier(Octets v) { clientIdentifier = Optional.of(v); return this; }
        public Builder parameterRequestList(List<Integer> v) { parameterRequestList = v; return this; }
        public Builder maximumMessageSize(int v) { maximumMessageSize = OptionalInt.of(v); return this; }
        public Builder replies(Replies v) { replies = v; return this; }
        public Builder initialTimeoutNanos(long v) { initialTimeoutNanos = v; return this; }
        public Builder maxTimeoutNanos(long v) { maxTimeoutNanos = v; return this; }
        public Builder jitterNanos(long v) { jitterNanos = v; return this; }
        public Builder requestAttempts(int v) { requestAttempts = v; return this; }

        /** @throws IllegalArgumentException as the record's constructor */
        public DhcpClientConfig build() {
            return new DhcpClientConfig(hostName, requestedAddress, clientIdentifier, parameterRequestList,
                    maximumMessageSize, replies, initialTimeoutNanos, maxTimeoutNanos, jitterNanos, requestAttempts);
        }
    }
}
