package mirage.link.internal.vm;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;

/** No module file makes {@link KernelModules#modinfo} throw anything but {@link MalformedException}. */
class ModinfoFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void modinfo(FuzzedDataProvider data) {
        boolean wellFormed = data.consumeBoolean();
        byte[] input = wellFormed ? TestElf.module(data.consumeRemainingAsString()).build() : data.consumeRemainingAsBytes();
        try {
            Map<String, List<String>> info = KernelModules.modinfo(input);
            for (String key : info.keySet()) {
                if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
                    throw new AssertionError("bad key '" + key + "'");
                }
            }
        } catch (MalformedException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new AssertionError("not one line: " + e.getMessage());
            }
        }
    }
}
