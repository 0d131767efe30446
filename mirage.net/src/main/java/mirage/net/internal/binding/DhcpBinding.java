package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.dhcp.DhcpClient;
import mirage.net.internal.engine.dhcp.DhcpClientConfig;
import mirage.net.internal.engine.dhcp.Lease;

/**
 * The DHCP client engine bound into the direct stack: its messages go out as UDP from port 68
 * (from 0.0.0.0 until a lease is bound: the IPv4 engine's rule for an unconfigured interface),
 * replies from port 67 come in through the UDP engine, and leases reconfigure the IPv4 and ARP
 * engines through {@link Direct#readdress}. Loop thread only.
 */
final class DhcpBinding implements Addressing, DhcpClient.Sink {
    static final int CLIENT_PORT = 68;
    static final int SERVER_PORT = 67;

    private final Direct stack;
    private final DhcpClient client;

    DhcpBinding(Direct stack, Rng rng) {
        this.stack = stack;
        this.client = new DhcpClient(stack.mac(), DhcpClientConfig.DEFAULTS, rng, this);
    }

    DhcpClient client() {
        return client;
    }

    @Override
    public void start(long now) {
        stack.udpEngine().listen(CLIENT_PORT, (at, source, sourcePort, destination, payload) -> {
            if (sourcePort == SERVER_PORT) {
                client.receive(at, payload);
            }
        });
        client.start(now);
    }

    @Override
    public void poll(long now) {
        client.poll(now);
    }

    @Override
    public long nextDeadline() {
        return client.nextDeadline();
    }

    @Override
    public void release(long now) {
        client.release(now);
    }

    @Override
    public void send(long now, Ipv4Address destination, ByteBuffer message) {
        // a datagram that cannot go (no route to a server being renewed) is retransmitted by
        // the client's own timers, then the lease runs out: nothing to do here
        stack.udpEngine().send(now, CLIENT_PORT, destination, SERVER_PORT, message);
    }

    @Override
    public void bound(long now, Lease lease) {
        Optional<Ipv4Address> router = lease.routers().stream().filter(lease.address()::contains).findFirst();
        stack.readdress(now, List.of(lease.address()), router);
        // Resolve the server now, so that a renewal, and the release sent as the stack closes
        // (when there is no time left to resolve anything), go out at once.
        if (lease.address().contains(lease.serverIdentifier())) {
            stack.resolve(now, lease.serverIdentifier());
        }
    }

    @Override
    public void lost(long now, Lease lease, DhcpClient.Loss reason) {
        stack.readdress(now, List.of(), Optional.empty());
    }
}
