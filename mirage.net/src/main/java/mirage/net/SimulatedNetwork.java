package mirage.net;

import mirage.core.Rng;
import mirage.core.spi.EventLoop;

/**
 * An in-memory Ethernet network for tests and simulations (MirageOS's {@code vnetif}, with
 * smoltcp's fault injector): a switch with any number of ports, each a {@link Netif} a stack
 * runs on, and seeded impairments (loss, corruption, delay and jitter, reordering, duplication,
 * MTU) applied to every frame on its way to each port. On a {@code mirage.time.Simulation}'s
 * loop, a whole network of unikernels runs on virtual time and a seed reproduces a run.
 *
 * <h2>Forwarding</h2>
 * {@link Forwarding#LEARNING} (the default) sends a unicast frame to the port its destination
 * was last seen on and floods the rest, except IPv6 multicast: it snoops Multicast Listener
 * Discovery (RFC 4541), so that a port whose stack reported its groups (MLDv2 or v1) gets a
 * {@code 33:33:xx} frame only for a group it joined (and all-nodes), while a port that never
 * sent an MLD message gets all of them. {@link Forwarding#FLOOD} floods every frame, as a hub.
 * Impairments apply to every delivery alike, IPv4 or IPv6, unicast or multicast.
 *
 * <h2>Threading and time</h2>
 * Confined to the loop's thread (in a simulation, its one thread); deliveries are loop actions
 * scheduled at {@code now + delay}. A frame sent is copied before {@link Netif#send} returns;
 * receivers get a read-only view of a fresh copy.
 */
public interface SimulatedNetwork {

    /** A learning switch on {@code loop} whose impairments draw from {@code rng}. */
    static SimulatedNetwork create(EventLoop loop, Rng rng, Impairments impairments) {
        return new mirage.net.internal.link.SimSwitch(loop, rng, impairments);
    }

    /** A switch forwarding as {@code forwarding} says. */
    static SimulatedNetwork create(EventLoop loop, Rng rng, Impairments impairments, Forwarding forwarding) {
        return new mirage.net.internal.link.SimSwitch(loop, rng, impairments, forwarding);
    }

    /**
     * A new port: the interface of one host on this network.
     *
     * @param name for messages
     * @param mac the address of the interface plugged in
     * @param mtu the largest payload the port carries, 68..65535
     * @throws IllegalArgumentException if {@code mtu} is out of range or {@code mac} is multicast
     */
    Netif port(String name, MacAddress mac, int mtu);

    /** What the impairments did so far, over all ports. */
    Stats stats();

    /** How unicast frames find their port. */
    enum Forwarding {
        /**
         * Unicast to the port a source address was last seen on; flood when unknown; IPv6
         * multicast to the ports that joined its group by MLD, and to those that never sent MLD.
         */
        LEARNING,
        /** Every frame to every other port, as a hub. */
        FLOOD
    }

    /**
     * What the switch does to frames, per delivery.
     *
     * @param loss probability a delivery is lost, 0..1
     * @param delayNanos fixed delay of every delivery
     * @param jitterNanos uniform extra delay, 0..jitterNanos
     * @param reorder probability a delivery is held back by {@code reorderNanos} more
     * @param reorderNanos the extra delay of a reordered delivery
     * @param duplicate probability a delivery happens twice
     * @param corrupt probability one bit of a delivered copy is flipped
     */
    record Impairments(double loss, long delayNanos, long jitterNanos, double reorder, long reorderNanos,
            double duplicate, double corrupt) {

        /** A perfect link with no delay. */
        public static final Impairments NONE = new Impairments(0, 0, 0, 0, 0, 0, 0);

        /** @throws IllegalArgumentException naming the value out of range */
        public Impairments {
            probability("loss", loss);
            probability("reorder", reorder);
            probability("duplicate", duplicate);
            probability("corrupt", corrupt);
            if (delayNanos < 0 || jitterNanos < 0 || reorderNanos < 0) {
                throw new IllegalArgumentException("delays must be >= 0: delay " + delayNanos + ", jitter "
                        + jitterNanos + ", reorder " + reorderNanos);
            }
        }

        private static void probability(String name, double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(name + " is a probability, 0..1, got " + p);
            }
        }
    }

    /**
     * What the impairments did, over all ports.
     *
     * @param lost deliveries lost
     * @param corrupted deliveries with a bit flipped
     * @param reordered deliveries held back
     * @param duplicated deliveries that happened twice
     * @param tooLong deliveries dropped for the egress port's MTU
     * @param multicastFiltered IPv6 multicast deliveries not made because the port's MLD reports
     *     did not join the frame's group
     */
    record Stats(long lost, long corrupted, long reordered, long duplicated, long tooLong, long multicastFiltered) {}
}
