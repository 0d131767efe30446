package mirage.platform.xen.internal.engine.xenstore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mirage.platform.xen.internal.wire.XsError;
import mirage.platform.xen.internal.wire.XsFormatException;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsPath;
import mirage.platform.xen.internal.wire.XsPermission;
import mirage.platform.xen.internal.wire.XsType;

/**
 * A xenstored, sans-IO (docs/misc/xenstore.txt; docs/decisions/0042): connections hand it
 * requests and it answers through each connection's {@link Output}, replies and watch events
 * alike. Every request type of xs_wire.h is answered: the store's operations, permissions,
 * watches (with depth), transactions, domain management; the optional GET/SET_FEATURE and
 * GET/SET_QUOTA with ENOSYS, as the spec allows.
 *
 * <h2>Transactions</h2>
 * A transaction reads and writes a snapshot taken when it starts (a root of the persistent
 * tree) and records the generation of every node it looked at. It commits if none of them
 * changed meanwhile, replaying its writes on the live tree in order; otherwise TRANSACTION_END
 * fails with EAGAIN and nothing is applied. So committed transactions are serializable:
 * each takes effect as if run alone at its commit. Watches fire for a transaction's writes
 * only when it commits, once per changed path.
 *
 * <h2>Permissions</h2>
 * Domain 0 may do anything; an owner may do anything with its nodes; other domains get the
 * entry naming them, else the first entry's access. A new node inherits its parent's
 * permissions, owned by its creator if the creator is not domain 0. Creating needs write
 * access to the nearest existing ancestor.
 *
 * <h2>Bounds</h2>
 * A domain other than 0 owns at most {@link Limits#nodesPerDomain()} nodes, a value is at most
 * {@link Limits#valueBytes()} bytes, a connection holds at most {@link Limits#watches()}
 * watches and {@link Limits#transactions()} open transactions; beyond, ENOSPC or E2BIG.
 *
 * <h2>Threading</h2>
 * Not thread-safe: the binding serialises all calls (one lock around the server). Outputs are
 * called synchronously and must not call back into the server.
 */
public final class XsServer {
    /** Where a connection's replies and watch events go. */
    @FunctionalInterface
    public interface Output {
        void send(XsMessage message);
    }

    /** What INTRODUCE and RELEASE do beyond the store: connect to or leave a domain's ring. */
    public interface Domains {
        /**
         * Connects to {@code domid}'s ring page {@code frame} and binds to its unbound port.
         *
         * @return null if connected, else the error to reply
         */
        XsError introduce(int domid, long frame, int port);

        /** Disconnects from {@code domid}'s ring. */
        void release(int domid);
    }

    /**
     * Resource bounds.
     *
     * @param nodesPerDomain nodes a domain other than 0 may own
     * @param valueBytes bytes of a value
     * @param permissions entries of a permission list
     * @param watches watches per connection
     * @param transactions open transactions per connection
     * @param transactionOps writes one transaction may make
     */
    public record Limits(int nodesPerDomain, int valueBytes, int permissions, int watches, int transactions,
            int transactionOps) {
        /** C xenstored's defaults where it has them: 1000 nodes, 2048-byte values, 5 permissions, 128 watches, 10 transactions. */
        public static final Limits DEFAULT = new Limits(1000, 2048, 5, 128, 10, 1024);
    }

    private static final byte[] OK = XsMessage.string("OK");
    private static final List<XsPermission> ROOT_PERMS = List.of(new XsPermission(XsPermission.Access.NONE, 0));

    private final Limits limits;
    private final Domains domains;
    private XsNode root;
    private long generation;
    private final Map<Integer, Integer> owned = new HashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    private final Set<Integer> introduced = new LinkedHashSet<>();
    private final Map<Integer, Integer> targets = new HashMap<>();
    private int nextTransaction = 1;
    private long requests;
    private long errors;

    /** A server whose tree holds {@code /} only (owned by domain 0, no access for others). */
    public XsServer(Domains domains, Limits limits) {
        this.domains = domains;
        this.limits = limits;
        this.root = XsNode.leaf(XsNode.EMPTY, ROOT_PERMS, 0);
        introduced.add(0);
    }

    public XsServer(Domains domains) {
        this(domains, Limits.DEFAULT);
    }

    /** Requests handled so far. */
    public long requests() {
        return requests;
    }

