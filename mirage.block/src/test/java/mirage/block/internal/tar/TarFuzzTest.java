package mirage.block.internal.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

class TarFuzzTest {

    /** Any 512 bytes: a header, or a TarFormatException; never another exception. */
    @FuzzTest(maxDuration = "10s")
    void header(FuzzedDataProvider data) {
        byte[] block = Arrays.copyOf(data.consumeBytes(TarHeader.BLOCK), TarHeader.BLOCK);
        try {
            TarHeader h = TarHeader.parse(block, 0);
            if (h.size() < 0) {
                throw new AssertionError("negative size " + h.size());
            }
        } catch (TarFormatException e) {
            // typed
        }
        byte[] rest = data.consumeRemainingAsBytes();
        try {
            Pax.parse(rest, rest.length);
        } catch (TarFormatException e) {
            // typed
        }
    }

    /**
     * Any bytes as an archive: opening gives a STORAGE error or a store whose every listed
     * entry reads back consistently, without reading outside the device (see
     * {@link TarPropertiesTest#checkConsistent}).
     */
    @FuzzTest(maxDuration = "10s")
    void archive(byte[] bytes) throws Exception {
        assertEquals(true, TarPropertiesTest.openedConsistently(bytes));
    }
}
