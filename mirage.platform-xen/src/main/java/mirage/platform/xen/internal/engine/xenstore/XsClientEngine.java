package mirage.platform.xen.internal.engine.xenstore;

import java.util.HashMap;
import java.util.Map;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsType;

/**
 * A xenstore client, sans-IO: numbers requests, matches replies to them by {@code req_id},
 * and hands watch events to a listener. A reply whose id no request has, or of a type other
 * than the request's or ERROR, is dropped and counted: a server (or ring) that sends such is
 * misbehaving, and the request stays pending (its caller's deadline ends the wait).
 *
 * <p>Not thread-safe: the binding serialises calls.
 */
public final class XsClientEngine {
    /** Where a request's reply goes. */
    @FunctionalInterface
    public interface Reply {
        /** The reply: of the request's type, or {@link XsType#ERROR}. */
        void done(XsMessage reply);
    }

    /** Where watch events go: the event's path and the watch's token. */
    @FunctionalInterface
    public interface WatchListener {
        void fired(String path, String token);
    }

    /** Where requests go. */
    @FunctionalInterface
    public interface Output {
        void send(XsMessage request);
    }

    private record Pending(int type, Reply reply) {}

    private final Output out;
    private final WatchListener watches;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private int nextId = 1;
    private long dropped;

    public XsClientEngine(Output out, WatchListener watches) {
        this.out = out;
        this.watches = watches;
    }

    /**
     * Sends a request.
     *
     * @return its request id
     */
    public int request(XsType type, int txId, byte[] payload, Reply reply) {
        int id = nextId;
        do {
            nextId++;
        } while (nextId == 0 || pending.containsKey(nextId));
        pending.put(id, new Pending(type.code(), reply));
        out.send(XsMessage.of(type, id, txId, payload));
        return id;
    }

    /** Forgets a request whose caller gave up; a late reply is then dropped. */
    public void cancel(int reqId) {
        pending.remove(reqId);
    }

    /** Handles one message from the server. */
    public void receive(XsMessage m) {
        if (m.type() == XsType.WATCH_EVENT.code()) {
            var parts = XsMessage.split(m.payload());
            if (parts.size() < 2) {
                dropped++;
                return;
            }
            watches.fired(parts.get(0), parts.get(1));
            return;
        }
        Pending p = pending.get(m.reqId());
        if (p == null || (m.type() != p.type() && m.type() != XsType.ERROR.code())) {
            dropped++;
            return;
        }
        pending.remove(m.reqId());
        p.reply().done(m);
    }

    /** Requests waiting for a reply. */
    public int pendingCount() {
        return pending.size();
    }

    /** Messages dropped: unknown ids, wrong types, malformed events. */
    public long dropped() {
        return dropped;
    }

    /**
     * Fails every pending request with {@code reply} (the connection is gone): each gets an
     * ERROR message carrying {@code error}.
     */
    public void failAll(String error) {
        Map<Integer, Pending> all = new HashMap<>(pending);
        pending.clear();
        for (Map.Entry<Integer, Pending> e : all.entrySet()) {
            e.getValue().reply().done(XsMessage.of(XsType.ERROR, e.getKey(), 0, XsMessage.string(error)));
        }
    }
}