    /** Requests answered with an error so far. */
    public long errors() {
        return errors;
    }

    /** The modification count: bumped by every change to the live tree. */
    public long generation() {
        return generation;
    }

    /** Nodes in the live tree. */
    public int nodes() {
        return root.size();
    }

    /**
     * A new connection for domain {@code domid} (0: the control domain, and every UNIX
     * socket connection, as in C xenstored).
     */
    public Connection connect(int domid, Output out) {
        Connection c = new Connection(domid, out);
        connections.add(c);
        return c;
    }

    /** Whether {@code domid} is introduced. */
    public boolean isIntroduced(int domid) {
        return introduced.contains(domid);
    }

    /** A snapshot of the value at absolute {@code path}, or null: for tests and tools. */
    public byte[] peek(String path) {
        XsNode n = XsTree.lookup(root, path);
        return n == null ? null : n.value.clone();
    }

    /** The children's names at absolute {@code path}, or null: for tests and tools. */
    public List<String> peekChildren(String path) {
        XsNode n = XsTree.lookup(root, path);
        return n == null ? null : List.copyOf(n.children.keySet());
    }

    /** The permissions at absolute {@code path}, or null. */
    public List<XsPermission> peekPerms(String path) {
        XsNode n = XsTree.lookup(root, path);
        return n == null ? null : n.perms;
    }

    // ------------------------------------------------------------------ connections

    /** One client: its domain, watches and open transactions. */
    public final class Connection {
        private final int domid;
        private final Output out;
        /** Watches by path and token, in registration order. */
        private final Map<WatchKey, Watch> watches = new LinkedHashMap<>();
        private final Map<Integer, Txn> transactions = new HashMap<>();
        private boolean closed;

        private Connection(int domid, Output out) {
            this.domid = domid;
            this.out = out;
        }

        public int domid() {
            return domid;
        }

        /** Watches registered. */
        public int watchCount() {
            return watches.size();
        }

        /** Transactions open. */
        public int transactionCount() {
            return transactions.size();
        }

            /**
         * Handles one request: its reply (or ERROR) goes to this connection's output, watch
         * events to whichever connections' watches match.
         */
        public void receive(XsMessage m) {
            if (closed) {
                return;
            }
            requests++;
            byte[] reply;
            try {
                reply = handle(this, m);
            } catch (XsFailure f) {
                errors++;
                out.send(XsMessage.of(XsType.ERROR, m.reqId(), m.txId(), XsMessage.string(f.error.name())));
                return;
            }
            if (reply != null) {
                out.send(new XsMessage(m.type(), m.reqId(), m.txId(), reply));
            }
        }

        /** Drops the connection's watches and transactions. Idempotent. */
        public void close() {
            closed = true;
            watches.clear();
            transactions.clear();
            connections.remove(this);
        }

        boolean privileged() {
            return domid == 0;
        }

        String base() {
            return XsPath.domainPath(domid);
        }
    }

    private record WatchKey(String path, String token) {}

    /** A watch: as given (for the events' form), absolute, and how deep it looks. */
    private record Watch(String given, String absolute, String token, int depth, boolean special) {}

    /** A transaction: snapshot, working root, what it looked at, and its writes. */
    private static final class Txn {
        final int id;
        /** The tree when the transaction started: what its reads depend on, its own writes aside. */
        final XsNode snapshot;
        XsNode root;
        final Map<String, Long> observed = new HashMap<>();
        final List<Op> log = new ArrayList<>();

        Txn(int id, XsNode root) {
            this.id = id;
            this.snapshot = root;
            this.root = root;
        }

        /**
         * Records that the transaction looked at {@code path}: its generation in the snapshot, so
         * that a node the transaction itself changed or removed is checked against what it was
         * at the start, not against the transaction's own write.
         */
        void observe(String path) {
            if (!observed.containsKey(path)) {
                XsNode n = XsTree.lookup(snapshot, path);
                observed.put(path, n == null ? -1L : n.generation);
            }
        }
    }

    /** A write, replayed at commit. */
    private record Op(XsType type, String path, byte[] value, List<XsPermission> perms) {}

    // ------------------------------------------------------------------ request handling

