package mirage.link.internal.vm;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** No input makes {@link BzImage#vmlinux} throw anything but {@link MalformedException}. */
class BzImageFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void vmlinux(FuzzedDataProvider data) {
        int version = data.consumeInt(0x0200, 0x0210);
        boolean lz4 = data.consumeBoolean();
        byte[] payload = data.consumeRemainingAsBytes();
        if (lz4 && payload.length >= 4) {
            payload[0] = 0x02;
            payload[1] = 0x21;
            payload[2] = 0x4c;
            payload[3] = 0x18;
        }
        try {
            BzImage.vmlinux(BzImageTest.bzImage(payload, version));
        } catch (MalformedException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new AssertionError("not one line: " + e.getMessage());
            }
        }
    }
}
