package mirage.platform.xen.internal.engine.xenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsPath;
import mirage.platform.xen.internal.wire.XsPermission;
import mirage.platform.xen.internal.wire.XsType;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the server: random sequences of requests from four connections (two of
 * domain 0, one each of domains 3 and 5), in and out of transactions, against a model written
 * the plainest way (a sorted map from path to value and permissions). Checked after every
 * request:
 * <ul>
 *   <li><b>permissions enforced</b>: every reply outside a transaction is the model's, EACCES
 *       and EPERM included;</li>
 *   <li><b>watches fire once per change</b>: each connection receives exactly the events the
 *       model derives (one per watch per changed path it can read, in order), for live writes
 *       and for committed transactions, none for aborted ones;</li>
 *   <li><b>transactions serializable</b>: a committed transaction's replies are those of its
 *       requests run alone at the moment of its commit, and the store is then the model with
 *       them applied; a transaction refused with EAGAIN changes nothing; one with no
 *       intervening change commits.</li>
 * </ul>
 */
class XsServerModelTest {
    static final String[] PATHS = {"/a", "/a/b", "/a/b/c", "/a/d", "/x", "/x/y", "/local/domain/3/p", "/local/domain/3/p/q",
        "/local/domain/5/s", "/shared/n"};
    static final int[] DOMIDS = {0, 0, 3, 5};

    record MNode(String value, List<XsPermission> perms) {}

    /** The model: path to node; watches per connection in registration order. */
    static final class Model {
        TreeMap<String, MNode> nodes = new TreeMap<>();
        /** Per connection, its watches as "path token", in registration order. */
        final List<List<String[]>> watches = new ArrayList<>();

        Model copyNodes() {
            Model m = new Model();
            m.nodes = new TreeMap<>(nodes);
            return m;
        }

        XsPermission.Access access(int domid, MNode n) {
            if (domid == 0 || n.perms.get(0).domid() == domid) {
                return XsPermission.Access.BOTH;
            }
            for (int i = 1; i < n.perms.size(); i++) {
                if (n.perms.get(i).domid() == domid) {
                    return n.perms.get(i).access();
                }
            }
            return n.perms.get(0).access();
        }

        /** A change: path, perms deciding readability, and whether it was a removal. */
        record Change(String path, List<XsPermission> perms, boolean removal) {}

        /** Applies one request of {@code domid}; returns the reply and fills {@code changes}. */
        String apply(int domid, XsType type, String path, String arg, List<Change> changes) {
            MNode n = nodes.get(path);
            switch (type) {
                case READ -> {
                    if (n == null) {
                        return "ERR:ENOENT";
                    }
                    return access(domid, n).read() ? n.value : "ERR:EACCES";
                }
                case DIRECTORY -> {
                    if (n == null) {
                        return "ERR:ENOENT";
                    }
                    if (!access(domid, n).read()) {
                        return "ERR:EACCES";
                    }
                    TreeSet<String> kids = new TreeSet<>();
                    for (String p : nodes.keySet()) {
                        if (!p.equals(path) && XsPath.parent(p).equals(path)) {
                            kids.add(XsPath.leaf(p));
                        }
                    }
                    return "DIR:" + kids;
                }
                case GET_PERMS -> {
                    if (n == null) {
                        return "ERR:ENOENT";
                    }
                    return access(domid, n).read() ? perms(n.perms) : "ERR:EACCES";
                }
                case WRITE, MKDIR -> {
                    if (n != null) {
                        if (!access(domid, n).write()) {
                            return "ERR:EACCES";
                        }
                        if (type == XsType.WRITE) {
                            nodes.put(path, new MNode(arg, n.perms));
                            changes.add(new Change(path, n.perms, false));
                        }
                        return "OK";
                    }
                    List<String> missing = new ArrayList<>();
                    String at = path;
                    while (!nodes.containsKey(at)) {
                        missing.add(0, at);
                        at = XsPath.parent(at);
                    }
                    MNode anc = nodes.get(at);
                    if (!access(domid, anc).write()) {
                        return "ERR:EACCES";
                    }
                    List<XsPermission> perms = anc.perms;
                    if (domid != 0) {
                        List<XsPermission> p = new ArrayList<>(perms);
                        p.set(0, new XsPermission(perms.get(0).access(), domid));
                        perms = List.copyOf(p);
                    }
                    for (String m : missing) {
                        nodes.put(m, new MNode(m.equals(path) && type == XsType.WRITE ? arg : "", perms));
                        changes.add(new Change(m, perms, false));
                    }
                    return "OK";
                }
                case RM -> {
                    if (n == null) {
                        return nodes.containsKey(XsPath.parent(path)) ? "OK" : "ERR:ENOENT";
                    }
                    if (!access(domid, n).write()) {
                        return "ERR:EACCES";
                    }
                    nodes.keySet().removeIf(p -> XsPath.isAtOrBelow(p, path));
                    changes.add(new Change(path, n.perms, true));
                    return "OK";
                }
                case SET_PERMS -> {
                    if (n == null) {
                        return "ERR:ENOENT";
                    }
                    List<XsPermission> p = parsePerms(arg);
                    if (domid != 0 && n.perms.get(0).domid() != domid) {
                        return "ERR:EACCES";
                    }
                    if (domid != 0 && p.get(0).domid() != n.perms.get(0).domid()) {
                        return "ERR:EPERM";
                    }
                    nodes.put(path, new MNode(n.value, p));
                    changes.add(new Change(path, p, false));
                    return "OK";
                }
                default -> throw new AssertionError(type);
            }
        }

