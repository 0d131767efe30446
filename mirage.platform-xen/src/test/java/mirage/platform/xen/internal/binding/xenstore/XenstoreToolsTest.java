package mirage.platform.xen.internal.binding.xenstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mirage.platform.xen.HostTools;
import mirage.platform.xen.internal.binding.event.ClockWaiter;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.binding.host.DomainLoop;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.sim.SimDomain;
import mirage.platform.xen.internal.sim.SimulatedHypervisor;
import mirage.platform.xen.internal.wire.XsPermission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our xenstored's UNIX socket with the real {@code xenstore-*} tools of Debian's
 * {@code xenstore-utils} (libxenstore, {@code XENSTORED_PATH}) as clients: writes, reads,
 * listings with permissions, removal, chmod, exists, watches, and their errors, each checked
 * on both sides. Installs xenstore-utils if missing (root).
 */
class XenstoreToolsTest {
    @TempDir
    static Path dir;
    static SimulatedHypervisor hv;
    static DomainLoop loop;
    static XenstoreService service;
    static XenstoreSocketServer socket;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        HostTools.require("xenstore-read", "xenstore-utils");
        hv = SimulatedHypervisor.realTime();
        SimDomain dom0 = hv.createDomain("dom0", new ClockWaiter(hv::now));
        DomainEvents events = new DomainEvents(dom0);
        loop = new DomainLoop(dom0, events, "dom0");
        service = new XenstoreService(dom0, events, loop, XsServer.Limits.DEFAULT);
        socket = XenstoreSocketServer.listen(service, dir.resolve("xenstored.sock"));
        env = Map.of("XENSTORED_PATH", socket.path().toString());
    }

    @AfterAll
    static void stop() {
        if (socket != null) {
            socket.close();
            service.close();
            loop.close();
            hv.close();
        }
    }

    static HostTools.Result tool(String... command) {
        return HostTools.run(List.of(command), env, Duration.ofSeconds(30));
    }

    static byte[] peek(String path) {
        return service.inspect(s -> s.peek(path));
    }

    @Test
    void xenstoreWrite_thenRead_bothSidesAgree() {
        assertEquals(0, tool("xenstore-write", "/tools/a", "hello", "/tools/b", "world").exit());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), peek("/tools/a"));
        HostTools.Result r = tool("xenstore-read", "/tools/a", "/tools/b");
        assertEquals(0, r.exit(), r.err());
        assertEquals("hello\nworld\n", r.out());
    }

    @Test
    void xenstoreRead_ofAMissingNode_failsWithTheToolsMessage() {
        HostTools.Result r = tool("xenstore-read", "/tools/missing");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("couldn't read path /tools/missing"), r.err());
    }

    @Test
    void xenstoreLsAndList_showTheTreeWithPermissions() throws Exception {
        XenstoreClient c = service.connectLocal();
        c.write("/ls/x/y", "1");
        c.write("/ls/z", "two");
        c.setPerms("/ls/z", List.of(new XsPermission(XsPermission.Access.NONE, 0), new XsPermission(XsPermission.Access.READ, 3)));
        HostTools.Result ls = tool("xenstore-ls", "/ls");
        assertEquals(0, ls.exit(), ls.err());
        assertEquals("x = \"\"\n y = \"1\"\nz = \"two\"\n", ls.out());
        HostTools.Result lsp = tool("xenstore-ls", "-p", "/ls");
        assertTrue(lsp.out().lines().anyMatch(l -> l.startsWith("z = \"two\"") && l.endsWith("(n0,r3)")), lsp.out());
        HostTools.Result list = tool("xenstore-list", "/ls");
        assertEquals("x\nz\n", list.out());
    }

    @Test
    void xenstoreRm_removesTheSubtree_inATransaction() throws Exception {
        tool("xenstore-write", "/rm/a/b", "1");
        assertEquals(0, tool("xenstore-rm", "/rm/a").exit());
        assertEquals(null, peek("/rm/a/b"));
        assertEquals(null, peek("/rm/a"));
        assertTrue(service.inspect(s -> s.peekChildren("/rm")).isEmpty());
    }

    @Test
    void xenstoreChmod_setsPermissions_recursivelyWithR() {
        tool("xenstore-write", "/chmod/a/b", "1");
        assertEquals(0, tool("xenstore-chmod", "/chmod/a", "n0", "b5").exit());
        assertEquals(List.of(XsPermission.parse("n0"), XsPermission.parse("b5")), service.inspect(s -> s.peekPerms("/chmod/a")));
        assertEquals(0, tool("xenstore-chmod", "-r", "/chmod/a", "r7").exit());
        assertEquals(List.of(XsPermission.parse("r7")), service.inspect(s -> s.peekPerms("/chmod/a/b")));
        HostTools.Result bad = tool("xenstore-chmod", "/chmod/a", "q1");
        assertNotEquals(0, bad.exit(), "an invalid mode is refused by the tool");
    }

    @Test
    void xenstoreExists_exitStatusSaysWhether() {
        tool("xenstore-write", "/exists/yes", "");
        assertEquals(0, tool("xenstore-exists", "/exists/yes").exit());
        assertNotEquals(0, tool("xenstore-exists", "/exists/no").exit());
    }

    @Test
    void xenstoreWatch_printsTheFirstEventThenEachChange() throws Exception {
        Path log = dir.resolve("watch.log");
        Process w = HostTools.start(List.of("xenstore-watch", "-n", "3", "/watched"), env, log);
        try {
            HostTools.awaitText(log, "/watched", w, Duration.ofSeconds(20));
            XenstoreClient c = service.connectLocal();
            c.write("/watched/a", "1");
            c.write("/elsewhere", "x");
            c.rm("/watched");
            assertTrue(w.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "xenstore-watch exits after 3 events");
            List<String> lines = java.nio.file.Files.readAllLines(log);
            // the watch's first event, then /watched and /watched/a created, then (-n 3 reached) stop
            assertEquals(List.of("/watched", "/watched", "/watched/a"), lines.subList(0, 3));
        } finally {
            w.destroyForcibly();
        }
    }

    @Test
    void ourClient_overTheSocket_transactionsAndWatches() throws Exception {
        try (XenstoreClient c = XenstoreSocketClient.connect(socket.path())) {
            java.util.concurrent.LinkedBlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
            c.watch("/sock", "t", (p, t) -> events.add(p));
            assertEquals("/sock", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            int n = c.transaction(tx -> {
                String v = tx.readOrNull("/sock/counter");
                int next = v == null ? 1 : Integer.parseInt(v) + 1;
                tx.write("/sock/counter", Integer.toString(next));
                return next;
            });
            assertEquals(1, n);
            // the commit created /sock and /sock/counter: one event each
            assertEquals("/sock", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("/sock/counter", events.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("1", tool("xenstore-read", "/sock/counter").out().strip());
            XenstoreException e = org.junit.jupiter.api.Assertions.assertThrows(XenstoreException.class,
                    () -> c.read("/sock/none"));
            assertEquals(mirage.platform.xen.internal.wire.XsError.ENOENT, e.error());
        }
    }
}