    private byte[] handle(Connection c, XsMessage m) throws XsFailure {
        XsType type = m.knownType();
        if (type == null) {
            throw new XsFailure(XsError.ENOSYS);
        }
        byte[] p = m.payload();
        switch (type) {
            case WATCH_EVENT, ERROR -> throw new XsFailure(XsError.EINVAL);
            case WATCH -> {
                return watch(c, m, args(p, 2, 3));
            }
            case UNWATCH -> {
                List<String> a = args(p, 2, 3);
                Watch w = c.watches.remove(new WatchKey(a.get(0), a.get(1)));
                if (w == null) {
                    throw new XsFailure(XsError.ENOENT);
                }
                return OK;
            }
            case RESET_WATCHES -> {
                c.watches.clear();
                c.transactions.clear();
                return OK;
            }
            case TRANSACTION_START -> {
                if (m.txId() != 0) {
                    throw new XsFailure(XsError.EINVAL);
                }
                if (c.transactions.size() >= limits.transactions()) {
                    throw new XsFailure(XsError.ENOSPC);
                }
                int id = nextTransaction;
                do {
                    nextTransaction++;
                } while (nextTransaction == 0);
                c.transactions.put(id, new Txn(id, root));
                return XsMessage.string(Integer.toUnsignedString(id));
            }
            case TRANSACTION_END -> {
                Txn t = transaction(c, m.txId());
                String verb = single(p);
                if (!verb.equals("T") && !verb.equals("F")) {
                    throw new XsFailure(XsError.EINVAL);
                }
                c.transactions.remove(t.id);
                if (verb.equals("T")) {
                    commit(c, t);
                }
                return OK;
            }
            case GET_DOMAIN_PATH -> {
                return XsMessage.string(XsPath.domainPath(domid(single(p))));
            }
            case IS_DOMAIN_INTRODUCED -> {
                return XsMessage.string(introduced.contains(domid(single(p))) ? "T" : "F");
            }
            case INTRODUCE -> {
                return introduce(c, args(p, 3, 4));
            }
            case RELEASE -> {
                requirePrivileged(c);
                int d = domid(single(p));
                if (d == 0 || !introduced.remove(d)) {
                    throw new XsFailure(XsError.ENOENT);
                }
                domains.release(d);
                fireSpecial(XsPath.RELEASE_DOMAIN, d);
                return OK;
            }
            case RESUME -> {
                requirePrivileged(c);
                if (!introduced.contains(domid(single(p)))) {
                    throw new XsFailure(XsError.ENOENT);
                }
                return OK;
            }
            case SET_TARGET -> {
                requirePrivileged(c);
                List<String> a = args(p, 2, 2);
                targets.put(domid(a.get(0)), domid(a.get(1)));
                return OK;
            }
            case CONTROL -> {
                requirePrivileged(c);
                List<String> a = XsMessage.split(p);
                if (a.isEmpty()) {
                    throw new XsFailure(XsError.EINVAL);
                }
                return switch (a.get(0)) {
                    case "check" -> OK;
                    case "help" -> XsMessage.string("check\nhelp\n");
                    default -> throw new XsFailure(XsError.EINVAL);
                };
            }
            case GET_FEATURE, SET_FEATURE, GET_QUOTA, SET_QUOTA -> throw new XsFailure(XsError.ENOSYS);
            default -> {
                Txn t = m.txId() == 0 ? null : transaction(c, m.txId());
                return store(c, t, type, p);
            }
        }
    }