        /** The events the model expects for {@code changes}, per connection. */
        List<List<String>> events(List<Change> changes) {
            // a path changed twice in one commit fires once, with its last permissions
            LinkedHashMap<String, Change> byPath = new LinkedHashMap<>();
            for (Change c : changes) {
                byPath.merge(c.path(), c, (a, b) -> new Change(a.path(), b.perms(), a.removal() || b.removal()));
            }
            List<List<String>> out = new ArrayList<>();
            for (int conn = 0; conn < DOMIDS.length; conn++) {
                List<String> ev = new ArrayList<>();
                int domid = DOMIDS[conn];
                for (String[] w : watches.get(conn)) {
                    for (Change c : byPath.values()) {
                        String epath = null;
                        if (XsPath.isAtOrBelow(c.path(), w[0])) {
                            epath = c.path();
                        } else if (c.removal() && XsPath.isAtOrBelow(w[0], c.path())) {
                            epath = w[0];
                        }
                        if (epath != null && (domid == 0 || access(domid, new MNode("", c.perms())).read())) {
                            ev.add(epath + " " + w[1]);
                        }
                    }
                }
                out.add(ev);
            }
            return out;
        }
    }

    static String perms(List<XsPermission> p) {
        StringBuilder b = new StringBuilder();
        for (XsPermission x : p) {
            b.append(b.length() == 0 ? "" : ",").append(x);
        }
        return b.toString();
    }

    static List<XsPermission> parsePerms(String s) {
        List<XsPermission> out = new ArrayList<>();
        for (String t : s.split(",")) {
            out.add(XsPermission.parse(t));
        }
        return out;
    }

    /** One transaction in progress: its connection and the replies its requests got. */
    record Txn(int conn, int id, long liveVersionAtStart, List<Object[]> requests) {}

    @Test
    void randomSessions_matchTheModel() {
        qt().withExamples(400).forAll(lists().of(longs().all()).ofSizeBetween(1, 70)).checkAssert(this::run);
    }

