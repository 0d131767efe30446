package mirage.block;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Any bytes as a disk give a typed error or a consistent table, never another exception or a
 * read outside the disk. Random bytes mostly miss the signatures, so most examples mutate
 * tables sfdisk and sgdisk wrote (the fuzz seeds), half the time with the GPT CRCs recomputed
 * so that the mutation reaches the checks behind them.
 */
class PartitionsPropertyTest {

    record Mutation(int offset, int value) {}

    static byte[] seed(String path) {
        try (InputStream in = PartitionsPropertyTest.class.getResourceAsStream("PartitionsFuzzTestInputs/" + path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Gen<List<Mutation>> mutations(int length) {
        return lists().of(integers().between(0, length - 1).zip(integers().between(0, 255), Mutation::new))
                .ofSizeBetween(0, 8);
    }

    static byte[] mutate(byte[] image, List<Mutation> mutations) {
        byte[] out = image.clone();
        for (Mutation m : mutations) {
            out[m.offset()] = (byte) m.value();
        }
        return out;
    }

    @Test
    void random_bytes_of_any_disk_size() {
        qt().withExamples(500).forAll(longs().all(), integers().between(0, 4096), longs().between(1, 1L << 40))
                .checkAssert((seed, length, sectors) -> {
                    byte[] image = new byte[length];
                    new SplittableRandom(seed).nextBytes(image);
                    if (length >= 512 && (seed & 1) == 0) {
                        image[510] = 0x55;
                        image[511] = (byte) 0xAA;
                    }
                    TableProperty.holds(new ImageBlock(image, 512, sectors));
                });
    }

    @Test
    void mutated_mbr_of_any_disk_size() {
        byte[] sector = seed("mbr/sfdisk-three-primaries");
        byte[] mbr = java.util.Arrays.copyOfRange(sector, 8, sector.length);
        qt().withExamples(1000).forAll(mutations(512), longs().between(1, 1L << 33))
                .checkAssert((mutations, sectors) -> TableProperty.holds(new ImageBlock(mutate(mbr, mutations), 512, sectors)));
    }

    @Test
    void mutated_gpt_with_and_without_fixed_crcs() {
        byte[] gpt = seed("gpt/sgdisk-three-partitions");
        int imageSectors = gpt.length / 512;
        qt().withExamples(1000).forAll(mutations(gpt.length), booleans().all(), longs().between(3, 2L * imageSectors))
                .checkAssert((mutations, fixCrcs, sectors) -> {
                    byte[] image = mutate(gpt, mutations);
                    if (fixCrcs) {
                        fixPrimaryCrcs(image);
                    }
                    TableProperty.holds(new ImageBlock(image, 512, sectors));
                });
    }

    /** Recomputes the primary header's entry-array CRC and header CRC, where its fields allow. */
    static void fixPrimaryCrcs(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        long entriesLba = b.getLong(512 + 72);
        long arrayBytes = Integer.toUnsignedLong(b.getInt(512 + 80)) * Integer.toUnsignedLong(b.getInt(512 + 84));
        if (entriesLba >= 0 && entriesLba < image.length / 512 && arrayBytes <= image.length - entriesLba * 512) {
            CRC32 crc = new CRC32();
            crc.update(image, (int) entriesLba * 512, (int) arrayBytes);
            b.putInt(512 + 88, (int) crc.getValue());
        }
        int headerSize = b.getInt(512 + 12);
        if (headerSize >= 92 && headerSize <= 512) {
            b.putInt(512 + 16, 0);
            CRC32 crc = new CRC32();
            crc.update(image, 512, headerSize);
            b.putInt(512 + 16, (int) crc.getValue());
        }
    }
}
