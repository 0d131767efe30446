package mirage.link.internal.reach;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

class KeepRulesFuzzTest {

    /**
     * Any text: parses to rules whose patterns match without failing, or is refused with a
     * RuleException of one line that names the file and line.
     */
    @FuzzTest(maxDuration = "10s")
    void parse(FuzzedDataProvider data) {
        String name = data.consumeString(40);
        String text = data.consumeRemainingAsString();
        KeepRules rules;
        try {
            rules = KeepRules.parse("m", "m.keep", text);
        } catch (KeepRules.RuleException e) {
            assertTrue(e.getMessage().startsWith("m.keep line "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            return;
        }
        for (KeepRules.Rule r : rules.rules()) {
            if (r instanceof KeepRules.Rule.Keep k) {
                k.pattern().matches(name);
                assertTrue(name.startsWith(k.pattern().literalPrefix()) || !k.pattern().matches(name));
            }
        }
    }
}
