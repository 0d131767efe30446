package mirage.net.internal.engine.dhcp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.RawOption;

/**
 * An address leased by a DHCP server (RFC 2131 section 4.4.1) and the configuration that came
 * with it (RFC 2132), as {@link DhcpClient} hands it to its binding. Times are monotonic
 * nanoseconds on the client's clock ({@code now}); durations are nanoseconds, {@link #INFINITE}
 * for a lease that never ends (lease time 0xffffffff, RFC 2131 section 3.3).
 *
 * <p>The durations are sanitized when the lease is read from a DHCPACK ({@link #fromAck}): the
 * record always holds {@code 0 < renewal <= rebinding <= lease}.
 *
 * @param address the leased address ({@code yiaddr}) with the prefix of the subnet mask
 *     (option 1), or of the address's class when the server sent none or a mask that is not a
 *     prefix (RFC 2131 section 4.4.1 gives no default; the class is what BOOTP clients assumed)
 * @param routers option 3, in the server's order of preference; addresses that cannot be a
 *     host's (unspecified, loopback, multicast, broadcast, class E) left out
 * @param dnsServers option 6, in order, filtered as {@code routers}
 * @param domainName option 15
 * @param serverIdentifier option 54: the server to renew with
 * @param leaseNanos the lease time (option 51), or {@link #INFINITE}
 * @param renewalNanos T1 (option 58, default half the lease, RFC 2131 section 4.4.5)
 * @param rebindingNanos T2 (option 59, default 7/8 of the lease, RFC 2131 section 4.4.5)
 * @param acquiredAt when the DHCPREQUEST that obtained the lease was first sent: RFC 2131
 *     section 4.4.1 counts the lease from then, so the client never believes it holds the
 *     address longer than the server does
 * @param mtu option 26, the interface MTU, when given and at least 68 (RFC 2132 section 5.1)
 */
