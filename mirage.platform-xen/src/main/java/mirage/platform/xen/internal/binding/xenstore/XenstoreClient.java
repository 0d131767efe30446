package mirage.platform.xen.internal.binding.xenstore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mirage.core.spi.EventLoop;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.engine.xenstore.XsClientEngine;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.wire.XsError;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsPermission;
import mirage.platform.xen.internal.wire.XsType;

/**
 * A xenstore client (ocaml-xenstore's {@code Xs_client}): blocking calls for code that may
 * wait, asynchronous ones ({@link #send}) for event handlers, watches with tokens, and
 * transactions retried on conflict. Over three transports: a guest's ring
 * ({@link XenstoreRing}), a UNIX socket ({@link XenstoreSocketClient}), or in-process to the
 * control domain's xenstored ({@link XenstoreService#connectLocal()}).
 *
 * <h2>Threading</h2>
 * Thread-safe. Replies and watch events are handled on the transport's delivery thread (the
 * domain's event thread for a ring, the control domain's loop in-process); watch callbacks run
 * there and must not block. Blocking calls wait through the {@link Blocker}: they may be made
 * from application tasks, and from the event thread of a domain whose blocker can pump.
 */
public final class XenstoreClient implements AutoCloseable {
    /** How long a blocking request waits for its reply unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Attempts of a transaction that keeps conflicting. */
    public static final int TRANSACTION_ATTEMPTS = 64;

    /** Where a watch's events go: the event path and the token. */
    @FunctionalInterface
    public interface WatchCallback {
        void fired(String path, String token);
    }

    /** The body of a transaction: reads and writes through {@code tx}; may run several times. */
    @FunctionalInterface
    public interface TransactionBody<T> {
        T run(Transaction tx) throws XenstoreException;
    }

    /** The transport: sends encoded requests; delivers replies to {@link #deliver}. */
    interface Transport {
        void send(XsMessage m);

        void close();
    }

    private final Object lock = new Object();
    private final XsClientEngine engine;
    private final Blocker blocker;
    private Transport transport;
    private final Map<String, WatchCallback> watches = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Duration timeout = DEFAULT_TIMEOUT;

    XenstoreClient(Blocker blocker) {
        this.blocker = blocker;
        this.engine = new XsClientEngine(m -> transport.send(m), this::watchFired);
    }

    void transport(Transport t) {
        this.transport = t;
    }

    /** A client over the in-process connection of {@code service}, as {@code domid}. */
    static XenstoreClient local(XenstoreService service, EventLoop loop) {
        return local(service, loop, 0);
    }

    static XenstoreClient local(XenstoreService service, EventLoop loop, int domid) {
        XenstoreClient c = new XenstoreClient(new Blocker(loop::now, loop::waiter, null));
        LocalTransport t = new LocalTransport(service, loop, c, domid);
        c.transport(t);
        return c;
    }

    /** Sets the deadline of blocking calls. */
    public void timeout(Duration d) {
        this.timeout = d;
    }

    /** Hands a message from the server to the engine; the transport's delivery thread. */
    void deliver(XsMessage m) {
        synchronized (lock) {
            engine.receive(m);
        }
        blocker.signalAll();
    }

    /** The connection is gone: every pending request fails with EIO. */
    void lost() {
        synchronized (lock) {
            engine.failAll(XsError.EIO.name());
        }
        blocker.signalAll();
    }

    private void watchFired(String path, String token) {
        WatchCallback cb = watches.get(token);
        if (cb != null) {
            cb.fired(path, token);
        }
    }

    /**
     * Sends a request without waiting; {@code reply} runs on the delivery thread with the
     * reply (of {@code type}, or ERROR).
     */
    public void send(XsType type, int txId, byte[] payload, XsClientEngine.Reply reply) {
        synchronized (lock) {
            if (closed) {
                reply.done(XsMessage.of(XsType.ERROR, 0, txId, XsMessage.string(XsError.EIO.name())));
                return;
            }
            engine.request(type, txId, payload, reply);
        }
    }

