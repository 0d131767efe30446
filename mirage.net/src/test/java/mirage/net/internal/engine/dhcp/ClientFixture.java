package mirage.net.internal.engine.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.MessageType;

/**
 * One client under test: its sink records what it sends and the lease events, in order, and
 * checks as it goes that the binding's view of the lease (set by {@code bound}, cleared by
 * {@code lost}) agrees with the client's. Helpers drive it to each state with a {@link TestServer}.
 */
final class ClientFixture implements DhcpClient.Sink {
    static final long SECOND = 1_000_000_000L;
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:02");

    /** Something the client did through its sink. */
    sealed interface Event {}

    /** A message sent, parsed back with the wire layer's parser. */
    record Sent(long now, Ipv4Address destination, DhcpMessage message, byte[] bytes) implements Event {
        MessageType type() {
            return message.options().messageType().orElseThrow();
        }
    }

    record Bound(long now, Lease lease) implements Event {}

    record Lost(long now, Lease lease, DhcpClient.Loss reason) implements Event {}

    final List<Event> events = new ArrayList<>();
    final DhcpClient client;
    final TestServer server = new TestServer();
    /** The lease as the binding sees it. */
    Lease bindingLease;

    ClientFixture() {
        this(DhcpClientConfig.DEFAULTS);
    }

    ClientFixture(DhcpClientConfig config) {
        this(config, 1);
    }

    ClientFixture(DhcpClientConfig config, long seed) {
        client = new DhcpClient(MAC, config, Rng.seeded(seed), this);
    }

    @Override
    public void send(long now, Ipv4Address destination, ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.get(message.position(), bytes);
        events.add(new Sent(now, destination, DhcpMessage.parse(bytes).orThrow(), bytes));
    }

    @Override
    public void bound(long now, Lease lease) {
        events.add(new Bound(now, lease));
        bindingLease = lease;
    }

    @Override
    public void lost(long now, Lease lease, DhcpClient.Loss reason) {
        assertEquals(bindingLease, lease, "lost a lease that was not the one bound");
        events.add(new Lost(now, lease, reason));
        bindingLease = null;
    }

    /** The messages sent, in order. */
    List<Sent> sent() {
        return events.stream().filter(e -> e instanceof Sent).map(e -> (Sent) e).toList();
    }

    /** The last message sent. */
    Sent last() {
        List<Sent> s = sent();
        assertTrue(!s.isEmpty(), "nothing sent");
        return s.getLast();
    }

    /** The only event since the last {@link #clear}, a message, which it returns. */
    Sent only() {
        assertEquals(1, events.size(), () -> "expected one message, got " + events);
        return (Sent) events.getFirst();
    }

    void clear() {
        events.clear();
    }

    void receive(long now, DhcpMessage m) {
        client.receive(now, ByteBuffer.wrap(m.toBytes()));
    }

    void receive(long now, byte[] bytes) {
        client.receive(now, ByteBuffer.wrap(bytes));
    }

    /** Runs the client as an event loop would, polling at each deadline up to and including {@code until}. */
    void runUntil(long until) {
        for (int i = 0; i < 100_000 && client.nextDeadline() <= until; i++) {
            long d = client.nextDeadline();
            long next = client.poll(d);
            assertTrue(next > d, "poll(" + d + ") returned " + next);
        }
    }

    // ------------------------------------------------------------ to each state

    /** SELECTING at time 0: the DISCOVER sent, events cleared. */
    DhcpMessage selecting() {
        client.start(0);
        DhcpMessage discover = only().message();
        clear();
        return discover;
    }

    /** REQUESTING at time 0: the server's offer taken, the REQUEST sent, events cleared. */
    DhcpMessage requesting() {
        DhcpMessage discover = selecting();
        receive(0, server.offer(discover));
        DhcpMessage request = only().message();
        clear();
        return request;
    }

    /** BOUND at time 0 with the server's lease (by default 3600 s, T1 1800 s, T2 3150 s); events cleared. */
    Lease bound() {
        DhcpMessage request = requesting();
        receive(0, server.ack(request));
        Lease lease = ((Bound) events.getFirst()).lease();
        clear();
        return lease;
    }

    /** RENEWING at T1: the unicast REQUEST sent, which it returns; events cleared. */
    DhcpMessage renewing() {
        Lease lease = bound();
        client.poll(lease.renewAt());
        DhcpMessage request = only().message();
        clear();
        return request;
    }

    /** REBINDING at T2, not answered while renewing: the broadcast REQUEST sent, which it returns; events cleared. */
    DhcpMessage rebinding() {
        Lease lease = bound();
        runUntil(lease.rebindAt());
        DhcpMessage request = last().message();
        clear();
        return request;
    }
}
