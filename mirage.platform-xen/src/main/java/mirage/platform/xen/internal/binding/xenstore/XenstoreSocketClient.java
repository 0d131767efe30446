package mirage.platform.xen.internal.binding.xenstore;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.engine.xenstore.XsFramer;
import mirage.platform.xen.internal.wire.XsFormatException;
import mirage.platform.xen.internal.wire.XsMessage;

/**
 * A client transport over xenstored's UNIX socket, as libxenstore's {@code xs_open} uses
 * with {@code XENSTORED_PATH}: a virtual thread reads replies and events and delivers them
 * (watch callbacks run on it).
 */
public final class XenstoreSocketClient implements XenstoreClient.Transport {
    private final SocketChannel channel;
    private final XenstoreClient client;

    private XenstoreSocketClient(SocketChannel channel, XenstoreClient client) {
        this.channel = channel;
        this.client = client;
    }

    /** Connects to the socket at {@code path}; waits on the real clock. */
    public static XenstoreClient connect(Path path) throws IOException {
        long origin = System.nanoTime();
        java.util.function.LongSupplier clock = () -> System.nanoTime() - origin;
        Blocker blocker = new Blocker(clock, () -> new mirage.platform.xen.internal.binding.event.ClockWaiter(clock), null);
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(path));
        XenstoreClient client = new XenstoreClient(blocker);
        XenstoreSocketClient t = new XenstoreSocketClient(ch, client);
        client.transport(t);
        Thread.ofVirtual().name("xenstore-client-read").start(t::read);
        return client;
    }

    private void read() {
        XsFramer framer = new XsFramer();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try {
            while (channel.read(buf.clear()) > 0) {
                framer.feed(buf.array(), 0, buf.position(), client::deliver);
            }
        } catch (IOException | XsFormatException e) {
            // connection lost or the server misbehaved
        }
        client.lost();
    }

    @Override
    public synchronized void send(XsMessage m) {
        ByteBuffer b = ByteBuffer.wrap(m.encode());
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            client.lost();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