    void run(List<Long> seeds) {
        XsHarness h = new XsHarness();
        List<XsHarness.Conn> conns = new ArrayList<>();
        Model model = new Model();
        for (int d : DOMIDS) {
            conns.add(h.conn(d));
            model.watches.add(new ArrayList<>());
        }
        // the starting tree, built through the server and mirrored in the model
        model.nodes.put("/", new MNode("", List.of(new XsPermission(XsPermission.Access.NONE, 0))));
        setup(conns.get(0), model, "/", "r0");
        setup(conns.get(0), model, "/local/domain/3", "b3");
        setup(conns.get(0), model, "/local/domain/5", "b5");
        setup(conns.get(0), model, "/shared", "n0,r3,b5");
        conns.forEach(XsHarness.Conn::events);
        long liveVersion = 0;
        Map<Integer, Txn> open = new HashMap<>();
        List<String> log = new ArrayList<>();
        for (long seed : seeds) {
            SplittableRandom r = new SplittableRandom(seed);
            int ci = r.nextInt(conns.size());
            XsHarness.Conn c = conns.get(ci);
            int domid = DOMIDS[ci];
            String path = PATHS[r.nextInt(PATHS.length)];
            int kind = r.nextInt(14);
            Txn t = open.get(ci);
            if (kind == 0 && t == null) {
                int id = c.start();
                open.put(ci, new Txn(ci, id, liveVersion, new ArrayList<>()));
                log.add(ci + " start " + id);
                continue;
            }
            if (kind == 1 && t != null) {
                boolean commit = r.nextInt(4) != 0;
                String reply = c.call(XsType.TRANSACTION_END, t.id(), commit ? "T" : "F");
                open.remove(ci);
                log.add(ci + " end " + commit + " -> " + reply);
                Model before = model.copyNodes();
                before.watches.addAll(model.watches);
                if (commit && reply.equals("OK")) {
                    List<Model.Change> changes = new ArrayList<>();
                    for (Object[] req : t.requests()) {
                        String expected = model.apply(domid, (XsType) req[0], (String) req[1], (String) req[2], changes);
                        assertEquals(expected, req[3], "serializable: " + req[0] + " " + req[1] + " in tx, replayed at commit\n"
                                + String.join("\n", log));
                    }
                    if (!changes.isEmpty()) {
                        liveVersion++;
                    }
                    checkEvents(conns, model.events(changes), log);
                } else {
                    assertEquals(commit ? "ERR:EAGAIN" : "OK", reply, String.join("\n", log));
                    if (commit) {
                        assertTrue(liveVersion != t.liveVersionAtStart(), "EAGAIN though nothing changed meanwhile\n"
                                + String.join("\n", log));
                    }
                    checkEvents(conns, model.events(List.of()), log);
                }
                checkStore(h, model, log);
                continue;
            }
            if (kind == 2 || kind == 3) {
                String token = "t" + r.nextInt(3);
                List<String[]> mine = model.watches.get(ci);
                if (kind == 2) {
                    String reply = c.call(XsType.WATCH, 0, path, token);
                    boolean fresh = mine.stream().noneMatch(w -> w[0].equals(path) && w[1].equals(token));
                    log.add(ci + " watch " + path + " " + token + " -> " + reply);
                    assertEquals(fresh ? "OK" : "ERR:EEXIST", reply);
                    if (fresh) {
                        mine.add(new String[] {path, token});
                        assertEquals(List.of(path + " " + token), c.events(), "a new watch fires once at once");
                    }
                } else if (!mine.isEmpty()) {
                    String[] w = mine.remove(r.nextInt(mine.size()));
                    assertEquals("OK", c.call(XsType.UNWATCH, 0, w[0], w[1]));
                    log.add(ci + " unwatch " + w[0] + " " + w[1]);
                }
                continue;
            }
            XsType type = switch (kind) {
                case 4, 5, 6 -> XsType.WRITE;
                case 7 -> XsType.READ;
                case 8 -> XsType.MKDIR;
                case 9, 10 -> XsType.RM;
                case 11 -> XsType.DIRECTORY;
                case 12 -> XsType.GET_PERMS;
                default -> XsType.SET_PERMS;
            };
            String arg = switch (type) {
                case WRITE -> "v" + r.nextInt(100);
                case SET_PERMS -> new String[] {"b0", "n3,r5", "n5", "r3", "b3", "n0,b3,b5"}[r.nextInt(6)];
                default -> "";
            };
            String reply = request(c, t == null ? 0 : t.id(), type, path, arg);
            log.add(ci + (t == null ? "" : " tx" + t.id()) + " " + type + " " + path + " " + arg + " -> " + reply);
            if (t != null) {
                t.requests().add(new Object[] {type, path, arg, reply});
                checkEvents(conns, model.events(List.of()), log);
                continue;
            }
            List<Model.Change> changes = new ArrayList<>();
            String expected = model.apply(domid, type, path, arg, changes);
            assertEquals(expected, reply, "reply to " + type + " " + path + " from domain " + domid + "\n" + String.join("\n", log));
            if (!changes.isEmpty()) {
                liveVersion++;
            }
            checkEvents(conns, model.events(changes), log);
        }
        checkStore(h, model, log);
    }

    private static void setup(XsHarness.Conn dom0, Model model, String path, String perms) {
        if (!path.equals("/")) {
            model.apply(0, XsType.WRITE, path, "", new ArrayList<>());
            assertEquals("OK", dom0.write(path, ""));
        }
        model.apply(0, XsType.SET_PERMS, path, perms, new ArrayList<>());
        assertEquals("OK", request(dom0, 0, XsType.SET_PERMS, path, perms));
    }

    private static String request(XsHarness.Conn c, int tx, XsType type, String path, String arg) {
        XsMessage reply = switch (type) {
            case WRITE -> c.req(type, tx, XsMessage.pathAndValue(path, arg.getBytes(StandardCharsets.UTF_8)));
            case SET_PERMS -> {
                List<String> parts = new ArrayList<>();
                parts.add(path);
                parts.addAll(List.of(arg.split(",")));
                yield c.req(type, tx, XsMessage.strings(parts));
            }
            default -> c.req(type, tx, XsMessage.string(path));
        };
        String s = XsHarness.render(reply);
        if (type == XsType.DIRECTORY && !s.startsWith("ERR:")) {
            return "DIR:" + new TreeSet<>(XsMessage.split(reply.payload()));
        }
        if (type == XsType.GET_PERMS && !s.startsWith("ERR:")) {
            return perms(XsPermission.parseAll(XsMessage.split(reply.payload())));
        }
        return s;
    }

    private static void checkEvents(List<XsHarness.Conn> conns, List<List<String>> expected, List<String> log) {
        for (int i = 0; i < conns.size(); i++) {
            assertEquals(expected.get(i), conns.get(i).events(), "events of connection " + i + " (domain " + DOMIDS[i] + ")\n"
                    + String.join("\n", log));
        }
    }

    private static void checkStore(XsHarness h, Model model, List<String> log) {
        for (String p : PATHS) {
            MNode n = model.nodes.get(p);
            byte[] v = h.server.peek(p);
            assertEquals(n == null ? null : n.value(), v == null ? null : new String(v, StandardCharsets.UTF_8),
                    "store at " + p + "\n" + String.join("\n", log));
            if (n != null) {
                assertEquals(n.perms(), h.server.peekPerms(p), "permissions at " + p);
            }
        }
    }
}
