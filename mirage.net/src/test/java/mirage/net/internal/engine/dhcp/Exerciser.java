package mirage.net.internal.engine.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.engine.dhcp.DhcpClient.State;

/**
 * Drives a client through any sequence of inputs, as property and fuzz tests generate them,
 * checking after every step what must always hold:
 * <ul>
 *   <li>nothing throws (the caller's test fails if anything does);
 *   <li>a lease is held exactly in BOUND, RENEWING and REBINDING, and it is the one the binding
 *       was last given ({@code bound} and {@code lost} alternate with the client's view);
 *   <li>{@code poll(now)} returns a deadline after {@code now}, and the same deadline again when
 *       only time passed and it is not reached (deadlines never move back);
 *   <li>every message sent parses with the wire layer as a BOOTREQUEST from our MAC of a type a
 *       client sends;
 *   <li>every message received is counted once, in exactly one outcome.
 * </ul>
 */
final class Exerciser implements DhcpClient.Sink {
    static final long SECOND = 1_000_000_000L;
    private static final Set<State> LEASED = EnumSet.of(State.BOUND, State.RENEWING, State.REBINDING);
    private static final Set<MessageType> CLIENT_TYPES = EnumSet.of(MessageType.DISCOVER, MessageType.REQUEST,
            MessageType.DECLINE, MessageType.RELEASE);
    /** Virtual time stops here, far from overflow. */
    private static final long END_OF_TIME = Long.MAX_VALUE / 4;

    final DhcpClient client;
    long now;
    /** The last message sent, or null. */
    DhcpMessage lastSent;
    private Lease bindingLease;
    private long lastPolled = Long.MIN_VALUE;
    private long lastDeadline;
    private boolean onlyTimePassed;

    Exerciser(DhcpClientConfig config, long seed) {
        client = new DhcpClient(ClientFixture.MAC, config, Rng.seeded(seed), this);
    }

    /** Time passes; capped far below overflow. */
    void advance(long nanos) {
        now = Math.min(END_OF_TIME, now + Math.max(0, nanos));
    }

    void poll() {
        long d = client.poll(now);
        assertTrue(d > now, "poll(" + now + ") returned " + d + " in " + client.state());
        if (onlyTimePassed && now >= lastPolled && now < lastDeadline) {
            assertEquals(lastDeadline, d, "nothing happened and the deadline was not reached, yet it moved");
        }
        lastPolled = now;
        lastDeadline = d;
        onlyTimePassed = true;
        check();
    }

    /** Polls at the next deadline, if there is one before the end of time. */
    void pollAtDeadline() {
        long d = client.nextDeadline();
        if (d <= END_OF_TIME) {
            now = Math.max(now, d);
            poll();
        }
    }

    /**
     * Receives {@code bytes}; with {@code patch}, first made to look like part of the current
     * exchange (the last message's {@code xid}, our Ethernet {@code chaddr}, {@code op} BOOTREPLY)
     * so that the client looks further into them.
     */
    void receive(byte[] bytes, boolean patch) {
        if (patch) {
            patch(bytes);
        }
        event();
        client.receive(now, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        check();
    }

    void start() {
        if (client.state() == State.INIT) {
            event();
            client.start(now);
            check();
        }
    }

    void decline() {
        event();
        boolean held = client.lease().isPresent();
        assertEquals(held, client.decline(now));
        check();
    }

    void release() {
        event();
        client.release(now);
        assertEquals(State.INIT, client.state());
        check();
    }

    private void event() {
        onlyTimePassed = false;
    }

    void patch(byte[] bytes) {
        if (bytes.length < 44 || lastSent == null) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.put(0, (byte) 2);
        b.put(1, (byte) 1);
        b.put(2, (byte) 6);
        b.putInt(4, lastSent.xid());
        ClientFixture.MAC.write(b, 28);
    }

    void check() {
        State s = client.state();
        Optional<Lease> lease = client.lease();
        assertEquals(LEASED.contains(s), lease.isPresent(), "lease held in " + s);
        assertEquals(Optional.ofNullable(bindingLease), lease, "the binding's lease and the client's");
        if (s == State.BOUND) {
            assertEquals(lease.get().renewAt(), client.nextDeadline(), "BOUND waits for T1");
        }
        if (s != State.INIT && s != State.BOUND) {
            assertTrue(client.nextDeadline() != Long.MAX_VALUE, "an exchange under way has a deadline");
        }
        DhcpClient.Stats st = client.stats();
        assertEquals(st.received(), st.offersAccepted() + st.acksAccepted() + st.naksAccepted() + st.malformed()
                + st.ignored() + st.rejected(), "every message counted once: " + st);
    }

    @Override
    public void send(long at, Ipv4Address destination, ByteBuffer message) {
        assertEquals(now, at);
        DhcpMessage m = DhcpMessage.parse(message).orThrow();
        assertEquals(DhcpMessage.Op.BOOTREQUEST, m.op());
        assertEquals(Optional.of(ClientFixture.MAC), m.clientMac());
        assertTrue(CLIENT_TYPES.contains(m.options().messageType().orElseThrow()), m.toString());
        assertTrue(destination.isBroadcast() || Lease.isHostAddress(destination), destination.toString());
        lastSent = m;
    }

    @Override
    public void bound(long at, Lease lease) {
        assertNotNull(lease);
        if (bindingLease != null) {
            assertEquals(bindingLease.address(), lease.address(), "a new address is announced by lost(REPLACED) first");
        }
        bindingLease = lease;
    }

    @Override
    public void lost(long at, Lease lease, DhcpClient.Loss reason) {
        assertEquals(bindingLease, lease);
        assertNotNull(reason);
        bindingLease = null;
    }
}
