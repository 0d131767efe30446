package mirage.platform.xen.internal.binding.xenstore;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mirage.platform.xen.internal.engine.xenstore.XsFramer;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.wire.XsFormatException;
import mirage.platform.xen.internal.wire.XsMessage;

/**
 * xenstored's UNIX socket ({@code XENSTORED_PATH}): each connection is domain 0, as C
 * xenstored's socket connections are. A virtual thread reads each connection and hands whole
 * messages to the server; another writes its replies and events, so that a client that does
 * not read never holds the server. A client that sends a payload over the limit, or lets more
 * than {@value #MAX_QUEUED} bytes of replies pile up, is disconnected.
 */
public final class XenstoreSocketServer implements AutoCloseable {
    /** Bytes queued for one connection, at most. */
    static final int MAX_QUEUED = 1 << 20;

    private final XenstoreService service;
    private final Path path;
    private final ServerSocketChannel listener;
    private final List<Conn> connections = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private XenstoreSocketServer(XenstoreService service, Path path, ServerSocketChannel listener) {
        this.service = service;
        this.path = path;
        this.listener = listener;
    }

    /**
     * Listens on {@code path} (replacing a stale socket file there) and serves in the background.
     *
     * @throws IOException if the socket cannot be bound
     */
    public static XenstoreSocketServer listen(XenstoreService service, Path path) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        XenstoreSocketServer s = new XenstoreSocketServer(service, path, ch);
        Thread.ofVirtual().name("xenstored-accept").start(s::accept);
        return s;
    }

    public Path path() {
        return path;
    }

    private void accept() {
        while (!closed) {
            SocketChannel c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                return;
            }
            Conn conn = new Conn(c);
            connections.add(conn);
            conn.start();
        }
    }

    /** One client. */
    private final class Conn {
        private final SocketChannel channel;
        private final XsServer.Connection connection;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private int queued;
        private boolean done;

        Conn(SocketChannel channel) {
            this.channel = channel;
            this.connection = service.connect(0, this::send);
        }

        void start() {
            Thread.ofVirtual().name("xenstored-read").start(this::read);
            Thread.ofVirtual().name("xenstored-write").start(this::write);
        }

        private void read() {
            XsFramer framer = new XsFramer();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            try {
                while (channel.read(buf.clear()) > 0) {
                    framer.feed(buf.array(), 0, buf.position(), m -> service.receive(connection, m));
                }
            } catch (IOException | XsFormatException e) {
                // a closed or misbehaving client: drop it
            }
            stop();
        }

        /** The connection's output, under the service lock: queue for the writer. */
        private void send(XsMessage m) {
            synchronized (queue) {
                if (done) {
                    return;
                }
                if (queued + m.size() > MAX_QUEUED) {
                    done = true;
                    queue.notifyAll();
                    return;
                }
                queue.add(m.encode());
                queued += m.size();
                queue.notifyAll();
            }
        }

        private void write() {
            try {
                while (true) {
                    byte[] next;
                    synchronized (queue) {
                        while (queue.isEmpty() && !done) {
                            queue.wait();
                        }
                        if (queue.isEmpty()) {
                            break;
                        }
                        next = queue.poll();
                        queued -= next.length;
                    }
                    ByteBuffer b = ByteBuffer.wrap(next);
                    while (b.hasRemaining()) {
                        channel.write(b);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
            stop();
        }

        void stop() {
            synchronized (queue) {
                done = true;
                queue.notifyAll();
            }
            service.disconnect(connection);
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
            connections.remove(this);
        }
    }

    /** Stops listening, disconnects every client and removes the socket file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Conn c : connections) {
            c.stop();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // best effort
        }
    }
}