    /** The store's operations, in or out of a transaction. */
    private byte[] store(Connection c, Txn t, XsType type, byte[] p) throws XsFailure {
        switch (type) {
            case READ -> {
                XsNode n = readable(c, t, path(c, single(p)));
                return n.value.clone();
            }
            case DIRECTORY -> {
                XsNode n = readable(c, t, path(c, single(p)));
                byte[] list = XsMessage.strings(List.copyOf(n.children.keySet()));
                if (list.length > XsMessage.PAYLOAD_MAX) {
                    throw new XsFailure(XsError.E2BIG);
                }
                return list;
            }
            case DIRECTORY_PART -> {
                List<String> a = args(p, 2, 2);
                XsNode n = readable(c, t, path(c, a.get(0)));
                return directoryPart(n, number(a.get(1)));
            }
            case GET_PERMS -> {
                XsNode n = readable(c, t, path(c, single(p)));
                List<String> out = new ArrayList<>();
                for (XsPermission perm : n.perms) {
                    out.add(perm.toString());
                }
                return XsMessage.strings(out);
            }
            case WRITE -> {
                int nul = XsMessage.indexOfNul(p, 0);
                if (nul < 0) {
                    throw new XsFailure(XsError.EINVAL);
                }
                String path = path(c, new String(p, 0, nul, StandardCharsets.UTF_8));
                byte[] value = java.util.Arrays.copyOfRange(p, nul + 1, p.length);
                if (value.length > limits.valueBytes()) {
                    throw new XsFailure(XsError.E2BIG);
                }
                mutate(c, t, new Op(XsType.WRITE, path, value, null));
                return OK;
            }
            case MKDIR -> {
                mutate(c, t, new Op(XsType.MKDIR, path(c, single(p)), null, null));
                return OK;
            }
            case RM -> {
                mutate(c, t, new Op(XsType.RM, path(c, single(p)), null, null));
                return OK;
            }
            case SET_PERMS -> {
                List<String> a = XsMessage.split(p);
                if (a.size() < 2 || p[p.length - 1] != 0) {
                    throw new XsFailure(XsError.EINVAL);
                }
                String path = path(c, a.get(0));
                List<XsPermission> perms = XsPermission.parseAll(a.subList(1, a.size()));
                if (perms == null) {
                    throw new XsFailure(XsError.EINVAL);
                }
                if (perms.size() > limits.permissions()) {
                    throw new XsFailure(XsError.E2BIG);
                }
                mutate(c, t, new Op(XsType.SET_PERMS, path, null, perms));
                return OK;
            }
            default -> throw new XsFailure(XsError.ENOSYS);
        }
    }

    private byte[] directoryPart(XsNode n, long offset) throws XsFailure {
        byte[] all = XsMessage.strings(List.copyOf(n.children.keySet()));
        if (offset > all.length) {
            throw new XsFailure(XsError.EINVAL);
        }
        byte[] gen = XsMessage.string(Long.toString(n.generation));
        int room = XsMessage.PAYLOAD_MAX - gen.length;
        int from = (int) offset;
        int end = all.length;
        boolean complete = end - from + 1 <= room;
        if (!complete) {
            // whole names only
            end = from;
            for (int i = from; i < all.length; i++) {
                if (all[i] == 0) {
                    if (i + 1 - from > room) {
                        break;
                    }
                    end = i + 1;
                }
            }
            if (end == from) {
                throw new XsFailure(XsError.E2BIG);
            }
        }
        byte[] out = new byte[gen.length + (end - from) + (complete ? 1 : 0)];
        System.arraycopy(gen, 0, out, 0, gen.length);
        System.arraycopy(all, from, out, gen.length, end - from);
        return out;
    }

    // ------------------------------------------------------------------ views and mutation

    /** The node at {@code path} in {@code t}'s view (or the live tree), observed by {@code t}. */
    private XsNode look(Txn t, String path) {
        XsNode n = XsTree.lookup(t == null ? root : t.root, path);
        if (t != null) {
            t.observe(path);
        }
        return n;
    }

    private XsNode readable(Connection c, Txn t, String path) throws XsFailure {
        XsNode n = look(t, path);
        if (n == null) {
            throw new XsFailure(XsError.ENOENT);
        }
        if (!access(c.domid, n).read()) {
            throw new XsFailure(XsError.EACCES);
        }
        return n;
    }

    /** A change under construction: a working root, the paths changed, node-count changes. */
    private final class Change {
        XsNode root;
        final long gen;
        final Txn observer;
        /** Changed paths, in order, with the permissions that decide who hears of them. */
        final Map<String, List<XsPermission>> events = new LinkedHashMap<>();
        final Set<String> removed = new LinkedHashSet<>();
        final Map<Integer, Integer> ownedDelta = new HashMap<>();

        Change(XsNode root, long gen, Txn observer) {
            this.root = root;
            this.gen = gen;
            this.observer = observer;
        }

        XsNode lookup(String path) {
            XsNode n = XsTree.lookup(root, path);
            if (observer != null) {
                observer.observe(path);
            }
            return n;
        }

        void own(int domid, int delta) {
            if (domid != 0) {
                ownedDelta.merge(domid, delta, Integer::sum);
            }
        }

        void countSubtree(XsNode n, int sign) {
            own(n.owner(), sign);
            for (XsNode child : n.children.values()) {
                countSubtree(child, sign);
            }
        }
    }

