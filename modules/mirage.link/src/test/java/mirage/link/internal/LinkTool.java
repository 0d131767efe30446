package mirage.link.internal;

import java.util.List;

/** For tests of other packages: jlink in this JVM with the link tool's plugins registered. */
public final class LinkTool {
    private LinkTool() {}

    public static void jlink(List<String> args) throws LinkException {
        Link.jlink(args);
    }
}