    /** Sends a request and waits for its reply's payload. */
    byte[] call(XsType type, int txId, byte[] payload) throws XenstoreException {
        XsMessage[] got = new XsMessage[1];
        int id;
        synchronized (lock) {
            if (closed) {
                throw new XenstoreException(XsError.EIO, "xenstore connection closed");
            }
            id = engine.request(type, txId, payload, m -> got[0] = m);
        }
        boolean done;
        try {
            done = blocker.await(() -> {
                synchronized (lock) {
                    return got[0] != null;
                }
            }, blocker.now() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (lock) {
                engine.cancel(id);
            }
            throw new XenstoreException(XsError.EIO, "interrupted waiting for xenstore");
        }
        XsMessage reply;
        synchronized (lock) {
            reply = got[0];
            if (!done || reply == null) {
                engine.cancel(id);
                throw new XenstoreException(XsError.EIO, "no reply from xenstore to " + type + " within " + timeout);
            }
        }
        if (reply.type() == XsType.ERROR.code()) {
            String name = XsMessage.split(reply.payload()).stream().findFirst().orElse("");
            XsError e = XsError.named(name);
            throw new XenstoreException(e == null ? XsError.EIO : e, type + " failed: " + (e == null ? "unknown error '"
                    + XsMessage.printable(reply.payload()) + "'" : name));
        }
        return reply.payload();
    }

    // ------------------------------------------------------------------ the store

    /** The value at {@code path}. */
    public byte[] read(String path) throws XenstoreException {
        return read(0, path);
    }

    /** The value at {@code path} as text. */
    public String readString(String path) throws XenstoreException {
        return new String(read(path), StandardCharsets.UTF_8);
    }

    /** The value at {@code path} as text, or null if the node does not exist. */
    public String readOrNull(String path) throws XenstoreException {
        try {
            return readString(path);
        } catch (XenstoreException e) {
            if (e.error() == XsError.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    byte[] read(int tx, String path) throws XenstoreException {
        return call(XsType.READ, tx, XsMessage.string(path));
    }

    public void write(String path, String value) throws XenstoreException {
        write(0, path, value.getBytes(StandardCharsets.UTF_8));
    }

    void write(int tx, String path, byte[] value) throws XenstoreException {
        call(XsType.WRITE, tx, XsMessage.pathAndValue(path, value));
    }

    public void mkdir(String path) throws XenstoreException {
        call(XsType.MKDIR, 0, XsMessage.string(path));
    }

    public void rm(String path) throws XenstoreException {
        call(XsType.RM, 0, XsMessage.string(path));
    }

    /** The children's names of {@code path}. */
    public List<String> directory(String path) throws XenstoreException {
        return directory(0, path);
    }

    List<String> directory(int tx, String path) throws XenstoreException {
        return XsMessage.split(call(XsType.DIRECTORY, tx, XsMessage.string(path)));
    }

    public List<XsPermission> getPerms(String path) throws XenstoreException {
        List<XsPermission> p = XsPermission.parseAll(XsMessage.split(call(XsType.GET_PERMS, 0, XsMessage.string(path))));
        if (p == null) {
            throw new XenstoreException(XsError.EIO, "malformed permissions of " + path);
        }
        return p;
    }

    public void setPerms(String path, List<XsPermission> perms) throws XenstoreException {
        setPerms(0, path, perms);
    }

    void setPerms(int tx, String path, List<XsPermission> perms) throws XenstoreException {
        List<String> parts = new ArrayList<>();
        parts.add(path);
        for (XsPermission p : perms) {
            parts.add(p.toString());
        }
        call(XsType.SET_PERMS, tx, XsMessage.strings(parts));
    }

    /** {@code /local/domain/<domid>}, as the server says. */
    public String domainPath(int domid) throws XenstoreException {
        return XsMessage.split(call(XsType.GET_DOMAIN_PATH, 0, XsMessage.string(Integer.toString(domid)))).getFirst();
    }

    /** INTRODUCE (domain 0 only). */
    public void introduce(int domid, long frame, int port) throws XenstoreException {
        call(XsType.INTRODUCE, 0, XsMessage.strings(Integer.toString(domid), Long.toString(frame), Integer.toString(port)));
    }

    /** RELEASE (domain 0 only). */
    public void release(int domid) throws XenstoreException {
        call(XsType.RELEASE, 0, XsMessage.string(Integer.toString(domid)));
    }

    // ------------------------------------------------------------------ watches

    /**
     * Watches {@code path} with {@code token}: {@code callback} runs for the event every new
     * watch fires at once and for every change at or below {@code path}. One callback per token.
     */
    public void watch(String path, String token, WatchCallback callback) throws XenstoreException {
        watches.put(token, callback);
        try {
            call(XsType.WATCH, 0, XsMessage.strings(path, token));
        } catch (XenstoreException e) {
            watches.remove(token);
            throw e;
        }
    }

    /** As {@link #watch}, without waiting for the reply: for event handlers. */
    public void watchAsync(String path, String token, WatchCallback callback) {
        watches.put(token, callback);
        send(XsType.WATCH, 0, XsMessage.strings(path, token), m -> { });
    }

    public void unwatch(String path, String token) throws XenstoreException {
        watches.remove(token);
        call(XsType.UNWATCH, 0, XsMessage.strings(path, token));
    }

    /** As {@link #unwatch}, without waiting. */
    public void unwatchAsync(String path, String token) {
        watches.remove(token);
        send(XsType.UNWATCH, 0, XsMessage.strings(path, token), m -> { });
    }

    // ------------------------------------------------------------------ transactions

    /** Operations inside one transaction. */
    public final class Transaction {
        private final int id;

        private Transaction(int id) {
            this.id = id;
        }

        public int id() {
            return id;
        }

        public byte[] read(String path) throws XenstoreException {
            return XenstoreClient.this.read(id, path);
        }

        public String readString(String path) throws XenstoreException {
            return new String(read(path), StandardCharsets.UTF_8);
        }

        public String readOrNull(String path) throws XenstoreException {
            try {
                return readString(path);
            } catch (XenstoreException e) {
                if (e.error() == XsError.ENOENT) {
                    return null;
                }
                throw e;
            }
        }

        public void write(String path, String value) throws XenstoreException {
            XenstoreClient.this.write(id, path, value.getBytes(StandardCharsets.UTF_8));
        }

        public void mkdir(String path) throws XenstoreException {
            call(XsType.MKDIR, id, XsMessage.string(path));
        }

        public void rm(String path) throws XenstoreException {
            call(XsType.RM, id, XsMessage.string(path));
        }

        public List<String> directory(String path) throws XenstoreException {
            return XenstoreClient.this.directory(id, path);
        }

        public void setPerms(String path, List<XsPermission> perms) throws XenstoreException {
            XenstoreClient.this.setPerms(id, path, perms);
        }
    }

    /**
     * Runs {@code body} in a transaction and commits it, running it again (in a new
     * transaction) while the commit fails with EAGAIN, at most {@value #TRANSACTION_ATTEMPTS}
     * times. A body that throws aborts its transaction.
     */
    public <T> T transaction(TransactionBody<T> body) throws XenstoreException {
        for (int attempt = 1; ; attempt++) {
            int id = Integer.parseUnsignedInt(XsMessage.split(call(XsType.TRANSACTION_START, 0, XsMessage.string(""))).getFirst());
            T result;
            try {
                result = body.run(new Transaction(id));
            } catch (XenstoreException | RuntimeException e) {
                try {
                    call(XsType.TRANSACTION_END, id, XsMessage.string("F"));
                } catch (XenstoreException ignored) {
                    // the transaction is gone either way
                }
                throw e;
            }
            try {
                call(XsType.TRANSACTION_END, id, XsMessage.string("T"));
                return result;
            } catch (XenstoreException e) {
                if (e.error() != XsError.EAGAIN || attempt >= TRANSACTION_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Closes the transport; pending calls fail with EIO. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        transport.close();
        lost();
    }

    // ------------------------------------------------------------------ in-process transport

    /**
     * The in-process connection: a request is handed to the server at once; what the server
     * sends back (replies, events) is queued and delivered after the server returns: on the
     * calling thread for what its request caused, on the control domain's loop for what other
     * connections caused. A callback never runs inside the server.
     */
    private static final class LocalTransport implements Transport {
        private final XenstoreService service;
        private final EventLoop loop;
        private final XenstoreClient client;
        private final XsServer.Connection connection;
        private final ArrayDeque<XsMessage> inbox = new ArrayDeque<>();
        private final Runnable drain = this::drain;

        LocalTransport(XenstoreService service, EventLoop loop, XenstoreClient client, int domid) {
            this.service = service;
            this.loop = loop;
            this.client = client;
            this.connection = service.connect(domid, this::fromServer);
        }

        private void fromServer(XsMessage m) {
            synchronized (inbox) {
                inbox.add(m);
            }
            if (Thread.currentThread() != sending) {
                loop.execute(drain); // caused by another connection: deliver on the loop
            }
        }

        /** The thread inside {@link #send}, which drains what its request caused. */
        private volatile Thread sending;

        @Override
        public void send(XsMessage m) {
            Thread outer = sending;
            sending = Thread.currentThread();
            try {
                service.receive(connection, m);
            } finally {
                sending = outer;
            }
            drain(); // the reply, now that the server has returned

        }

        private void drain() {
            while (true) {
                XsMessage m;
                synchronized (inbox) {
                    m = inbox.poll();
                }
                if (m == null) {
                    return;
                }
                client.deliver(m);
            }
        }

        @Override
        public void close() {
            service.disconnect(connection);
        }
    }
}
