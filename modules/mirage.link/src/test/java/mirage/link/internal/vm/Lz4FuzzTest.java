package mirage.link.internal.vm;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** No input makes the LZ4 decoders throw anything but {@link MalformedException} or exceed their bound. */
class Lz4FuzzTest {
    @FuzzTest(maxDuration = "30s")
    void block(FuzzedDataProvider data) {
        int max = data.consumeInt(0, 1 << 16);
        byte[] in = data.consumeRemainingAsBytes();
        byte[] out = new byte[max + 8];
        try {
            int n = Lz4.decodeBlock(in, 0, in.length, out, 4, 4 + max);
            if (n < 0 || n > max) {
                throw new AssertionError("wrote " + n + " of at most " + max);
            }
        } catch (MalformedException e) {
            check(e);
        }
        for (int i = 0; i < 4; i++) {
            if (out[i] != 0 || out[out.length - 1 - i] != 0) {
                throw new AssertionError("wrote outside its bounds");
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void legacyFrame(FuzzedDataProvider data) {
        int max = data.consumeInt(0, 1 << 20);
        boolean magic = data.consumeBoolean();
        byte[] rest = data.consumeRemainingAsBytes();
        byte[] in = rest;
        if (magic) {
            in = new byte[rest.length + 4];
            in[0] = 0x02;
            in[1] = 0x21;
            in[2] = 0x4c;
            in[3] = 0x18;
            System.arraycopy(rest, 0, in, 4, rest.length);
        }
        try {
            byte[] out = Lz4.decodeLegacyFrame(in, 0, in.length, max);
            if (out.length > max) {
                throw new AssertionError("decoded " + out.length + " of at most " + max);
            }
        } catch (MalformedException e) {
            check(e);
        }
    }

    private static void check(MalformedException e) {
        if (e.getMessage() == null || e.getMessage().isEmpty() || e.getMessage().contains("\n")) {
            throw new AssertionError("not one line: " + e.getMessage());
        }
    }
}
