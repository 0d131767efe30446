package mirage.link.internal;

import java.util.List;

/** For tests of other packages: jlink in this JVM with the link tool's plugins registered, and file helpers. */
public final class LinkTool {
    private LinkTool() {}

    public static void jlink(List<String> args) throws LinkException {
        Link.jlink(args);
    }

    /** Copies the tree {@code from} to {@code to} (which must not exist). */
    public static void copyTree(java.nio.file.Path from, java.nio.file.Path to) throws LinkException {
        Files2.copyTree(from, to);
    }
}
