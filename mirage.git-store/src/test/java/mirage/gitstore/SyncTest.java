package mirage.gitstore;

import static mirage.gitstore.Fixtures.bytes;
import static mirage.gitstore.Fixtures.info;
import static mirage.gitstore.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow.Direction;
import mirage.core.Flow;
import mirage.kv.Key;
import org.junit.jupiter.api.Test;

/**
 * Sync between stores over the git protocol on in-memory flows ({@link Flow#pipe}): clone,
 * fetch, pull with merge, push (fast-forward only), watches on the served store; a server or
 * client that breaks the protocol or sends garbage is a {@code PROTOCOL} error that changes
 * nothing.
 */
class SyncTest {
    static final Key A = Key.of("a");

    /** Runs {@code server.serve} on one end of a pipe; the other end is returned. */
    static Flow served(GitStore server, CompletableFuture<GitStoreException> result) {
        Flow.Pair p = Flow.pipe(64 * 1024);
        Thread.ofVirtual().start(() -> {
            try (Flow f = p.left()) {
                server.serve(f);
                result.complete(null);
            } catch (GitStoreException e) {
                result.complete(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return p.right();
    }

    static CommitId fetch(GitStore client, GitStore server, String branch) throws Exception {
        CompletableFuture<GitStoreException> served = new CompletableFuture<>();
        try (Flow f = served(server, served)) {
            CommitId id = client.fetch(f, "/store", branch);
            f.shutdown(Direction.WRITE);
            assertEquals(null, served.get(30, TimeUnit.SECONDS));
            return id;
        }
    }

    static void push(GitStore client, GitStore server, String branch) throws Exception {
        CompletableFuture<GitStoreException> served = new CompletableFuture<>();
        try (Flow f = served(server, served)) {
            try {
                client.push(f, "/store", branch);
            } finally {
                f.shutdown(Direction.WRITE);
                GitStoreException e = served.get(30, TimeUnit.SECONDS);
                if (e != null) {
                    throw new AssertionError("the server failed", e);
                }
            }
        }
    }

    @Test
    void cloneFetchPullAndPushBetweenStores() throws Exception {
        try (GitStore origin = GitStore.memory(Fixtures.ticking());
             GitStore mine = GitStore.onBlock(mirage.block.Block.memory(512, 1 << 14), Fixtures.ticking())) {
            origin.main().apply(List.of(Write.set(A, bytes("1")), Write.set(Key.parse("c/n"), bytes("10"))), info("one"));
            origin.main().set(A, bytes("2"), info("two"));

            CommitId head = fetch(mine, origin, "main");
            assertEquals(origin.main().head(), Optional.of(head));
            mine.testAndSetHead("main", Optional.empty(), Optional.of(head));
            assertEquals("2", text(mine.main().get(A).orElseThrow()));
            assertEquals(2, mine.main().log(0, 10).size());

            // Both sides change: pull merges (counters), push is then a fast-forward.
            origin.main().set(Key.parse("c/n"), bytes("15"), info("+5 there"));
            mine.main().set(Key.parse("c/n"), bytes("13"), info("+3 here"));
            GitStoreException rejected = assertThrows(GitStoreException.class, () -> push(mine, origin, "main"));
            assertEquals(GitStoreException.Reason.HEAD_CONFLICT, rejected.reason());
            CommitId theirs = fetch(mine, origin, "main");
            MergeResult m = mine.main().merge(theirs, info("pull"), MergePolicy.failOnConflict().with(Key.of("c"), MergeFunction.counters()));
            assertInstanceOf(MergeResult.Merged.class, m);
            assertEquals("18", text(mine.main().get(Key.parse("c/n")).orElseThrow()));

            LinkedBlockingQueue<BranchUpdate> seen = new LinkedBlockingQueue<>();
            try (Watch w = origin.main().watch(seen::add)) {
                push(mine, origin, "main");
                assertEquals(mine.main().head(), origin.main().head());
                BranchUpdate u = seen.poll(30, TimeUnit.SECONDS);
                assertEquals(mine.main().head(), u.after());
                assertEquals(List.of(new Change(Key.parse("c/n"), Optional.of(bytes("15")), Optional.of(bytes("18")))), u.changes());
            }
            assertEquals(mine.main().head(), origin.main().head());
            assertEquals("18", text(origin.main().get(Key.parse("c/n")).orElseThrow()));
            assertEquals(GitStoreException.Reason.NOT_FOUND,
                    assertThrows(GitStoreException.class, () -> fetch(mine, origin, "nope")).reason());
        }
    }

    @Test
    void aServerSendingGarbageIsAProtocolErrorAndChangesNothing() throws Exception {
        try (GitStore origin = GitStore.memory(Fixtures.ticking()); GitStore mine = GitStore.memory(Fixtures.ticking())) {
            CommitId real = origin.main().set(A, bytes("x"), info("x")).id();
            mine.main().set(A, bytes("mine"), info("mine"));
            Optional<CommitId> before = mine.main().head();
            for (String reply : List.of("garbage", "PACK-then-junk")) {
                Flow.Pair p = Flow.pipe(64 * 1024);
                Thread.ofVirtual().start(() -> fakeServer(p.left(), real, reply));
                try (Flow f = p.right()) {
                    GitStoreException e = assertThrows(GitStoreException.class, () -> mine.fetch(f, "/store", "main"));
                    assertEquals(GitStoreException.Reason.PROTOCOL, e.reason());
                }
                assertEquals(before, mine.main().head());
                assertEquals(List.of("main"), mine.branches());
                assertThrows(GitStoreException.class, () -> mine.commit(real));
            }
        }
    }

    /** Advertises {@code head} as main, then answers anything with {@code reply}'s bytes. */
    static void fakeServer(Flow f, CommitId head, String reply) {
        try (f) {
            ByteBuffer in = ByteBuffer.allocate(65536);
            f.read(in);
            if (reply.equals("garbage")) {
                f.write(ByteBuffer.wrap("this is not a pkt-line at all\n".getBytes(StandardCharsets.US_ASCII)));
            } else {
                f.write(ByteBuffer.wrap(pkt(head.hex() + " refs/heads/main\0ofs-delta\n")));
                f.write(ByteBuffer.wrap("0000".getBytes(StandardCharsets.US_ASCII)));
                in.clear();
                // wants, then done
                while (f.read(in) > 0 && !new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).contains("done")) {
                    if (!in.hasRemaining()) {
                        in.clear();
                    }
                }
                f.write(ByteBuffer.wrap(pkt("NAK\n")));
                byte[] junk = "PACK\0\0\0\2\0\0\0\1garbage-instead-of-objects".getBytes(StandardCharsets.ISO_8859_1);
                f.write(ByteBuffer.wrap(junk));
            }
            f.shutdown(Direction.WRITE);
        } catch (Exception e) {
            // the client hung up: fine
        }
    }

    static byte[] pkt(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return (String.format("%04x", b.length + 4) + s).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aClientSendingGarbageIsAProtocolError() throws Exception {
        try (GitStore origin = GitStore.memory(Fixtures.ticking())) {
            origin.main().set(A, bytes("x"), info("x"));
            for (String request : List.of("zzzz", "0010not-a-service", "001dgit-upload-pack /x\0host=h\0")) {
                Flow.Pair p = Flow.pipe(64 * 1024);
                CompletableFuture<GitStoreException> result = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    try (Flow f = p.left()) {
                        origin.serve(f);
                        result.complete(null);
                    } catch (GitStoreException e) {
                        result.complete(e);
                    }
                });
                try (Flow f = p.right()) {
                    try {
                        f.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
                        f.write(ByteBuffer.wrap("garbage after the request".getBytes(StandardCharsets.US_ASCII)));
                        f.shutdown(Direction.WRITE);
                    } catch (mirage.core.FlowException e) {
                        // the server hung up first: fine
                    }
                    Thread.ofVirtual().start(() -> {
                        try {
                            while (f.read(ByteBuffer.allocate(4096)) != Flow.EOF) {
                                // drain what the server says
                            }
                        } catch (Exception e) {
                            // closed
                        }
                    });
                    GitStoreException e = result.get(30, TimeUnit.SECONDS);
                    assertEquals(GitStoreException.Reason.PROTOCOL, e == null ? null : e.reason(), request);
                }
            }
        }
    }
}
