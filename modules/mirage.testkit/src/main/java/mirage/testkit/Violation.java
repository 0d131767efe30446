package mirage.testkit;

import java.util.Objects;

/**
 * One breach of the signature-only-exports rule.
 *
 * @param className the binary name of the offending class, e.g. {@code mirage.core.Foo$Bar}
 * @param reason    why it is not allowed and what to do, phrased to follow the class name,
 *                  e.g. {@code "is an abstract class that is not sealed: …"}
 */
public record Violation(String className, String reason) {
    public Violation {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(reason, "reason");
    }

    /** The full sentence: the class name followed by the reason. */
    public String message() {
        return className + " " + reason;
    }

    @Override
    public String toString() {
        return message();
    }
}
