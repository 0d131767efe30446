package mirage.core;

import java.util.List;

final class ArgumentsTestSupport {
    private ArgumentsTestSupport() {}

    static Arguments parseOrFail(List<RuntimeArg<?>> declared, List<String> argv) {
        try {
            return Arguments.parse(declared, argv);
        } catch (ArgumentException e) {
            throw new AssertionError(argv + ": " + e.getMessage(), e);
        }
    }
}
