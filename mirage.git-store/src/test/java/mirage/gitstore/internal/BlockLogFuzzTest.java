package mirage.gitstore.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.kv.Key;

/**
 * The block layout's superblock and manifest readers on any bytes: opening gives a store or a
 * {@link GitStoreException}, and a store that opens answers reads with values or typed errors.
 * {@code manifest} wraps the input in a superblock with correct checksums, so the fuzzer reaches
 * the manifest parser; {@code device} is the raw first sectors of the device.
 */
class BlockLogFuzzTest {
    static final int SECTOR = 512;

    @FuzzTest(maxDuration = "10s")
    void manifest(byte[] manifest) throws BlockException {
        int len = Math.min(manifest.length, 48 * SECTOR);
        Block device = Block.memory(SECTOR, 64);
        long offset = 2L * SECTOR;
        long end = offset + (len + SECTOR - 1) / SECTOR * SECTOR;
        if (len > 0) {
            byte[] padded = Arrays.copyOf(manifest, (int) (end - offset));
            device.write(offset / SECTOR, List.of(ByteBuffer.wrap(padded)));
        }
        byte[] slot = new byte[SECTOR];
        ByteBuffer bb = ByteBuffer.wrap(slot);
        bb.put(BlockLog.MAGIC).putInt(1).putLong(1).putLong(offset).putLong(len)
                .putInt(BlockLog.crc(manifest, 0, len)).putLong(Math.max(end, offset));
        bb.putInt(BlockLog.crc(slot, 0, 48));
        device.write(1, List.of(ByteBuffer.wrap(slot)));
        open(device);
    }

    @FuzzTest(maxDuration = "10s")
    void device(byte[] image) throws BlockException {
        Block device = Block.memory(SECTOR, 16);
        int len = Math.min(image.length, 16 * SECTOR) / SECTOR * SECTOR;
        if (len > 0) {
            device.write(0, List.of(ByteBuffer.wrap(image, 0, len)));
        }
        open(device);
    }

    static void open(Block device) {
        try (GitStore s = GitStore.onBlock(device, () -> Instant.EPOCH)) {
            s.branches();
            s.main().snapshot().values(Key.ROOT);
            s.main().log(0, 10);
        } catch (GitStoreException expected) {
            // typed
        }
    }
}
