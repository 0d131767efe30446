package mirage.platform.xen.internal.engine.xenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mirage.platform.xen.internal.wire.XsMessage;
import mirage.platform.xen.internal.wire.XsType;
import org.junit.jupiter.api.Test;

/** The server, request by request, against docs/misc/xenstore.txt. */
class XsServerTest {
    final XsHarness h = new XsHarness();
    final XsHarness.Conn dom0 = h.conn(0);

    @Test
    void write_createsParentsWithEmptyValues_readReturnsValueWithoutNul() {
        assertEquals("OK", dom0.write("/a/b/c", "v"));
        assertEquals("v", dom0.read("/a/b/c"));
        assertEquals("", dom0.read("/a/b"));
        assertEquals("b", dom0.call(XsType.DIRECTORY, 0, "/a"));
        assertEquals("ERR:ENOENT", dom0.read("/a/x"));
    }

    @Test
    void valueMayHoldNuls() {
        dom0.req(XsType.WRITE, 0, XsMessage.pathAndValue("/bin", new byte[] {1, 0, 2}));
        assertEquals(3, dom0.req(XsType.READ, 0, XsMessage.string("/bin")).payload().length);
    }

    @Test
    void mkdir_keepsExistingValue_rm_removesSubtree_rmOfMissingWithMissingParentIsEnoent() {
        dom0.write("/a", "keep");
        assertEquals("OK", dom0.call(XsType.MKDIR, 0, "/a"));
        assertEquals("keep", dom0.read("/a"));
        dom0.write("/a/b/c", "1");
        assertEquals("OK", dom0.call(XsType.RM, 0, "/a/b"));
        assertEquals("ERR:ENOENT", dom0.read("/a/b/c"));
        assertEquals("OK", dom0.call(XsType.RM, 0, "/a/zz"), "missing node, parent exists: OK");
        assertEquals("ERR:ENOENT", dom0.call(XsType.RM, 0, "/a/zz/yy"));
        assertEquals("ERR:EINVAL", dom0.call(XsType.RM, 0, "/"));
    }

    @Test
    void malformedPaths_areEinval_unknownTypesEnosys_clientOnlyTypesEinval() {
        assertEquals("ERR:EINVAL", dom0.read("/a//b"));
        assertEquals("ERR:EINVAL", dom0.read("/a/"));
        assertEquals("ERR:EINVAL", dom0.read("/a b"));
        assertEquals("ERR:ENOSYS", XsHarness.render(dom0.req(XsType.GET_QUOTA, 0, new byte[0])));
        dom0.c.receive(new XsMessage(20, 99, 0, new byte[0]));
        assertEquals("ERR:ENOSYS", XsHarness.render(dom0.got.getLast()));
        assertEquals(99, dom0.got.getLast().reqId());
        assertEquals("ERR:EINVAL", dom0.call(XsType.WATCH_EVENT, 0, "/a", "t"));
        assertEquals("ERR:EINVAL", XsHarness.render(dom0.req(XsType.READ, 0, "/a".getBytes())), "no NUL");
    }

    @Test
    void relativePaths_resolveUnderTheDomainPath() {
        XsHarness.Conn d3 = h.conn(3);
        dom0.write("/local/domain/3/x", "");
        dom0.call(XsType.SET_PERMS, 0, "/local/domain/3", "n3");
        dom0.call(XsType.SET_PERMS, 0, "/local/domain/3/x", "n3");
        assertEquals("OK", d3.write("x/y", "rel"));
        assertEquals("rel", dom0.read("/local/domain/3/x/y"));
        assertEquals("/local/domain/3", dom0.call(XsType.GET_DOMAIN_PATH, 0, "3"));
    }

