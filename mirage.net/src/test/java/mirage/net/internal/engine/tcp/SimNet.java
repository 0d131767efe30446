package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;

/**
 * Hosts with an IPv4 and a TCP engine each, joined by one seeded impaired link on virtual time:
 * every datagram is delayed, and may be lost, duplicated, corrupted (one byte flipped) or held
 * back (reordering). Deterministic for a seed.
 */
final class SimNet {

    /** Impairments, as probabilities per datagram. */
    record Impairments(double loss, double duplicate, double corrupt, double reorder, long delay, long reorderDelay) {
        static final Impairments NONE = new Impairments(0, 0, 0, 0, 1_000_000, 0);
        static final Impairments LOSSY = new Impairments(0.05, 0.01, 0.01, 0.05, 1_000_000, 3_000_000);
    }

    final class Node implements Ipv4Link {
        final Ipv4Address address;
        final Ipv4Engine ip;
        final TcpEngine tcp;
        final int mtu;

        Node(String cidr, int mtu, TcpConfig config, long seed) {
            this.mtu = mtu;
            Ipv4Cidr c = Ipv4Cidr.parse(cidr);
            this.address = c.address();
            Rng rng = Rng.seeded(seed);
            this.ip = new Ipv4Engine(Ipv4Config.of(List.of(c), List.of()), this, rng);
            this.tcp = new TcpEngine(ip, config, rng);
        }

        @Override
        public int mtu() {
            return mtu;
        }

        /** A datagram from the link, up through IPv4 to TCP as the stack's binding passes it. */
        void receive(long at, byte[] datagram) {
            mirage.net.internal.wire.Ipv4Packet p = ip.receive(at, ByteBuffer.wrap(datagram), 0, datagram.length);
            if (p != null && p.protocol() == mirage.net.internal.wire.Ipv4Packet.PROTOCOL_TCP) {
                tcp.receive(at, p);
            }
        }

        /** The largest datagram taken for segmentation offload; 0: none. */
        int segmentation;
        /** Super-segments handed to {@link #transmitSegmented}. */
        long superSegments;
        private mirage.net.internal.wire.TcpSegmenter segmenter;

        @Override
        public int maxSegmentedDatagram() {
            return segmentation;
        }

        /** As a NIC with TSO: cuts the datagram, then each segment goes out as {@link #transmit} sends it. */
        @Override
        public void transmitSegmented(long at, Ipv4Address nextHop, ByteBuffer packet, int segmentSize) {
            if (packet.remaining() > segmentation) {
                throw new AssertionError("a super-segment of " + packet.remaining() + " bytes on a link taking " + segmentation);
            }
            int tcpLength = packet.remaining() - 20;
            int seed = mirage.net.internal.wire.TcpSegmenter.pseudoHeaderSeed(packet.getInt(packet.position() + 12),
                    packet.getInt(packet.position() + 16), tcpLength);
            if ((packet.getShort(packet.position() + 20 + 16) & 0xffff) != seed) {
                throw new AssertionError("the partial checksum is not the pseudo-header sum");
            }
            superSegments++;
            if (segmenter == null) {
                segmenter = new mirage.net.internal.wire.TcpSegmenter(mirage.net.internal.wire.TcpSegmenter.NONE, mtu);
            }
            segmenter.segment(packet, segmentSize, segment -> transmit(at, nextHop, segment));
        }

        @Override
        public void transmit(long at, Ipv4Address nextHop, ByteBuffer packet) {
            sent++;
            for (Node n : nodes) {
                if (n != this && n.address.equals(nextHop)) {
                    byte[] bytes = new byte[packet.remaining()];
                    packet.duplicate().get(bytes);
                    tap.accept(this, bytes);
                    impair(n, bytes);
                }
            }
        }
    }

    private record InFlight(long at, long order, Node to, byte[] bytes) {}

    final List<Node> nodes = new ArrayList<>();
    java.util.function.BiConsumer<Node, byte[]> deliverTap = (n, b) -> { };
    /** Sees every datagram as sent (before impairment), for debugging. */
    java.util.function.BiConsumer<Node, byte[]> tap = (n, b) -> { };
    final Impairments impairments;
    final SplittableRandom random;
    private final PriorityQueue<InFlight> queue = new PriorityQueue<>(
            (x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.order, y.order));
    private long order;
    long now;
    long sent;
    long lost;

    SimNet(long seed, Impairments impairments) {
        this.random = new SplittableRandom(seed);
        this.impairments = impairments;
    }

    Node node(String cidr, int mtu, TcpConfig config) {
        Node n = new Node(cidr, mtu, config, random.nextLong());
        nodes.add(n);
        return n;
    }

    private void impair(Node to, byte[] bytes) {
        Impairments im = impairments;
        if (random.nextDouble() < im.loss()) {
            lost++;
            return;
        }
        int copies = random.nextDouble() < im.duplicate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            byte[] b = i == 0 ? bytes : bytes.clone();
            if (random.nextDouble() < im.corrupt() && b.length > 0) {
                b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            }
            long at = now + im.delay();
            if (random.nextDouble() < im.reorder()) {
                at += 1 + random.nextLong(Math.max(1, im.reorderDelay()));
            }
            queue.add(new InFlight(at, order++, to, b));
        }
    }

    /** Datagrams in flight. */
    int inFlight() {
        return queue.size();
    }

    /**
     * Advances the clock to the next event (a datagram's arrival or an engine's deadline), no
     * further than {@code limit}, and runs it. Returns false if nothing is scheduled.
     */
    boolean step(long limit) {
        return step(limit, Long.MAX_VALUE);
    }

    /** As {@link #step(long)}, also waking at {@code wake} (an application's own deadline). */
    boolean step(long limit, long wake) {
        long next = wake;
        for (Node n : nodes) {
            next = Math.min(next, n.ip.poll(now));
            next = Math.min(next, n.tcp.poll(now));
        }
        if (!queue.isEmpty()) {
            next = Math.min(next, queue.peek().at());
        }
        if (next == Long.MAX_VALUE) {
            return false;
        }
        now = Math.max(now, Math.min(next, limit));
        while (!queue.isEmpty() && queue.peek().at() <= now) {
            InFlight f = queue.poll();
            deliverTap.accept(f.to(), f.bytes());
            f.to().receive(now, f.bytes());
        }
        for (Node n : nodes) {
            n.tcp.poll(now);
        }
        return true;
    }
}
