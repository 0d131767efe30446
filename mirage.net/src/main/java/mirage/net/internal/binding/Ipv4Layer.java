package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.net.IpProtocol;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.NetException;
import mirage.net.internal.engine.ipv4.Ipv4Engine;

/** The direct stack's {@link Ipv4}: its IPv4 engine and addressing, reached through the loop. */
final class Ipv4Layer implements Ipv4 {
    private final Direct stack;

    Ipv4Layer(Direct stack) {
        this.stack = stack;
    }

    @Override
    public List<Ipv4Cidr> addresses() {
        return stack.onLoopQuietly(now -> stack.ipEngine().addresses());
    }

    @Override
    public Optional<Ipv4Address> gateway() {
        return stack.onLoopQuietly(now -> stack.gateway());
    }

    @Override
    public int mtu() {
        return stack.netif().mtu();
    }

    @Override
    public Ipv4Address source(Ipv4Address destination) throws NetException {
        Objects.requireNonNull(destination, "destination");
        Ipv4Address s = stack.onLoopQuietly(now -> stack.ipEngine().source(destination));
        if (s == null || s.isUnspecified() && !destination.isBroadcast()) {
            throw new NetException(NetException.Reason.NO_ROUTE, "no route to " + destination);
        }
        return s;
    }

    @Override
    public void write(Ipv4Address destination, IpProtocol protocol, ByteBuffer payload, Options options) throws NetException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(options, "options");
        Ipv4Engine.Outcome o = stack.onLoopChecked(now -> stack.ipEngine().send(now, options.source(), destination,
                protocol.value(), options.ttl(), options.fragmentation(), payload));
        if (o != Ipv4Engine.Outcome.SENT) {
            throw Direct.failure(o, "an IPv4 datagram of " + payload.remaining() + " bytes to " + destination);
        }
    }

    @Override
    public void listen(IpProtocol protocol, Receiver receiver) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(receiver, "receiver");
        stack.onLoopQuietly(now -> {
            stack.listen(protocol.value(), receiver);
            return null;
        });
    }

    @Override
    public void onAddressChange(AddressListener listener) {
        Objects.requireNonNull(listener, "listener");
        stack.onLoopQuietly(now -> {
            stack.onAddressChange(listener);
            return null;
        });
    }

    @Override
    public Stats stats() {
        return stack.onLoopQuietly(now -> stack.ipEngine().stats());
    }
}
