package mirage.net.internal.engine.ndp;

/**
 * The bounds and link parameters of a {@link NdpRouting}: how many routers, on-link prefixes and
 * destinations it keeps (RFC 4861 section 5.1 leaves the sizes to the implementation; a host
 * "MUST retain at least two router addresses", section 6.3.4), and the link's own values.
 *
 * @param maxRouters entries of the Default Router List; a Router Advertisement from a new router
 *     when it is full is ignored for routing and counted (an attacker on the link cannot grow it)
 * @param maxPrefixes entries of the Prefix List; a new on-link prefix when it is full is ignored and counted
 * @param maxDestinations entries of the Destination Cache; the least recently used gives way
 * @param defaultHopLimit CurHopLimit until a Router Advertisement says otherwise (64, the IANA value)
 * @param maxLinkMtu the link type's MTU (1500 for Ethernet); an MTU option above it, or below
 *     1280, is ignored (section 6.3.4)
 */
public record RoutingConfig(int maxRouters, int maxPrefixes, int maxDestinations, int defaultHopLimit, int maxLinkMtu) {

    /** IPv6's minimum link MTU (RFC 8200 section 5). */
    public static final int MIN_LINK_MTU = 1280;

    public RoutingConfig {
        if (maxRouters < 2 || maxPrefixes < 1 || maxDestinations < 1) {
            throw new IllegalArgumentException("at least two routers, one prefix, one destination: " + maxRouters
                    + ", " + maxPrefixes + ", " + maxDestinations);
        }
        if (defaultHopLimit < 1 || defaultHopLimit > 255) {
            throw new IllegalArgumentException("hop limit must be 1-255: " + defaultHopLimit);
        }
        if (maxLinkMtu < MIN_LINK_MTU) {
            throw new IllegalArgumentException("link MTU below 1280: " + maxLinkMtu);
        }
    }

    /** 16 routers, 16 prefixes, 256 destinations, hop limit 64, Ethernet's 1500. */
    public static RoutingConfig defaults() {
        return new RoutingConfig(16, 16, 256, 64, 1500);
    }
}
