package mirage.benchmarks.regress;

/** JSON that cannot be read, or read JSON without the shape {@code regress} needs. */
public final class JsonException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With a message naming what was wrong and, where known, the offset. */
    public JsonException(String message) {
        super(message);
    }
}