    @Test
    void permissions_ownerFull_othersByEntryElseDefault_creatorOwnsNewNodes() {
        dom0.write("/shared", "");
        dom0.call(XsType.SET_PERMS, 0, "/shared", "n0", "r5", "b6");
        XsHarness.Conn d5 = h.conn(5);
        XsHarness.Conn d6 = h.conn(6);
        XsHarness.Conn d7 = h.conn(7);
        assertEquals("", d5.read("/shared"));
        assertEquals("ERR:EACCES", d5.write("/shared", "x"));
        assertEquals("ERR:EACCES", d7.read("/shared"));
        assertEquals("OK", d6.write("/shared/mine", "6"));
        assertEquals("n6,r5,b6", d6.call(XsType.GET_PERMS, 0, "/shared/mine"),
                "inherits the parent's entries, owner replaced by the creator");
        assertEquals("ERR:EACCES", d5.write("/shared/mine", "no"));
        assertEquals("ERR:EACCES", d5.call(XsType.SET_PERMS, 0, "/shared/mine", "b5"), "only the owner changes permissions");
        assertEquals("ERR:EPERM", d6.call(XsType.SET_PERMS, 0, "/shared/mine", "b5"), "only domain 0 changes the owner");
        assertEquals("OK", d6.call(XsType.SET_PERMS, 0, "/shared/mine", "n6", "r7"));
        assertEquals("6", d7.read("/shared/mine"));
    }

    @Test
    void watch_firesOnceAtOnceThenOncePerChangeAtOrBelow_withToken() {
        XsHarness.Conn w = h.conn(0);
        assertEquals("OK", w.call(XsType.WATCH, 0, "/a", "tok"));
        assertEquals(List.of("/a tok"), w.events());
        dom0.write("/a/b", "1");
        assertEquals(List.of("/a tok", "/a/b tok"), w.events(), "parent created, then child");
        dom0.write("/ab", "not below");
        dom0.write("/a/b", "2");
        assertEquals(List.of("/a/b tok"), w.events());
        dom0.call(XsType.RM, 0, "/a");
        assertEquals(List.of("/a tok"), w.events());
        assertEquals("OK", w.call(XsType.UNWATCH, 0, "/a", "tok"));
        dom0.write("/a", "x");
        assertEquals(List.of(), w.events());
        assertEquals("ERR:ENOENT", w.call(XsType.UNWATCH, 0, "/a", "tok"));
    }

    @Test
    void removingAParentOfAWatch_firesWithTheWatchPath() {
        dom0.write("/p/q/r", "");
        XsHarness.Conn w = h.conn(0);
        w.call(XsType.WATCH, 0, "/p/q/r", "deep");
        w.events();
        dom0.call(XsType.RM, 0, "/p");
        assertEquals(List.of("/p/q/r deep"), w.events());
    }

    @Test
    void relativeWatch_getsRelativeEvents_depthLimitsMatches() {
        dom0.write("/local/domain/4/d", "");
        dom0.call(XsType.SET_PERMS, 0, "/local/domain/4", "b4");
        dom0.call(XsType.SET_PERMS, 0, "/local/domain/4/d", "b4");
        XsHarness.Conn d4 = h.conn(4);
        d4.call(XsType.WATCH, 0, "d", "rel");
        d4.call(XsType.WATCH, 0, "/local/domain/4", "shallow", "1");
        d4.events();
        dom0.write("/local/domain/4/d/e", "1");
        assertEquals(List.of("d/e rel"), d4.events(), "depth 1 of /local/domain/4 does not reach d/e");
        dom0.write("/local/domain/4/f", "1");
        assertEquals(List.of("/local/domain/4/f shallow"), d4.events());
    }

    @Test
    void watchesNotFiredForNodesTheWatcherCannotRead() {
        XsHarness.Conn d9 = h.conn(9);
        dom0.call(XsType.SET_PERMS, 0, "/", "r0");
        d9.call(XsType.WATCH, 0, "/secret", "t");
        d9.events();
        dom0.write("/secret", "x");
        assertEquals(List.of("/secret t"), d9.events(), "inherits r0 from the root: readable");
        dom0.call(XsType.SET_PERMS, 0, "/secret", "n0");
        d9.events();
        dom0.write("/secret", "y");
        assertEquals(List.of(), d9.events());
    }

