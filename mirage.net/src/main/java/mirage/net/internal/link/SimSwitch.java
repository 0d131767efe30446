package mirage.net.internal.link;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import mirage.core.Rng;
import mirage.core.spi.EventLoop;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.SimulatedNetwork;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Parsed;

/**
 * An in-memory Ethernet switch for tests and simulations (smoltcp's fault injector and a switch
 * in one): any number of {@link Port}s, each a {@link Netif}, and seeded impairments applied to
 * every frame on its way out of the switch to each port.
 *
 * <h2>Forwarding</h2>
 * {@link Forwarding#LEARNING} (the default) learns which port each source MAC address was last
 * seen on; a unicast frame to a learned address goes to that port only (and nowhere if that is
 * the port it came in on), anything else (broadcast, multicast, unlearned unicast) is flooded to
 * every other port. {@link Forwarding#FLOOD} floods everything, as a hub, so that every port
 * sees every frame (the Ethernet layer's {@code notForUs} counter then works). Learned entries
 * never age: ports do not move in a test.
 *
 * <h2>IPv6 multicast: MLD snooping</h2>
 * A learning switch forwards IPv6 multicast frames ({@code 33:33:xx:xx:xx:xx}, RFC 2464 section
 * 7) by what it hears of Multicast Listener Discovery, as a snooping switch does (RFC 4541
 * section 3; Linux's bridge with {@code multicast_snooping}): every frame that enters is
 * inspected, and a valid MLDv2 Report (type 143, checksum verified, any source address: DAD's
 * reports come from {@code ::}) or MLDv1 Report/Done (131/132) updates the membership of the
 * port it came from. Membership is by group and ignores sources: {@code MODE_IS_EXCLUDE},
 * {@code CHANGE_TO_EXCLUDE_MODE} and an INCLUDE or ALLOW record with sources join the group; an
 * INCLUDE record with no sources (and MLDv1's Done) leaves it at once (Linux's
 * {@code multicast_fast_leave}: no group-specific query); {@code BLOCK_OLD_SOURCES} changes
 * nothing. Snooping happens as the frame enters, before any impairment, so a report the
 * impairments lose on its way to the other ports is still learnt, as on a real switch.
 * <ul>
 *   <li>A port that has sent an MLD message gets a multicast frame only for groups it joined
 *       (compared by their Ethernet address, {@code 33:33} and the group's low 32 bits), and
 *       every frame to all-nodes {@code ff02::1} ({@code 33:33:00:00:00:01}), which RFC 4541
 *       floods.</li>
 *   <li>A port that never sent one (a stack without MLD, a raw port, IPv4 only) gets every
 *       multicast frame, as before: the switch knows nothing of what it listens to, and
 *       flooding is what keeps such a host's Neighbor Discovery working.</li>
 * </ul>
 * Other multicast (IPv4's {@code 01:00:5e}, no IGMP snooping) and broadcast are flooded, unicast
 * is as above; {@link Forwarding#FLOOD} floods all of it. Deliveries a membership withheld are
 * counted ({@link Stats#multicastFiltered}).
 *
 * <h2>Impairments</h2>
 * Drawn from the switch's {@link Rng} for each delivery, in this order: loss (the frame is not
 * delivered to this port), corruption (one random bit of the copy is flipped), delay (fixed plus
 * a uniform jitter), reordering (an extra delay, so that frames sent after it overtake it),
 * duplication (a second copy, delayed anew). A frame longer than the egress port's MTU allows
 * ({@code mtu + 18}) is dropped there and counted in its {@code rxErrors}. With the same seed and
 * the same sends, deliveries are the same.
 *
 * <h2>Threading and time</h2>
 * Confined to the loop's thread: ports are used from it (in a simulation, from its one thread)
 * and frames are delivered by actions scheduled on the loop with {@link EventLoop#schedule} at
 * {@code now + delay}, so tests run on virtual time. A frame sent is copied before
 * {@link Port#send} returns; receivers get a read-only view of a fresh copy.
 */
public final class SimSwitch implements SimulatedNetwork {

    private final EventLoop loop;
    private final Rng rng;
    private final Impairments impairments;
    private final Forwarding forwarding;
    private final List<Port> ports = new ArrayList<>();
    private final Map<Long, Port> learned = new HashMap<>();
    private long lost;
    private long corrupted;
    private long reordered;
    private long duplicated;
    private long tooLong;
    private long multicastFiltered;
    private final Ipv6Packet snoopPacket = new Ipv6Packet();
    private final Ipv6HeaderChain snoopChain = new Ipv6HeaderChain();
    private final Icmpv6Packet snoopIcmp = new Icmpv6Packet();

    /** A learning switch with these impairments. */
    public SimSwitch(EventLoop loop, Rng rng, Impairments impairments) {
        this(loop, rng, impairments, Forwarding.LEARNING);
    }

