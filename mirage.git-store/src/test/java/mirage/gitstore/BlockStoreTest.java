package mirage.gitstore;

import static mirage.gitstore.Fixtures.bytes;
import static mirage.gitstore.Fixtures.info;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import mirage.block.Block;
import mirage.kv.Key;
import org.junit.jupiter.api.Test;

/** The store on a block device: it reopens, refuses foreign data, and says when it is full. */
class BlockStoreTest {

    @Test
    void aStoreReopensFromItsDeviceWithHistoryBranchesAndRefs() throws Exception {
        Block device = Block.memory(512, 1 << 14);
        CommitId head;
        try (GitStore s = GitStore.onBlock(device, Fixtures.ticking())) {
            for (int i = 0; i < 120; i++) {
                s.main().set(Key.of("k" + i % 7), bytes("v" + i), info("c" + i));
            }
            s.testAndSetHead("dev", Optional.empty(), s.main().head());
            s.branch("dev").set(Key.of("dev"), bytes("d"), info("dev"));
            head = s.main().head().orElseThrow();
        }
        try (GitStore s = GitStore.onBlock(device, Fixtures.ticking())) {
            assertEquals(Optional.of(head), s.main().head());
            assertEquals(List.of("dev", "main"), s.branches());
            assertEquals(120, s.main().log(0, 1000).size());
            assertArrayEquals(bytes("v119"), s.main().get(Key.of("k0")).orElseThrow());
            s.main().set(Key.of("after"), bytes("reopen"), info("more"));
        }
        try (GitStore s = GitStore.onBlock(device, Fixtures.ticking())) {
            assertEquals(121, s.main().log(0, 1000).size());
        }
    }

    @Test
    void aDeviceHoldingSomethingElseIsCorrupt() throws Exception {
        Block device = Block.memory(512, 64);
        device.write(0, List.of(ByteBuffer.wrap(new byte[512]).put(0, (byte) 1)));
        GitStoreException e = assertThrows(GitStoreException.class, () -> GitStore.onBlock(device, Fixtures.ticking()));
        assertEquals(GitStoreException.Reason.CORRUPT, e.reason());
    }

    @Test
    void aFullDeviceFailsTheWriteAndKeepsTheStore() throws Exception {
        Block device = Block.memory(512, 48);
        try (GitStore s = GitStore.onBlock(device, Fixtures.ticking())) {
            Commit first = s.main().set(Key.of("a"), bytes("a"), info("a"));
            byte[] incompressible = new byte[64 * 1024];
            new java.util.SplittableRandom(1).nextBytes(incompressible);
            GitStoreException e = assertThrows(GitStoreException.class,
                    () -> s.main().set(Key.of("big"), incompressible, info("too big")));
            assertEquals(GitStoreException.Reason.STORAGE, e.reason());
            assertEquals(Optional.of(first.id()), s.main().head());
        }
        try (GitStore s = GitStore.onBlock(device, Fixtures.ticking())) {
            assertArrayEquals(bytes("a"), s.main().get(Key.of("a")).orElseThrow());
        }
    }
}