    @Test
    void transaction_isolatedUntilCommit_thenWatchesFire() {
        XsHarness.Conn w = h.conn(0);
        w.call(XsType.WATCH, 0, "/t", "tt");
        w.events();
        int tx = dom0.start();
        dom0.write(tx, "/t/a", "1");
        assertEquals("1", dom0.call(XsType.READ, tx, "/t/a"));
        assertEquals("ERR:ENOENT", dom0.read("/t/a"), "not visible outside before commit");
        assertEquals(List.of(), w.events());
        assertEquals("OK", dom0.call(XsType.TRANSACTION_END, tx, "T"));
        assertEquals("1", dom0.read("/t/a"));
        assertEquals(List.of("/t tt", "/t/a tt"), w.events());
        assertEquals("ERR:ENOENT", dom0.call(XsType.TRANSACTION_END, tx, "T"), "ended transactions are gone");
    }

    @Test
    void transaction_conflictingWriteMeanwhile_isEagain_andNothingApplied() {
        dom0.write("/c", "0");
        int tx = dom0.start();
        assertEquals("0", dom0.call(XsType.READ, tx, "/c"));
        dom0.write(tx, "/d", "from tx");
        XsHarness.Conn other = h.conn(0);
        other.write("/c", "1");
        assertEquals("ERR:EAGAIN", dom0.call(XsType.TRANSACTION_END, tx, "T"));
        assertEquals("ERR:ENOENT", dom0.read("/d"));
    }

    @Test
    void transaction_unrelatedWriteMeanwhile_commits() {
        dom0.write("/c", "0");
        int tx = dom0.start();
        dom0.call(XsType.READ, tx, "/c");
        dom0.write(tx, "/c", "tx");
        h.conn(0).write("/elsewhere", "1");
        assertEquals("OK", dom0.call(XsType.TRANSACTION_END, tx, "T"));
        assertEquals("tx", dom0.read("/c"));
    }

    /** The model test's finding: a node the transaction removed itself is no conflict when nothing else changed. */
    @Test
    void transaction_looksAtWhatItRemovedItself_commitsWhenNothingElseChanged() {
        dom0.write("/p/q", "v");
        int tx = dom0.start();
        assertEquals("OK", dom0.call(XsType.RM, tx, "/p"));
        assertEquals("ERR:ENOENT", dom0.call(XsType.READ, tx, "/p/q"), "gone in the transaction's view");
        h.conn(0).read("/p/q"); // reads outside change nothing
        assertEquals("OK", dom0.call(XsType.TRANSACTION_END, tx, "T"));
        assertEquals("ERR:ENOENT", dom0.read("/p"));
    }

    @Test
    void transaction_abortDiscards_unknownIdIsEnoent_startWithTxIdIsEinval() {
        int tx = dom0.start();
        dom0.write(tx, "/gone", "x");
        assertEquals("OK", dom0.call(XsType.TRANSACTION_END, tx, "F"));
        assertEquals("ERR:ENOENT", dom0.read("/gone"));
        assertEquals("ERR:ENOENT", dom0.call(XsType.READ, 12345, "/"));
        assertEquals("ERR:EINVAL", dom0.call(XsType.TRANSACTION_START, 5, ""));
        int t2 = dom0.start();
        assertEquals("ERR:EINVAL", dom0.call(XsType.TRANSACTION_END, t2, "X"));
    }

