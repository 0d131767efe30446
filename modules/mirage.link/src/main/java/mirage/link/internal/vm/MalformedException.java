package mirage.link.internal.vm;

/**
 * Bytes that are not what a reader of this package expects (an ELF file, an LZ4 stream, a
 * kernel image's setup header, a module's {@code .modinfo}). The message is one line saying
 * what is wrong and where; callers add which file it was.
 */
public final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
        super(message);
    }
}
