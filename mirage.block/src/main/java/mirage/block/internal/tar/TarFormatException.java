package mirage.block.internal.tar;

/** A block that is not a well-formed tar header (or extended header data). */
final class TarFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether only the checksum is wrong: the block is not a header at all. */
    final boolean checksum;

    TarFormatException(String message, boolean checksum) {
        super(message);
        this.checksum = checksum;
    }

    TarFormatException(String message) {
        this(message, false);
    }
}
