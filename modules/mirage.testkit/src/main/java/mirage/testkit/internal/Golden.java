package mirage.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compares a rendered text with a checked-in golden file, or rewrites the file. */
public final class Golden {
    private Golden() {}

    /**
     * Checks that {@code golden} holds exactly {@code actual} (line endings aside); with
     * {@code update} it rewrites the file when it differs instead.
     *
     * @throws AssertionError naming the difference and how to accept it
     */
    public static void verify(Path golden, String actual, boolean update, String property) {
        String expected = readIfPresent(golden);
        if (actual.equals(expected)) {
            return;
        }
        if (update) {
            write(golden, actual);
            System.out.println("[mirage.testkit] wrote " + golden);
            return;
        }
        String accept = "If the change is intended, accept it by running the module's tests with -D"
                + property + "=true" + mavenHint(golden, property)
                + ", which rewrites " + golden.getFileName() + "; then commit that file.";
        if (expected == null) {
            throw new AssertionError("Golden file " + golden + " does not exist. " + accept);
        }
        throw new AssertionError("The module surface changed: " + golden
                + " differs from the compiled module-info.class.\n"
                + LineDiff.diff(golden.getFileName() + " (checked in)", expected,
                        "module-info.class (compiled)", actual)
                + accept);
    }

    private static String mavenHint(Path golden, String property) {
        Path moduleDir = golden.toAbsolutePath().normalize().getParent();
        for (Path dir = moduleDir == null ? null : moduleDir.getParent(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return " (./mvnw -B verify -pl " + dir.relativize(moduleDir) + " -am -D" + property + "=true)";
            }
        }
        return "";
    }

    private static String readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