    /** Applies a write in a transaction's view (logged for commit) or to the live tree. */
    private void mutate(Connection c, Txn t, Op op) throws XsFailure {
        if (t != null) {
            if (t.log.size() >= limits.transactionOps()) {
                throw new XsFailure(XsError.ENOSPC);
            }
            Change ch = new Change(t.root, generation + 1, t);
            apply(c, ch, op);
            t.root = ch.root;
            t.log.add(op);
            return;
        }
        Change ch = new Change(root, generation + 1, null);
        apply(c, ch, op);
        install(ch);
    }

    /** Checks quotas, makes the change live and fires its watches. */
    private void install(Change ch) throws XsFailure {
        for (Map.Entry<Integer, Integer> e : ch.ownedDelta.entrySet()) {
            if (e.getValue() > 0 && owned.getOrDefault(e.getKey(), 0) + e.getValue() > limits.nodesPerDomain()) {
                throw new XsFailure(XsError.ENOSPC);
            }
        }
        if (ch.events.isEmpty()) {
            return;
        }
        for (Map.Entry<Integer, Integer> e : ch.ownedDelta.entrySet()) {
            owned.merge(e.getKey(), e.getValue(), Integer::sum);
        }
        root = ch.root;
        generation = ch.gen;
        fire(ch);
    }

    private void apply(Connection c, Change ch, Op op) throws XsFailure {
        switch (op.type()) {
            case WRITE -> write(c, ch, op.path(), op.value(), true);
            case MKDIR -> write(c, ch, op.path(), null, false);
            case RM -> rm(c, ch, op.path());
            case SET_PERMS -> setPerms(c, ch, op.path(), op.perms());
            default -> throw new IllegalStateException(op.type().name());
        }
    }

    /** WRITE (value non-null) or MKDIR: creates missing parents with inherited permissions. */
    private void write(Connection c, Change ch, String path, byte[] value, boolean isWrite) throws XsFailure {
        XsNode existing = ch.lookup(path);
        if (existing != null) {
            if (!access(c.domid, existing).write()) {
                throw new XsFailure(XsError.EACCES);
            }
            if (isWrite) {
                ch.root = XsTree.put(ch.root, path, existing.withValue(value, ch.gen), ch.gen);
                ch.events.put(path, existing.perms);
            }
            return;
        }
        if (path.equals(XsPath.ROOT)) {
            throw new XsFailure(XsError.EINVAL);
        }
        // the nearest existing ancestor, and the missing ones below it
        List<String> missing = new ArrayList<>();
        String at = path;
        XsNode ancestor = null;
        while (ancestor == null) {
            missing.add(at);
            at = XsPath.parent(at);
            ancestor = ch.lookup(at);
        }
        if (!access(c.domid, ancestor).write()) {
            throw new XsFailure(XsError.EACCES);
        }
        List<XsPermission> perms = ancestor.perms;
        if (c.domid != 0 && perms.get(0).domid() != c.domid) {
            List<XsPermission> p = new ArrayList<>(perms);
            p.set(0, new XsPermission(perms.get(0).access(), c.domid));
            perms = List.copyOf(p);
        }
        for (int i = missing.size() - 1; i >= 0; i--) {
            String m = missing.get(i);
            byte[] v = i == 0 && isWrite ? value : XsNode.EMPTY;
            ch.root = XsTree.put(ch.root, m, XsNode.leaf(v, perms, ch.gen), ch.gen);
            ch.own(perms.get(0).domid(), 1);
            ch.events.put(m, perms);
        }
    }

    private void rm(Connection c, Change ch, String path) throws XsFailure {
        if (path.equals(XsPath.ROOT)) {
            throw new XsFailure(XsError.EINVAL);
        }
        XsNode n = ch.lookup(path);
        if (n == null) {
            if (ch.lookup(XsPath.parent(path)) == null) {
                throw new XsFailure(XsError.ENOENT);
            }
            return;
        }
        if (!access(c.domid, n).write()) {
            throw new XsFailure(XsError.EACCES);
        }
        ch.lookup(XsPath.parent(path));
        ch.countSubtree(n, -1);
        ch.root = XsTree.remove(ch.root, path, ch.gen);
        ch.events.put(path, n.perms);
        ch.removed.add(path);
    }

