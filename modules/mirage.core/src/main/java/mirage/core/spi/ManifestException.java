package mirage.core.spi;

/** A device manifest's text is malformed. The message names the line and what is wrong. */
public class ManifestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;

    public ManifestException(int line, String message) {
        super("manifest line " + line + ": " + message);
        this.line = line;
    }

    /** The 1-based line at fault. */
    public int line() {
        return line;
    }
}
