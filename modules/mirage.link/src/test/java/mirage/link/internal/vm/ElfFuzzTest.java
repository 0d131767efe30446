package mirage.link.internal.vm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/** No input makes {@link Elf} throw anything but {@link MalformedException}. */
class ElfFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) {
        readEverything(input);
    }

    static void readEverything(byte[] input) {
        try {
            Elf elf = Elf.read(ByteBuffer.wrap(input));
            elf.type();
            for (Elf.Section s : elf.sections()) {
                elf.contents(s).remaining();
            }
            elf.section(".modinfo");
            elf.notes();
            elf.dynamic();
            elf.interpreter();
        } catch (MalformedException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty() || e.getMessage().contains("\n")) {
                throw new AssertionError("not one line: " + e.getMessage());
            }
        }
    }
}
