package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.core.spi.EventLoop;
import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.NetException;
import mirage.net.Udp;
import mirage.net.internal.engine.ipv4.Ipv4Engine;

/**
 * The direct stack's {@link Udp}: its UDP engine, reached through the loop. A send from the
 * loop's own thread (a receiver answering a datagram) calls the engine directly: no hand-off,
 * nothing allocated.
 */
final class UdpLayer implements Udp {
    private final Direct stack;

    UdpLayer(Direct stack) {
        this.stack = stack;
    }

    @Override
    public void listen(int port, Receiver receiver) throws NetException {
        checkPort(port);
        Objects.requireNonNull(receiver, "receiver");
        boolean taken = !stack.onLoopChecked(now -> stack.udpEngine().listen(port,
                (at, src, sp, dst, data) -> receiver.receive(src, sp, dst, data)));
        if (taken) {
            throw new NetException(NetException.Reason.ADDRESS_IN_USE, "UDP port " + port + " already has a receiver");
        }
    }

    @Override
    public void unlisten(int port) {
        checkPort(port);
        stack.onLoopQuietly(now -> {
            stack.udpEngine().unlisten(port);
            return null;
        });
    }

    @Override
    public void send(int sourcePort, IpAddress destination, int destinationPort, ByteBuffer payload) throws NetException {
        Objects.requireNonNull(destination, "destination");
        if (sourcePort < 0 || sourcePort > 0xffff) {
            throw new IllegalArgumentException("a UDP source port is 0-65535, got " + sourcePort);
        }
        checkPort(destinationPort);
        stack.checkFamily(destination);
        if (destination instanceof Ipv4Address && payload.remaining() > MAX_IPV4_PAYLOAD) {
            throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                    "UDP payload of " + payload.remaining() + " bytes exceeds " + MAX_IPV4_PAYLOAD);
        }
        EventLoop loop = stack.loop();
        if (loop.inLoop()) {
            sendOnLoop(sourcePort, destination, destinationPort, payload); // no handoff, nothing allocated
        } else {
            loop.call(() -> sendOnLoop(sourcePort, destination, destinationPort, payload));
        }
    }

    private Void sendOnLoop(int sourcePort, IpAddress destination, int destinationPort, ByteBuffer payload)
            throws NetException {
        stack.checkOpen();
        long now = stack.loop().now();
        Ipv4Engine.Outcome o = stack.udpEngine().send(now, sourcePort, destination, destinationPort, payload);
        stack.settle(now);
        if (o != Ipv4Engine.Outcome.SENT) {
            throw Direct.failure(o, "a UDP datagram to " + destination + ":" + destinationPort);
        }
        return null;
    }

    @Override
    public Stats stats() {
        return stack.onLoopQuietly(now -> stack.udpEngine().stats());
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("a UDP port is 1-65535, got " + port);
        }
    }
}
