package mirage.net.internal.engine.ipv4;

import java.util.Objects;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;

/**
 * One entry of the routing table: datagrams to {@code destination} go to {@code gateway}, or
 * straight to their destination on the link if {@code gateway} is {@link Ipv4Address#UNSPECIFIED}.
 */
public record Route(Ipv4Cidr destination, Ipv4Address gateway) {

    public Route {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(gateway, "gateway");
        destination = Ipv4Cidr.of(destination.network(), destination.prefixLength());
    }

    /** A route to a directly attached network. */
    public static Route onLink(Ipv4Cidr network) {
        return new Route(network, Ipv4Address.UNSPECIFIED);
    }

    /** The default route (0.0.0.0/0) via {@code gateway}. */
    public static Route defaultVia(Ipv4Address gateway) {
        return new Route(Ipv4Cidr.of(Ipv4Address.UNSPECIFIED, 0), gateway);
    }

    /** True if the destination is on the link. */
    public boolean isOnLink() {
        return gateway.isUnspecified();
    }
}
