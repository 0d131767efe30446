package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.Icmpv4;
import mirage.net.Ipv4Address;
import mirage.net.NetException;
import mirage.net.internal.engine.ipv4.Ipv4Engine;

/** The direct stack's {@link Icmpv4}: its ICMP engine, reached through the loop. */
final class IcmpLayer implements Icmpv4 {
    private final Direct stack;

    IcmpLayer(Direct stack) {
        this.stack = stack;
    }

    @Override
    public void ping(Ipv4Address destination, int identifier, int sequence, ByteBuffer data) throws NetException {
        Objects.requireNonNull(destination, "destination");
        if (identifier < 0 || identifier > 0xffff || sequence < 0 || sequence > 0xffff) {
            throw new IllegalArgumentException("ICMP identifier and sequence are 0-65535: " + identifier + ", " + sequence);
        }
        Ipv4Engine.Outcome o = stack.onLoopChecked(now -> stack.icmpEngine().ping(now, destination, identifier, sequence, data));
        if (o != Ipv4Engine.Outcome.SENT) {
            throw Direct.failure(o, "an echo request to " + destination);
        }
    }

    @Override
    public void listen(EchoReplyReceiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        stack.onLoopQuietly(now -> {
            stack.icmpEngine().listen((at, source, id, seq, data, rtt) -> receiver.receive(source, id, seq, data));
            return null;
        });
    }

    @Override
    public Stats stats() {
        return stack.onLoopQuietly(now -> stack.icmpEngine().stats());
    }
}
