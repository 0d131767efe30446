package mirage.net.internal.engine.ipv6;

import mirage.net.Ipv6Address;
import mirage.net.internal.engine.ip.PathMtus;
import mirage.net.internal.wire.Ipv6Packet;

/**
 * Path MTU discovery for IPv6 (RFC 8201): the path MTU towards each destination, lowered by
 * Packet Too Big messages and raised again after ten minutes. Kept in the {@link PathMtus}
 * table the IPv4 path MTUs of TCP use (decision 0064).
 *
 * <ul>
 *   <li>A destination without an entry has the link MTU (section 4: "a node initially assumes
 *       that the PMTU of a path is the (known) MTU of the first hop").</li>
 *   <li>{@link #packetTooBig} takes the reported MTU if it is lower than the destination's path
 *       MTU, never going below 1280 (section 4: "A node MUST NOT reduce its estimate of the Path
 *       MTU below the IPv6 minimum link MTU"; a report below it sets 1280, as Linux does), and
 *       never raising it ("MUST NOT increase its estimate ... in response to the contents of a
 *       Packet Too Big message").</li>
 *   <li>A report above the link MTU is ignored: no router on the path can need more than the
 *       first hop allows, so it is forged or broken.</li>
 *   <li>A report is checked against what we sent, as far as the quote shows it: the quoted
 *       packet's length (its Payload Length field and header) must exceed the MTU it is told to
 *       use (and 1280), else it would have fitted and the message is not about it (section 6:
 *       forged Packet Too Big messages can only lower the path MTU; this makes them harder).</li>
 *   <li>Each entry is used for {@link PathMtus#LIFETIME_NANOS} (ten minutes, section 4's
 *       recommended timer for "an attempt to detect an increase"; at least five) after the
 *       report that set it, then the link MTU is tried again; a later report restarts it.</li>
 * </ul>
 *
 * <p>The caller passes only Packet Too Big messages that passed the wire layer and whose quoted
 * packet it checked came from one of our addresses ({@link Ipv6Packet#checkQuoted}). Lookups
 * allocate nothing and return at once when no path MTU was learned. Not thread-safe: owned by
 * the IPv6 layer's event loop.
 */
public final class Ipv6PathMtus {

    /** What {@link #packetTooBig} did. */
    public enum Update {
        /** The destination's path MTU was lowered. */
        LOWERED,
        /** Not lower than the path MTU in force: ignored. */
        NOT_LOWER,
        /** Above the link MTU: ignored. */
        ABOVE_LINK_MTU,
        /** The quoted packet was not longer than the MTU reported (or 1280): ignored. */
        QUOTE_FITS
    }

    /** The table's size by default: as for IPv4 (decision 0064). */
    public static final int DEFAULT_CAPACITY = 256;

    private final PathMtus table;
    private final long[] counts = new long[Update.values().length];
    private int linkMtu;

    /**
     * @param capacity how many destinations are remembered (the oldest entry gives way)
     * @param linkMtu the first hop's MTU, at least 1280
     * @throws IllegalArgumentException if either is out of range
     */
    public Ipv6PathMtus(int capacity, int linkMtu) {
        this.table = new PathMtus(capacity);
        setLinkMtu(linkMtu);
    }

    /**
     * Sets the link MTU (a Router Advertisement's MTU option may change it, RFC 4861 section
     * 6.3.4); learned path MTUs above it are bounded by it from now on.
     *
     * @throws IllegalArgumentException if below 1280
     */
    public void setLinkMtu(int linkMtu) {
        if (linkMtu < Ipv6Packet.MINIMUM_MTU) {
            throw new IllegalArgumentException("an IPv6 link MTU is at least 1280 (RFC 8200 section 5): " + linkMtu);
        }
        this.linkMtu = linkMtu;
    }

    /** The link MTU. */
    public int linkMtu() {
        return linkMtu;
    }

    /** The path MTU towards the destination {@code high}:{@code low} at {@code now}: 1280 to the link MTU. */
    public int pathMtu(long now, long high, long low) {
        if (table.size() == 0) {
            return linkMtu;
        }
        int learned = table.get(now, high, low);
        return learned == 0 ? linkMtu : Math.min(learned, linkMtu);
    }

    /** The path MTU towards {@code destination} at {@code now}. */
    public int pathMtu(long now, Ipv6Address destination) {
        return pathMtu(now, destination.high(), destination.low());
    }

    /**
     * Takes a Packet Too Big message's MTU ({@code reportedMtu}, the 32-bit field) and its
     * quoted packet, whose destination is the path's.
     */
    public Update packetTooBig(long now, long reportedMtu, Ipv6Packet quoted) {
        Update u = update(now, reportedMtu, quoted);
        counts[u.ordinal()]++;
        return u;
    }

    private Update update(long now, long reportedMtu, Ipv6Packet quoted) {
        if (reportedMtu > linkMtu) {
            return Update.ABOVE_LINK_MTU;
        }
        int mtu = (int) Math.max(Ipv6Packet.MINIMUM_MTU, reportedMtu);
        if (Ipv6Packet.HEADER_LENGTH + quoted.payloadLengthField() <= mtu) {
            return Update.QUOTE_FITS;
        }
        long high = quoted.destinationHigh();
        long low = quoted.destinationLow();
        if (mtu >= pathMtu(now, high, low)) {
            return Update.NOT_LOWER;
        }
        table.put(now, high, low, mtu);
        return Update.LOWERED;
    }

    /** How many Packet Too Big messages had result {@code u}. */
    public long count(Update u) {
        return counts[u.ordinal()];
    }
}