    public SimSwitch(EventLoop loop, Rng rng, Impairments impairments, Forwarding forwarding) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.impairments = Objects.requireNonNull(impairments, "impairments");
        this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
    }

    /**
     * A new port.
     *
     * @param name for messages
     * @param mac the address of the interface plugged in
     * @param mtu the largest payload the port carries, 68..65535
     * @throws IllegalArgumentException if {@code mtu} is out of range or {@code mac} is multicast
     */
    public Port addPort(String name, MacAddress mac, int mtu) {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, got " + mtu);
        }
        if (mac.isMulticast()) {
            throw new IllegalArgumentException("a port's MAC address must be unicast, got " + mac);
        }
        Port p = new Port(Objects.requireNonNull(name, "name"), mac, mtu);
        ports.add(p);
        return p;
    }

    /** The ports, in the order added. */
    public List<Port> ports() {
        return List.copyOf(ports);
    }

    @Override
    public Netif port(String name, MacAddress mac, int mtu) {
        return addPort(name, mac, mtu);
    }

    /** What the impairments did so far. */
    @Override
    public Stats stats() {
        return new Stats(lost, corrupted, reordered, duplicated, tooLong, multicastFiltered);
    }

    private static final long IPV6_MULTICAST_PREFIX = 0x3333_0000_0000L;
    private static final long ALL_NODES_MAC = 0x3333_0000_0001L;

    private void forward(Port from, byte[] frame) {
        long source = MacAddress.read(ByteBuffer.wrap(frame), 6).bits();
        long destination = MacAddress.read(ByteBuffer.wrap(frame), 0).bits();
        if (forwarding == Forwarding.LEARNING && (source & (1L << 40)) == 0) {
            learned.put(source, from);
        }
        boolean snooped = forwarding == Forwarding.LEARNING && (destination & 0xffff_0000_0000L) == IPV6_MULTICAST_PREFIX;
        if (snooped) {
            snoop(from, frame);
        }
        Port to = forwarding == Forwarding.LEARNING && (destination & (1L << 40)) == 0 ? learned.get(destination) : null;
        if (to != null) {
            if (to != from && !to.closed) {
                deliver(to, frame);
            }
            return;
        }
        for (Port p : ports) {
            if (p != from && !p.closed) {
                if (snooped && destination != ALL_NODES_MAC && p.listenerKnown && !p.groupMacs.containsKey(destination)) {
                    multicastFiltered++; // the port told us which groups it listens to, and not this one
                    continue;
                }
                deliver(p, frame);
            }
        }
    }

    /** Updates {@code from}'s groups if {@code frame} is an MLD report or done (see the class comment). */
    private void snoop(Port from, byte[] frame) {
        if (frame.length < 14 + Ipv6Packet.HEADER_LENGTH || (frame[12] & 0xff) != 0x86 || (frame[13] & 0xff) != 0xdd) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        Ipv6Packet p = snoopPacket;
        Ipv6HeaderChain c = snoopChain;
        if (!p.check(b, 14, frame.length - 14) || !c.checkStructure(p) || c.isFragment()
                || c.upperLayerProtocol() != Ipv6Packet.NEXT_HEADER_ICMPV6) {
            return;
        }
        Icmpv6Packet m = snoopIcmp;
        if (!m.check(b, c.upperLayerOffset(), c.upperLayerLength()) || !m.checksumVerifies(p)) {
            return;
        }
        switch (m.type()) {
            case 131, 132 -> { // MLDv1 Report and Done (RFC 2710 section 3): the group at octet 8
                if (m.length() < 24) {
                    return;
                }
                int at = c.upperLayerOffset() + 8;
                Ipv6Address group = new Ipv6Address(b.getLong(at), b.getLong(at + 8));
                if (group.isMulticast()) {
                    from.listenerKnown = true;
                    from.member(group, m.type() == 131);
                }
            }
            case 143 -> {
                Parsed<Icmpv6Repr> parsed = Icmpv6Repr.parse(m, new Ipv6Address(p.sourceHigh(), p.sourceLow()),
                        new Ipv6Address(p.destinationHigh(), p.destinationLow()), p.hopLimit());
                if (parsed instanceof Parsed.Ok<Icmpv6Repr> ok && ok.value() instanceof Icmpv6Repr.MulticastListenerReport r) {
                    from.listenerKnown = true;
                    for (Icmpv6Repr.MulticastAddressRecord record : r.records()) {
                        boolean sources = !record.sources().isEmpty();
                        switch (record.recordType()) {
                            case MODE_IS_EXCLUDE, CHANGE_TO_EXCLUDE_MODE -> from.member(record.multicastAddress(), true);
                            case MODE_IS_INCLUDE, CHANGE_TO_INCLUDE_MODE -> from.member(record.multicastAddress(), sources);
                            case ALLOW_NEW_SOURCES -> {
                                if (sources) {
                                    from.member(record.multicastAddress(), true);
                                }
                            }
                            case BLOCK_OLD_SOURCES -> { } // by group only: what else it listens to is unknown
                        }
                    }
                }
            }
            default -> { }
        }
    }

    private void deliver(Port to, byte[] frame) {
        if (chance(impairments.loss())) {
            lost++;
            return;
        }
        if (frame.length > to.mtu + 18) {
            tooLong++;
            to.rxErrors++;
            return;
        }
        byte[] copy = frame.clone();
        if (chance(impairments.corrupt())) {
            int bit = rng.nextInt(copy.length * 8);
            copy[bit >>> 3] ^= (byte) (1 << (bit & 7));
            corrupted++;
        }
        schedule(to, copy);
        if (chance(impairments.duplicate())) {
            duplicated++;
            schedule(to, copy.clone());
        }
    }

    private void schedule(Port to, byte[] copy) {
        long delay = impairments.delayNanos();
        if (impairments.jitterNanos() > 0) {
            delay += Math.floorMod(rng.nextLong(), impairments.jitterNanos() + 1);
        }
        if (chance(impairments.reorder())) {
            reordered++;
            delay += impairments.reorderNanos();
        }
        loop.schedule(loop.now() + delay, () -> to.arrive(copy));
    }

    private boolean chance(double p) {
        if (p <= 0) {
            return false;
        }
        return (rng.nextLong() >>> 11) * 0x1.0p-53 < p;
    }

    /** One port of the switch: the {@link Netif} of the interface plugged into it. */
    public final class Port implements Netif {
        private final String name;
        private final MacAddress mac;
        private final int mtu;
        private FrameReceiver receiver;
        private boolean closed;
        private long rxFrames;
        private long rxBytes;
        private long rxDropped;
        private long rxErrors;
        private long txFrames;
        private long txBytes;
        /** Whether this port sent an MLD message, so that {@link #groups} is what it listens to. */
        private boolean listenerKnown;
        private final Set<Ipv6Address> groups = new LinkedHashSet<>();
        /** The groups' Ethernet addresses, with how many groups map to each. */
        private final Map<Long, Integer> groupMacs = new HashMap<>();

        private Port(String name, MacAddress mac, int mtu) {
            this.name = name;
            this.mac = mac;
            this.mtu = mtu;
        }

        public String name() {
            return name;
        }

        /**
         * The IPv6 groups this port joined by MLD, in the order joined; empty if it never sent
         * an MLD message (then it gets every multicast frame, see the class comment).
         */
        public Set<Ipv6Address> groups() {
            return Set.copyOf(groups);
        }

        /** Whether this port sent an MLD message, so that multicast reaches it only for {@link #groups()}. */
        public boolean listenerKnown() {
            return listenerKnown;
        }

        private void member(Ipv6Address group, boolean join) {
            long mac = IPV6_MULTICAST_PREFIX | (group.low() & 0xffff_ffffL);
            if (join ? groups.add(group) : groups.remove(group)) {
                groupMacs.merge(mac, join ? 1 : -1, (x, y) -> x + y == 0 ? null : x + y);
            }
        }

        @Override
        public MacAddress mac() {
            return mac;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        /** Copies the frame into the switch, which forwards it at once (deliveries come later). */
        @Override
        public void send(ByteBuffer frame) throws NetException {
            int length = frame.remaining();
            if (closed) {
                throw new NetException(NetException.Reason.DISCONNECTED, "port " + name + " is closed");
            }
            if (length < HEADER_LENGTH) {
                throw new IllegalArgumentException("a frame has at least " + HEADER_LENGTH + " bytes, got " + length);
            }
            if (length > mtu + 18) {
                throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                        "frame of " + length + " bytes exceeds port " + name + "'s MTU " + mtu + " + header");
            }
            byte[] copy = new byte[length];
            frame.get(frame.position(), copy);
            txFrames++;
            txBytes += length;
            forward(this, copy);
        }

        @Override
        public void listen(FrameReceiver receiver) {
            this.receiver = Objects.requireNonNull(receiver, "receiver");
        }

        private void arrive(byte[] frame) {
            if (closed) {
                return;
            }
            if (frame.length < HEADER_LENGTH || frame.length > mtu + 18) {
                rxErrors++;
                return;
            }
            FrameReceiver r = receiver;
            if (r == null) {
                rxDropped++;
                return;
            }
            try {
                r.receive(ByteBuffer.wrap(frame).asReadOnlyBuffer());
            } catch (RuntimeException e) {
                rxDropped++; // Netif: counted; the port goes on
                return;
            }
            rxFrames++;
            rxBytes += frame.length;
        }

        @Override
        public Stats stats() {
            return new Stats(rxFrames, rxBytes, rxDropped, rxErrors, txFrames, txBytes, 0, 0);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String toString() {
            return "port " + name + " (" + mac + ")";
        }
    }
}