    private void setPerms(Connection c, Change ch, String path, List<XsPermission> perms) throws XsFailure {
        XsNode n = ch.lookup(path);
        if (n == null) {
            throw new XsFailure(XsError.ENOENT);
        }
        boolean owner = c.domid == 0 || n.owner() == c.domid || n.owner() == targets.getOrDefault(c.domid, -1);
        if (!owner) {
            throw new XsFailure(XsError.EACCES);
        }
        if (c.domid != 0 && perms.get(0).domid() != n.owner()) {
            throw new XsFailure(XsError.EPERM);
        }
        ch.own(n.owner(), -1);
        ch.own(perms.get(0).domid(), 1);
        ch.root = XsTree.put(ch.root, path, n.withPerms(perms, ch.gen), ch.gen);
        ch.events.put(path, perms);
    }

    private void commit(Connection c, Txn t) throws XsFailure {
        for (Map.Entry<String, Long> e : t.observed.entrySet()) {
            XsNode live = XsTree.lookup(root, e.getKey());
            long now = live == null ? -1L : live.generation;
            if (now != e.getValue()) {
                throw new XsFailure(XsError.EAGAIN);
            }
        }
        if (t.log.isEmpty()) {
            return;
        }
        Change ch = new Change(root, generation + 1, null);
        for (Op op : t.log) {
            apply(c, ch, op);
        }
        install(ch);
    }

    // ------------------------------------------------------------------ watches

    /** Registers a watch, replies, then sends the event a new watch fires at once; returns null (replied). */
    private byte[] watch(Connection c, XsMessage m, List<String> a) throws XsFailure {
        String given = a.get(0);
        String token = a.get(1);
        int depth = Integer.MAX_VALUE;
        if (a.size() == 3 && !a.get(2).isEmpty()) {
            long d = number(a.get(2));
            depth = (int) Math.min(d, Integer.MAX_VALUE);
        }
        boolean special = XsPath.isSpecial(given);
        String abs;
        if (special) {
            abs = given;
        } else {
            abs = path(c, given);
        }
        WatchKey key = new WatchKey(given, token);
        if (c.watches.containsKey(key)) {
            throw new XsFailure(XsError.EEXIST);
        }
        if (c.watches.size() >= limits.watches()) {
            throw new XsFailure(XsError.ENOSPC);
        }
        c.watches.put(key, new Watch(given, abs, token, depth, special));
        c.out.send(new XsMessage(m.type(), m.reqId(), m.txId(), OK));
        c.out.send(XsMessage.of(XsType.WATCH_EVENT, 0, 0, XsMessage.strings(given, token)));
        return null;
    }

    /** Sends each watch matching a change of {@code ch} its event, once per changed path. */
    private void fire(Change ch) {
        for (Connection c : List.copyOf(connections)) {
            for (Watch w : List.copyOf(c.watches.values())) {
                if (w.special()) {
                    continue;
                }
                for (Map.Entry<String, List<XsPermission>> e : ch.events.entrySet()) {
                    String path = e.getKey();
                    String event = null;
                    if (XsPath.isAtOrBelow(path, w.absolute())) {
                        if (XsPath.depthBelow(path, w.absolute()) <= w.depth()) {
                            event = path;
                        }
                    } else if (ch.removed.contains(path) && XsPath.isAtOrBelow(w.absolute(), path)) {
                        event = w.absolute();
                    }
                    if (event == null || !readable(c.domid, e.getValue())) {
                        continue;
                    }
                    c.out.send(XsMessage.of(XsType.WATCH_EVENT, 0, 0, XsMessage.strings(relativeFor(w, event, c), w.token())));
                }
            }
        }
    }

    private void fireSpecial(String special, int domid) {
        for (Connection c : List.copyOf(connections)) {
            if (!c.privileged()) {
                continue;
            }
            for (Watch w : c.watches.values()) {
                if (!w.special()) {
                    continue;
                }
                String path = null;
                if (w.absolute().equals(special)) {
                    path = w.depth() == 1 ? special + "/" + domid : special;
                } else if (w.absolute().equals(special + "/" + domid)) {
                    path = w.absolute();
                }
                if (path != null) {
                    c.out.send(XsMessage.of(XsType.WATCH_EVENT, 0, 0, XsMessage.strings(path, w.token())));
                }
            }
        }
    }

