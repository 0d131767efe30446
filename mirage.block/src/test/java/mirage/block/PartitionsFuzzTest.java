package mirage.block;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The MBR and GPT readers on any bytes: a typed error or a consistent table, never another
 * exception or a read outside the disk. Seeds include tables that sfdisk and sgdisk wrote.
 */
class PartitionsFuzzTest {

    /** Bytes 0-7: the disk's size in sectors (little-endian, taken modulo 2^40, at least 1); the rest: its first bytes. */
    @FuzzTest(maxDuration = "10s")
    void mbr(byte[] input) {
        long sectors = 1;
        byte[] image = input;
        if (input.length >= 8) {
            sectors = Math.max(1, ByteBuffer.wrap(input, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() & ((1L << 40) - 1));
            image = Arrays.copyOfRange(input, 8, input.length);
        }
        TableProperty.holds(new ImageBlock(image, 512, sectors));
    }

    /** The whole disk image, in 512-byte sectors (at least 3), with a protective MBR written over sector 0 half the time. */
    @FuzzTest(maxDuration = "10s")
    void gpt(byte[] image) {
        long sectors = Math.max(3, (image.length + 511) / 512);
        TableProperty.holds(new ImageBlock(image, 512, sectors));
        if (image.length >= 512) {
            byte[] protective = image.clone();
            protective[446 + 4] = (byte) 0xEE;
            protective[510] = 0x55;
            protective[511] = (byte) 0xAA;
            TableProperty.holds(new ImageBlock(protective, 512, sectors));
        }
    }
}
