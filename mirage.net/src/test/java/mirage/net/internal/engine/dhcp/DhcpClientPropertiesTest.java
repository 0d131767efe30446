package mirage.net.internal.engine.dhcp;

import static mirage.net.internal.engine.dhcp.Exerciser.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.engine.dhcp.DhcpClient.State;
import org.junit.jupiter.api.Test;

/**
 * Whatever servers send and whenever the driver calls, the client never throws, its state and
 * lease stay consistent with what it told the binding, and its deadlines never lie in the past
 * ({@link Exerciser} checks all of it after every step). Each example is a script of 300 random
 * steps drawn from one seed: server replies built by a {@link TestServer} with random settings
 * (good, bad and absent lease times, masks, addresses, server identifiers and message types),
 * some mutated, some for other exchanges; random bytes; time passing; polls; start, decline and
 * release.
 */
class DhcpClientPropertiesTest {
    private static final List<MessageType> TYPES = List.of(MessageType.OFFER, MessageType.ACK, MessageType.NAK,
            MessageType.OFFER, MessageType.ACK, MessageType.FORCERENEW, MessageType.DISCOVER);
    private static final List<Ipv4Address> ADDRESSES = List.of(TestServer.LEASED, TestServer.LEASED,
            Ipv4Address.parse("10.77.0.65"), Ipv4Address.parse("192.168.1.9"), Ipv4Address.UNSPECIFIED,
            Ipv4Address.BROADCAST, Ipv4Address.parse("10.77.0.255"), Ipv4Address.parse("239.1.1.1"));
    private static final List<Ipv4Address> SERVERS = List.of(TestServer.SERVER, TestServer.SERVER,
            TestServer.OTHER_SERVER, Ipv4Address.BROADCAST);
    private static final List<Ipv4Address> MASKS = List.of(TestServer.MASK, Ipv4Address.parse("255.255.0.0"),
            Ipv4Address.parse("255.0.255.0"), Ipv4Address.UNSPECIFIED, Ipv4Address.BROADCAST,
            Ipv4Address.parse("255.255.255.254"));

    @Test
    void anyScript_invariantsHold() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> script(seed, EnumSet.noneOf(State.class)));
    }

    @Test
    void serverSilent_deadlinesStrictlyIncrease_andAllAreDueOnlyOnce() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Exerciser x = new Exerciser(config(r), seed);
            x.start();
            long previous = x.client.nextDeadline();
            for (int i = 0; i < 60; i++) {
                x.pollAtDeadline();
                long d = x.client.nextDeadline();
                assertTrue(d > previous, "deadline " + d + " after " + previous);
                previous = d;
            }
        });
    }

    /** Runs the script of {@code seed}, adding to {@code seen} every state the client passes through. */
    static void script(long seed, Set<State> seen) {
        SplittableRandom r = new SplittableRandom(seed);
        Exerciser x = new Exerciser(config(r), seed);
        TestServer server = new TestServer();
        for (int step = 0; step < 300; step++) {
            int action = r.nextInt(100);
            if (action < 35) {
                reply(r, x, server);
            } else if (action < 40) {
                byte[] junk = new byte[r.nextInt(600)];
                r.nextBytes(junk);
                x.receive(junk, r.nextBoolean());
            } else if (action < 60) {
                x.advance(time(r));
                x.poll();
            } else if (action < 80) {
                x.pollAtDeadline();
            } else if (action < 83) {
                x.advance(time(r)); // time passes without a poll: the client must catch up later
            } else if (action < 88) {
                x.decline();
            } else if (action < 91) {
                x.release();
            } else {
                x.start();
            }
            seen.add(x.client.state());
        }
    }

    private static DhcpClientConfig config(SplittableRandom r) {
        DhcpClientConfig.Builder b = DhcpClientConfig.builder();
        if (r.nextBoolean()) {
            b.requestedAddress(TestServer.LEASED);
        }
        if (r.nextInt(4) == 0) {
            b.requestAttempts(1 + r.nextInt(6)).initialTimeoutNanos((2 + r.nextInt(5)) * SECOND)
                    .maxTimeoutNanos(64 * SECOND);
        }
        return b.build();
    }

    /** Time to pass: often a little, sometimes a lease's worth. */
    private static long time(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong(SECOND);
            case 1 -> r.nextLong(100 * SECOND);
            case 2 -> r.nextLong(4000 * SECOND);
            default -> r.nextLong(1L << 42);
        };
    }

    private static void reply(SplittableRandom r, Exerciser x, TestServer server) {
        if (x.lastSent == null) {
            return;
        }
        server.address = ADDRESSES.get(r.nextInt(ADDRESSES.size()));
        server.id = SERVERS.get(r.nextInt(SERVERS.size()));
        server.sendServerId = r.nextInt(8) != 0;
        server.mask = MASKS.get(r.nextInt(MASKS.size()));
        server.leaseTime = seconds(r);
        server.t1 = seconds(r);
        server.t2 = seconds(r);
        server.mtu = r.nextInt(4) == 0 ? r.nextInt(10_000) : 0;
        MessageType type = TYPES.get(r.nextInt(TYPES.size()));
        DhcpMessage m = switch (type) {
            case OFFER -> server.offer(x.lastSent);
            case ACK -> server.ack(x.lastSent);
            case NAK -> server.nak(x.lastSent);
            default -> server.bare(x.lastSent, type);
        };
        byte[] bytes = m.toBytes();
        if (r.nextInt(10) == 0) {
            bytes[4] ^= 1; // another exchange
        }
        if (r.nextInt(10) == 0) {
            for (int flips = 1 + r.nextInt(3); flips > 0; flips--) {
                bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
            }
        }
        x.receive(bytes, false);
    }

    private static OptionalLong seconds(SplittableRandom r) {
        return switch (r.nextInt(7)) {
            case 0 -> OptionalLong.empty();
            case 1 -> OptionalLong.of(0);
            case 2 -> OptionalLong.of(0xffff_ffffL);
            case 3 -> OptionalLong.of(r.nextLong(0x1_0000_0000L));
            case 4 -> OptionalLong.of(1 + r.nextLong(120));
            default -> OptionalLong.of(600 + r.nextLong(7200));
        };
    }

    @Test
    void scripts_reachEveryState() {
        EnumSet<State> seen = EnumSet.noneOf(State.class);
        for (long seed = 0; seed < 100; seed++) {
            script(seed, seen);
        }
        assertEquals(EnumSet.allOf(State.class), seen, "the scripts explore every state");
    }
}