    /** The event path in the watch's form: relative to the domain path if the watch was. */
    private static String relativeFor(Watch w, String event, Connection c) {
        if (w.given().startsWith("/")) {
            return event;
        }
        String base = c.base();
        return event.length() > base.length() && event.startsWith(base + "/") ? event.substring(base.length() + 1) : event;
    }

    // ------------------------------------------------------------------ domains

    private byte[] introduce(Connection c, List<String> a) throws XsFailure {
        requirePrivileged(c);
        int d = domid(a.get(0));
        long frame = signedNumber(a.get(1));
        long port = number(a.get(2));
        if (d == 0 || frame <= 0 || port <= 0 || port >= 4096) {
            throw new XsFailure(XsError.EINVAL);
        }
        if (introduced.contains(d)) {
            throw new XsFailure(XsError.EEXIST);
        }
        XsError e = domains.introduce(d, frame, (int) port);
        if (e != null) {
            throw new XsFailure(e);
        }
        introduced.add(d);
        fireSpecial(XsPath.INTRODUCE_DOMAIN, d);
        return OK;
    }

    /** Forgets a domain that died: its connections and introduction (fires @releaseDomain). */
    public void domainGone(int domid) {
        if (introduced.remove(domid)) {
            fireSpecial(XsPath.RELEASE_DOMAIN, domid);
        }
    }

    // ------------------------------------------------------------------ access and arguments

    private XsPermission.Access access(int domid, XsNode n) {
        if (domid == 0) {
            return XsPermission.Access.BOTH;
        }
        return accessTo(domid, n.perms);
    }

    private XsPermission.Access accessTo(int domid, List<XsPermission> perms) {
        int target = targets.getOrDefault(domid, -1);
        int owner = perms.get(0).domid();
        if (owner == domid || owner == target) {
            return XsPermission.Access.BOTH;
        }
        for (int i = 1; i < perms.size(); i++) {
            XsPermission p = perms.get(i);
            if (p.domid() == domid || p.domid() == target) {
                return p.access();
            }
        }
        return perms.get(0).access();
    }

    private boolean readable(int domid, List<XsPermission> perms) {
        return domid == 0 || accessTo(domid, perms).read();
    }

    private static void requirePrivileged(Connection c) throws XsFailure {
        if (!c.privileged()) {
            throw new XsFailure(XsError.EACCES);
        }
    }

    private static Txn transaction(Connection c, int id) throws XsFailure {
        Txn t = c.transactions.get(id);
        if (t == null) {
            throw new XsFailure(XsError.ENOENT);
        }
        return t;
    }

    /** A request path made absolute for {@code c}; EINVAL if malformed. */
    private static String path(Connection c, String given) throws XsFailure {
        if (!XsPath.isValid(given)) {
            throw new XsFailure(XsError.EINVAL);
        }
        String abs = XsPath.absolute(given, c.base());
        if (abs == null) {
            throw new XsFailure(XsError.EINVAL);
        }
        return abs;
    }

    /** The one NUL-terminated string of a payload (trailing bytes after it are ignored as reserved). */
    private static String single(byte[] p) throws XsFailure {
        try {
            return XsMessage.firstString(p);
        } catch (XsFormatException e) {
            throw new XsFailure(XsError.EINVAL);
        }
    }

    /** {@code min} to {@code max} NUL-terminated strings. */
    private static List<String> args(byte[] p, int min, int max) throws XsFailure {
        List<String> a = XsMessage.split(p);
        if (p.length == 0 || p[p.length - 1] != 0) {
            throw new XsFailure(XsError.EINVAL);
        }
        if (a.size() < min) {
            throw new XsFailure(XsError.EINVAL);
        }
        return a.size() > max ? a.subList(0, max) : a;
    }

    private static int domid(String s) throws XsFailure {
        long d = number(s);
        if (d > XsPermission.MAX_DOMID) {
            throw new XsFailure(XsError.EINVAL);
        }
        return (int) d;
    }

    /** A decimal number of at most 10 digits. */
    private static long number(String s) throws XsFailure {
        if (s.isEmpty() || s.length() > 10) {
            throw new XsFailure(XsError.EINVAL);
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new XsFailure(XsError.EINVAL);
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    /** A gfn in signed decimal, as INTRODUCE sends it. */
    private static long signedNumber(String s) throws XsFailure {
        return s.startsWith("-") ? -number(s.substring(1)) : number(s);
    }
}
