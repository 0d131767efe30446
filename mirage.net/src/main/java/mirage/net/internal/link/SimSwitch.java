package mirage.net.internal.link;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import mirage.core.Rng;
import mirage.core.spi.EventLoop;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.SimulatedNetwork;

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
        return new Stats(lost, corrupted, reordered, duplicated, tooLong);
    }

    private void forward(Port from, byte[] frame) {
        long source = MacAddress.read(ByteBuffer.wrap(frame), 6).bits();
        long destination = MacAddress.read(ByteBuffer.wrap(frame), 0).bits();
        if (forwarding == Forwarding.LEARNING && (source & (1L << 40)) == 0) {
            learned.put(source, from);
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
                deliver(p, frame);
            }
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

        private Port(String name, MacAddress mac, int mtu) {
            this.name = name;
            this.mac = mac;
            this.mtu = mtu;
        }

        public String name() {
            return name;
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
