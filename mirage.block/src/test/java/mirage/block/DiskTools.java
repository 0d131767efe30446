package mirage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's sfdisk and sgdisk, installing them (fdisk, gdisk) when missing and possible. */
final class DiskTools {
    private static Boolean available;

    private DiskTools() {}

    static synchronized void require() {
        if (available == null) {
            available = found() || (install() && found());
        }
        assumeTrue(available, "sfdisk and sgdisk are missing and `apt-get install -y fdisk gdisk` failed"
                + " (needs root and a package mirror): the tests against real partitioning tools are skipped");
    }

    private static boolean found() {
        return onPath("sfdisk") && onPath("sgdisk");
    }

    private static boolean onPath(String tool) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static boolean install() {
        try {
            return quietly("apt-get", "update") == 0 && quietly("apt-get", "install", "-y", "fdisk", "gdisk") == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int quietly(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    /** Runs a tool with {@code stdin}, fails on a non-zero status, returns its standard output. */
    static String run(String stdin, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, cmd.get(0)))) {
                cmd.set(0, dir + "/" + cmd.get(0));
                break;
            }
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    /** One line of {@code sfdisk -d}. */
    record Dumped(int index, long start, long size, String type, String uuid, String name, boolean bootable) {}

    private static final Pattern LINE = Pattern.compile("^\\S+?(\\d+) : start=\\s*(\\d+), size=\\s*(\\d+), type=([^,\\s]+)(.*)$");

    /** Parses {@code sfdisk -d DISK}. */
    static List<Dumped> dump(Path disk) throws IOException, InterruptedException {
        List<Dumped> out = new ArrayList<>();
        for (String line : run("", "sfdisk", "-d", disk.toString()).split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String rest = m.group(5);
            Matcher uuid = Pattern.compile("uuid=([0-9A-Fa-f-]+)").matcher(rest);
            Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(rest);
            out.add(new Dumped(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    m.group(4), uuid.find() ? uuid.group(1).toLowerCase() : null,
                    name.find() ? unescape(name.group(1)) : null, rest.contains("bootable")));
        }
        return out;
    }

    /** sfdisk writes non-ASCII name bytes as {@code \xHH}. */
    private static String unescape(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
                bytes.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                bytes.write(s.charAt(i));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
