package mirage.net.internal.engine.ipv4;

import java.util.List;
import java.util.Objects;
import mirage.net.Ipv4Cidr;

/**
 * What an {@link Ipv4Engine} is built with, validated here.
 *
 * @param addresses this host's addresses with their networks; each adds an on-link route
 * @param routes further routes (a default route via a gateway, say); the longest prefix wins
 * @param reassemblyDatagrams most datagrams in reassembly at once
 * @param reassemblyBytes most bytes of reassembly buffers in all
 * @param reassemblyFragments most fragments of one datagram
 * @param reassemblyTimeoutNanos how long a datagram may take to reassemble after its first fragment
 */
public record Ipv4Config(List<Ipv4Cidr> addresses, List<Route> routes, int reassemblyDatagrams, int reassemblyBytes,
        int reassemblyFragments, long reassemblyTimeoutNanos) {

    /** RFC 791 section 3.2: "The current recommendation for the initial timer setting is 15 seconds." */
    public static final long REASSEMBLY_TIMEOUT_NANOS = 15_000_000_000L;

    public Ipv4Config {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        if (reassemblyDatagrams < 0 || reassemblyBytes < 0 || reassemblyFragments < 1 || reassemblyTimeoutNanos <= 0) {
            throw new IllegalArgumentException("reassembly limits must be positive (datagrams and bytes may be 0 to refuse fragments): "
                    + reassemblyDatagrams + " datagrams, " + reassemblyBytes + " bytes, " + reassemblyFragments
                    + " fragments, " + reassemblyTimeoutNanos + " ns");
        }
    }

    /**
     * The addresses and routes with default limits: 16 datagrams, 256 KiB, 64 fragments per
     * datagram (an 8000-byte datagram takes 6 on Ethernet; 64 KiB over 1280-byte links, 52), 15 s.
     */
    public static Ipv4Config of(List<Ipv4Cidr> addresses, List<Route> routes) {
        Objects.requireNonNull(addresses, "addresses");
        return new Ipv4Config(addresses, routes, 16, 256 * 1024, 64, REASSEMBLY_TIMEOUT_NANOS);
    }
}
