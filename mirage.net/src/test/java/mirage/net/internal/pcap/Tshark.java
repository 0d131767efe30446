package mirage.net.internal.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Runs Debian's tshark, installing it when missing and possible (as root, with a package mirror). */
final class Tshark {
    private static Boolean available;

    private Tshark() {}

    static synchronized void require() {
        if (available == null) {
            available = found() || (install() && found());
        }
        assumeTrue(available, "tshark is missing and `apt-get install -y tshark` failed (needs root and a package"
                + " mirror): the tests that decode our captures with Wireshark's dissectors are skipped");
    }

    private static boolean found() {
        for (String dir : (System.getenv("PATH") + ":/usr/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "tshark"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean install() {
        try {
            // wireshark-common asks whether non-root users may capture; answer before it asks.
            Process preseed = new ProcessBuilder("debconf-set-selections").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (var in = preseed.getOutputStream()) {
                in.write("wireshark-common wireshark-common/install-setuid boolean false\n".getBytes(StandardCharsets.UTF_8));
            }
            preseed.waitFor();
            return quietly("apt-get", "update") == 0
                    && quietly("apt-get", "install", "-y", "--no-install-recommends", "tshark") == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int quietly(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return pb.start().waitFor();
    }

    /**
     * {@code tshark -r FILE ARGS...} with IPv4 and UDP checksum validation on (Wireshark leaves
     * them off by default), in a private configuration directory; fails on a non-zero status;
     * returns standard output.
     */
    static String read(Path file, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"));
        cmd.addAll(List.of(args));
        Path home = Files.createTempDirectory("tshark-home");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("HOME", home.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), () -> String.join(" ", cmd) + " failed:\n" + out);
            return out;
        } finally {
            deleteTree(home); // whatever tshark wrote there (its profile, recent files)
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