public record Lease(
        Ipv4Cidr address, List<Ipv4Address> routers, List<Ipv4Address> dnsServers, Optional<String> domainName,
        Ipv4Address serverIdentifier, long leaseNanos, long renewalNanos, long rebindingNanos, long acquiredAt,
        OptionalInt mtu) {

    /** The duration of a lease, T1 or T2 that never ends. */
    public static final long INFINITE = Long.MAX_VALUE;

    /** RFC 2132 section 9.2: a lease time of 0xffffffff means infinity. */
    public static final long INFINITE_SECONDS = 0xffff_ffffL;

    /** RFC 2132 section 5.1: "The minimum legal value for the MTU is 68." */
    public static final int MIN_MTU = 68;

    /** Option 26, Interface MTU (RFC 2132 section 5.1), which the wire layer keeps raw. */
    public static final int OPTION_INTERFACE_MTU = 26;

    private static final long SECOND = 1_000_000_000L;

    /** @throws IllegalArgumentException if a field is null or the durations are not {@code 0 < renewal <= rebinding <= lease} */
    public Lease {
        Objects.requireNonNull(address, "address");
        routers = List.copyOf(routers);
        dnsServers = List.copyOf(dnsServers);
        Objects.requireNonNull(domainName, "domainName");
        Objects.requireNonNull(serverIdentifier, "serverIdentifier");
        Objects.requireNonNull(mtu, "mtu");
        if (renewalNanos <= 0 || renewalNanos > rebindingNanos || rebindingNanos > leaseNanos) {
            throw new IllegalArgumentException("need 0 < renewal <= rebinding <= lease, got " + renewalNanos + ", "
                    + rebindingNanos + ", " + leaseNanos + " ns");
        }
    }

    /** Whether the lease never ends. */
    public boolean isInfinite() {
        return leaseNanos == INFINITE;
    }

    /** When the client starts renewing (T1), {@link Long#MAX_VALUE} if never. */
    public long renewAt() {
        return at(renewalNanos);
    }

    /** When the client starts rebinding (T2), {@link Long#MAX_VALUE} if never. */
    public long rebindAt() {
        return at(rebindingNanos);
    }

    /** When the lease ends, {@link Long#MAX_VALUE} if never. */
    public long expiresAt() {
        return at(leaseNanos);
    }

    private long at(long duration) {
        if (duration == INFINITE) {
            return Long.MAX_VALUE;
        }
        long t = acquiredAt + duration;
        return ((acquiredAt ^ t) & (duration ^ t)) < 0 ? Long.MAX_VALUE : t; // saturate on overflow
    }

    /** What is wrong with a DHCPACK (or DHCPOFFER) that cannot become a lease. */
    enum Problem {
        /** {@code yiaddr} is not an address a host can use, or is its subnet's network or broadcast address. */
        BAD_ADDRESS,
        /** No server identifier (option 54) and none known, or one that is not a host's address. */
        BAD_SERVER,
        /** No lease time (option 51), or a lease time of zero. */
        BAD_LEASE_TIME
    }

    /** A lease read from a message, or why not. */
    record Read(Lease lease, Problem problem) {}

    /**
     * The lease an ACK grants, or the problem that makes it unusable. Never throws for any
     * parsed message.
     *
     * @param knownServer the server identifier to use when the ACK has none (the selected or
     *     renewing server), or {@code null}
     */
    static Read fromAck(DhcpMessage ack, Ipv4Address knownServer, long acquiredAt) {
        DhcpOptions o = ack.options();
        Ipv4Address yiaddr = ack.yiaddr();
        if (!isHostAddress(yiaddr)) {
            return new Read(null, Problem.BAD_ADDRESS);
        }
        int prefix = o.subnetMask().stream().mapToInt(Lease::prefixOf).filter(p -> p > 0).findFirst()
                .orElse(classPrefix(yiaddr));
        Ipv4Cidr cidr = Ipv4Cidr.of(yiaddr, prefix);
        if (prefix <= 30 && (yiaddr.equals(cidr.network()) || yiaddr.equals(cidr.broadcast()))) {
            return new Read(null, Problem.BAD_ADDRESS);
        }
        Ipv4Address server = o.serverIdentifier().orElse(knownServer);
        if (server == null || !isHostAddress(server)) {
            return new Read(null, Problem.BAD_SERVER);
        }
        if (o.leaseTime().isEmpty() || o.leaseTime().getAsLong() == 0) {
            return new Read(null, Problem.BAD_LEASE_TIME);
        }
        long seconds = o.leaseTime().getAsLong();
        long lease;
        long t2;
        long t1;
        if (seconds == INFINITE_SECONDS) {
            lease = t2 = t1 = INFINITE;
        } else {
            lease = seconds * SECOND;
            long given2 = given(o.rebindingTime().orElse(0));
            t2 = given2 > 0 && given2 <= lease ? given2 : lease - lease / 8;
            long given1 = given(o.renewalTime().orElse(0));
            t1 = given1 > 0 && given1 <= t2 ? given1 : Math.min(lease / 2, t2);
        }
        return new Read(new Lease(cidr, hosts(o.routers()), hosts(o.domainNameServers()), o.domainName(), server,
                lease, t1, t2, acquiredAt, mtu(o.others())), null);
    }

    /** Seconds as nanoseconds, 0xffffffff (infinite) as longer than any lease. */
    private static long given(long seconds) {
        return seconds == INFINITE_SECONDS ? INFINITE : seconds * SECOND;
    }

    /**
     * Whether {@code a} can be a host's unicast address: not in 0.0.0.0/8 ("this network"),
     * 127.0.0.0/8 (loopback) or 224.0.0.0 and above (multicast, class E, broadcast).
     */
    static boolean isHostAddress(Ipv4Address a) {
        int top = a.bits() >>> 24;
        return top != 0 && top != 127 && top < 224;
    }

    /** The prefix length of a contiguous mask, or -1 if the mask has a hole. */
    static int prefixOf(Ipv4Address mask) {
        int m = mask.bits();
        int ones = Integer.numberOfLeadingZeros(~m);
        return (ones == 32 || (m << ones) == 0) ? ones : -1;
    }

    /** The classful prefix: /8 for class A, /16 for B, /24 for C (RFC 791 section 3.2); only called on host addresses. */
    static int classPrefix(Ipv4Address a) {
        int top = a.bits() >>> 24;
        return top < 128 ? 8 : top < 192 ? 16 : 24;
    }

    private static List<Ipv4Address> hosts(List<Ipv4Address> addresses) {
        return addresses.stream().filter(Lease::isHostAddress).toList();
    }

    private static OptionalInt mtu(List<RawOption> others) {
        for (RawOption r : others) {
            if (r.code() == OPTION_INTERFACE_MTU && r.data().length() == 2) {
                int v = r.data().get(0) << 8 | r.data().get(1);
                return v >= MIN_MTU ? OptionalInt.of(v) : OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