    @Test
    void domainManagement_privilegedOnly_introduceFiresSpecialWatch() {
        XsHarness.Conn w = h.conn(0);
        w.call(XsType.WATCH, 0, "@introduceDomain", "intro");
        w.call(XsType.WATCH, 0, "@releaseDomain", "rel");
        w.events();
        assertEquals("F", dom0.call(XsType.IS_DOMAIN_INTRODUCED, 0, "1"));
        assertEquals("OK", dom0.call(XsType.INTRODUCE, 0, "1", "77", "5"));
        assertEquals(List.of("introduce 1 77 5"), h.introduced);
        assertEquals("T", dom0.call(XsType.IS_DOMAIN_INTRODUCED, 0, "1"));
        assertEquals(List.of("@introduceDomain intro"), w.events());
        assertEquals("ERR:EEXIST", dom0.call(XsType.INTRODUCE, 0, "1", "77", "5"));
        assertEquals("ERR:EACCES", h.conn(1).call(XsType.INTRODUCE, 0, "2", "1", "1"));
        assertEquals("OK", dom0.call(XsType.RELEASE, 0, "1"));
        assertEquals(List.of("@releaseDomain rel"), w.events());
        assertEquals("ERR:ENOENT", dom0.call(XsType.RELEASE, 0, "1"));
        assertEquals("T", dom0.call(XsType.IS_DOMAIN_INTRODUCED, 0, "0"));
    }

    @Test
    void directoryPart_returnsGenerationAndAllChildrenWithATerminator() {
        dom0.write("/dp/a", "");
        dom0.write("/dp/b", "");
        XsMessage r = dom0.req(XsType.DIRECTORY_PART, 0, XsMessage.strings("/dp", "0"));
        List<String> parts = XsMessage.split(r.payload());
        assertTrue(Long.parseLong(parts.get(0)) > 0);
        assertEquals(List.of("a", "b", ""), parts.subList(1, parts.size()));
        XsMessage from = dom0.req(XsType.DIRECTORY_PART, 0, XsMessage.strings("/dp", "2"));
        assertEquals(List.of("b", ""), XsMessage.split(from.payload()).subList(1, 3));
    }

    @Test
    void limits_valueSizeWatchesTransactionsNodes() {
        XsHarness small = new XsHarness(new XsServer.Limits(3, 8, 2, 2, 1, 4));
        XsHarness.Conn z = small.conn(0);
        assertEquals("ERR:E2BIG", z.write("/v", "123456789"));
        z.call(XsType.WATCH, 0, "/1", "1");
        z.call(XsType.WATCH, 0, "/2", "2");
        assertEquals("ERR:ENOSPC", z.call(XsType.WATCH, 0, "/3", "3"));
        z.start();
        assertEquals("ERR:ENOSPC", z.call(XsType.TRANSACTION_START, 0, ""));
        assertEquals("ERR:E2BIG", z.call(XsType.SET_PERMS, 0, "/", "b0", "r1", "r2"));
        assertEquals("OK", z.write("/local/domain/8", ""));
        assertEquals("OK", z.call(XsType.SET_PERMS, 0, "/local/domain/8", "b8"));
        XsHarness.Conn d8 = small.conn(8);
        // /local/domain/8 is 8's now: one node
        assertEquals("OK", d8.write("/local/domain/8/a", ""));
        assertEquals("OK", d8.write("/local/domain/8/c", ""));
        assertEquals("ERR:ENOSPC", d8.write("/local/domain/8/d/e", ""), "a domain owns at most 3 nodes");
        assertEquals("ERR:ENOENT", d8.read("/local/domain/8/d"), "nothing of the refused write was applied");
        assertEquals("OK", d8.call(XsType.RM, 0, "/local/domain/8/c"));
        assertEquals("OK", d8.write("/local/domain/8/d", ""), "removing gives the allowance back");
    }

    @Test
    void control_isPrivileged() {
        assertEquals("OK", dom0.call(XsType.CONTROL, 0, "check"));
        assertEquals("ERR:EACCES", h.conn(2).call(XsType.CONTROL, 0, "check"));
    }

    @Test
    void resetWatches_dropsWatchesAndTransactions() {
        dom0.call(XsType.WATCH, 0, "/r", "t");
        int tx = dom0.start();
        assertEquals("OK", dom0.call(XsType.RESET_WATCHES, 0, ""));
        assertEquals(0, dom0.c.watchCount());
        assertEquals("ERR:ENOENT", dom0.call(XsType.TRANSACTION_END, tx, "T"));
    }
}
